/**
 * teardown-cloudfront-byoip: the documented reverse order, "delete CloudFront resources first, then
 * proceed with IPAM cleanup": detach the list from distributions (wait Deployed) → delete the list →
 * withdraw each /24 (10 s apart) → deprovision from the global pool → delete it → optionally hand the
 * space back from the top-level pool. Approval first: withdrawing changes what the internet routes.
 *
 * Not compensated (re-advertising is not a rollback): every step checks and skips what is already
 * done, so after a failure the same input is simply run again.
 */
import { PollProfiles } from '../domain/polling';
import { MAX_EXECUTION_SECONDS } from '../domain/validation';
import { ChainBuilder, initialize, PRECONDITION_RETRY, verifyRequester } from './lib/builder';
import { defineWorkflow } from './lib/define';

function build() {
  // A stopped teardown gives its leases back first (the builder's), so re-running it isn't blocked by itself.
  const c = new ChainBuilder().catchFailuresAt('TeardownStopped');
  initialize(c);
  c.task('ValidateInput', { fn: 'ValidateTeardownInput', parameters: { 'input.$': '$.input' }, resultPath: '$.plan' });
  verifyRequester(c);
  c.holdLeases({
    resourcesPath: '$.plan.locks.resources',
    waitPath: '$.plan.locks.wait',
    purpose: 'teardown-cloudfront-byoip',
    leaseSeconds: MAX_EXECUTION_SECONDS,
  });
  c.parallel('CaptureState', {
    comment: 'What is left to tear down; a re-run after a partial teardown finds less.',
    branches: [
      (b) => b.task('FindAnycastList', { fn: 'FindAnycastList', parameters: { 'name.$': '$.plan.anycastIpListName' }, resultPath: '$' }),
      (b) =>
        b.task('FindPools', {
          fn: 'FindByoipPools',
          parameters: {
            'region.$': '$.plan.region',
            'ipamId.$': '$.plan.ipamId',
            'migrationId.$': '$.plan.migrationId',
            'cidrs.$': '$.plan.cidrs',
            'topLevelCidrs.$': '$.plan.topLevelCidrs',
          },
          resultPath: '$',
        }),
    ],
    resultSelector: {
      'anycastList.$': '$[0]',
      'distributionIds.$': '$[0].distributionIds',
      'globalPool.$': '$[1].globalPool',
      'topLevelPool.$': '$[1].topLevelPool',
    },
    resultPath: '$.state',
  });
  c.task('CheckDnsMovedAway', {
    fn: 'InspectDnsRecords',
    comment: 'Withdrawing while DNS still answers the anycast IPs would black-hole that traffic.',
    parameters: { 'records.$': '$.plan.dnsRecordsToCheck', inputPath: 'dnsRecordsToCheck', 'forbidValues.$': '$.state.anycastList.anycastIps' },
    resultPath: null,
  });
  c.planAndApprove({
    workflow: 'teardown-cloudfront-byoip',
    planState: 'PlanTeardown',
    planFn: 'PlanTeardown',
    planParameters: {
      'migrationId.$': '$.plan.migrationId',
      'cidrs.$': '$.plan.cidrs',
      'topLevelCidrs.$': '$.plan.topLevelCidrs',
      'deprovisionTopLevel.$': '$.plan.deprovisionTopLevel',
      'deletePools.$': '$.plan.deletePools',
      'approvers.$': '$.plan.approvers',
      'restoreDistributions.$': '$.plan.restoreDistributions',
      'state.$': '$.state',
    },
  });
  c.map('DetachAnycastIpList', {
    itemsPath: '$.state.distributionIds',
    maxConcurrency: 4,
    resultPath: null,
    itemSelector: { 'distributionId.$': '$$.Map.Item.Value', 'restore.$': '$.plan.restoreDistributions', wait: {} },
    build: (m) => {
      m.task('DetachListFromDistribution', {
        fn: 'SetDistributionAnycastList',
        comment: 'Removes the list and puts back the settings the onboarding found (restoreDistributions), if given.',
        parameters: { 'distributionId.$': '$.distributionId', mode: 'detach', 'restore.$': '$.restore' },
        resultPath: '$.detach',
        retry: [PRECONDITION_RETRY],
      });
      m.poll('AwaitDetachDeployed', {
        fn: 'CheckDistributionDeployed',
        parameters: { 'distributionId.$': '$.distributionId' },
        profile: PollProfiles.cloudfrontDeployment,
        resultPath: '$.wait.deployed',
      });
    },
  });
  c.when('ListToDelete', '$.state.anycastList.found', (b) => {
    b.task('DeleteAnycastIpList', {
      fn: 'DeleteAnycastIpList',
      parameters: { 'id.$': '$.state.anycastList.id' },
      resultPath: '$.listDeletion',
      retry: [PRECONDITION_RETRY],
    });
    b.poll('AwaitListDeleted', {
      fn: 'CheckAnycastIpList',
      parameters: { 'id.$': '$.state.anycastList.id', target: 'deleted' },
      profile: PollProfiles.cloudfrontDeployment,
      resultPath: '$.wait.listDeleted',
    });
  });
  // The withdrawal is the point of no return: from here a failure waits for an operator (forward or stop), not a re-run.
  c.pivot({ workflow: 'teardown-cloudfront-byoip', label: 'the withdrawal', approversPath: '$.plan.approvers', decisions: ['forward', 'stop'] });
  c.spacedCidrCalls('WithdrawCidrs', {
    itemsPath: '$.plan.withdrawItems',
    itemSelector: {
      'cidr.$': '$$.Map.Item.Value.cidr',
      'waitSeconds.$': '$$.Map.Item.Value.waitSeconds',
      'region.$': '$.plan.region',
      'approval.$': '$.approval',
    },
    spacing: 'SpaceWithdrawCalls',
    task: 'WithdrawCidr',
    fn: 'WithdrawCidr',
    parameters: { 'region.$': '$.region', 'cidr.$': '$.cidr', 'approval.$': '$.approval' },
    resultPath: '$.withdraw',
  });
  c.poll('AwaitWithdrawn', {
    fn: 'CheckByoipCidrs',
    parameters: { 'region.$': '$.plan.region', 'cidrs.$': '$.plan.cidrs', target: 'withdrawn' },
    profile: PollProfiles.advertisement,
    resultPath: '$.wait.withdrawn',
  });
  c.when('GlobalPoolToClean', '$.state.globalPool.found', (b) => {
    b.task('DeprovisionGlobalCidrs', {
      fn: 'DeprovisionPoolCidrs',
      parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.state.globalPool.poolId', 'cidrs.$': '$.plan.cidrs' },
      resultPath: '$.deprovisioned.global',
    });
    b.poll('AwaitGlobalDeprovisioned', {
      fn: 'CheckPoolCidrs',
      parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.state.globalPool.poolId', 'cidrs.$': '$.plan.cidrs', target: 'deprovisioned' },
      profile: PollProfiles.poolCidr,
      resultPath: '$.wait.globalDeprovisioned',
    });
  });
  c.when('DeletePools', '$.plan.deletePools', (b) => {
    b.when('GlobalPoolExists', '$.state.globalPool.found', (g) => {
      g.task('DeleteGlobalPool', {
        fn: 'DeleteIpamPool',
        parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.state.globalPool.poolId' },
        resultPath: '$.poolDeletion.global',
      });
      g.poll('AwaitGlobalPoolDeleted', {
        fn: 'CheckIpamPool',
        parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.state.globalPool.poolId', target: 'deleted' },
        profile: PollProfiles.poolState,
        resultPath: '$.wait.globalPoolDeleted',
      });
    });
  });
  c.when('DeprovisionTopLevel', '$.plan.deprovisionTopLevel', (b) => {
    b.when('TopLevelPoolExists', '$.state.topLevelPool.found', (t) => {
      t.task('DeprovisionTopLevelCidrs', {
        fn: 'DeprovisionPoolCidrs',
        parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.state.topLevelPool.poolId', 'cidrs.$': '$.plan.topLevelCidrs' },
        resultPath: '$.deprovisioned.topLevel',
      });
      t.poll('AwaitTopLevelDeprovisioned', {
        fn: 'CheckPoolCidrs',
        parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.state.topLevelPool.poolId', 'cidrs.$': '$.plan.topLevelCidrs', target: 'deprovisioned' },
        profile: PollProfiles.poolCidr,
        resultPath: '$.wait.topLevelDeprovisioned',
      });
      t.when('DeleteTopLevelToo', '$.plan.deletePools', (d) => {
        d.task('DeleteTopLevelPool', {
          fn: 'DeleteIpamPool',
          parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.state.topLevelPool.poolId' },
          resultPath: '$.poolDeletion.topLevel',
        });
        d.poll('AwaitTopLevelPoolDeleted', {
          fn: 'CheckIpamPool',
          parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.state.topLevelPool.poolId', target: 'deleted' },
          profile: PollProfiles.poolState,
          resultPath: '$.wait.topLevelPoolDeleted',
        });
      });
    });
  });
  c.finish('TornDown', {
    'migrationId.$': '$.plan.migrationId',
    'cidrs.$': '$.plan.cidrs',
    'state.$': '$.state',
    'approval.$': '$.approval',
    'warnings.$': '$.warnings',
  });
  c.stopWithoutRollback('TeardownStopped');
  return c;
}

export const teardownCloudfrontByoip = defineWorkflow({
  name: 'teardown-cloudfront-byoip',
  description: 'Reverse of onboarding: detach and delete the anycast list, withdraw, deprovision, delete pools. Re-runnable.',
  recovery: 'rerun',
  summary: 'Tears down CloudFront BYOIP in the documented order; re-run to continue after a failure.',
  chain: build,
});
