/**
 * byoasn-teardown: the documented cleanup order, each step verified before the next:
 * approval → wait for in-flight changes to settle → revert to the AWS ASN or withdraw (10 s apart)
 * → wait settled → disassociate the ASN from every CIDR → wait disassociated → deprovision the ASN
 * → wait deprovisioned → optionally deprovision the CIDRs from their pools → wait deprovisioned.
 *
 * Not compensated: every step checks and skips what is already done, so after a failure the same
 * input is simply run again.
 */
import { PollProfiles } from '../domain/polling';
import { MAX_EXECUTION_SECONDS } from '../domain/validation';
import { ChainBuilder, initialize, verifyRequester } from './lib/builder';
import { defineWorkflow } from './lib/define';

function build() {
  const c = new ChainBuilder().catchFailuresAt('TeardownStopped');
  initialize(c);
  c.task('ValidateInput', { fn: 'ValidateByoasnTeardownInput', parameters: { 'input.$': '$.input' }, resultPath: '$.plan' });
  verifyRequester(c);
  c.holdLeases({ resourcesPath: '$.plan.lock.resources', leaseSeconds: MAX_EXECUTION_SECONDS, purpose: 'byoasn-teardown' });
  c.task('CaptureState', {
    fn: 'CaptureByoasnTeardownState',
    parameters: { 'region.$': '$.plan.region', 'ipamId.$': '$.plan.ipamId', 'asn.$': '$.plan.asn', 'cidrs.$': '$.plan.cidrs' },
    resultPath: '$.state',
  });
  c.planAndApprove({
    workflow: 'byoasn-teardown',
    planState: 'PlanTeardown',
    planFn: 'PlanByoasnTeardown',
    planParameters: {
      'migrationId.$': '$.plan.migrationId',
      'asn.$': '$.plan.asn',
      'ipamId.$': '$.plan.ipamId',
      'origin.$': '$.plan.origin',
      'deprovisionPoolCidrs.$': '$.plan.deprovisionPoolCidrs',
      'approvers.$': '$.plan.approvers',
      'state.$': '$.state',
    },
  });
  c.poll('AwaitSettledBefore', {
    fn: 'CheckByoipSettled',
    comment: 'An Advertise or Withdraw still in flight (e.g. from an interrupted run) settles first.',
    parameters: { 'region.$': '$.plan.region', 'cidrs.$': '$.plan.cidrs', target: 'settled' },
    profile: PollProfiles.advertisement,
    resultPath: '$.wait.settledBefore',
  });

  // 1. The origin: back to the AWS ASN, or withdrawn.
  const originItem = {
    'cidr.$': '$$.Map.Item.Value.cidr',
    'waitSeconds.$': '$$.Map.Item.Value.waitSeconds',
    'region.$': '$.plan.region',
    'accountId.$': '$.plan.accountId',
    'execution.$': '$.execution',
    'approval.$': '$.approval',
  };
  // The origin change (back to AWS's ASN, or a withdrawal) is the point of no return: a failure from here waits for an operator.
  c.pivot({ workflow: 'byoasn-teardown', label: 'the origin change or withdrawal', approversPath: '$.plan.approvers', decisions: ['forward', 'stop'] });
  c.when('RevertToAwsAsn', '$.plan.revert', (b) => {
    b.spacedCidrCalls('RevertOrigins', {
      itemsPath: '$.state.originItems',
      itemSelector: originItem,
      spacing: 'SpaceRevertCalls',
      task: 'AdvertiseFromAwsAsn',
      fn: 'AdvertiseWithAsn',
      parameters: {
        'accountId.$': '$.accountId',
        'region.$': '$.region',
        'cidr.$': '$.cidr',
        asn: 'AWS',
        'execution.$': '$.execution',
        'approval.$': '$.approval',
      },
      resultPath: '$.advertise',
    });
  });
  c.when('WithdrawAdvertisements', '$.plan.withdraw', (b) => {
    b.spacedCidrCalls('WithdrawCidrs', {
      itemsPath: '$.state.originItems',
      itemSelector: originItem,
      spacing: 'SpaceWithdrawCalls',
      task: 'WithdrawCidr',
      fn: 'WithdrawCidr',
      parameters: { 'region.$': '$.region', 'cidr.$': '$.cidr', 'approval.$': '$.approval' },
      resultPath: '$.withdraw',
    });
  });
  c.poll('AwaitOriginSettled', {
    fn: 'CheckByoipSettled',
    parameters: { 'region.$': '$.plan.region', 'cidrs.$': '$.plan.cidrs', 'target.$': '$.plan.originTarget' },
    profile: PollProfiles.advertisement,
    resultPath: '$.wait.origin',
  });

  // 2. Every association.
  c.task('DisassociateAsn', {
    fn: 'DisassociateByoasn',
    parameters: { 'region.$': '$.plan.region', 'asn.$': '$.plan.asn', 'cidrs.$': '$.plan.cidrs' },
    resultPath: '$.disassociation',
  });
  c.poll('AwaitDisassociated', {
    fn: 'CheckAsnAssociations',
    parameters: { 'region.$': '$.plan.region', 'asn.$': '$.plan.asn', 'cidrs.$': '$.plan.cidrs', target: 'disassociated' },
    profile: PollProfiles.asnAssociation,
    resultPath: '$.wait.disassociated',
  });

  // 3. The ASN.
  c.task('DeprovisionAsn', {
    fn: 'DeprovisionByoasn',
    parameters: { 'region.$': '$.plan.region', 'ipamId.$': '$.plan.ipamId', 'asn.$': '$.plan.asn' },
    resultPath: '$.deprovision',
  });
  c.poll('AwaitAsnDeprovisioned', {
    fn: 'CheckByoasn',
    parameters: { 'region.$': '$.plan.region', 'ipamId.$': '$.plan.ipamId', 'asn.$': '$.plan.asn', target: 'deprovisioned' },
    profile: PollProfiles.byoasn,
    resultPath: '$.wait.asnDeprovisioned',
  });

  // 4. Optionally the CIDRs, from whichever pools hold them.
  c.when('ShouldDeprovisionPoolCidrs', '$.plan.deprovisionPoolCidrs', (b) => {
    b.map('DeprovisionFromPools', {
      itemsPath: '$.state.poolCidrs',
      maxConcurrency: 1,
      resultPath: null,
      itemSelector: { 'poolId.$': '$$.Map.Item.Value.poolId', 'cidrs.$': '$$.Map.Item.Value.cidrs', 'region.$': '$.plan.region', wait: {} },
      build: (m) => {
        m.task('DeprovisionPoolCidrs', {
          fn: 'DeprovisionPoolCidrs',
          parameters: { 'region.$': '$.region', 'poolId.$': '$.poolId', 'cidrs.$': '$.cidrs' },
          resultPath: '$.deprovisioned',
        });
        m.poll('AwaitPoolCidrsDeprovisioned', {
          fn: 'CheckPoolCidrs',
          parameters: { 'region.$': '$.region', 'poolId.$': '$.poolId', 'cidrs.$': '$.cidrs', target: 'deprovisioned' },
          profile: PollProfiles.poolCidr,
          resultPath: '$.wait.deprovisioned',
        });
      },
    });
  });
  c.finish('TornDown', {
    'migrationId.$': '$.plan.migrationId',
    'asn.$': '$.plan.asn',
    'cidrs.$': '$.plan.cidrs',
    'origin.$': '$.plan.origin',
    'before.$': '$.state',
    'approval.$': '$.approval',
  });
  c.stopWithoutRollback('TeardownStopped');
  return c;
}

export const byoasnTeardown = defineWorkflow({
  name: 'byoasn-teardown',
  description: 'BYOASN cleanup in order: revert to the AWS ASN or withdraw, disassociate, deprovision the ASN, optionally the pool CIDRs. Re-runnable.',
  recovery: 'rerun',
  summary: 'Tears down a BYOASN in the documented order; re-run to continue after a failure.',
  chain: build,
});
