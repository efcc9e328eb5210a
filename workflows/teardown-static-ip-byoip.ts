/**
 * teardown-static-ip-byoip: the documented reverse order. Delete the accelerator that uses the
 * addresses (endpoint groups → listeners → disable → wait DEPLOYED → delete → wait gone), withdraw
 * each range (10 s apart), then optionally deprovision. Approval first: withdrawing changes what the
 * internet routes, and refuses while any accelerator not named in the input still uses the addresses.
 *
 * Not compensated (re-advertising is not a rollback): every step checks and skips what is already
 * done, so after a failure the same input is simply run again. The leases are given back either way.
 */
import { PollProfiles } from '../domain/polling';
import { STATIC_IP_MAX_APPROVAL_SECONDS } from '../domain/static-ip';
import { ChainBuilder, initialize, verifyRequester } from './lib/builder';
import { defineWorkflow } from './lib/define';

function build() {
  // Failures stop without rollback; once the leases are held the builder gives them back first, so a re-run can take them.
  const c = new ChainBuilder().catchFailuresAt('TeardownStopped');
  initialize(c);
  c.task('ValidateInput', { fn: 'ValidateStaticIpTeardownInput', parameters: { 'input.$': '$.input' }, resultPath: '$.plan' });
  verifyRequester(c);
  c.holdLeases({ resourcesPath: '$.plan.lock.resources', leaseSeconds: { path: '$.plan.lock.leaseSeconds' }, purpose: 'teardown-static-ip-byoip' });
  c.task('CaptureState', {
    fn: 'CaptureStaticIpTeardownState',
    parameters: { 'cidrs.$': '$.plan.cidrs', 'accelerator.$': '$.plan.accelerator' },
    resultPath: '$.state',
  });
  c.planAndApprove({
    workflow: 'teardown-static-ip-byoip',
    planState: 'PlanTeardown',
    planFn: 'PlanStaticIpTeardown',
    planParameters: {
      'migrationId.$': '$.plan.migrationId',
      'cidrs.$': '$.plan.cidrs',
      'deprovision.$': '$.plan.deprovision',
      'approvers.$': '$.plan.approvers',
      'state.$': '$.state',
    },
    maxTimeoutSeconds: STATIC_IP_MAX_APPROVAL_SECONDS,
  });
  c.when('AcceleratorToDelete', '$.state.accelerator.found', (b) => {
    const arn = { 'acceleratorArn.$': '$.state.accelerator.arn' };
    b.poll('AwaitAcceleratorSettled', {
      fn: 'CheckGaAccelerator',
      parameters: { ...arn, target: 'settled' },
      profile: PollProfiles.acceleratorDeployment,
      resultPath: '$.wait.settled',
    });
    b.task('RemoveRouting', { fn: 'RemoveGaAcceleratorRouting', parameters: arn, resultPath: '$.routingRemoved' });
    b.task('DisableAccelerator', { fn: 'DisableGaAccelerator', parameters: arn, resultPath: '$.disabled' });
    b.poll('AwaitAcceleratorDisabled', {
      fn: 'CheckGaAccelerator',
      parameters: { ...arn, target: 'settled' },
      profile: PollProfiles.acceleratorDeployment,
      resultPath: '$.wait.disabled',
    });
    b.task('DeleteAccelerator', { fn: 'DeleteGaAccelerator', parameters: arn, resultPath: '$.deleted' });
    b.poll('AwaitAcceleratorDeleted', {
      fn: 'CheckGaAccelerator',
      parameters: { ...arn, target: 'deleted' },
      profile: PollProfiles.acceleratorDeployment,
      resultPath: '$.wait.deleted',
    });
  });
  // The withdrawal is the point of no return: from here a failure waits for an operator (forward or stop), not a re-run.
  c.pivot({ workflow: 'teardown-static-ip-byoip', label: 'the withdrawal', approversPath: '$.plan.approvers', decisions: ['forward', 'stop'] });
  c.spacedCidrCalls('WithdrawCidrs', {
    itemsPath: '$.plan.withdrawItems',
    itemSelector: { 'cidr.$': '$$.Map.Item.Value.cidr', 'waitSeconds.$': '$$.Map.Item.Value.waitSeconds', 'approval.$': '$.approval' },
    spacing: 'SpaceWithdrawCalls',
    spacingComment: 'GA allows one WithdrawByoipCidr per 10 s per account.',
    task: 'WithdrawCidr',
    fn: 'WithdrawGaByoipCidr',
    parameters: { 'cidr.$': '$.cidr', 'approval.$': '$.approval' },
    resultPath: '$.withdraw',
  });
  c.poll('AwaitWithdrawn', {
    fn: 'CheckGaByoipCidrs',
    parameters: { 'cidrs.$': '$.plan.cidrs', target: 'withdrawn' },
    profile: PollProfiles.advertisement,
    resultPath: '$.wait.withdrawn',
  });
  c.when('Deprovision', '$.plan.deprovision', (b) => {
    b.task('DeprovisionCidrs', { fn: 'DeprovisionGaByoipCidrs', parameters: { 'cidrs.$': '$.plan.cidrs' }, resultPath: '$.deprovisioned' });
    b.poll('AwaitDeprovisioned', {
      fn: 'CheckGaByoipCidrs',
      parameters: { 'cidrs.$': '$.plan.cidrs', target: 'deprovisioned' },
      profile: PollProfiles.poolCidr,
      resultPath: '$.wait.deprovisioned',
    });
  });
  c.finish('TornDown', { 'migrationId.$': '$.plan.migrationId', 'cidrs.$': '$.plan.cidrs', 'state.$': '$.state', 'approval.$': '$.approval' });
  c.stopWithoutRollback('TeardownStopped');
  return c;
}

export const teardownStaticIpByoip = defineWorkflow({
  name: 'teardown-static-ip-byoip',
  description: 'Reverse of static-ip-byoip: delete the accelerator, withdraw, deprovision. Re-runnable.',
  recovery: 'rerun',
  summary: 'Tears down Global Accelerator BYOIP in the documented order; re-run to continue after a failure.',
  chain: build,
});
