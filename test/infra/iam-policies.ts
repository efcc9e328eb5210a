/**
 * Test support: the synthesized policies as IAM sees them after deployment (CloudFormation references
 * resolved for one account and Region), evaluated with @cloud-copilot/iam-simulate, so a test asks
 * "may this role do that to this item?" instead of reading JSON.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Template } from 'aws-cdk-lib/assertions';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Resolves Ref / Fn::GetAtt / Fn::Join the way CloudFormation would for `account` in `region`. */
export function resolver(template: Template, account = ACCOUNT, region = REGION): (value: Json) => Json {
  const resources = template.toJSON().Resources as Record<string, Json>;
  const arnOf = (id: string): string => {
    const r = resources[id];
    const p = r?.Properties ?? {};
    switch (r?.Type) {
      case 'AWS::DynamoDB::Table': return `arn:aws:dynamodb:${region}:${account}:table/${p.TableName ?? id}`;
      case 'AWS::StepFunctions::StateMachine': return `arn:aws:states:${region}:${account}:stateMachine:${p.StateMachineName ?? id}`;
      case 'AWS::Logs::LogGroup': return `arn:aws:logs:${region}:${account}:log-group:${p.LogGroupName ?? id}:*`;
      case 'AWS::SNS::Topic': return `arn:aws:sns:${region}:${account}:${p.TopicName ?? id}`;
      case 'AWS::Lambda::Function': return `arn:aws:lambda:${region}:${account}:function:${id}`;
      case 'AWS::IAM::Role': return `arn:aws:iam::${account}:role/${p.RoleName ?? id}`;
      default: return `arn:aws:${String(r?.Type ?? 'unknown').split('::')[1]?.toLowerCase() ?? 'unknown'}:${region}:${account}:${id}`;
    }
  };
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': account, 'AWS::Region': region, 'AWS::URLSuffix': 'amazonaws.com' };
  const resolve = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(resolve);
    if (!v || typeof v !== 'object') return v;
    if ('Ref' in v) {
      if (pseudo[v.Ref]) return pseudo[v.Ref];
      const type = resources[v.Ref]?.Type;
      return type === 'AWS::DynamoDB::Table' || type === 'AWS::Lambda::Function' ? (resources[v.Ref].Properties.TableName ?? v.Ref) : arnOf(v.Ref);
    }
    if ('Fn::GetAtt' in v) return arnOf(v['Fn::GetAtt'][0]);
    if ('Fn::Join' in v) return (resolve(v['Fn::Join'][1]) as string[]).join(v['Fn::Join'][0]);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  };
  return resolve;
}

/** The logical id of a task's role in the orchestrator template. */
export function roleIdOf(template: Template, task: string): string {
  const id = Object.keys(template.findResources('AWS::IAM::Role')).find((r) => r.startsWith(`${task}Role`));
  if (!id) throw new Error(`no role for ${task}`);
  return id;
}

/** A role's inline policies as IAM sees them (resolved). */
export function identityPolicies(template: Template, roleId: string): Array<{ name: string; policy: Json }> {
  const resolve = resolver(template);
  const role = template.toJSON().Resources[roleId];
  return (role.Properties.Policies ?? []).map((p: Json) => ({ name: p.PolicyName, policy: resolve(p.PolicyDocument) }));
}

export interface Request {
  principal: string;
  action: string;
  resource: string;
  resourceAccount?: string;
  context?: Record<string, string | string[]>;
  identity: Array<{ name: string; policy: Json }>;
  resourcePolicy?: Json;
}

/** "Allowed", "ImplicitlyDenied" or "ExplicitlyDenied", as IAM would decide the request. */
export async function decide(r: Request): Promise<string> {
  const out: Json = await runSimulation({
    request: { principal: r.principal, action: r.action, resource: { resource: r.resource, accountId: r.resourceAccount ?? ACCOUNT }, contextVariables: r.context ?? {} },
    identityPolicies: r.identity, serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: r.resourcePolicy,
  }, {});
  if (out.resultType === 'error') throw new Error(`iam-simulate: ${JSON.stringify(out.errors)}`);
  return out.overallResult;
}
