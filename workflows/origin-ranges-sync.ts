/**
 * origin-ranges-sync: keep security groups and customer-managed prefix lists equal to CloudFront's
 * published origin-facing ranges. Triggered by AmazonIpSpaceChanged (SNS, us-east-1) or on demand.
 * The input names the sync (and carries the notification); its targets, ports and limits come from
 * the deployment configuration, and only resources tagged with its name are touched.
 *
 * validate (notification included) → lock → synctoken newer than the last applied? → fetch
 * ip-ranges.json from the pinned URL (no redirects; sanity checks; wait while it lags the
 * notification; md5 must match) → plan (minimal diff, stable shards, change limits per family and
 * target; a dry run stops here with the diff) → approval when an interface is opened for the first
 * time → create groups → authorize → attach → revoke → prefix-list steps (resize, ≤ 100 entries per
 * call, each waited to *-complete) → record the synctoken → unlock. A failure puts back what this run
 * revoked or removed; nothing ever ends with fewer allowed ranges than before the run.
 */
import { PollProfiles } from '../domain/polling';
import { ChainBuilder, initialize, noRequester, PRECONDITION_RETRY } from './lib/builder';
import { defineWorkflow } from './lib/define';

/** A sync is minutes of work; the lock wait and a lagging file are bounded well below a day. */
const EXECUTION_TIMEOUT_SECONDS = 86_400;

/** Ends a branch that changes nothing: release the lock, say why (and whether the lock was left to expire), succeed. */
function finishEarly(b: ChainBuilder, name: string, summary: Record<string, string | boolean>) {
  b.releaseLeases(`ReleaseLock${name}`);
  b.pass(`${name}Summary`, { Parameters: { 'syncName.$': '$.plan.syncName', ...summary, 'warnings.$': '$.warnings' } });
  b.succeed(name);
}

function build() {
  const c = new ChainBuilder();
  initialize(c);
  c.task('ValidateInput', {
    fn: 'ValidateOriginRangesInput',
    comment: 'The input and the SNS notification in it (topic, pinned URL, md5, synctoken), before any call.',
    parameters: { 'input.$': '$.input' },
    resultPath: '$.plan',
  });
  noRequester(c, {
    principal: 'system:origin-ranges-sync',
    why: "Started by AWS's AmazonIpSpaceChanged notification (through StartOriginRangesSync) or the daily schedule, with only a sync name: no person asked, so any approver of the deployment may decide at the attach gate.",
  });

  c.holdLeases({
    name: 'AcquireLock',
    resourcesPath: '$.plan.lock.resources',
    leaseSeconds: { path: '$.plan.lock.leaseSeconds' },
    purpose: { path: '$.plan.lock.purpose' },
    comment: 'One writer per sync: overlapping notifications queue here instead of racing on the same groups.',
    retry: [{ ErrorEquals: ['ResourceLocked'], IntervalSeconds: 30, MaxAttempts: 10, BackoffRate: 1.5, MaxDelaySeconds: 600, JitterStrategy: 'FULL' }],
  });
  c.task('CheckSyncToken', {
    fn: 'CheckSyncToken',
    comment: 'Notifications can be replayed or arrive out of order: only a newer synctoken is applied.',
    parameters: { 'syncName.$': '$.plan.syncName', 'trigger.$': '$.plan.trigger' },
    resultPath: '$.token',
  });
  c.when('TokenNotNewer', '$.token.skip', (b) =>
    finishEarly(b, 'Ignored', { ignored: true, 'reason.$': '$.token.reason', 'lastApplied.$': '$.token.lastApplied' }),
  );

  c.poll('AwaitIpRanges', {
    fn: 'FetchIpRanges',
    comment:
      'Fetches the pinned URL (no redirects); refuses a document that fails the sanity checks; waits while the file lags the notification; fails on an md5 mismatch.',
    parameters: {
      'syncName.$': '$.plan.syncName',
      'url.$': '$.plan.url',
      'expected.$': '$.plan.expected',
      'trigger.$': '$.plan.trigger',
      'lastApplied.$': '$.token.lastApplied',
      'lastAppliedMd5.$': '$.token.lastAppliedMd5',
    },
    profile: PollProfiles.ipRangesPublication,
    resultPath: '$.wait.ipRanges',
  });
  c.when('NothingToApply', '$.wait.ipRanges.skip', (b) =>
    finishEarly(b, 'Skipped', { ignored: true, 'reason.$': '$.wait.ipRanges.reason', 'syncToken.$': '$.wait.ipRanges.syncToken' }),
  );

  c.task('PlanSync', {
    fn: 'PlanOriginSync',
    comment:
      "Reads the sync's own targets (configuration and tags); minimal diff, stable shards, attachments, prefix-list steps; refuses emptying a family, large removals, and a document grown much since the version applied last, unless forced.",
    parameters: { 'plan.$': '$.plan', 'published.$': '$.wait.ipRanges', 'lastApplied.$': '$.token.lastAppliedRanges' },
    resultPath: '$.sync',
  });
  c.when('IsDryRun', '$.plan.dryRun', (b) =>
    finishEarly(b, 'DryRun', { dryRun: true, 'syncToken.$': '$.sync.syncToken', 'changes.$': '$.sync.changes', 'diff.$': '$.sync' }),
  );

  // An interface that carries none of the sync's groups is opened to CloudFront only after a human decision.
  c.pass('NoAttachApproval', { Result: { approved: false, required: false }, ResultPath: '$.attachApproval' });
  c.when('AttachNeedsApproval', '$.sync.attachApproval.required', (b) => {
    b.approval('AwaitAttachApproval', {
      fn: 'RequestApproval',
      payload: { workflow: 'origin-ranges-sync', 'execution.$': '$.execution', 'plan.$': '$.sync.attachApproval.plan' },
      timeoutSecondsPath: '$.sync.attachApproval.timeoutSeconds',
      resultPath: '$.attachApproval',
    });
  });

  // Security groups: create → authorize everywhere → attach → only then revoke.
  c.pass('NoNewGroups', { Result: { refs: {}, created: [] }, ResultPath: '$.groups' });
  c.intent('createdGroups', {
    action: 'EC2Network.DeleteCreatedGroup',
    label: 'delete a group this run created (kept if already attached)',
    'region.$': '$.plan.region',
    'vpcId.$': '$.sync.securityGroups.vpcId',
    'executionName.$': '$.execution.name',
    'each.$': '$.sync.securityGroups.create',
    eachAs: 'ref',
  });
  c.when('GroupsToCreate', '$.sync.securityGroups.hasCreate', (b) => {
    b.task('EnsureGroups', {
      fn: 'EnsureOriginGroups',
      parameters: {
        'region.$': '$.plan.region',
        'vpcId.$': '$.sync.securityGroups.vpcId',
        'syncName.$': '$.plan.syncName',
        'refs.$': '$.sync.securityGroups.create',
        'execution.$': '$.execution',
      },
      resultPath: '$.groups',
    });
  });
  c.map('AuthorizeRanges', {
    comment: 'Authorize before revoke: every group gains its new ranges before any group loses one.',
    itemsPath: '$.sync.securityGroups.authorize',
    maxConcurrency: 2,
    resultPath: '$.authorized',
    itemSelector: {
      'ref.$': '$$.Map.Item.Value.ref',
      'rules.$': '$$.Map.Item.Value.rules',
      'region.$': '$.plan.region',
      'syncName.$': '$.plan.syncName',
      'refs.$': '$.groups.refs',
      'ports.$': '$.sync.securityGroups.ports',
    },
    build: (m) => {
      m.task('AuthorizeGroupRanges', {
        fn: 'AuthorizeOriginRanges',
        parameters: { 'region.$': '$.region', 'syncName.$': '$.syncName', 'ref.$': '$.ref', 'refs.$': '$.refs', 'rules.$': '$.rules', 'ports.$': '$.ports' },
        resultPath: '$.result',
      });
      m.pass('Authorized', { Parameters: { 'groupId.$': '$.result.groupId', 'authorized.$': '$.result.authorized' } });
    },
  });
  c.when('GroupsToAttach', '$.sync.securityGroups.hasAttachments', (b) => {
    b.task('AttachGroups', {
      fn: 'AttachOriginGroups',
      parameters: {
        'region.$': '$.plan.region',
        'attachments.$': '$.sync.securityGroups.attachments',
        'refs.$': '$.groups.refs',
        'managed.$': '$.sync.securityGroups.managed',
        'approval.$': '$.attachApproval',
        'approvedInterfaces.$': '$.sync.attachApproval.interfaces',
      },
      resultPath: '$.attached',
    });
  });
  c.intent('revocations', {
    action: 'EC2Network.ReauthorizeRules',
    label: 're-authorize rules this run revoked',
    'region.$': '$.plan.region',
    'ports.$': '$.sync.securityGroups.ports',
    'each.$': '$.sync.securityGroups.revoke',
    eachAs: 'revocation',
  });
  c.map('RevokeRanges', {
    itemsPath: '$.sync.securityGroups.revoke',
    maxConcurrency: 2,
    resultPath: '$.revoked',
    itemSelector: {
      'groupId.$': '$$.Map.Item.Value.groupId',
      'rules.$': '$$.Map.Item.Value.rules',
      'region.$': '$.plan.region',
      'syncName.$': '$.plan.syncName',
      'ports.$': '$.sync.securityGroups.ports',
    },
    build: (m) => {
      m.task('RevokeGroupRanges', {
        fn: 'RevokeOriginRanges',
        parameters: { 'region.$': '$.region', 'syncName.$': '$.syncName', 'groupId.$': '$.groupId', 'rules.$': '$.rules', 'ports.$': '$.ports' },
        resultPath: '$.result',
      });
      m.pass('Revoked', { Parameters: { 'groupId.$': '$.result.groupId', 'revoked.$': '$.result.revoked' } });
    },
  });

  // Customer-managed prefix lists: one step at a time, each at the version just read, each waited out.
  c.intent('createdPrefixLists', {
    action: 'EC2Network.DeleteCreatedPrefixList',
    label: 'delete a prefix list this run created',
    'region.$': '$.plan.region',
    'syncName.$': '$.plan.syncName',
    'executionName.$': '$.execution.name',
    'each.$': '$.sync.prefixLists.created',
    eachAs: 'name',
  });
  c.intent('prefixListEntries', {
    action: 'EC2Network.RestorePrefixListEntries',
    label: 'put back prefix-list entries this run removed',
    'region.$': '$.plan.region',
    'each.$': '$.sync.prefixLists.restore',
    eachAs: 'list',
  });
  c.map('ApplyPrefixListSteps', {
    comment: 'Create or resize first (size and entries cannot change in one call), then ≤ 100 additions and removals per call.',
    itemsPath: '$.sync.prefixLists.steps',
    maxConcurrency: 1,
    resultPath: '$.prefixListSteps',
    itemSelector: { 'step.$': '$$.Map.Item.Value', 'region.$': '$.plan.region', 'syncName.$': '$.plan.syncName', 'execution.$': '$.execution', wait: {} },
    build: (m) => {
      m.task('ApplyPrefixListStep', {
        fn: 'ApplyPrefixListStep',
        parameters: { 'region.$': '$.region', 'syncName.$': '$.syncName', 'step.$': '$.step', 'execution.$': '$.execution' },
        resultPath: '$.applied',
        retry: [PRECONDITION_RETRY],
      });
      m.poll('AwaitPrefixList', {
        fn: 'CheckPrefixList',
        parameters: { 'region.$': '$.region', 'syncName.$': '$.syncName', 'name.$': '$.step.name' },
        profile: PollProfiles.prefixListChange,
        resultPath: '$.wait.prefixList',
      });
      m.pass('PrefixListStepDone', {
        Parameters: { 'name.$': '$.step.name', 'kind.$': '$.step.kind', 'prefixListId.$': '$.applied.prefixListId', 'changed.$': '$.applied.changed' },
      });
    },
  });

  c.task('RecordSyncToken', {
    fn: 'RecordSyncToken',
    comment: 'From now on this token and older ones are ignored. A newer token already recorded wins.',
    parameters: {
      'syncName.$': '$.plan.syncName',
      'syncToken.$': '$.wait.ipRanges.syncToken',
      'md5.$': '$.wait.ipRanges.md5',
      'createDate.$': '$.wait.ipRanges.createDate',
      'ipv4.$': '$.wait.ipRanges.ipv4',
      'ipv6.$': '$.wait.ipRanges.ipv6',
      'execution.$': '$.execution',
    },
    resultPath: '$.recorded',
    catchTo: 'TokenNotRecorded',
  });
  c.releaseLeases('ReleaseLock');
  c.finish('Synced', {
    'syncName.$': '$.plan.syncName',
    'trigger.$': '$.plan.trigger.kind',
    'syncToken.$': '$.wait.ipRanges.syncToken',
    'md5.$': '$.wait.ipRanges.md5',
    'md5Check.$': '$.wait.ipRanges.md5Check',
    'changes.$': '$.sync.changes',
    securityGroups: {
      'diff.$': '$.sync.securityGroups.diff',
      'groups.$': '$.sync.securityGroups.groups',
      'created.$': '$.groups.created',
      'authorized.$': '$.authorized',
      'revoked.$': '$.revoked',
      'warnings.$': '$.sync.securityGroups.warnings',
    },
    prefixLists: { 'lists.$': '$.sync.prefixLists.lists', 'steps.$': '$.prefixListSteps' },
    'awsManagedLists.$': '$.sync.awsManagedLists',
    'attachApproval.$': '$.attachApproval',
    'safety.$': '$.sync.safety',
    'recorded.$': '$.recorded',
    'warnings.$': '$.warnings',
  });
  return c;
}

/** Failures after the changes are applied: report them, never roll a finished sync back. */
function afterTheFact(c: ChainBuilder) {
  // Give the lock back first, so the on-demand run that records the token can take it.
  c.ending('TokenNotRecorded', {
    error: 'SyncTokenNotRecorded',
    causePath: '$.failure.Cause',
    comment:
      'The targets are in sync, but the synctoken was not recorded: a replay of an older notification would not be recognised. Run on demand to record it.',
  });
}

export const originRangesSync = defineWorkflow({
  name: 'origin-ranges-sync',
  description: "Keeps security groups and prefix lists equal to CloudFront's origin-facing ranges (AmazonIpSpaceChanged or on demand).",
  recovery: 'forward',
  summary:
    "Syncs security groups and customer-managed prefix lists with CloudFront's published origin-facing ranges: synctoken ordering, md5, authorize before revoke, stable sharding, removal-share safety, compensation.",
  chain: build,
  beside: afterTheFact,
  timeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
});
