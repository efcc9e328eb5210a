/**
 * The narrowest resources and conditions AWS lets each task action be granted on. Actions are declared
 * per task in task-permissions.ts; this file scopes them. Where a service offers no resource-level
 * permissions (most EC2 IPAM/BYOIP APIs, List/Describe calls) the resource is "*" and the cdk-nag
 * acknowledgment says so (see nag.ts). The state table is one table, so each role's items are fenced
 * by partition key (dynamodb:LeadingKeys): only the approval tasks can read or write approvals.
 */
import { taskPermissions } from './task-permissions';
export interface ScopeContext {
  partition: string;
  account: string;
  region: string;
  stateTableArn: string;
  /** The RIR signing key secrets (byoip.signing.keySecretArns): the signing tasks read exactly these. */
  signingKeySecretArns: string[];
  hostedZoneIds: string[];
  /** The team-access role in each team account (byoip.teamAccounts); empty: no role may be assumed. */
  teamRoleArns: string[];
  topicArns: string[];
  /** The approval link key's secret name: only the approval tasks read it, and nothing else. */
  approvalKeySecretName: string;
  /** The state machines operators may start with an event (StartWorkflow): deployed, teardowns only when opted in. */
  eventStartableStateMachines: string[];
}

/**
 * The state-table partitions each task may touch, as dynamodb:LeadingKeys patterns. Declared by hand
 * and compared with what the handlers' code builds (infra/derive-permissions.ts, deriveStateTableKeys).
 */
export const STATE_TABLE_KEYS: Readonly<Record<string, readonly string[]>> = {
  // approvals: the record with the task token (APPROVAL#<id>) and the pending index (APPROVALS)
  RequestApproval: ['APPROVAL#*', 'APPROVALS'],
  RemindApprovers: ['APPROVAL#*'],
  ArmApprovalReminder: ['APPROVAL#*'],
  StopApprovalReminders: ['APPROVAL#*'],
  CloseApproval: ['APPROVAL#*', 'APPROVALS'],
  ApprovalPage: ['APPROVAL#*', 'APPROVALS'],
  VerifyApproval: ['APPROVAL#*', 'APPROVALS'],
  // leases
  AcquireLock: ['LOCK#*'],
  ReleaseLock: ['LOCK#*'],
  UndoDynamoDb: ['LOCK#*'],
  // the BYOASN once-per-hour swap guard
  CaptureAsnSwapState: ['ASNSWAP#*'],
  PlanAsnOrigin: ['ASNSWAP#*'],
  ClaimAsnSwapSlot: ['ASNSWAP#*'],
  AdvertiseWithAsn: ['ASNSWAP#*'],
  UndoByoasn: ['ASNSWAP#*'],
  // origin-ranges-sync: applied and notified sync tokens
  CheckSyncToken: ['SYNC#origin-ranges#*'],
  FetchIpRanges: ['SYNC#origin-ranges#*'],
  RecordSyncToken: ['SYNC#origin-ranges#*'],
  // vpc-origin-share: the queue of origin additions per distribution, and the distribution's lease
  EnqueueOriginAdditions: ['ORIGINQ#*'],
  CheckDistributionTurn: ['LOCK#*', 'ORIGINQ#*'],
  ApplyOriginAdditions: ['LOCK#*', 'ORIGINQ#*'],
  MarkOriginAdditionsDeployed: ['ORIGINQ#*'],
  ConfirmOriginsAttached: ['ORIGINQ#*'],
  DetachTeamOrigins: ['LOCK#*'],
  UndoCloudFront: ['LOCK#*', 'ORIGINQ#*'],
};

/**
 * The state machines each starter may start: the AmazonIpSpaceChanged starter only origin-ranges-sync;
 * the operator-event starter those the deployment makes event-startable.
 */
export function startableStateMachines(task: string | undefined, c: Pick<ScopeContext, 'eventStartableStateMachines'>): string[] | undefined {
  if (task === 'StartOriginRangesSync') return ['byoip-origin-ranges-sync'];
  if (task === 'StartWorkflow') return c.eventStartableStateMachines;
  return undefined;
}

/** Tasks that assume the team-access role in team accounts; their roles have fixed names the team role trusts exactly. */
export const CROSS_ACCOUNT_TASKS: readonly string[] = Object.entries(taskPermissions)
  .filter(([, actions]) => actions.includes('sts:AssumeRole'))
  .map(([t]) => t)
  .sort();

/** The fixed name of a cross-account task's role (IAM allows 64 characters). */
export function crossAccountRoleName(stackName: string, task: string): string {
  const name = `${stackName}-${task}`;
  if (name.length > 64) throw new Error(`role name ${name} is longer than IAM's 64 characters: shorten byoip.stackName`);
  return name;
}

export interface TaskStatement {
  actions: string[];
  resources: string[];
  conditions?: Record<string, Record<string, string | string[]>>;
}

/** The conditions an action is granted under, for `task`. */
export function conditionsFor(action: string, task: string): TaskStatement['conditions'] {
  if (!action.startsWith('dynamodb:')) return undefined;
  const keys = STATE_TABLE_KEYS[task];
  if (!keys) throw new Error(`${task} uses the state table (${action}) but STATE_TABLE_KEYS (infra/iam-scopes.ts) names no partition for it`);
  // ForAllValues alone would also allow a request without leading keys (a Scan): Null=false closes that.
  return { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...keys] }, Null: { 'dynamodb:LeadingKeys': 'false' } };
}

/**
 * A task role's statements: its actions (task-permissions.ts) on their narrowest resources, under their
 * conditions, grouped where both agree. An action with no resource to grant on (sts:AssumeRole without
 * team accounts) is left out: nothing is granted rather than everything.
 */
export function taskStatements(task: string, c: ScopeContext): TaskStatement[] {
  const groups = new Map<string, TaskStatement>();
  for (const action of (taskPermissions as Record<string, string[]>)[task] ?? []) {
    const resources = resourcesFor(action, c, task);
    if (resources.length === 0) continue;
    const conditions = conditionsFor(action, task);
    const key = JSON.stringify([resources, conditions ?? null]);
    const g = groups.get(key);
    if (g) g.actions.push(action);
    else groups.set(key, { actions: [action], resources, ...(conditions ? { conditions } : {}) });
  }
  return [...groups.values()];
}

/** Tasks that sign or verify approval links (docs/approvals.md); they never read signing keys. */
export const APPROVAL_KEY_READERS = new Set([
  'RequestApproval',
  'RemindApprovers',
  'CloseApproval',
  'ApprovalPage',
  'ArmApprovalReminder',
  'StopApprovalReminders',
  'VerifyApproval',
  'VerifyRequester',
  'StartWorkflow',
]);

/** Actions whose resource must stay "*", with the reason (used in the nag acknowledgments). */
export const WILDCARD_REASONS: Array<[RegExp, string]> = [
  [
    /^ec2:/,
    'EC2 IPAM, BYOIP, BYOASN, prefix-list and security-group reads/writes used here accept only "*" or are scoped by tags the tasks cannot know before creation',
  ],
  [/^cloudfront:List/, 'CloudFront List* APIs do not support resource-level permissions'],
  [
    /^cloudfront:(Create|Get|Update|Delete)AnycastIpList$|^cloudfront:(Create|Get|Update|Delete)VpcOrigin$/,
    'the anycast list / VPC origin id is generated at creation; scoped to this account by ARN pattern',
  ],
  [/^ram:/, 'RAM share ARNs are generated at creation; RAM reads need "*"'],
  [/^globalaccelerator:/, 'Global Accelerator BYOIP and accelerator ARNs are generated at creation; BYOIP APIs accept only "*"'],
  [/^states:SendTask/, "task tokens are bound to the executions of this stack's state machines; SendTask* has no resource-level permission"],
  [/^route53:GetChange$/, 'Route 53 change ids are generated per change'],
  [/^elasticloadbalancing:Describe/, 'ELB Describe* APIs do not support resource-level permissions'],
];

export function resourcesFor(action: string, c: ScopeContext, task?: string): string[] {
  const [service, name] = action.split(':');
  const arn = (svc: string, region: string, resource: string) => `arn:${c.partition}:${svc}:${region}:${c.account}:${resource}`;
  switch (service) {
    case 'dynamodb':
      return [c.stateTableArn, `${c.stateTableArn}/index/*`];
    case 'secretsmanager':
      // Secrets Manager appends "-xxxxxx" to a secret's ARN.
      if (task && APPROVAL_KEY_READERS.has(task)) return [arn('secretsmanager', c.region, `secret:${c.approvalKeySecretName}-??????`)];
      // Only the configured key secrets; none configured: no grant at all (the statement is dropped).
      return c.signingKeySecretArns;
    case 'route53':
      if (name === 'GetChange') return [`arn:${c.partition}:route53:::change/*`];
      return c.hostedZoneIds.length
        ? c.hostedZoneIds.map((z) => `arn:${c.partition}:route53:::hostedzone/${z}`)
        : [`arn:${c.partition}:route53:::hostedzone/*`];
    case 'cloudfront':
      // List* and the creates of anycast lists and VPC origins accept only "*" (iam-data: no resource type).
      if (name.startsWith('List') || name === 'CreateAnycastIpList' || name === 'CreateVpcOrigin') return ['*'];
      if (/Distribution/.test(name)) return [arn('cloudfront', '', 'distribution/*')];
      if (/AnycastIpList/.test(name)) return [arn('cloudfront', '', 'anycast-ip-list/*')];
      if (/VpcOrigin/.test(name)) return [arn('cloudfront', '', 'vpcorigin/*')];
      if (name === 'TagResource' || name === 'UntagResource')
        return [arn('cloudfront', '', 'anycast-ip-list/*'), arn('cloudfront', '', 'distribution/*'), arn('cloudfront', '', 'vpcorigin/*')];
      return ['*'];
    case 'sts':
      // Only the team-access role of each listed team account; none listed, none assumable.
      return [...c.teamRoleArns];
    case 'states':
      if (name === 'StartExecution') {
        const machines = startableStateMachines(task, c);
        if (!machines) throw new Error(`${task ?? 'a task'} calls states:StartExecution but startableStateMachines names no state machine for it`);
        return machines.map((m) => arn('states', c.region, `stateMachine:${m}`));
      }
      return ['*'];
    case 'sns':
      return c.topicArns.length ? c.topicArns : [arn('sns', c.region, 'byoip-orchestrator-*')];
    default:
      return ['*'];
  }
}

export function wildcardReason(action: string): string {
  return WILDCARD_REASONS.find(([re]) => re.test(action))?.[1] ?? `${action} has no resource-level permission in the IAM service authorization reference`;
}
