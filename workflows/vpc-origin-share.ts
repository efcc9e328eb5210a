/**
 * vpc-origin-share: put teams' private APIs (internal ALBs in their own accounts) behind the one
 * shared CloudFront distribution of the networking account, isolated by Host header.
 *
 * Per team, in parallel (a Map): VPC origin in the team account → Deployed → RAM share with the
 * networking account → accept the invitation (12-hour limit) → the origin is available here.
 * Then the distribution, one writer at a time (a lease in the state table): this execution queues
 * its additions; the writer applies every ready addition of every execution in ONE UpdateDistribution
 * (a group commit) and waits Deployed. Then DNS aliases, and probes through the edge: each team's host
 * reaches its origin, no other host does. Before any of it: an approval of every new origin, behaviour,
 * alias and DNS record on the shared distribution (team accounts only from byoip.teamAccounts).
 * Any failure undoes what this execution did, newest first (DNS → distribution → shares → origins).
 */
import { PollProfiles } from '../domain/polling';
import { approvalWhen, ChainBuilder, initialize, PRECONDITION_RETRY, verifyRequester } from './lib/builder';
import { defineWorkflow } from './lib/define';

/** Someone else got the lease between the turn check and the acquire: wait for it. */
export const LOCK_RETRY = {
  ErrorEquals: ['ResourceLocked'],
  IntervalSeconds: 30,
  MaxAttempts: 40,
  BackoffRate: 1.5,
  MaxDelaySeconds: 300,
  JitterStrategy: 'FULL',
};

function build() {
  const c = new ChainBuilder();
  initialize(c);
  c.task('ValidateInput', {
    fn: 'ValidateVpcOriginShareInput',
    comment: 'Every input mistake, named, before any AWS call.',
    parameters: { 'input.$': '$.input' },
    resultPath: '$.plan',
  });
  verifyRequester(c);
  c.pass('ForgetRawInput', {
    Comment:
      "After the requester is verified (its MAC covers the raw input), the plan says all the input said: the state keeps one copy of the teams (Step Functions' 256 KiB state quota).",
    Parameters: {
      'execution.$': '$.execution',
      'intents.$': '$.intents',
      'wait.$': '$.wait',
      'warnings.$': '$.warnings',
      'plan.$': '$.plan',
      'requester.$': '$.requester',
    },
  });
  c.task('CaptureBaseline', {
    fn: 'CaptureVpcOriginShareBaseline',
    comment: 'The distribution, teams already attached, hosts already covered, DNS records before: what compensation restores.',
    parameters: { 'networkingAccountId.$': '$.plan.networkingAccountId', 'distributionId.$': '$.plan.distributionId', 'teams.$': '$.plan.teams' },
    resultPath: '$.baseline',
  });

  // The gate, before anything is created: every new origin, behaviour, alias and DNS record on the shared distribution.
  approvalWhen(c, {
    workflow: 'vpc-origin-share',
    when: '$.baseline.approval.required',
    comment: 'Nothing new for the internet (a re-run of what is in place); the gate replaces this.',
    planFn: 'PlanVpcOriginShare',
    planParameters: {
      'migrationId.$': '$.plan.migrationId',
      'distributionId.$': '$.plan.distributionId',
      'approvers.$': '$.plan.approvers',
      'changes.$': '$.baseline.approval.changes',
    },
    timeoutSecondsPath: '$.plan.approval.timeoutSeconds',
    resultPath: '$.approval',
    proposalPath: '$.baseline.approval',
  });

  // Team accounts: VPC origin, share; networking account: accept. Newest undone first: shares, then origins.
  c.intent('vpcOrigins', {
    action: 'CloudFront.DeleteVpcOrigin',
    label: 'delete the VPC origin this execution created',
    'each.$': '$.plan.undoTeams',
    eachAs: 'team',
    'executionName.$': '$.execution.name',
  });
  c.intent('shares', {
    action: 'RAM.DeleteResourceShare',
    label: 'delete the RAM share this execution created',
    'each.$': '$.plan.undoTeams',
    eachAs: 'team',
    'executionName.$': '$.execution.name',
  });
  c.map('PrepareTeams', {
    comment: 'Each team in parallel, in its own account (assumed role) and then in the networking account.',
    itemsPath: '$.plan.teams',
    maxConcurrency: 20,
    resultPath: '$.prepared',
    itemSelector: {
      'team.$': '$$.Map.Item.Value',
      'networkingAccountId.$': '$.plan.networkingAccountId',
      'migrationId.$': '$.plan.migrationId',
      'execution.$': '$.execution',
      wait: {},
    },
    build: (m) => {
      m.task('EnsureVpcOrigin', {
        fn: 'EnsureVpcOrigin',
        parameters: { 'team.$': '$.team', 'migrationId.$': '$.migrationId', 'execution.$': '$.execution' },
        resultPath: '$.vpcOrigin',
      });
      m.poll('AwaitVpcOriginDeployed', {
        fn: 'CheckVpcOrigin',
        comment: 'About 15 minutes; Failed is terminal.',
        parameters: { 'roleArn.$': '$.team.roleArn', 'vpcOriginId.$': '$.vpcOrigin.vpcOriginId', target: 'Deployed' },
        profile: PollProfiles.vpcOriginDeployment,
        resultPath: '$.wait.vpcOrigin',
      });
      m.task('EnsureVpcOriginShare', {
        fn: 'EnsureVpcOriginShare',
        parameters: {
          'team.$': '$.team',
          'vpcOriginArn.$': '$.vpcOrigin.vpcOriginArn',
          'networkingAccountId.$': '$.networkingAccountId',
          'migrationId.$': '$.migrationId',
          'execution.$': '$.execution',
        },
        resultPath: '$.share',
      });
      m.poll('AwaitShareInvitation', {
        fn: 'CheckShareInvitation',
        comment: 'In the networking account; an invitation not accepted within 12 hours has expired.',
        parameters: {
          'team.$': '$.team.name',
          'accountId.$': '$.team.accountId',
          'shareArn.$': '$.share.shareArn',
          'vpcOriginArn.$': '$.vpcOrigin.vpcOriginArn',
        },
        profile: PollProfiles.ramShare,
        resultPath: '$.wait.invitation',
      });
      m.task('AcceptShareInvitation', {
        fn: 'AcceptShareInvitation',
        comment: "Only an invitation sent by this team's account, one of byoip.teamAccounts.",
        parameters: {
          'team.$': '$.team.name',
          'accountId.$': '$.team.accountId',
          'invitationArn.$': '$.wait.invitation.invitationArn',
          'status.$': '$.wait.invitation.status',
          'execution.$': '$.execution',
        },
        resultPath: '$.accepted',
      });
      m.poll('AwaitSharedVpcOrigin', {
        fn: 'CheckSharedVpcOrigin',
        parameters: { 'vpcOriginArn.$': '$.vpcOrigin.vpcOriginArn' },
        profile: PollProfiles.ramShare,
        resultPath: '$.wait.shared',
      });
      m.pass('TeamReady', {
        Parameters: {
          'team.$': '$.team.name',
          'originId.$': '$.team.originId',
          'vpcOriginId.$': '$.vpcOrigin.vpcOriginId',
          'vpcOriginArn.$': '$.vpcOrigin.vpcOriginArn',
          'ownerAccountId.$': '$.team.accountId',
          'albDnsName.$': '$.team.albDnsName',
          'host.$': '$.team.host',
          'pathPattern.$': '$.team.pathPattern',
          'probePath.$': '$.team.probePath',
          'httpsPort.$': '$.team.httpsPort',
          'shareArn.$': '$.share.shareArn',
          'vpcOriginCreated.$': '$.vpcOrigin.created',
          'shareCreated.$': '$.share.created',
        },
      });
    },
  });

  // The distribution: one writer at a time; the writer applies every ready addition at once.
  const distributionLease = c.sectionLease({ key: 'lock', resourcesPath: '$.plan.lockResources', label: 'release the distribution lease' });
  c.intent('distribution', {
    action: 'CloudFront.RemoveTeamOrigins',
    label: 'remove the origins, behaviours and aliases this execution added',
    'distributionId.$': '$.plan.distributionId',
    'executionName.$': '$.execution.name',
    // Only what removal needs, as parallel lists: the state holds each team's full record once (256 KiB quota).
    'teamNames.$': '$.prepared[*].team',
    'vpcOriginIds.$': '$.prepared[*].vpcOriginId',
    'hosts.$': '$.prepared[*].host',
    'skipTeams.$': '$.baseline.attachedBefore',
    'hostsCoveredBefore.$': '$.baseline.hostsCoveredBefore',
    'lockResource.$': '$.plan.lockResource',
    'leaseSeconds.$': '$.plan.lock.leaseSeconds',
  });
  c.task('EnqueueOriginAdditions', {
    fn: 'EnqueueOriginAdditions',
    comment: "Ready additions wait in the state table for the distribution's next writer.",
    parameters: {
      'distributionId.$': '$.plan.distributionId',
      'teams.$': '$.prepared',
      'execution.$': '$.execution',
      'attachedBefore.$': '$.baseline.attachedBefore',
      'approval.$': '$.approval',
    },
    resultPath: '$.queued',
  });
  c.poll('AwaitDistributionTurn', {
    fn: 'CheckDistributionTurn',
    comment: "Done when another writer deployed these additions, or when the distribution's lease is free.",
    parameters: { 'distributionId.$': '$.plan.distributionId', 'lockResource.$': '$.plan.lockResource', 'execution.$': '$.execution' },
    profile: PollProfiles.distributionTurn,
    resultPath: '$.wait.turn',
  });
  c.when('WriteDistribution', '$.wait.turn.mustWrite', (b) =>
    b.underLease(
      distributionLease,
      {
        name: 'AcquireDistributionLock',
        releaseName: 'ReleaseDistributionLock',
        warningPath: '$.warnings.distributionLock',
        purpose: 'vpc-origin-share: add team origins',
        leaseSeconds: { path: '$.plan.lock.leaseSeconds' },
        retry: [LOCK_RETRY],
      },
      (w) => {
        w.wait('CoalesceWindow', { secondsPath: '$.plan.coalesceSeconds', comment: 'Lets additions that become ready now join this one update.' });
        w.task('ApplyOriginAdditions', {
          fn: 'ApplyOriginAdditions',
          comment: 'One read-modify-write (IfMatch) for every ready addition; a stale ETag is re-read and retried.',
          parameters: { 'distributionId.$': '$.plan.distributionId', 'lockResource.$': '$.plan.lockResource', 'execution.$': '$.execution' },
          resultPath: '$.applied',
          retry: [PRECONDITION_RETRY],
        });
        w.poll('AwaitDistributionDeployed', {
          fn: 'CheckDistributionDeployed',
          parameters: { 'distributionId.$': '$.plan.distributionId' },
          profile: PollProfiles.cloudfrontDeployment,
          resultPath: '$.wait.deployed',
        });
        w.task('MarkOriginAdditionsDeployed', {
          fn: 'MarkOriginAdditionsDeployed',
          parameters: { 'distributionId.$': '$.plan.distributionId', 'owners.$': '$.applied.applied' },
          resultPath: '$.marked',
        });
      },
    ),
  );
  c.task('ConfirmOriginsAttached', {
    fn: 'ConfirmOriginsAttached',
    parameters: { 'distributionId.$': '$.plan.distributionId', 'teams.$': '$.prepared', 'execution.$': '$.execution' },
    resultPath: '$.attached',
  });

  // DNS is the point of no return: from the first record moved, clients follow it to the shared distribution.
  c.pivot({
    workflow: 'vpc-origin-share',
    label: 'the first DNS change',
    approversPath: '$.plan.approvers',
    backNeeds: 'make sure the endpoints the names pointed at before still serve them',
  });
  // DNS: the records the approval listed (created, or moved from elsewhere).
  // `ours`: the alias this run sets; a record answering anything else was changed by someone else and is left alone.
  c.intent('dnsRecords', {
    action: 'Route53.RestoreRecords',
    label: "restore the team hosts' DNS records",
    'records.$': '$.baseline.dns',
    'migrationId.$': '$.plan.migrationId',
    'ours.$': '$.baseline.dnsOurs',
  });
  c.task('UpsertTeamAliases', {
    fn: 'UpsertTeamAliases',
    parameters: {
      'records.$': '$.baseline.dns',
      'domainName.$': '$.baseline.distribution.domainName',
      'migrationId.$': '$.plan.migrationId',
      'approval.$': '$.approval',
    },
    resultPath: '$.dnsChange',
  });
  c.poll('AwaitDnsInsync', {
    fn: 'CheckDnsChanges',
    parameters: { 'changes.$': '$.dnsChange.changes' },
    profile: PollProfiles.dnsChange,
    resultPath: '$.wait.dns',
  });
  c.task('VerifyIsolation', {
    fn: 'VerifyTeamIsolation',
    comment: "Through the edge: each team's host reaches its origin (200); other hosts on its path do not (403/404).",
    parameters: { 'domainName.$': '$.baseline.distribution.domainName', 'teams.$': '$.prepared', 'otherHosts.$': '$.baseline.otherHosts' },
    resultPath: '$.isolation',
  });
  c.finish('Shared', {
    'migrationId.$': '$.plan.migrationId',
    'distributionId.$': '$.plan.distributionId',
    'domainName.$': '$.baseline.distribution.domainName',
    'teams.$': '$.prepared',
    'wroteDistribution.$': '$.wait.turn.mustWrite',
    'attached.$': '$.attached',
    'isolation.$': '$.isolation.probes',
    'approval.$': '$.approval',
  });
  return c;
}

export const vpcOriginShare = defineWorkflow({
  name: 'vpc-origin-share',
  description: 'Team VPC origins (team accounts) shared via RAM into one distribution: coalesced, locked updates; DNS; isolation probes.',
  recovery: 'compensate',
  summary: 'Cross-account CloudFront VPC origins shared through AWS RAM into one distribution, with full compensation.',
  chain: build,
});
