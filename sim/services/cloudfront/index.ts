/**
 * CloudFront: Anycast static IP lists backed by an IPAM global pool (Deploying → Deployed, IpCount 3,
 * quota default 0), and distributions with ETag/IfMatch read-modify-write (PreconditionFailed on a
 * stale ETag) and InProgress → Deployed after every change. VPC origins and the origin/behaviour
 * rules are in vpc-origins.ts; the edge that serves the Deployed configs in edge.ts.
 */
import type * as CloudFront from '@aws-sdk/client-cloudfront';
import type { DistributionConfig, IpamCidrStatus } from '@aws-sdk/client-cloudfront';
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { canonicalCidr, nthAddress, parseCidr } from '../../../domain/cidr';
import { awsError } from '../../aws-error';
import { cloudFrontPage } from '../../paging';
import { eventual, lifecycle, settle, transition } from '../../lifecycle';
import type { SdkServiceModel } from '../../sdk-operations';
import type { OpContext, Simulator } from '../../simulator';
import { poolArn, registerAllocationCheck, type IpamState } from '../ec2/ipam';
import { cloudfrontEdge } from './edge';
import { seedVpcOrigins, settleVpcOrigins, validateDistributionConfig, vpcOriginExists, vpcOriginOperations, describeVpcOrigin } from './vpc-origins';
import type { CloudFrontState, DistStatus, ListStatus, SimAnycastList, SimDistribution } from './state';

export type { CloudFrontState, SimAnycastList, SimDistribution, SimVpcOrigin } from './state';
import { registerShareableResource } from '../ram';
import { resourceRef } from '../../resource-ref';

const DistributionSeed = z.object({
  id: z.string(),
  account: z.string(),
  domainName: z.string().optional(),
  /** Partial DistributionConfig; the rest gets CloudFront's defaults. */
  config: z.record(z.string(), z.unknown()).default({}),
});

/** Anycast static IP lists that exist (Deployed); BYOIP lists name their /24s and the global pool each comes from. */
const AnycastListSeed = z.object({
  id: z.string().regex(/^aip_[A-Za-z0-9]+$/),
  account: z.string().regex(/^\d{12}$/),
  name: z.string().min(1).max(64),
  ipCount: z.union([z.literal(3), z.literal(21)]).default(3),
  ipAddressType: z.enum(['ipv4', 'ipv6', 'dualstack']).default('ipv4'),
  cidrs: z.array(z.object({ cidr: z.string(), ipamPoolId: z.string(), anycastIp: z.string().optional() })).default([]),
  tags: z.record(z.string(), z.string()).default({}),
});

export const CloudFrontWorldSection = z.object({
  distributions: z.array(DistributionSeed).default([]),
  anycastLists: z.array(AnycastListSeed).default([]),
});

export function newEtag(state: CloudFrontState): string {
  state.etagCounter++;
  return `E${state.etagCounter.toString(36).toUpperCase().padStart(12, '0')}`;
}

/** A seeded distribution's config: the world's (partial) DistributionConfig over CloudFront's defaults (the conformance check holds what it answers to the model). */
function defaultConfig(id: string, partial: Record<string, unknown>): DistributionConfig {
  return {
    CallerReference: `sim-${id}`,
    Aliases: { Quantity: 0, Items: [] },
    DefaultRootObject: '',
    Origins: {
      Quantity: 1,
      Items: [
        {
          Id: 'origin-1',
          DomainName: 'origin.example.com',
          OriginPath: '',
          CustomHeaders: { Quantity: 0 },
          CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' },
        },
      ],
    },
    DefaultCacheBehavior: { TargetOriginId: 'origin-1', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
    CacheBehaviors: { Quantity: 0, Items: [] },
    Comment: '',
    Enabled: true,
    PriceClass: 'PriceClass_100',
    HttpVersion: 'http2',
    IsIPV6Enabled: true,
    ...partial,
  };
}

/** CloudFront picks the address in each /24; the customer can't. */
function anycastIpIn(cidr: string, index: number): string {
  const host = 1 + (createHash('sha1').update(`${cidr}/${index}`).digest()[0] % 250);
  return nthAddress(parseCidr(cidr), host);
}

function describeList(l: SimAnycastList, ipam: IpamState | undefined) {
  return {
    Id: l.Id,
    Name: l.Name,
    Status: l.lc.state,
    Arn: l.Arn,
    IpAddressType: l.IpAddressType,
    IpCount: l.IpCount,
    AnycastIps: l.cidrs.map((c) => c.AnycastIp),
    LastModifiedTime: new Date(l.LastModifiedTime),
    IpamConfig: {
      Quantity: l.cidrs.length,
      IpamCidrConfigs: l.cidrs.map((c) => ({ Cidr: c.Cidr, IpamPoolArn: c.IpamPoolArn, AnycastIp: c.AnycastIp, Status: cidrStatus(ipam, l, c.Cidr) })),
    },
  };
}

/** CloudFront's view of a list CIDR mirrors EC2's advertisement state. */
function cidrStatus(ipam: IpamState | undefined, l: SimAnycastList, cidr: string): IpamCidrStatus {
  const b = ipam?.byoipCidrs.find((x) => x.account === l.account && x.Cidr === cidr && x.lc.state !== 'deprovisioned');
  switch (b?.lc.state) {
    case 'pending-advertising':
      return 'advertising';
    case 'advertised':
      return 'advertised';
    case 'pending-withdrawal':
      return 'withdrawing';
    default:
      return 'provisioned';
  }
}

function describeDistribution(d: SimDistribution) {
  return {
    Id: d.Id,
    ARN: d.ARN,
    Status: d.lc.state,
    LastModifiedTime: new Date(d.LastModifiedTime),
    InProgressInvalidationBatches: 0,
    DomainName: d.DomainName,
    DistributionConfig: d.config,
  };
}

/** A DistributionSummary as the list operations answer it (every member CloudFront always sends). */
function summarizeDistribution(d: SimDistribution) {
  const c = d.config;
  return {
    Id: d.Id,
    ARN: d.ARN,
    ETag: d.ETag,
    Status: d.lc.state,
    LastModifiedTime: new Date(d.LastModifiedTime),
    DomainName: d.DomainName,
    Aliases: c.Aliases,
    Origins: c.Origins,
    DefaultCacheBehavior: c.DefaultCacheBehavior,
    CacheBehaviors: c.CacheBehaviors ?? { Quantity: 0 },
    CustomErrorResponses: c.CustomErrorResponses ?? { Quantity: 0 },
    Comment: c.Comment ?? '',
    PriceClass: c.PriceClass,
    Enabled: c.Enabled,
    ViewerCertificate: c.ViewerCertificate ?? { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: 'TLSv1', CertificateSource: 'cloudfront' },
    Restrictions: c.Restrictions ?? { GeoRestriction: { RestrictionType: 'none', Quantity: 0 } },
    WebACLId: c.WebACLId ?? '',
    HttpVersion: c.HttpVersion,
    IsIPV6Enabled: c.IsIPV6Enabled,
    Staging: c.Staging ?? false,
    ...(c.AnycastIpListId ? { AnycastIpListId: c.AnycastIpListId } : {}),
  };
}

function findList(ctx: OpContext<CloudFrontState>, id: string | undefined): SimAnycastList {
  const l = ctx.state.anycastLists.find((x) => x.Id === id && x.account === ctx.account && x.lc.state !== 'Deleted');
  if (!l) throw awsError('EntityNotFound', `The Anycast static IP list ${id} does not exist`, 404);
  return l;
}

function findDistribution(ctx: OpContext<CloudFrontState>, id: string | undefined): SimDistribution {
  const d = ctx.state.distributions.find((x) => x.Id === id && x.account === ctx.account);
  if (!d) throw awsError('NoSuchDistribution', `The specified distribution does not exist: ${id}`, 404);
  return d;
}

function requireIfMatch(ifMatch: string | undefined, etag: string): void {
  if (!ifMatch) throw awsError('InvalidIfMatchVersion', 'The If-Match version is missing or not valid for the resource.');
  if (ifMatch !== etag) throw awsError('PreconditionFailed', 'The precondition given in one or more of the request header fields evaluated to false.', 412);
}

/** Which list holds a CIDR (an IPAM allocation), for DeprovisionIpamPoolCidr's in-use check. */
function listUsingCidr(sim: Simulator, account: string, cidr: string): string | undefined {
  const state = sim.state<CloudFrontState>('cloudfront');
  const l = state.anycastLists.find((x) => x.account === account && x.lc.state !== 'Deleted' && x.cidrs.some((c) => c.Cidr === cidr));
  return l ? `CloudFront Anycast static IP list ${l.Id}` : undefined;
}

/** CloudFront as a world section (sim/world-out.ts): distributions with their full config, anycast lists, VPC origins. */
function cloudfrontToWorld(state: CloudFrontState, _sim: Simulator, note: (text: string) => void) {
  const tags = (items: CloudFront.Tags | undefined) => Object.fromEntries((items?.Items ?? []).map((t) => [t.Key, t.Value ?? '']));
  for (const d of state.distributions) if (d.lc.next.length) note(`distribution ${d.Id} is ${d.lc.state}; written as Deployed with its latest config`);
  const lists = state.anycastLists.filter((l) => !['Deleted', 'Deleting', 'Failed'].includes(eventual(l.lc)));
  for (const l of lists) if (l.lc.next.length) note(`anycast IP list ${l.Id} is ${l.lc.state}; written as Deployed`);
  const origins = state.vpcOrigins.filter((v) => eventual(v.lc) === 'Deployed');
  for (const v of state.vpcOrigins) if (v.lc.next.length && eventual(v.lc) === 'Deployed') note(`VPC origin ${v.Id} is ${v.lc.state}; written as Deployed`);
  return {
    cloudfront: {
      distributions: state.distributions.map((d) => ({ id: d.Id, account: d.account, domainName: d.DomainName, config: d.config })),
      anycastLists: lists.map((l) => ({
        id: l.Id,
        account: l.account,
        name: l.Name,
        ipCount: l.IpCount,
        ipAddressType: l.IpAddressType,
        cidrs: l.cidrs.map((c) => ({ cidr: c.Cidr, ipamPoolId: c.IpamPoolArn.split('/').pop()!, anycastIp: c.AnycastIp })),
        tags: tags(l.Tags),
      })),
      vpcOrigins: origins.map((v) => ({
        id: v.Id,
        account: v.account,
        name: v.endpoint.Name,
        endpointArn: v.endpoint.Arn,
        httpsPort: v.endpoint.HTTPSPort,
        createdAt: new Date(v.CreatedTime).toISOString(),
        tags: Object.fromEntries(v.Tags.map((t) => [t.Key, t.Value ?? ''])),
      })),
    },
  };
}

export const cloudfrontModel: SdkServiceModel<CloudFrontState, typeof CloudFront> = {
  key: 'cloudfront',
  service: 'CloudFront',
  seed(world, sim) {
    registerAllocationCheck(listUsingCidr);
    registerShareableResource(vpcOriginExists);
    const section = CloudFrontWorldSection.parse(world.cloudfront ?? {});
    const state: CloudFrontState = { anycastLists: [], distributions: [], vpcOrigins: [], etagCounter: 0 };
    for (const d of section.distributions) {
      const config = defaultConfig(d.id, d.config);
      state.distributions.push({
        Id: d.id,
        ARN: `arn:aws:cloudfront::${d.account}:distribution/${d.id}`,
        account: d.account,
        DomainName: d.domainName ?? `d${createHash('sha1').update(d.id).digest('hex').slice(0, 13)}.cloudfront.net`,
        config,
        ETag: newEtag(state),
        lc: lifecycle<DistStatus>('Deployed', sim.startedAt),
        LastModifiedTime: sim.startedAt,
        deployedConfig: config,
      });
    }
    for (const l of section.anycastLists) {
      state.anycastLists.push({
        Id: l.id,
        Arn: `arn:aws:cloudfront::${l.account}:anycastiplist/${l.id}`,
        account: l.account,
        Name: l.name,
        IpCount: l.ipCount,
        IpAddressType: l.ipAddressType,
        cidrs: l.cidrs.map((c, i) => ({
          Cidr: canonicalCidr(c.cidr),
          IpamPoolArn: poolArn({ OwnerId: l.account, IpamPoolId: c.ipamPoolId }),
          AnycastIp: c.anycastIp ?? anycastIpIn(canonicalCidr(c.cidr), i),
        })),
        lc: lifecycle<ListStatus>('Deployed', sim.startedAt),
        ETag: newEtag(state),
        LastModifiedTime: sim.startedAt,
        Tags: { Items: Object.entries(l.tags).map(([Key, Value]) => ({ Key, Value })) },
      });
    }
    state.vpcOrigins = seedVpcOrigins(world, sim, () => newEtag(state));
    sim.addHttpHost(cloudfrontEdge(sim));
    return state;
  },

  settle(state, now, sim) {
    for (const l of state.anycastLists) settle(sim, resourceRef(`anycast-ip-list:${l.Id}`, [l.Id]), l.lc, now);
    for (const d of state.distributions) {
      if (settle(sim, resourceRef(`distribution:${d.Id}`, [d.Id]), d.lc, now) && d.lc.state === 'Deployed') d.deployedConfig = d.config;
    }
    settleVpcOrigins(state, now, sim);
  },

  toWorld: cloudfrontToWorld,

  snapshot(state, sim) {
    const ipam = sim.state<IpamState>('ec2.ipam');
    return {
      anycastLists: state.anycastLists.filter((l) => l.lc.state !== 'Deleted').map((l) => ({ ...describeList(l, ipam), account: l.account })),
      distributions: state.distributions.map((d) => ({
        Id: d.Id,
        account: d.account,
        Status: d.lc.state,
        DomainName: d.DomainName,
        AnycastIpListId: d.config.AnycastIpListId ?? null,
        PriceClass: d.config.PriceClass,
        IsIPV6Enabled: d.config.IsIPV6Enabled,
        Enabled: d.config.Enabled,
        Aliases: d.config.Aliases?.Items ?? [],
        Origins: (d.config.Origins?.Items ?? []).map((o) => ({
          Id: o.Id,
          DomainName: o.DomainName,
          VpcOriginId: o.VpcOriginConfig?.VpcOriginId ?? null,
          OwnerAccountId: o.VpcOriginConfig?.OwnerAccountId ?? null,
        })),
        CacheBehaviors: (d.config.CacheBehaviors?.Items ?? []).map((b) => ({ PathPattern: b.PathPattern, TargetOriginId: b.TargetOriginId })),
      })),
      vpcOrigins: state.vpcOrigins.filter((v) => v.lc.state !== 'Deleted').map((v) => ({ ...describeVpcOrigin(v), Name: v.endpoint.Name })),
    };
  },

  operations: {
    ...vpcOriginOperations(newEtag),

    CreateAnycastIpList(ctx, input) {
      const quota = ctx.sim.quota(ctx.account, 'anycastIpLists', 0);
      const live = ctx.state.anycastLists.filter((l) => l.account === ctx.account && l.lc.state !== 'Deleted');
      if (live.length >= quota) {
        throw awsError(
          'EntityLimitExceeded',
          `You have reached the maximum number of Anycast static IP lists for this account (${quota}). Request static IPs from CloudFront and a quota increase first.`,
        );
      }
      if (!input.Name) throw awsError('InvalidArgument', 'Name is required');
      if (live.some((l) => l.Name === input.Name)) throw awsError('EntityAlreadyExists', `An Anycast static IP list named ${input.Name} already exists`);
      if (input.IpCount !== 3 && input.IpCount !== 21) throw awsError('InvalidArgument', 'IpCount must be 3 or 21');
      const configs = (input.IpamCidrConfigs ?? []).map((c) => ({
        Cidr: ctx.required(c.Cidr, 'IpamCidrConfigs.Cidr'),
        IpamPoolArn: ctx.required(c.IpamPoolArn, 'IpamCidrConfigs.IpamPoolArn'),
      }));
      if (configs.length > 0 && input.IpCount !== 3) throw awsError('InvalidArgument', 'An Anycast static IP list from an IPAM pool takes IpCount 3');
      if (configs.length > 0 && configs.length !== 3) throw awsError('InvalidArgument', `BYOIP lists need exactly three /24 CIDRs; got ${configs.length}`);
      const ipam = ctx.sim.state<IpamState>('ec2.ipam');
      const cidrs = configs.map((c, i) => {
        const cidr = canonicalCidr(c.Cidr);
        const pool = ipam.pools.find((p) => p.IpamPoolArn === c.IpamPoolArn && p.lc.state === 'create-complete');
        if (!pool || pool.OwnerId !== ctx.account) throw awsError('InvalidArgument', `IpamPoolArn ${c.IpamPoolArn} is not a pool of account ${ctx.account}`);
        if (pool.AwsService !== 'global-services') throw awsError('InvalidArgument', `Pool ${pool.IpamPoolId} is not a global-services pool`);
        if (!ipam.poolCidrs.some((pc) => pc.IpamPoolId === pool.IpamPoolId && pc.Cidr === cidr && pc.lc.state === 'provisioned')) {
          throw awsError('InvalidArgument', `${cidr} is not provisioned in pool ${pool.IpamPoolId}`);
        }
        if (live.some((l) => l.cidrs.some((x) => x.Cidr === cidr)))
          throw awsError('InvalidArgument', `${cidr} is already used by another Anycast static IP list`);
        return { Cidr: cidr, IpamPoolArn: c.IpamPoolArn, AnycastIp: anycastIpIn(cidr, i) };
      });
      if (new Set(cidrs.map((c) => c.Cidr)).size !== cidrs.length) throw awsError('InvalidArgument', 'IpamCidrConfigs repeats a CIDR');
      const id = ctx.sim.nextId('aip_', 22);
      const list: SimAnycastList = {
        Id: id,
        Arn: `arn:aws:cloudfront::${ctx.account}:anycastiplist/${id}`,
        account: ctx.account,
        Name: input.Name,
        IpCount: input.IpCount,
        IpAddressType: input.IpAddressType ?? 'ipv4',
        cidrs,
        lc: lifecycle<ListStatus>('Deploying', ctx.now),
        ETag: newEtag(ctx.state),
        LastModifiedTime: ctx.now,
        Tags: input.Tags,
      };
      transition(ctx.sim, resourceRef(`anycast-ip-list:${id}`, [id]), list.lc, ctx.now, 'Deploying', {
        state: 'Deployed',
        afterSeconds: ctx.timings.anycastListDeploy,
      });
      ctx.state.anycastLists.push(list);
      return { AnycastIpList: describeList(list, ipam), ETag: list.ETag };
    },

    GetAnycastIpList(ctx, input) {
      const l = findList(ctx, input.Id);
      return { AnycastIpList: describeList(l, ctx.sim.state<IpamState>('ec2.ipam')), ETag: l.ETag };
    },

    ListAnycastIpLists(ctx, input) {
      const ipam = ctx.sim.state<IpamState>('ec2.ipam');
      const items = ctx.state.anycastLists
        .filter((l) => l.account === ctx.account && l.lc.state !== 'Deleted')
        .map((l) => {
          const d = describeList(l, ipam);
          return {
            Id: d.Id,
            Name: d.Name,
            Status: d.Status,
            Arn: d.Arn,
            IpCount: d.IpCount,
            LastModifiedTime: d.LastModifiedTime,
            IpAddressType: d.IpAddressType,
            ETag: l.ETag,
            IpamConfig: d.IpamConfig,
          };
        });
      return { AnycastIpLists: cloudFrontPage(ctx, items, input) };
    },

    DeleteAnycastIpList(ctx, input) {
      const l = findList(ctx, input.Id);
      requireIfMatch(input.IfMatch, l.ETag);
      const user = ctx.state.distributions.find((d) => d.account === ctx.account && d.config.AnycastIpListId === l.Id);
      if (user) throw awsError('CannotDeleteEntityWhileInUse', `The Anycast static IP list ${l.Id} is associated with distribution ${user.Id}`, 409);
      if (l.lc.state === 'Deploying') throw awsError('IllegalDelete', `The Anycast static IP list ${l.Id} is still deploying`);
      transition(ctx.sim, resourceRef(`anycast-ip-list:${l.Id}`, [l.Id]), l.lc, ctx.now, 'Deleting', {
        state: 'Deleted',
        afterSeconds: ctx.timings.anycastListDelete,
      });
      return {};
    },

    ListTagsForResource(ctx, input) {
      const l = ctx.state.anycastLists.find((x) => x.Arn === input.Resource && x.account === ctx.account && x.lc.state !== 'Deleted');
      const d = ctx.state.distributions.find((x) => x.ARN === input.Resource && x.account === ctx.account);
      const v = ctx.state.vpcOrigins.find((x) => x.Arn === input.Resource && x.account === ctx.account && x.lc.state !== 'Deleted');
      if (!l && !d && !v) throw awsError('NoSuchResource', `The specified resource does not exist: ${input.Resource}`, 404);
      return { Tags: { Items: v ? v.Tags : (l?.Tags?.Items ?? []) } };
    },

    ListDistributionsByAnycastIpListId(ctx, input) {
      const items = ctx.state.distributions
        .filter((d) => d.account === ctx.account && d.config.AnycastIpListId === input.AnycastIpListId)
        .map(summarizeDistribution);
      return { DistributionList: cloudFrontPage(ctx, items, input) };
    },

    GetDistribution(ctx, input) {
      const d = findDistribution(ctx, input.Id);
      return { Distribution: describeDistribution(d), ETag: d.ETag };
    },

    GetDistributionConfig(ctx, input) {
      const d = findDistribution(ctx, input.Id);
      return { DistributionConfig: d.config, ETag: d.ETag };
    },

    UpdateDistribution(ctx, input) {
      const d = findDistribution(ctx, input.Id);
      requireIfMatch(input.IfMatch, d.ETag);
      const next = input.DistributionConfig;
      if (!next) throw awsError('InvalidArgument', 'DistributionConfig is required');
      if (next.CallerReference !== d.config.CallerReference) throw awsError('IllegalUpdate', 'CallerReference cannot be changed');
      if (next.AnycastIpListId) {
        const list = ctx.state.anycastLists.find(
          (l) => l.Id === next.AnycastIpListId && l.account === ctx.account && l.lc.state !== 'Deleted' && l.lc.state !== 'Deleting',
        );
        if (!list) throw awsError('InvalidArgument', `The Anycast static IP list ${next.AnycastIpListId} does not exist`);
        if (list.lc.state !== 'Deployed')
          throw awsError('InvalidArgument', `The Anycast static IP list ${list.Id} is ${list.lc.state}; wait until it is Deployed`);
        if (next.PriceClass !== 'PriceClass_All') throw awsError('InvalidArgument', 'A distribution with an Anycast static IP list must use PriceClass_All');
        if (list.IpAddressType === 'ipv4' && next.IsIPV6Enabled) {
          throw awsError('InvalidArgument', "An Anycast static IP list that only has IPv4 addresses can't be associated to distributions with IPv6 enabled");
        }
      }
      validateDistributionConfig(ctx, d, next);
      d.config = next;
      d.ETag = newEtag(ctx.state);
      d.LastModifiedTime = ctx.now;
      // Every change restarts propagation to the edge.
      transition(ctx.sim, resourceRef(`distribution:${d.Id}`, [d.Id]), d.lc, ctx.now, 'InProgress', {
        state: 'Deployed',
        afterSeconds: ctx.timings.distributionDeploy,
      });
      return { Distribution: describeDistribution(d), ETag: d.ETag };
    },
  },
};
