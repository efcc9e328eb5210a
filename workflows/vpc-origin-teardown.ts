/**
 * vpc-origin-teardown: the documented order and nothing else.
 *   approval (always before "disable", and before "detach" when aliases go)
 *   → detach the teams' origins from the distribution (or disable it), under its lock, wait Deployed
 *   → revoke the RAM sharing (refused while any distribution still uses an origin)
 *   → delete the VPC origin (IfMatch) and wait until it is gone
 *   → confirm nothing references it (ListDistributionsByOwnedResource).
 * Not compensated: every step checks and skips what is already done, so after a failure the same
 * input is run again. DNS records are left alone (the team's names may move elsewhere first).
 */
import { PollProfiles } from '../domain/polling';
import { approvalWhen, ChainBuilder, initialize, PRECONDITION_RETRY, verifyRequester } from './lib/builder';
import { defineWorkflow } from './lib/define';
import { LOCK_RETRY } from './vpc-origin-share';

function build() {
  // A stopped teardown gives the lease back first (if it took it: the builder's), so the re-run does not wait for it to expire.
  const c = new ChainBuilder().catchFailuresAt('TeardownStopped');
  initialize(c);
  c.task('ValidateInput', { fn: 'ValidateVpcOriginTeardownInput', parameters: { 'input.$': '$.input' }, resultPath: '$.plan' });
  verifyRequester(c);
  c.task('CaptureState', {
    fn: 'CaptureVpcOriginTeardownState',
    comment: 'What is left (a re-run finds less); refuses if another distribution also uses an origin.',
    parameters: {
      'networkingAccountId.$': '$.plan.networkingAccountId',
      'distributionId.$': '$.plan.distributionId',
      'distributionAction.$': '$.plan.distributionAction',
      'teams.$': '$.plan.teams',
    },
    resultPath: '$.state',
  });
  approvalWhen(c, {
    workflow: 'vpc-origin-teardown',
    when: '$.state.approval.required',
    comment: 'Only origins leave (no name stops answering); a disable or an alias removal replaces this with the gate.',
    planFn: 'PlanVpcOriginTeardown',
    planParameters: {
      'migrationId.$': '$.plan.migrationId',
      'distributionId.$': '$.plan.distributionId',
      'approvers.$': '$.plan.approvers',
      'changes.$': '$.state.approval.changes',
    },
    timeoutSecondsPath: '$.plan.approval.timeoutSeconds',
    resultPath: '$.approval',
  });
  c.holdLeases({
    name: 'AcquireDistributionLock',
    resourcesPath: '$.plan.lockResources',
    leaseSeconds: { path: '$.plan.lock.leaseSeconds' },
    purpose: 'vpc-origin-teardown: detach team origins',
    retry: [LOCK_RETRY],
    comment: 'One writer of the distribution: a team joining it (vpc-origin-share) waits, and this waits for it.',
  });
  // Detaching (or disabling) changes what the distribution serves: from here a failure waits for an operator.
  c.pivot({ workflow: 'vpc-origin-teardown', label: 'the detach', approversPath: '$.plan.approvers', decisions: ['forward', 'stop'] });
  c.task('DetachTeamOrigins', {
    fn: 'DetachTeamOrigins',
    comment: 'One read-modify-write (IfMatch) for all the teams: origins, their behaviours, their aliases.',
    parameters: {
      'distributionId.$': '$.plan.distributionId',
      'lockResource.$': '$.plan.lockResource',
      'execution.$': '$.execution',
      'vpcOriginIds.$': '$.state.vpcOriginIds',
      'aliases.$': '$.state.aliases',
      'disable.$': '$.plan.disable',
      'approval.$': '$.approval',
    },
    resultPath: '$.detach',
    retry: [PRECONDITION_RETRY],
  });
  c.poll('AwaitDetachDeployed', {
    fn: 'CheckDistributionDeployed',
    parameters: { 'distributionId.$': '$.plan.distributionId' },
    profile: PollProfiles.cloudfrontDeployment,
    resultPath: '$.wait.detached',
  });
  c.releaseLeases('ReleaseDistributionLock');
  c.map('UnshareAndDelete', {
    comment: 'Per team, in its account: unshare, wait, delete the VPC origin, wait until gone, confirm unreferenced.',
    itemsPath: '$.state.teams',
    maxConcurrency: 5,
    resultPath: '$.removed',
    itemSelector: { 'team.$': '$$.Map.Item.Value', 'execution.$': '$.execution', wait: {} },
    build: (m) => {
      m.task('RevokeVpcOriginShare', {
        fn: 'RevokeVpcOriginShare',
        parameters: { 'team.$': '$.team.name', 'roleArn.$': '$.team.roleArn', 'vpcOriginArn.$': '$.team.vpcOrigin.arn', 'execution.$': '$.execution' },
        resultPath: '$.revoke',
      });
      m.poll('AwaitShareRevoked', {
        fn: 'CheckVpcOriginShareRevoked',
        parameters: { 'roleArn.$': '$.team.roleArn', 'vpcOriginArn.$': '$.team.vpcOrigin.arn' },
        profile: PollProfiles.ramShare,
        resultPath: '$.wait.revoked',
      });
      m.task('DeleteVpcOrigin', {
        fn: 'DeleteVpcOrigin',
        parameters: { 'team.$': '$.team.name', 'roleArn.$': '$.team.roleArn', 'vpcOriginId.$': '$.team.vpcOrigin.id' },
        resultPath: '$.deletion',
        retry: [PRECONDITION_RETRY],
      });
      m.poll('AwaitVpcOriginGone', {
        fn: 'CheckVpcOrigin',
        parameters: { 'roleArn.$': '$.team.roleArn', 'vpcOriginId.$': '$.team.vpcOrigin.id', target: 'deleted' },
        profile: PollProfiles.vpcOriginDeployment,
        resultPath: '$.wait.gone',
      });
      m.task('ConfirmVpcOriginUnreferenced', {
        fn: 'ConfirmVpcOriginUnreferenced',
        parameters: { 'team.$': '$.team.name', 'roleArn.$': '$.team.roleArn', 'vpcOriginArn.$': '$.team.vpcOrigin.arn' },
        resultPath: '$.references',
      });
      m.pass('TeamRemoved', {
        Parameters: { 'team.$': '$.team.name', 'vpcOriginId.$': '$.team.vpcOrigin.id', 'revoked.$': '$.revoke.revoked', 'deleted.$': '$.deletion.deleted' },
      });
    },
  });
  c.finish('TornDown', {
    'distributionId.$': '$.plan.distributionId',
    'distributionAction.$': '$.plan.distributionAction',
    'detached.$': '$.detach',
    'teams.$': '$.removed',
    'approval.$': '$.approval',
  });
  c.stopWithoutRollback('TeardownStopped');
  return c;
}

export const vpcOriginTeardown = defineWorkflow({
  name: 'vpc-origin-teardown',
  description: 'Detach team origins (or disable) → wait Deployed → unshare (RAM) → delete VPC origins → confirm unreferenced. Re-runnable.',
  recovery: 'rerun',
  summary: 'Tears down cross-account CloudFront VPC origins in the documented order; re-run to continue after a failure.',
  chain: build,
});
