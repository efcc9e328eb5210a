/**
 * CloudFront VPC origins (part of the CloudFront model's state) and the distribution-config rules
 * that involve them:
 *  - a VPC origin points at an ALB/NLB of its own account, goes Deploying → Deployed (or Failed),
 *    takes IfMatch to update or delete, and answers 409 while any distribution (of any account) still
 *    references it, until that distribution's removal is Deployed;
 *  - a distribution may use another account's VPC origin only with VpcOriginConfig.OwnerAccountId and
 *    an accepted RAM share; once unshared, the distribution can't be edited until the origin is removed;
 *  - origins, cache behaviours (PathPattern, TargetOriginId) and aliases are validated as CloudFront does.
 */
import type * as CloudFront from '@aws-sdk/client-cloudfront';
import type { DistributionConfig, VpcOriginEndpointConfig } from '@aws-sdk/client-cloudfront';
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { awsError } from '../../aws-error';
import { cloudFrontPage } from '../../paging';
import { lifecycle, settle, transition } from '../../lifecycle';
import type { SdkOperations } from '../../sdk-operations';
import type { OpContext, Simulator } from '../../simulator';
import type { CloudFrontState, SimDistribution, SimVpcOrigin, VpcOriginStatus } from './state';
import type { ElbState } from '../elbv2';
import { vpcOriginSharedWith } from '../ram';
import { resourceRef } from '../../resource-ref';

const VpcOriginSeed = z.object({
  id: z.string().regex(/^vo_[A-Za-z0-9]+$/),
  account: z.string().regex(/^\d{12}$/),
  name: z.string(),
  endpointArn: z.string(),
  httpsPort: z.number().int().default(443),
  createdAt: z.iso.datetime({ offset: true }).optional(),
  tags: z.record(z.string(), z.string()).default({}),
});
export const VpcOriginWorldSection = z.object({ vpcOrigins: z.array(VpcOriginSeed).default([]) });

const DEFAULT_VPC_ORIGINS_PER_ACCOUNT = 25; // CloudFront quotas: VPC origins per account
const DEFAULT_ORIGINS_PER_DISTRIBUTION = 100;
const DEFAULT_BEHAVIORS_PER_DISTRIBUTION = 75;
const DEFAULT_ALIASES_PER_DISTRIBUTION = 100;
const PATH_PATTERN = /^\/?[A-Za-z0-9_\-.*$/~"'@:+?&=!%]{1,255}$/;

const liveOrigin = (v: SimVpcOrigin) => v.lc.state !== 'Deleted';
const vpcOriginArn = (account: string, id: string) => `arn:aws:cloudfront::${account}:vpcorigin/${id}`;

function deploySeconds(timings: Record<string, number>, id: string): number {
  const base = timings.vpcOriginDeploy ?? 900; // ~15 min in practice
  const jitter = timings.vpcOriginDeployJitter ?? 0;
  const u = createHash('sha1').update(id).digest().readUInt16BE(0) / 0xffff;
  return Math.round(base + u * jitter);
}

export function seedVpcOrigins(world: Record<string, unknown>, sim: Simulator, etag: () => string): SimVpcOrigin[] {
  const section = VpcOriginWorldSection.parse(world.cloudfront ?? {});
  return section.vpcOrigins.map((v) => {
    const created = v.createdAt ? Date.parse(v.createdAt) : sim.startedAt;
    return {
      Id: v.id,
      Arn: vpcOriginArn(v.account, v.id),
      account: v.account,
      endpoint: {
        Name: v.name,
        Arn: v.endpointArn,
        HTTPPort: 80,
        HTTPSPort: v.httpsPort,
        OriginProtocolPolicy: 'https-only',
        OriginSslProtocols: { Quantity: 1, Items: ['TLSv1.2'] },
      },
      lc: lifecycle<VpcOriginStatus>('Deployed', created),
      ETag: etag(),
      CreatedTime: created,
      LastModifiedTime: created,
      Tags: Object.entries(v.tags).map(([Key, Value]) => ({ Key, Value })),
    };
  });
}

export function settleVpcOrigins(state: CloudFrontState, now: number, sim: Simulator): void {
  for (const v of state.vpcOrigins) settle(sim, resourceRef(`vpc-origin:${v.Id}`, [v.Id]), v.lc, now);
}

export function describeVpcOrigin(v: SimVpcOrigin) {
  return {
    Id: v.Id,
    Arn: v.Arn,
    AccountId: v.account,
    Status: v.lc.state,
    CreatedTime: new Date(v.CreatedTime),
    LastModifiedTime: new Date(v.LastModifiedTime),
    VpcOriginEndpointConfig: v.endpoint,
  };
}

/** The VPC origin with this id owned by `owner`, if it exists. */
export function findVpcOrigin(state: CloudFrontState, id: string | undefined, owner: string): SimVpcOrigin | undefined {
  return state.vpcOrigins.find((v) => v.Id === id && v.account === owner && liveOrigin(v));
}

function ownVpcOrigin(ctx: OpContext<CloudFrontState>, id: string | undefined): SimVpcOrigin {
  const v = findVpcOrigin(ctx.state, id, ctx.account);
  if (!v) throw awsError('EntityNotFound', `The specified VPC origin does not exist: ${id}`, 404);
  return v;
}

function referencesIn(config: DistributionConfig | undefined, d: SimDistribution, v: SimVpcOrigin): boolean {
  return (config?.Origins?.Items ?? []).some((o) => o.VpcOriginConfig?.VpcOriginId === v.Id && (o.VpcOriginConfig.OwnerAccountId ?? d.account) === v.account);
}

/** Distributions (any account) that use the VPC origin: in their config, or still deployed at the edge. */
export function distributionsUsing(state: CloudFrontState, v: SimVpcOrigin): SimDistribution[] {
  return state.distributions.filter((d) => referencesIn(d.config, d, v) || referencesIn(d.deployedConfig, d, v));
}

function requireIfMatch(ifMatch: string | undefined, etag: string): void {
  if (!ifMatch) throw awsError('InvalidIfMatchVersion', 'The If-Match version is missing or not valid for the resource.');
  if (ifMatch !== etag) throw awsError('PreconditionFailed', 'The precondition given in one or more of the request header fields evaluated to false.', 412);
}

function validateEndpoint(ctx: OpContext<CloudFrontState>, cfg: VpcOriginEndpointConfig | undefined): VpcOriginEndpointConfig {
  if (!cfg) throw awsError('InvalidArgument', 'VpcOriginEndpointConfig is required');
  if (!cfg.Name || !/^[A-Za-z0-9_-]{1,64}$/.test(cfg.Name))
    throw awsError('InvalidArgument', `VpcOriginEndpointConfig.Name "${cfg.Name ?? ''}" must be 1-64 letters, digits, dashes or underscores`);
  for (const port of ['HTTPPort', 'HTTPSPort'] as const) {
    const value = cfg[port];
    if (value === undefined || !Number.isInteger(value) || value < 1 || value > 65_535)
      throw awsError('InvalidArgument', `VpcOriginEndpointConfig.${port} must be 1-65535`);
  }
  if (cfg.OriginProtocolPolicy === undefined || !['http-only', 'https-only', 'match-viewer'].includes(cfg.OriginProtocolPolicy)) {
    throw awsError('InvalidArgument', 'OriginProtocolPolicy must be http-only, https-only or match-viewer');
  }
  const ssl = cfg.OriginSslProtocols;
  if (ssl && ssl.Quantity !== (ssl.Items ?? []).length) throw awsError('InconsistentQuantities', 'OriginSslProtocols.Quantity does not match its Items');
  const m = /^arn:aws[a-z-]*:(elasticloadbalancing|ec2):([a-z0-9-]+):(\d{12}):(loadbalancer\/(app|net)\/|instance\/)/.exec(String(cfg.Arn ?? ''));
  if (!m)
    throw awsError('InvalidArgument', `VpcOriginEndpointConfig.Arn ${cfg.Arn} is not an Application Load Balancer, Network Load Balancer or EC2 instance ARN`);
  if (m[3] !== ctx.account)
    throw awsError('InvalidArgument', `${cfg.Arn} belongs to account ${m[3]}; a VPC origin points at a resource of its own account (${ctx.account})`);
  const lb = ctx.sim.state<ElbState>('elbv2').loadBalancers.find((x) => x.arn === cfg.Arn);
  if (!lb) throw awsError('InvalidArgument', `The load balancer ${cfg.Arn} does not exist`);
  if (lb.scheme !== 'internal')
    throw awsError('InvalidArgument', `The load balancer ${cfg.Arn} is internet-facing; VPC origins serve private (internal) load balancers`);
  return {
    Name: cfg.Name,
    Arn: cfg.Arn,
    HTTPPort: cfg.HTTPPort,
    HTTPSPort: cfg.HTTPSPort,
    OriginProtocolPolicy: cfg.OriginProtocolPolicy,
    OriginSslProtocols: ssl ?? { Quantity: 1, Items: ['TLSv1.2'] },
    IpAddressType: cfg.IpAddressType ?? 'ipv4',
  };
}

function startDeploy(ctx: OpContext<CloudFrontState>, v: SimVpcOrigin): void {
  const lb = ctx.sim.state<ElbState>('elbv2').loadBalancers.find((x) => x.arn === v.endpoint.Arn);
  transition(ctx.sim, resourceRef(`vpc-origin:${v.Id}`, [v.Id]), v.lc, ctx.now, 'Deploying', {
    state: lb?.vpcOriginFails ? 'Failed' : 'Deployed',
    afterSeconds: deploySeconds(ctx.timings, v.Id),
  });
}

export function vpcOriginOperations(etag: (state: CloudFrontState) => string): SdkOperations<CloudFrontState, typeof CloudFront> {
  return {
    CreateVpcOrigin(ctx, input) {
      const endpoint = validateEndpoint(ctx, input.VpcOriginEndpointConfig);
      const mine = ctx.state.vpcOrigins.filter((v) => v.account === ctx.account && liveOrigin(v));
      const quota = ctx.sim.quota(ctx.account, 'vpcOrigins', DEFAULT_VPC_ORIGINS_PER_ACCOUNT);
      if (mine.length >= quota) throw awsError('EntityLimitExceeded', `You have reached the maximum number of VPC origins for this account (${quota})`);
      if (mine.some((v) => v.endpoint.Name === endpoint.Name)) throw awsError('EntityAlreadyExists', `A VPC origin named ${endpoint.Name} already exists`, 409);
      const tags = (input.Tags?.Items ?? []).map((t) => {
        if (!t.Key || t.Key.length > 128) throw awsError('InvalidTagging', 'Tag keys must be 1-128 characters');
        return { Key: t.Key, Value: t.Value };
      });
      const id = ctx.sim.nextId('vo_', 22);
      const v: SimVpcOrigin = {
        Id: id,
        Arn: vpcOriginArn(ctx.account, id),
        account: ctx.account,
        endpoint,
        lc: lifecycle<VpcOriginStatus>('Deploying', ctx.now),
        ETag: etag(ctx.state),
        CreatedTime: ctx.now,
        LastModifiedTime: ctx.now,
        Tags: tags,
      };
      ctx.sim.recordTransition(resourceRef(`vpc-origin:${id}`, [id]), undefined, 'Deploying', ctx.now);
      startDeploy(ctx, v);
      ctx.state.vpcOrigins.push(v);
      return { VpcOrigin: describeVpcOrigin(v), ETag: v.ETag, Location: `https://cloudfront.amazonaws.com/2020-05-31/vpc-origin/${id}` };
    },

    GetVpcOrigin(ctx, input) {
      const v = ownVpcOrigin(ctx, input.Id);
      return { VpcOrigin: describeVpcOrigin(v), ETag: v.ETag };
    },

    ListVpcOrigins(ctx, input) {
      const list = ctx.state.vpcOrigins
        .filter((v) => v.account === ctx.account && liveOrigin(v))
        .map((v) => ({
          Id: v.Id,
          Name: v.endpoint.Name,
          Status: v.lc.state,
          CreatedTime: new Date(v.CreatedTime),
          LastModifiedTime: new Date(v.LastModifiedTime),
          Arn: v.Arn,
          AccountId: v.account,
          OriginEndpointArn: v.endpoint.Arn,
        }));
      return { VpcOriginList: cloudFrontPage(ctx, list, input) };
    },

    UpdateVpcOrigin(ctx, input) {
      const v = ownVpcOrigin(ctx, input.Id);
      requireIfMatch(input.IfMatch, v.ETag);
      const users = distributionsUsing(ctx.state, v);
      if (users.length)
        throw awsError(
          'CannotUpdateEntityWhileInUse',
          `VPC origin ${v.Id} is currently associated with one or more distributions (${users.map((d) => d.Id).join(', ')}). Please disassociate it before updating or deleting.`,
          409,
        );
      if (v.lc.state !== 'Deployed' && v.lc.state !== 'Failed') throw awsError('IllegalUpdate', `VPC origin ${v.Id} is ${v.lc.state}`);
      const endpoint = validateEndpoint(ctx, input.VpcOriginEndpointConfig);
      if (endpoint.Arn !== v.endpoint.Arn) throw awsError('IllegalUpdate', 'The endpoint ARN of a VPC origin cannot be changed');
      v.endpoint = endpoint;
      v.ETag = etag(ctx.state);
      v.LastModifiedTime = ctx.now;
      startDeploy(ctx, v);
      return { VpcOrigin: describeVpcOrigin(v), ETag: v.ETag };
    },

    DeleteVpcOrigin(ctx, input) {
      const v = ownVpcOrigin(ctx, input.Id);
      requireIfMatch(input.IfMatch, v.ETag);
      const users = distributionsUsing(ctx.state, v);
      if (users.length)
        throw awsError(
          'CannotDeleteEntityWhileInUse',
          `VPC origin ${v.Id} is currently associated with one or more distributions (${users.map((d) => d.Id).join(', ')}). Please disassociate it before updating or deleting.`,
          409,
        );
      if (v.lc.state === 'Deploying' || v.lc.state === 'Deleting')
        throw awsError('IllegalDelete', `VPC origin ${v.Id} is ${v.lc.state}; try again when it is Deployed`);
      transition(ctx.sim, resourceRef(`vpc-origin:${v.Id}`, [v.Id]), v.lc, ctx.now, 'Deleting', {
        state: 'Deleted',
        afterSeconds: ctx.timings.vpcOriginDelete ?? 300,
      });
      v.LastModifiedTime = ctx.now;
      return { VpcOrigin: describeVpcOrigin(v), ETag: v.ETag };
    },

    ListDistributionsByVpcOriginId(ctx, input) {
      if (!input.VpcOriginId) throw awsError('InvalidArgument', 'VpcOriginId is required');
      const ids = ctx.state.distributions
        .filter((d) => d.account === ctx.account && (d.config.Origins?.Items ?? []).some((o) => o.VpcOriginConfig?.VpcOriginId === input.VpcOriginId))
        .map((d) => d.Id);
      return { DistributionIdList: cloudFrontPage(ctx, ids, input) };
    },

    ListDistributionsByOwnedResource(ctx, input) {
      const m = /^arn:aws[a-z-]*:cloudfront::(\d{12}):vpcorigin\/(vo_[A-Za-z0-9]+)$/.exec(String(input.ResourceArn ?? ''));
      if (!m) throw awsError('InvalidArgument', `${input.ResourceArn} is not the ARN of a CloudFront resource you can share`);
      if (m[1] !== ctx.account) throw awsError('AccessDenied', `Account ${ctx.account} does not own ${input.ResourceArn}`, 403);
      const v = ctx.state.vpcOrigins.find((x) => x.Id === m[2] && x.account === m[1]);
      if (!v) throw awsError('EntityNotFound', `The specified resource does not exist: ${input.ResourceArn}`, 404);
      const items = liveOrigin(v) ? distributionsUsing(ctx.state, v).map((d) => ({ DistributionId: d.Id, OwnerAccountId: d.account })) : [];
      return { DistributionList: cloudFrontPage(ctx, items, input) };
    },
  };
}

/** RAM asks whether a CloudFront ARN it is asked to share exists. */
export function vpcOriginExists(sim: Simulator, arn: string): boolean | undefined {
  const m = /^arn:aws[a-z-]*:cloudfront::(\d{12}):vpcorigin\/(.+)$/.exec(arn);
  if (!m) return undefined;
  return findVpcOrigin(sim.state<CloudFrontState>('cloudfront'), m[2], m[1]) !== undefined;
}

function quantityMatches<T>(list: { Quantity?: number; Items?: T[] } | undefined, what: string): T[] {
  const itemsOf = list?.Items ?? [];
  if (list && list.Quantity !== itemsOf.length)
    throw awsError('InconsistentQuantities', `${what}.Quantity (${list.Quantity}) does not match the number of items (${itemsOf.length})`);
  return itemsOf;
}

/** What CloudFront checks in an UpdateDistribution about origins, behaviours and aliases. */
export function validateDistributionConfig(ctx: OpContext<CloudFrontState>, d: SimDistribution, next: DistributionConfig): void {
  const origins = quantityMatches(next.Origins, 'Origins');
  if (origins.length === 0) throw awsError('InvalidArgument', 'A distribution needs at least one origin');
  const maxOrigins = ctx.sim.quota(d.account, 'originsPerDistribution', DEFAULT_ORIGINS_PER_DISTRIBUTION);
  if (origins.length > maxOrigins) throw awsError('TooManyOrigins', `You cannot create more than ${maxOrigins} origins for the distribution`);
  const ids = new Set<string>();
  for (const o of origins) {
    if (!o.Id) throw awsError('InvalidArgument', 'Every origin needs an Id');
    if (ids.has(o.Id)) throw awsError('InvalidArgument', `Origin Id ${o.Id} is used twice`);
    ids.add(o.Id);
    const vpc = o.VpcOriginConfig;
    if (!vpc) continue;
    const owner = vpc.OwnerAccountId ?? d.account;
    const v = findVpcOrigin(ctx.state, vpc.VpcOriginId, owner);
    // Without OwnerAccountId a shared origin is looked up in the distribution's own account: not found.
    if (!v) throw awsError('EntityNotFound', `The specified vpc origin does not exist: ${vpc.VpcOriginId} (owner ${owner})`, 404);
    if (owner !== d.account && !vpcOriginSharedWith(ctx.sim, v.Arn, owner, d.account)) {
      throw awsError(
        'AccessDenied',
        `VPC origin ${v.Id} of account ${owner} is not shared with account ${d.account} through an accepted AWS RAM share; a distribution that uses an unshared VPC origin can't be changed until the origin is removed from it`,
        403,
      );
    }
    if (v.lc.state !== 'Deployed') throw awsError('InvalidArgument', `VPC origin ${v.Id} is ${v.lc.state}; it can be used once it is Deployed`);
  }
  const behaviors = quantityMatches(next.CacheBehaviors, 'CacheBehaviors');
  const maxBehaviors = ctx.sim.quota(d.account, 'cacheBehaviorsPerDistribution', DEFAULT_BEHAVIORS_PER_DISTRIBUTION);
  if (behaviors.length > maxBehaviors)
    throw awsError('TooManyCacheBehaviors', `You cannot create more than ${maxBehaviors} cache behaviors for the distribution`);
  const patterns = new Set<string>();
  for (const b of behaviors) {
    if (typeof b.PathPattern !== 'string' || !PATH_PATTERN.test(b.PathPattern))
      throw awsError('InvalidArgument', `The path pattern "${b.PathPattern}" is not valid`);
    const norm = b.PathPattern.startsWith('/') ? b.PathPattern : `/${b.PathPattern}`;
    if (patterns.has(norm)) throw awsError('InvalidArgument', `The path pattern ${b.PathPattern} is used by two cache behaviors`);
    patterns.add(norm);
    if (!ids.has(b.TargetOriginId ?? ''))
      throw awsError('NoSuchOrigin', `One or more of your origins or origin groups do not exist: ${b.TargetOriginId} (cache behavior ${b.PathPattern})`, 404);
  }
  if (!ids.has(next.DefaultCacheBehavior?.TargetOriginId ?? ''))
    throw awsError(
      'NoSuchOrigin',
      `One or more of your origins or origin groups do not exist: ${next.DefaultCacheBehavior?.TargetOriginId} (default cache behavior)`,
      404,
    );
  const aliases = quantityMatches(next.Aliases, 'Aliases');
  const maxAliases = ctx.sim.quota(d.account, 'aliasesPerDistribution', DEFAULT_ALIASES_PER_DISTRIBUTION);
  if (aliases.length > maxAliases)
    throw awsError('TooManyDistributionCNAMEs', `You cannot add more than ${maxAliases} alternate domain names to the distribution`);
  for (const a of aliases) {
    const other = ctx.state.distributions.find((x) => x.Id !== d.Id && (x.config.Aliases?.Items ?? []).some((y) => y.toLowerCase() === a.toLowerCase()));
    if (other) throw awsError('CNAMEAlreadyExists', `One or more of the CNAMEs you provided are already associated with a different resource: ${a}`, 409);
  }
}
