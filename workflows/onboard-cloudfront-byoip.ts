/**
 * onboard-cloudfront-byoip: bring three customer /24s to CloudFront through IPAM and move DNS onto
 * them, without changing the addresses partners allow-list.
 *
 * top-level pool → provision the CIDRs (signed inside the provisioning task) → global child pool → provision the /24s →
 * anycast IP list → attach to distributions → lower DNS TTL, wait out the old TTL → approval →
 * advertise (10 s apart) → DNS to the anycast IPs → watch → verify → restore the TTL.
 * Before the advertisement any failure (or a rejection) undoes what this execution did, newest first; after
 * it (the point of no return) a failure waits for an operator: forward, back or stop (docs/runbook.md).
 */
import { AMAZON_ASNS, AWS_ORIGIN_ASN } from '../domain/internet/evidence';
import { PollProfiles } from '../domain/polling';
import { MAX_EXECUTION_SECONDS } from '../domain/validation';
import { ChainBuilder, initialize, PARK, PRECONDITION_RETRY, verifyRequester } from './lib/builder';
import { awaitBgpVisibility, preflight } from './lib/internet';
import { defineWorkflow } from './lib/define';

function build() {
  const c = new ChainBuilder();
  initialize(c);
  c.task('ValidateInput', {
    fn: 'ValidateOnboardInput',
    comment: 'Every input mistake, named, before any AWS call.',
    parameters: { 'input.$': '$.input' },
    resultPath: '$.plan',
  });
  verifyRequester(c);
  preflight(c, {
    workflow: 'onboard-cloudfront-byoip',
    regionPath: '$.plan.region',
    rdapResourcesPath: '$.plan.topLevelCidrs',
    prefixesPath: '$.plan.cidrs',
    requiredOrigins: [...AMAZON_ASNS],
    authorizationPath: '$.plan.authorization',
    internetChecksPath: '$.plan.internetChecks',
  });
  c.holdLeases({
    resourcesPath: '$.plan.locks.resources',
    waitPath: '$.plan.locks.wait',
    purpose: 'onboard-cloudfront-byoip',
    leaseSeconds: MAX_EXECUTION_SECONDS,
  });
  c.parallel('CaptureBaseline', {
    comment: 'What compensation restores, read per service: distribution settings, DNS record sets and TTLs, advertisement.',
    branches: [
      (b) => b.task('CaptureDistributions', { fn: 'InspectDistributions', parameters: { 'distributionIds.$': '$.plan.distributionIds' }, resultPath: '$' }),
      (b) =>
        b.task('CaptureDnsRecords', { fn: 'InspectDnsRecords', parameters: { 'records.$': '$.plan.dns.records', requireExisting: true }, resultPath: '$' }),
      (b) =>
        b.task('CaptureAdvertisement', { fn: 'InspectByoipCidrs', parameters: { 'region.$': '$.plan.region', 'cidrs.$': '$.plan.cidrs' }, resultPath: '$' }),
    ],
    resultSelector: { 'distributions.$': '$[0].distributions', 'dns.$': '$[1].records', 'advertisedBefore.$': '$[2].advertised' },
    resultPath: '$.baseline',
  });
  // Top-level pool and the customer's space, verified against the RDAP certificate.
  c.intent('topLevelPool', {
    action: 'EC2.DeletePool',
    label: 'delete the top-level pool this execution created',
    'region.$': '$.plan.region',
    'executionName.$': '$.execution.name',
    role: 'top-level',
  });
  c.task('EnsureTopLevelPool', {
    fn: 'EnsureIpamPool',
    parameters: {
      'region.$': '$.plan.region',
      'ipamId.$': '$.plan.ipamId',
      role: 'top-level',
      'cidrs.$': '$.plan.topLevelCidrs',
      'migrationId.$': '$.plan.migrationId',
      'execution.$': '$.execution',
    },
    resultPath: '$.pools.topLevel',
  });
  c.poll('AwaitTopLevelPool', {
    fn: 'CheckIpamPool',
    parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.pools.topLevel.poolId' },
    profile: PollProfiles.poolState,
    resultPath: '$.wait.topLevelPool',
  });
  c.intent('topLevelCidrs', {
    action: 'EC2.DeprovisionPoolCidr',
    label: 'deprovision from the top-level pool',
    'region.$': '$.plan.region',
    'poolId.$': '$.pools.topLevel.poolId',
    'each.$': '$.plan.topLevelCidrs',
    eachAs: 'cidr',
    'except.$': '$.pools.topLevel.existingCidrs',
  });
  c.task('ProvisionTopLevelCidrs', {
    fn: 'ProvisionPoolCidrs',
    comment: "Signs the authorization messages (the deployment's own account, allowed prefixes) inside this task: no signature enters the state.",
    parameters: {
      'region.$': '$.plan.region',
      'poolId.$': '$.pools.topLevel.poolId',
      'cidrs.$': '$.plan.topLevelCidrs',
      'accountId.$': '$.plan.accountId',
      'authorization.$': '$.plan.authorization',
    },
    resultPath: '$.provisioned.topLevel',
  });
  c.poll('AwaitTopLevelProvisioned', {
    fn: 'CheckPoolCidrs',
    comment: 'BYOIP provisioning: usually hours, up to a week. Sparse checks, capped back-off.',
    parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.pools.topLevel.poolId', 'cidrs.$': '$.plan.topLevelCidrs', target: 'provisioned' },
    profile: PollProfiles.byoipProvisioning,
    resultPath: '$.wait.topLevelCidrs',
  });

  // The global (CloudFront) child pool and the three /24s.
  c.intent('globalPool', {
    action: 'EC2.DeletePool',
    label: 'delete the global pool this execution created',
    'region.$': '$.plan.region',
    'executionName.$': '$.execution.name',
    role: 'global',
  });
  c.task('EnsureGlobalPool', {
    fn: 'EnsureIpamPool',
    parameters: {
      'region.$': '$.plan.region',
      'ipamId.$': '$.plan.ipamId',
      role: 'global',
      'sourcePoolId.$': '$.pools.topLevel.poolId',
      'cidrs.$': '$.plan.cidrs',
      'migrationId.$': '$.plan.migrationId',
      'execution.$': '$.execution',
    },
    resultPath: '$.pools.global',
  });
  c.poll('AwaitGlobalPool', {
    fn: 'CheckIpamPool',
    parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.pools.global.poolId' },
    profile: PollProfiles.poolState,
    resultPath: '$.wait.globalPool',
  });
  c.intent('globalCidrs', {
    action: 'EC2.DeprovisionPoolCidr',
    label: 'deprovision from the global pool',
    'region.$': '$.plan.region',
    'poolId.$': '$.pools.global.poolId',
    'each.$': '$.plan.cidrs',
    eachAs: 'cidr',
    'except.$': '$.pools.global.existingCidrs',
  });
  c.task('ProvisionGlobalCidrs', {
    fn: 'ProvisionPoolCidrs',
    parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.pools.global.poolId', 'cidrs.$': '$.plan.cidrs' },
    resultPath: '$.provisioned.global',
  });
  c.poll('AwaitGlobalProvisioned', {
    fn: 'CheckPoolCidrs',
    parameters: { 'region.$': '$.plan.region', 'poolId.$': '$.pools.global.poolId', 'cidrs.$': '$.plan.cidrs', target: 'provisioned' },
    profile: PollProfiles.poolCidr,
    resultPath: '$.wait.globalCidrs',
  });

  // CloudFront: the anycast list from the pool, attached to each distribution.
  c.intent('anycastList', {
    action: 'CloudFront.DeleteAnycastIpList',
    label: 'delete the anycast IP list',
    'name.$': '$.plan.anycastIpListName',
    'executionName.$': '$.execution.name',
  });
  c.task('EnsureAnycastIpList', {
    fn: 'EnsureAnycastIpList',
    parameters: {
      'name.$': '$.plan.anycastIpListName',
      'poolArn.$': '$.pools.global.poolArn',
      'cidrs.$': '$.plan.cidrs',
      'migrationId.$': '$.plan.migrationId',
      'execution.$': '$.execution',
    },
    resultPath: '$.anycastList',
  });
  c.poll('AwaitAnycastIpList', {
    fn: 'CheckAnycastIpList',
    parameters: { 'id.$': '$.anycastList.id' },
    profile: PollProfiles.cloudfrontDeployment,
    resultPath: '$.wait.anycastList',
  });
  c.intent('distributions', {
    action: 'CloudFront.RestoreDistribution',
    label: "restore the distribution's anycast settings",
    'each.$': '$.baseline.distributions',
    eachAs: 'distribution',
  });
  c.map('AttachAnycastIpList', {
    comment: 'Read-modify-write with IfMatch per distribution; a stale ETag is retried with a fresh read.',
    itemsPath: '$.plan.distributionIds',
    maxConcurrency: 4,
    resultPath: '$.attachments',
    itemSelector: { 'distributionId.$': '$$.Map.Item.Value', 'anycastIpListId.$': '$.anycastList.id', wait: {} },
    build: (m) => {
      m.task('AttachListToDistribution', {
        fn: 'SetDistributionAnycastList',
        parameters: { 'distributionId.$': '$.distributionId', mode: 'attach', 'anycastIpListId.$': '$.anycastIpListId' },
        resultPath: '$.attach',
        retry: [PRECONDITION_RETRY],
      });
      m.poll('AwaitDistributionDeployed', {
        fn: 'CheckDistributionDeployed',
        parameters: { 'distributionId.$': '$.distributionId' },
        profile: PollProfiles.cloudfrontDeployment,
        resultPath: '$.wait.deployed',
      });
      m.pass('Attached', { Parameters: { 'distributionId.$': '$.distributionId', 'changed.$': '$.attach.changed' } });
    },
  });

  // DNS preparation: low TTL, then wait out the old one so no resolver holds the old answer.
  // `ours`: the values this execution may set (the anycast IPs); a record answering anything else was changed by someone else and is left alone.
  c.intent('dnsRecords', {
    action: 'Route53.RestoreRecords',
    label: 'restore DNS records and TTLs',
    'records.$': '$.baseline.dns',
    'migrationId.$': '$.plan.migrationId',
    'ours.$': '$.wait.anycastList.anycastIps',
  });
  c.task('LowerDnsTtl', {
    fn: 'LowerDnsTtl',
    parameters: { 'records.$': '$.baseline.dns', 'cutoverTtl.$': '$.plan.dns.cutoverTtl', 'migrationId.$': '$.plan.migrationId' },
    resultPath: '$.dnsTtl',
  });
  c.poll('AwaitTtlChangeInsync', {
    fn: 'CheckDnsChanges',
    parameters: { 'changes.$': '$.dnsTtl.changes' },
    profile: PollProfiles.dnsChange,
    resultPath: '$.wait.ttlChange',
  });
  c.wait('WaitOutOldTtl', { secondsPath: '$.dnsTtl.waitSeconds', comment: 'Resolvers may cache the old answer for the old TTL after the change is INSYNC.' });

  // The gate: nothing is advertised without a human decision.
  c.parallel('CheckReadyToAdvertise', {
    comment: 'Before asking a human: the list is attached and Deployed everywhere, the CIDRs are provisioned.',
    branches: [
      (b) =>
        b.task('CheckDistributionsReady', {
          fn: 'InspectDistributions',
          parameters: { 'distributionIds.$': '$.plan.distributionIds', expect: { 'anycastIpListId.$': '$.anycastList.id', deployed: true } },
          resultPath: '$',
        }),
      (b) =>
        b.task('CheckCidrsReady', {
          fn: 'InspectByoipCidrs',
          parameters: { 'region.$': '$.plan.region', 'cidrs.$': '$.plan.cidrs', require: ['provisioned', 'advertised'] },
          resultPath: '$',
        }),
    ],
    resultSelector: { 'cidrStates.$': '$[1].states' },
    resultPath: '$.ready',
  });
  c.planAndApprove({
    workflow: 'onboard-cloudfront-byoip',
    planState: 'PlanCutover',
    planFn: 'PlanOnboardCutover',
    planParameters: {
      'migrationId.$': '$.plan.migrationId',
      'cidrs.$': '$.plan.cidrs',
      'cidrStates.$': '$.ready.cidrStates',
      'anycastIpListId.$': '$.anycastList.id',
      'anycastIps.$': '$.wait.anycastList.anycastIps',
      'distributionIds.$': '$.plan.distributionIds',
      'records.$': '$.baseline.dns',
      'distributions.$': '$.baseline.distributions',
      'cutoverTtl.$': '$.plan.dns.cutoverTtl',
      'approvers.$': '$.plan.approvers',
      'preflight.$': '$.preflight',
    },
    rejectTo: PARK,
  });
  // The approval may have waited days: what it showed must still hold, or nothing is advertised (the migration parks).
  c.parallel('ConfirmPlanUnchanged', {
    comment:
      'Since the plan was approved: the distributions still use the list, the CIDRs are still provisioned, each DNS record still answers what the plan said.',
    branches: [
      (b) =>
        b.task('ConfirmDistributionsUnchanged', {
          fn: 'InspectDistributions',
          parameters: {
            'distributionIds.$': '$.plan.distributionIds',
            expect: { 'anycastIpListId.$': '$.anycastList.id', deployed: false },
            sinceApproval: true,
          },
          resultPath: '$',
        }),
      (b) =>
        b.task('ConfirmCidrsUnchanged', {
          fn: 'InspectByoipCidrs',
          parameters: { 'region.$': '$.plan.region', 'cidrs.$': '$.plan.cidrs', require: ['provisioned', 'advertised'], sinceApproval: true },
          resultPath: '$',
        }),
      (b) =>
        b.task('ConfirmDnsUnchanged', {
          fn: 'InspectDnsRecords',
          parameters: { 'records.$': '$.plan.dns.records', 'unchangedFrom.$': '$.baseline.dns' },
          resultPath: '$',
        }),
    ],
    resultPath: null,
    catchTo: PARK,
  });

  // The approval told the operator to withdraw at the old provider: from here on, AWS's announcement may be the
  // only path to the prefixes, so a failure waits for an operator decision instead of withdrawing.
  c.pivot({
    workflow: 'onboard-cloudfront-byoip',
    label: 'the first advertisement',
    approversPath: '$.plan.approvers',
    backNeeds: 'have the old provider announce the prefixes again and see its route at the collectors',
  });
  // Advertise, one /24 at a time, at least 10 s apart (AWS's limit), then move DNS.
  c.intent('advertisement', {
    action: 'EC2.WithdrawCidr',
    label: 'withdraw the advertisement',
    'region.$': '$.plan.region',
    'each.$': '$.plan.cidrs',
    eachAs: 'cidr',
    'except.$': '$.baseline.advertisedBefore',
  });
  c.spacedCidrCalls('AdvertiseCidrs', {
    itemsPath: '$.plan.advertiseItems',
    itemSelector: {
      'cidr.$': '$$.Map.Item.Value.cidr',
      'waitSeconds.$': '$$.Map.Item.Value.waitSeconds',
      'region.$': '$.plan.region',
      'approval.$': '$.approval',
    },
    spacing: 'SpaceAdvertiseCalls',
    task: 'AdvertiseCidr',
    fn: 'AdvertiseCidr',
    parameters: { 'region.$': '$.region', 'cidr.$': '$.cidr', 'approval.$': '$.approval' },
    resultPath: '$.advertise',
    after: (m) => m.succeed('Advertised'),
  });
  c.poll('AwaitAdvertised', {
    fn: 'CheckByoipCidrs',
    parameters: { 'region.$': '$.plan.region', 'cidrs.$': '$.plan.cidrs', target: 'advertised' },
    profile: PollProfiles.advertisement,
    resultPath: '$.wait.advertised',
  });
  awaitBgpVisibility(c, { prefixesPath: '$.plan.cidrs', expectedOrigin: AWS_ORIGIN_ASN, internetChecksPath: '$.plan.internetChecks' });
  c.task('CutoverDns', {
    fn: 'CutoverDnsRecords',
    parameters: {
      'records.$': '$.baseline.dns',
      'values.$': '$.wait.anycastList.anycastIps',
      'ttl.$': '$.plan.dns.cutoverTtl',
      'migrationId.$': '$.plan.migrationId',
    },
    resultPath: '$.cutover',
  });
  c.poll('AwaitCutoverInsync', {
    fn: 'CheckDnsChanges',
    parameters: { 'changes.$': '$.cutover.changes' },
    profile: PollProfiles.dnsChange,
    resultPath: '$.wait.cutover',
  });
  c.wait('WatchAfterCutover', {
    secondsPath: '$.plan.dns.watchSeconds',
    comment: 'Watch traffic before declaring success; a failed verification asks an operator.',
  });
  c.parallel('VerifyCutover', {
    comment: 'Still advertised, DNS answers the anycast IPs, every distribution still uses the list; otherwise an operator decides.',
    branches: [
      (b) =>
        b.task('VerifyAdvertised', {
          fn: 'InspectByoipCidrs',
          parameters: { 'region.$': '$.plan.region', 'cidrs.$': '$.plan.cidrs', require: ['advertised'] },
          resultPath: '$',
        }),
      (b) =>
        b.task('VerifyDnsAnswers', {
          fn: 'InspectDnsRecords',
          parameters: { 'records.$': '$.plan.dns.records', 'expectValues.$': '$.wait.anycastList.anycastIps' },
          resultPath: '$',
        }),
      (b) =>
        b.task('VerifyDistributions', {
          fn: 'InspectDistributions',
          parameters: { 'distributionIds.$': '$.plan.distributionIds', expect: { 'anycastIpListId.$': '$.anycastList.id', deployed: false } },
          resultPath: '$',
        }),
    ],
    resultPath: null,
  });
  c.when('ShouldRestoreTtl', '$.plan.dns.restoreTtl', (b) => {
    // The migration has succeeded by now: a failure to raise the TTL is reported, not rolled back.
    // If the restore fails (tolerated below), the poll after it has no changes to wait for.
    b.pass('NoTtlRestoreChanges', { Result: { changes: [] }, ResultPath: '$.ttlRestore' });
    b.task('RestoreDnsTtl', {
      fn: 'RestoreDnsTtl',
      parameters: { 'records.$': '$.baseline.dns', 'migrationId.$': '$.plan.migrationId' },
      resultPath: '$.ttlRestore',
      catchTo: null,
    }).tolerateFailure('RestoreDnsTtl', '$.warnings.ttl', 'Traffic is on CloudFront; the TTL stays at the cutover value. Raise it by hand.');
    b.poll('AwaitTtlRestoreInsync', {
      fn: 'CheckDnsChanges',
      parameters: { 'changes.$': '$.ttlRestore.changes' },
      profile: PollProfiles.dnsChange,
      resultPath: '$.wait.ttlRestore',
    });
  });
  c.finish('Onboarded', {
    'migrationId.$': '$.plan.migrationId',
    'cidrs.$': '$.plan.cidrs',
    'anycastIpListId.$': '$.anycastList.id',
    'anycastIps.$': '$.wait.anycastList.anycastIps',
    'distributionIds.$': '$.plan.distributionIds',
    'distributionsBefore.$': '$.baseline.distributions',
    'topLevelPoolId.$': '$.pools.topLevel.poolId',
    'globalPoolId.$': '$.pools.global.poolId',
    'approval.$': '$.approval',
    'warnings.$': '$.warnings',
    internetEvidence: { 'preflight.$': '$.preflight.summary', 'bgpVisibility.$': '$.wait.bgpVisibility.summary' },
  });
  return c;
}

export const onboardCloudfrontByoip = defineWorkflow({
  name: 'onboard-cloudfront-byoip',
  description: 'BYOIP to CloudFront through IPAM: provision, anycast list, DNS TTL, approval, advertise, cut over DNS.',
  recovery: 'compensate',
  summary: 'BYOIP to CloudFront through VPC IPAM, with approval before advertisement and full compensation.',
  chain: build,
  beside: (c) => {
    // A rejection keeps what took hours to a week (the pools and their CIDRs) unless the input says "undo-all".
    c.parking({
      onRejectPath: '$.plan.onReject',
      keep: ['topLevelPool', 'topLevelCidrs', 'globalPool', 'globalCidrs'],
      outputParameters: {
        status: 'Parked',
        'migrationId.$': '$.plan.migrationId',
        'cidrs.$': '$.plan.cidrs',
        kept: { 'topLevelPoolId.$': '$.pools.topLevel.poolId', 'globalPoolId.$': '$.pools.global.poolId', 'provisionedCidrs.$': '$.plan.topLevelCidrs' },
        'undone.$': '$.compensation.completed',
        'rejection.$': '$.failure',
        next: 'Run the onboarding again with the same input to resume (the pools are not provisioned again), or teardown-cloudfront-byoip to remove them.',
      },
    });
  },
});
