/**
 * cdk-nag acknowledgments, each with its specific reason, in one place. cdk-nag v3 wants every IAM5
 * finding acknowledged by its exact id, so policies are analysed the way cdk-nag does (same
 * flattening of CloudFormation references) and each wildcard resource is acknowledged with the reason
 * its actions need it. Anything else that cdk-nag finds fails the synth until it is fixed or explained.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';
import { wildcardReason } from './iam-scopes';

/** A policy statement as CloudFormation holds it (resolved). */
interface PolicyStatementJson {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
}

const PLATFORM_REASONS: Array<[RegExp, string]> = [
  [/^lambda:InvokeFunction$/, 'Step Functions invokes only this workflow\'s task functions; the ":*" suffix covers their versions and aliases'],
  [/^xray:/, 'X-Ray trace APIs (PutTraceSegments, PutTelemetryRecords, GetSampling*) do not support resource-level permissions'],
  [
    /^logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$/,
    'Step Functions log delivery to CloudWatch Logs requires these APIs on "*" (vended logs)',
  ],
  [/^kms:/, 'the key policy resource is the key itself ("*" inside a key policy)'],
];

function reasonFor(actions: string[]): string {
  const reasons = new Set(actions.map((a) => PLATFORM_REASONS.find(([re]) => re.test(a))?.[1] ?? wildcardReason(a)));
  return [...reasons].join('; ');
}

function normalize<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function acknowledgeWildcards(policyHolder: IConstruct, document: { Statement?: PolicyStatementJson | PolicyStatementJson[] } | undefined): void {
  const byFinding = new Map<string, Set<string>>();
  for (const statement of normalize<PolicyStatementJson>(document?.Statement)) {
    if (statement.Effect !== 'Allow') continue;
    const actions = normalize<string>(statement.Action);
    for (const resource of normalize<unknown>(statement.Resource)
      .map(flattenCfnReference)
      .filter((r) => r.includes('*'))) {
      const id = `AwsSolutions-IAM5[Resource::${resource}]`;
      const set = byFinding.get(id) ?? new Set<string>();
      actions.forEach((a) => set.add(a));
      byFinding.set(id, set);
    }
    for (const action of actions.filter((a) => a.includes('*'))) byFinding.set(`AwsSolutions-IAM5[Action::${action}]`, new Set([action]));
  }
  for (const [id, actions] of byFinding) Validations.of(policyHolder).acknowledge({ id, reason: reasonFor([...actions]) });
}

/** Why a state machine's role may invoke its task functions' versions and aliases (":*"). */
export function invokeReason(): string {
  return reasonFor(['lambda:InvokeFunction']);
}

/**
 * A role's policy may be split into OverflowPolicyN managed policies during synthesis, after this
 * pass; acknowledge those findings on the role (acknowledgments cover a construct's children).
 */
export function acknowledgeInvokeGrants(role: IConstruct, functions: lambda.IFunction[]): void {
  const stack = Stack.of(role);
  for (const fn of functions) {
    const logicalId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`, reason: reasonFor(['lambda:InvokeFunction']) });
  }
}

export function acknowledgeFindings(stack: Stack): void {
  for (const node of stack.node.findAll()) {
    if (node instanceof iam.CfnPolicy) acknowledgeWildcards(node, stack.resolve(node.policyDocument));
    if (node instanceof iam.CfnRole) {
      for (const p of normalize<{ policyDocument: unknown }>(stack.resolve(node.policies))) acknowledgeWildcards(node, stack.resolve(p.policyDocument));
    }
    if (node instanceof sqs.Queue && node.node.id.endsWith('Dlq')) {
      Validations.of(node).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'this queue is itself the dead-letter queue (of the EventBridge targets or the notification queue)',
      });
    }
  }
}

/** The approval page's findings, each explained (docs/approvals.md §security). */
export function acknowledgeApprovalGate(gate: IConstruct): void {
  const v = Validations.of(gate);
  v.acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      "the page is authenticated by the per-approver link (HMAC over the approver's address, expiring, single-use; deciding needs a POST with the page's anti-forgery value), plus a Cognito authorizer when byoip.approvalPage.cognitoUserPoolArn is set; the CLI route by a presigned STS GetCallerIdentity mapped through byoip.approverPrincipals",
  });
  v.acknowledge({
    id: 'AwsSolutions-COG4',
    reason:
      'the CLI decision route authenticates with AWS credentials (a presigned STS GetCallerIdentity), and the page with per-approver links; a Cognito user pool authorizer is added when configured (byoip.approvalPage.cognitoUserPoolArn)',
  });
  v.acknowledge({
    id: 'AwsSolutions-APIG2',
    reason:
      'a validator requires the approvalId path parameter; the body is an HTML form (application/x-www-form-urlencoded), which API Gateway models cannot describe, validated by the page handler (zod) before anything is decided',
  });
  v.acknowledge({
    id: 'AwsSolutions-APIG3',
    reason:
      'one page used a few times per migration, throttled to 5 requests/s (burst 10) at the stage; attach a WAF web ACL to the stage where the organisation requires one',
  });
  v.acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'the link key signs open approval links for up to the gate timeout (7 days by default); rotating it invalidates them, so it is rotated by hand between change windows',
  });
  v.acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason: 'the account-level role API Gateway needs to write access logs; AWS documents this managed policy for it and it is not used by any task',
  });
}
