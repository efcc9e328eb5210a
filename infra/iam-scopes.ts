/**
 * The narrowest resources AWS lets each task action be granted on. Actions are declared per task in
 * task-permissions.ts; this file scopes them. Where a service offers no resource-level permissions
 * (most EC2 IPAM/BYOIP APIs, List/Describe calls) the resource is "*" and the cdk-nag acknowledgment
 * says so (see nag.ts).
 */
export interface ScopeContext {
  partition: string;
  account: string;
  region: string;
  stateTableArn: string;
  /** The RIR signing key secrets (byoip.signing.keySecretArns): the signing tasks read exactly these. */
  signingKeySecretArns: string[];
  hostedZoneIds: string[];
  teamRoleArns: string[];
  /** Role name team accounts deploy (used when no team accounts are configured). */
  teamAccessRoleName: string;
  topicArns: string[];
  /** The approval link key's secret name: only the approval tasks read it, and nothing else. */
  approvalKeySecretName: string;
}

/** Tasks that sign or verify approval links (docs/approvals.md); they never read signing keys. */
export const APPROVAL_KEY_READERS = new Set([
  'RequestApproval', 'RemindApprovers', 'CloseApproval', 'ApprovalPage', 'ArmApprovalReminder', 'StopApprovalReminders', 'VerifyApproval',
  'VerifyRequester', 'StartWorkflow',
]);

/** Actions whose resource must stay "*", with the reason (used in the nag acknowledgments). */
export const WILDCARD_REASONS: Array<[RegExp, string]> = [
  [/^ec2:/, 'EC2 IPAM, BYOIP, BYOASN, prefix-list and security-group reads/writes used here accept only "*" or are scoped by tags the tasks cannot know before creation'],
  [/^cloudfront:List/, 'CloudFront List* APIs do not support resource-level permissions'],
  [/^cloudfront:(Create|Get|Update|Delete)AnycastIpList$|^cloudfront:(Create|Get|Update|Delete)VpcOrigin$/, 'the anycast list / VPC origin id is generated at creation; scoped to this account by ARN pattern'],
  [/^ram:/, 'RAM share ARNs are generated at creation; RAM reads need "*"'],
  [/^globalaccelerator:/, 'Global Accelerator BYOIP and accelerator ARNs are generated at creation; BYOIP APIs accept only "*"'],
  [/^states:SendTask/, 'task tokens are bound to the executions of this stack\'s state machines; SendTask* has no resource-level permission'],
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
      return c.hostedZoneIds.length ? c.hostedZoneIds.map((z) => `arn:${c.partition}:route53:::hostedzone/${z}`) : [`arn:${c.partition}:route53:::hostedzone/*`];
    case 'cloudfront':
      if (name.startsWith('List')) return ['*'];
      if (/Distribution/.test(name)) return [arn('cloudfront', '', 'distribution/*')];
      if (/AnycastIpList/.test(name)) return [arn('cloudfront', '', 'anycastiplist/*')];
      if (/VpcOrigin/.test(name)) return [arn('cloudfront', '', 'vpcorigin/*')];
      if (name === 'TagResource' || name === 'UntagResource') return [arn('cloudfront', '', 'anycastiplist/*'), arn('cloudfront', '', 'distribution/*'), arn('cloudfront', '', 'vpcorigin/*')];
      return ['*'];
    case 'sts':
      return c.teamRoleArns.length ? c.teamRoleArns : [`arn:${c.partition}:iam::*:role/${c.teamAccessRoleName}`];
    case 'states':
      // Starting executions: only this orchestrator's state machines.
      if (name === 'StartExecution') return [arn('states', c.region, 'stateMachine:byoip-*')];
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
