/**
 * Test support: the synthesized policies as IAM sees them after deployment (CloudFormation references
 * resolved for one account and Region), evaluated with @cloud-copilot/iam-simulate, so a test asks
 * "may this role do that to this item?" instead of reading JSON.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Template } from 'aws-cdk-lib/assertions';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

type Json = any;

/** Resolves Ref / Fn::GetAtt / Fn::Join the way CloudFormation would for `account` in `region`. */
export function resolver(template: Template, account = ACCOUNT, region = REGION): (value: Json) => Json {
  const resources = template.toJSON().Resources as Record<string, Json>;
  const arnOf = (id: string): string => {
    const r = resources[id];
    const p = r?.Properties ?? {};
    switch (r?.Type) {
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${region}:${account}:table/${p.TableName ?? id}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${region}:${account}:stateMachine:${p.StateMachineName ?? id}`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${region}:${account}:log-group:${p.LogGroupName ?? id}:*`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${account}:${p.TopicName ?? id}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${account}:function:${id}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${account}:role/${p.RoleName ?? id}`;
      default:
        return `arn:aws:${
          String(r?.Type ?? 'unknown')
            .split('::')[1]
            ?.toLowerCase() ?? 'unknown'
        }:${region}:${account}:${id}`;
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
  const out: Json = await runSimulation(
    {
      request: {
        principal: r.principal,
        action: r.action,
        resource: { resource: r.resource, accountId: r.resourceAccount ?? ACCOUNT },
        contextVariables: r.context ?? {},
      },
      identityPolicies: r.identity,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: r.resourcePolicy,
    },
    {},
  );
  if (out.resultType === 'error') throw new Error(`iam-simulate: ${JSON.stringify(out.errors)}`);
  return out.overallResult;
}

/** The simulator's service names and the IAM service prefixes (calls to IpRanges are public HTTPS, no IAM). */
export const IAM_PREFIX_OF_SERVICE: Record<string, string | null> = {
  EC2: 'ec2',
  CloudFront: 'cloudfront',
  DynamoDB: 'dynamodb',
  Route53: 'route53',
  SecretsManager: 'secretsmanager',
  SNS: 'sns',
  SFN: 'states',
  RAM: 'ram',
  GlobalAccelerator: 'globalaccelerator',
  STS: 'sts',
  ElasticLoadBalancingV2: 'elasticloadbalancing',
  ServiceQuotas: 'servicequotas',
  CloudFormation: 'cloudformation',
  IpRanges: null,
};

/** What a recorded call needs from IAM: one action on one resource, with the request's condition keys. */
export interface CallRequest {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as Json).S === 'string' ? (v as Json).S : undefined;

/** The partition keys a DynamoDB request touches (dynamodb:LeadingKeys), from its key, item or key condition. */
function leadingKeys(input: Json): string[] {
  const pk = str(input?.Key?.pk) ?? str(input?.Item?.pk) ?? str(input?.ExpressionAttributeValues?.[':pk']);
  return pk ? [pk] : [];
}

/**
 * The resource a call acts on, as its ARN, built from the call's input the way AWS names it (the
 * Service Authorization Reference's ARN formats); "*" where the action takes no resource (`wildcardOnly`).
 */
export function resourceOfCall(action: string, call: { account: string; region: string; input: unknown }, wildcardOnly: boolean): string {
  if (wildcardOnly) return '*';
  const input = (call.input ?? {}) as Json;
  const [service, name] = action.split(':');
  const { account, region } = call;
  switch (service) {
    case 'dynamodb':
      return `arn:aws:dynamodb:${region}:${account}:table/${input.TableName}`;
    case 'secretsmanager':
      return String(input.SecretId).startsWith('arn:') ? input.SecretId : `arn:aws:secretsmanager:${region}:${account}:secret:${input.SecretId}-AbCdEf`;
    case 'sns':
      return input.TopicArn;
    case 'states':
      return name === 'StartExecution' ? input.stateMachineArn : '*';
    case 'route53':
      if (name === 'GetChange') return `arn:aws:route53:::change/${String(input.Id).replace(/^\/?change\//, '')}`;
      return `arn:aws:route53:::hostedzone/${String(input.HostedZoneId).replace(/^\/?hostedzone\//, '')}`;
    case 'cloudfront':
      if (name === 'TagResource' && input.Resource) return input.Resource;
      if (/Distribution/.test(name) && input.Id) return `arn:aws:cloudfront::${account}:distribution/${input.Id}`;
      if (/AnycastIpList/.test(name)) return `arn:aws:cloudfront::${account}:anycast-ip-list/${input.Id ?? input.AnycastIpListId}`;
      if (/VpcOrigin/.test(name)) return `arn:aws:cloudfront::${account}:vpcorigin/${input.Id ?? input.VpcOriginId}`;
      return '*';
    case 'ram':
      if (input.resourceShareArn) return input.resourceShareArn;
      return '*';
    case 'globalaccelerator':
      return input.AcceleratorArn ?? input.ResourceArn ?? (input.ListenerArn ? String(input.ListenerArn) : input.EndpointGroupArn) ?? '*';
    case 'ec2':
      return ec2Resource(name, input, account, region);
    default:
      return '*';
  }
}

/** EC2's resources by the ids in the input (our grants are "*": any well-formed ARN of the right type). */
function ec2Resource(name: string, input: Json, account: string, region: string): string {
  const arn = (type: string, id: string) => `arn:aws:ec2:${region}:${account}:${type}/${id}`;
  // IPAM resources are global: no Region in their ARNs.
  if (input.IpamPoolId) return `arn:aws:ec2::${account}:ipam-pool/${input.IpamPoolId}`;
  if (input.IpamScopeId) return `arn:aws:ec2::${account}:ipam-pool/*`;
  if (input.GroupId) return arn('security-group', input.GroupId);
  if (input.NetworkInterfaceId) return arn('network-interface', input.NetworkInterfaceId);
  if (input.PrefixListId) return arn('prefix-list', input.PrefixListId);
  if (input.IpamId) return `arn:aws:ec2::${account}:ipam/${input.IpamId}`;
  if (/SecurityGroup/.test(name)) return arn('security-group', '*');
  if (/PrefixList/.test(name)) return arn('prefix-list', '*');
  return '*';
}

/** The condition keys a request carries (here: the partition keys a DynamoDB request touches). */
export function contextOfCall(action: string, input: unknown): Record<string, string | string[]> {
  if (!action.startsWith('dynamodb:')) return {};
  const keys = leadingKeys(input);
  return keys.length ? { 'dynamodb:LeadingKeys': keys } : {};
}
