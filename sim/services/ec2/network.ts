/**
 * EC2 networking, as far as origin lockdown uses it: security groups with tags and inbound rules
 * (IPv4/IPv6 CIDRs, prefix lists, group references, protocol -1), the rules-per-group quota counted
 * per family the way AWS counts it (a referenced prefix list weighs its MaxEntries), network
 * interfaces and the groups-per-interface quota, customer-managed prefix lists (versions and
 * CurrentVersion, ≤ 100 entries per call, resize apart from entry changes, modify-in-progress →
 * modify-complete) and the AWS-managed CloudFront origin-facing lists, which follow the ip-ranges
 * publication being served.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { canonicalCidr, parseCidr } from '../../../domain/cidr';
import { awsError } from '../../aws-error';
import { eventual, lifecycle, settle, transition, type Lifecycle } from '../../lifecycle';
import { page } from '../../paging';
import type { SdkServiceModel } from '../../sdk-operations';
import type { OpContext, Simulator } from '../../simulator';
import { publicationInfo } from '../ip-ranges';
import { resourceRef, type ResourceRef } from '../../resource-ref';

/** A prefix list in the report's transitions: asked for by name (the sync's polls) or id. */
function prefixListResource(pl: { PrefixListName: string; PrefixListId: string }): ResourceRef {
  return resourceRef(`prefix-list:${pl.PrefixListName}`, [pl.PrefixListName], [pl.PrefixListId]);
}

type Family = 'ipv4' | 'ipv6';

const RuleSeed = z
  .object({
    protocol: z.string().default('tcp'),
    fromPort: z.number().int().optional(),
    toPort: z.number().int().optional(),
    port: z.number().int().optional(),
    cidrs: z.array(z.string()).default([]),
    prefixListIds: z.array(z.string()).default([]),
    groups: z.array(z.string()).default([]),
    description: z.string().optional(),
  })
  .strict();

const GroupSeed = z
  .object({
    groupId: z.string().regex(/^sg-[0-9a-z]{8,17}$/),
    name: z.string(),
    description: z.string().default('seeded by the world file'),
    vpcId: z.string(),
    tags: z.record(z.string(), z.string()).default({}),
    ingress: z.array(RuleSeed).default([]),
  })
  .strict();

const PrefixListSeed = z
  .object({
    prefixListId: z.string().regex(/^pl-[0-9a-z]{8,17}$/),
    name: z.string(),
    family: z.enum(['ipv4', 'ipv6']),
    maxEntries: z.number().int().min(1).max(1000),
    entries: z.array(z.union([z.string(), z.object({ cidr: z.string(), description: z.string().optional() }).strict()])).default([]),
    account: z.string().optional(),
    region: z.string().optional(),
    tags: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export const Ec2NetworkWorldSection = z
  .object({
    vpcs: z
      .array(
        z
          .object({
            vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/),
            account: z.string().optional(),
            region: z.string().optional(),
            cidr: z.string().default('10.0.0.0/16'),
          })
          .strict(),
      )
      .default([]),
    securityGroups: z.array(GroupSeed).default([]),
    networkInterfaces: z
      .array(
        z
          .object({
            networkInterfaceId: z.string().regex(/^eni-[0-9a-f]{8,17}$/),
            vpcId: z.string(),
            groups: z.array(z.string()).min(1),
            description: z.string().default(''),
          })
          .strict(),
      )
      .default([]),
    prefixLists: z.array(PrefixListSeed).default([]),
    /** The AWS-managed CloudFront origin-facing lists (ids differ per Region in AWS; these are made up). */
    awsManagedPrefixLists: z
      .array(
        z
          .object({
            prefixListId: z.string(),
            name: z.string(),
            family: z.enum(['ipv4', 'ipv6']),
            maxEntries: z.number().int().min(1),
          })
          .strict(),
      )
      .default([
        { prefixListId: 'pl-3b927c52', name: 'com.amazonaws.global.cloudfront.origin-facing', family: 'ipv4', maxEntries: 55 },
        { prefixListId: 'pl-0b4a5e1c', name: 'com.amazonaws.global.ipv6.cloudfront.origin-facing', family: 'ipv6', maxEntries: 55 },
      ]),
  })
  .strict();

export interface SimRule {
  ruleId: string;
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  referencedGroupId?: string;
  description?: string;
}

export interface SimGroup {
  GroupId: string;
  GroupName: string;
  Description: string;
  VpcId: string;
  OwnerId: string;
  region: string;
  Tags: Array<{ Key: string; Value: string }>;
  ingress: SimRule[];
  egress: SimRule[];
}

export interface SimInterface {
  NetworkInterfaceId: string;
  VpcId: string;
  account: string;
  region: string;
  Groups: string[];
  Description: string;
}

type PrefixListState = 'create-in-progress' | 'create-complete' | 'modify-in-progress' | 'modify-complete' | 'delete-in-progress' | 'delete-complete';

export interface SimPrefixList {
  PrefixListId: string;
  PrefixListName: string;
  family: Family;
  MaxEntries: number;
  Version: number;
  entries: Array<{ Cidr: string; Description?: string }>;
  /** Entries at each version (GetManagedPrefixListEntries TargetVersion). */
  history: Record<number, Array<{ Cidr: string; Description?: string }>>;
  OwnerId: string;
  account: string;
  region: string;
  Tags: Array<{ Key: string; Value: string }>;
  ClientToken?: string;
  lc: Lifecycle<PrefixListState>;
  /** AWS-managed CloudFront list: entries follow the served ip-ranges publication. */
  awsManaged?: Family;
}

export interface Ec2NetworkState {
  vpcs: Array<{ vpcId: string; account: string; region: string; cidr: string }>;
  groups: SimGroup[];
  interfaces: SimInterface[];
  prefixLists: SimPrefixList[];
}

const ENTRIES_PER_CALL = 100;

function tagsOf(specs: Array<{ Tags?: Array<{ Key?: string; Value?: string }> }> | undefined) {
  return (specs ?? []).flatMap((s) => s.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}

function familyOf(cidr: string): Family {
  return parseCidr(cidr).family === 4 ? 'ipv4' : 'ipv6';
}

const PROTOCOLS: Record<string, string> = {
  tcp: 'tcp',
  '6': 'tcp',
  udp: 'udp',
  '17': 'udp',
  icmp: 'icmp',
  '1': 'icmp',
  icmpv6: 'icmpv6',
  '58': 'icmpv6',
  '-1': '-1',
  all: '-1',
};

function ruleKey(r: Omit<SimRule, 'ruleId'>): string {
  return [r.protocol, r.fromPort ?? '', r.toPort ?? '', r.cidrIpv4 ?? '', r.cidrIpv6 ?? '', r.prefixListId ?? '', r.referencedGroupId ?? ''].join('|');
}

function describeRule(r: Omit<SimRule, 'ruleId'>): string {
  const peer = r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedGroupId;
  return r.protocol === '-1'
    ? `peer: ${peer}, ALL, ALLOW`
    : `peer: ${peer}, ${r.protocol.toUpperCase()}, from port: ${r.fromPort}, to port: ${r.toPort}, ALLOW`;
}

/** AWS's view of a prefix list's entries (the managed ones follow the published ranges). */
function entriesOf(sim: Simulator, pl: SimPrefixList): Array<{ Cidr: string; Description?: string }> {
  if (!pl.awsManaged) return pl.entries;
  return publicationInfo(sim).originFacing[pl.awsManaged].map((Cidr) => ({ Cidr }));
}

function versionOf(sim: Simulator, pl: SimPrefixList): number {
  if (!pl.awsManaged) return pl.Version;
  return publicationInfo(sim).index + 1;
}

/** Inbound rules per family, counted as AWS does: a prefix list weighs its MaxEntries, a group reference counts once. */
export function groupWeights(state: Ec2NetworkState, g: { ingress: Array<Omit<SimRule, 'ruleId'>> }): Record<Family, number> {
  const w: Record<Family, number> = { ipv4: 0, ipv6: 0 };
  for (const r of g.ingress) {
    if (r.cidrIpv4) w.ipv4++;
    else if (r.cidrIpv6) w.ipv6++;
    else if (r.prefixListId) {
      const pl = state.prefixLists.find((p) => p.PrefixListId === r.prefixListId);
      if (pl) w[pl.family] += pl.MaxEntries;
    } else if (r.referencedGroupId) {
      w.ipv4++;
      w.ipv6++;
    }
  }
  return w;
}

function ipPermissions(rules: SimRule[]) {
  const out: Array<Record<string, any>> = [];
  for (const r of rules) {
    let p = out.find((x) => x.IpProtocol === r.protocol && x.FromPort === r.fromPort && x.ToPort === r.toPort);
    if (!p) {
      // Protocol -1 rules have no ports in AWS's answer (the sample Lambda's KeyError: 'FromPort').
      p = r.protocol === '-1' ? { IpProtocol: '-1' } : { IpProtocol: r.protocol, FromPort: r.fromPort, ToPort: r.toPort };
      Object.assign(p, { IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] });
      out.push(p);
    }
    if (r.cidrIpv4) p.IpRanges.push({ CidrIp: r.cidrIpv4, Description: r.description });
    if (r.cidrIpv6) p.Ipv6Ranges.push({ CidrIpv6: r.cidrIpv6, Description: r.description });
    if (r.prefixListId) p.PrefixListIds.push({ PrefixListId: r.prefixListId, Description: r.description });
    if (r.referencedGroupId) p.UserIdGroupPairs.push({ GroupId: r.referencedGroupId, Description: r.description });
  }
  return out;
}

function describeGroup(g: SimGroup) {
  return {
    GroupId: g.GroupId,
    GroupName: g.GroupName,
    Description: g.Description,
    VpcId: g.VpcId,
    OwnerId: g.OwnerId,
    Tags: g.Tags,
    SecurityGroupArn: `arn:aws:ec2:${g.region}:${g.OwnerId}:security-group/${g.GroupId}`,
    IpPermissions: ipPermissions(g.ingress),
    IpPermissionsEgress: ipPermissions(g.egress),
  };
}

function describePrefixList(sim: Simulator, pl: SimPrefixList) {
  return {
    PrefixListId: pl.PrefixListId,
    AddressFamily: pl.family === 'ipv4' ? 'IPv4' : 'IPv6',
    State: pl.awsManaged ? 'create-complete' : pl.lc.state,
    PrefixListArn: `arn:aws:ec2:${pl.region}:${pl.OwnerId}:prefix-list/${pl.PrefixListId}`,
    PrefixListName: pl.PrefixListName,
    MaxEntries: pl.MaxEntries,
    Version: versionOf(sim, pl),
    Tags: pl.Tags,
    OwnerId: pl.OwnerId,
  };
}

function tagFilter(tags: Array<{ Key: string; Value: string }>, name: string, values: string[]): boolean | undefined {
  if (name.startsWith('tag:')) return tags.some((t) => t.Key === name.slice(4) && values.includes(t.Value));
  if (name === 'tag-key') return tags.some((t) => values.includes(t.Key));
  if (name === 'tag-value') return tags.some((t) => values.includes(t.Value));
  return undefined;
}

function filterBy<T>(
  items: T[],
  filters: Array<{ Name?: string; Values?: string[] }> | undefined,
  fields: Record<string, (x: T) => string | string[] | undefined>,
  tags: (x: T) => Array<{ Key: string; Value: string }>,
): T[] {
  return items.filter((item) =>
    (filters ?? []).every((f) => {
      const values = f.Values ?? [];
      const byTag = tagFilter(tags(item), f.Name ?? '', values);
      if (byTag !== undefined) return byTag;
      const get = fields[f.Name ?? ''];
      if (!get) throw awsError('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
      const v = get(item);
      return Array.isArray(v) ? v.some((x) => values.includes(x)) : v !== undefined && values.includes(v);
    }),
  );
}

function findGroup(ctx: OpContext<Ec2NetworkState>, id: string | undefined): SimGroup {
  if (!id) throw awsError('MissingParameter', 'The request must contain the parameter GroupId');
  const g = ctx.state.groups.find((x) => x.GroupId === id && x.OwnerId === ctx.account && x.region === ctx.region);
  if (!g) throw awsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
  return g;
}

function findPrefixList(ctx: OpContext<Ec2NetworkState>, id: string | undefined): SimPrefixList {
  if (!id) throw awsError('MissingParameter', 'The request must contain the parameter PrefixListId');
  const pl = ctx.state.prefixLists.find(
    (p) => p.PrefixListId === id && p.region === ctx.region && (p.account === ctx.account || p.awsManaged) && p.lc.state !== 'delete-complete',
  );
  if (!pl) throw awsError('InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`);
  return pl;
}

/** Turns IpPermissions (or the flat CidrIp form) into rules, validated as EC2 does. */
function rulesFrom(ctx: OpContext<Ec2NetworkState>, group: SimGroup, input: any): Array<Omit<SimRule, 'ruleId'>> {
  const perms: any[] = input.IpPermissions?.length
    ? input.IpPermissions
    : input.IpProtocol
      ? [{ IpProtocol: input.IpProtocol, FromPort: input.FromPort, ToPort: input.ToPort, IpRanges: input.CidrIp ? [{ CidrIp: input.CidrIp }] : [] }]
      : [];
  if (perms.length === 0) throw awsError('MissingParameter', 'The request must contain the parameter IpPermissions');
  const out: Array<Omit<SimRule, 'ruleId'>> = [];
  for (const p of perms) {
    const protocol = PROTOCOLS[String(p.IpProtocol ?? '').toLowerCase()];
    if (!protocol) throw awsError('InvalidParameterValue', `Invalid value '${p.IpProtocol}' for IP protocol. Unknown protocol.`);
    let fromPort: number | undefined;
    let toPort: number | undefined;
    if (protocol === 'tcp' || protocol === 'udp') {
      if (p.FromPort === undefined || p.ToPort === undefined)
        throw awsError('InvalidParameterValue', `Invalid value for portRange. Must specify both from and to ports with TCP/UDP.`);
      if (p.FromPort < 0 || p.ToPort > 65535 || p.FromPort > p.ToPort)
        throw awsError('InvalidParameterValue', `Invalid value for portRange: from port ${p.FromPort} to port ${p.ToPort}`);
      fromPort = p.FromPort;
      toPort = p.ToPort;
    } else if (protocol !== '-1') {
      fromPort = p.FromPort ?? -1;
      toPort = p.ToPort ?? -1;
    }
    const base = { protocol, fromPort, toPort };
    for (const r of p.IpRanges ?? []) {
      let cidr: string;
      try {
        cidr = canonicalCidr(r.CidrIp ?? '');
      } catch {
        throw awsError('InvalidParameterValue', `CIDR block ${r.CidrIp} is malformed`);
      }
      if (familyOf(cidr) !== 'ipv4') throw awsError('InvalidParameterValue', `CIDR block ${cidr} is not IPv4; use Ipv6Ranges`);
      out.push({ ...base, cidrIpv4: cidr, description: r.Description });
    }
    for (const r of p.Ipv6Ranges ?? []) {
      let cidr: string;
      try {
        cidr = canonicalCidr(r.CidrIpv6 ?? '');
      } catch {
        throw awsError('InvalidParameterValue', `CIDR block ${r.CidrIpv6} is malformed`);
      }
      if (familyOf(cidr) !== 'ipv6') throw awsError('InvalidParameterValue', `CIDR block ${cidr} is not IPv6; use IpRanges`);
      out.push({ ...base, cidrIpv6: cidr, description: r.Description });
    }
    for (const r of p.PrefixListIds ?? []) {
      findPrefixList(ctx, r.PrefixListId);
      out.push({ ...base, prefixListId: r.PrefixListId, description: r.Description });
    }
    for (const r of p.UserIdGroupPairs ?? []) {
      const other = findGroup(ctx, r.GroupId);
      if (other.VpcId !== group.VpcId) throw awsError('InvalidParameterValue', `You have specified two resources that belong to different networks.`);
      out.push({ ...base, referencedGroupId: r.GroupId, description: r.Description });
    }
  }
  return out;
}

/** EC2 networking as a world section (sim/world-out.ts): VPCs, groups with one seed rule per rule, interfaces, prefix lists. */
function ec2NetworkToWorld(state: Ec2NetworkState, _sim: Simulator, note: (text: string) => void) {
  for (const g of state.groups) {
    if (g.egress.length !== 1 || g.egress[0].protocol !== '-1' || g.egress[0].cidrIpv4 !== '0.0.0.0/0')
      note(`security group ${g.GroupId}: its outbound rules are not written (a world gives every group the default allow-all rule)`);
  }
  const lists = state.prefixLists.filter((p) => !p.awsManaged && eventual(p.lc) !== 'delete-complete');
  for (const p of lists) if (p.lc.next.length) note(`prefix list ${p.PrefixListId} is ${p.lc.state}; written with its current entries`);
  const managed = new Map(state.prefixLists.filter((p) => p.awsManaged).map((p) => [p.PrefixListId, p]));
  return {
    ec2Network: {
      vpcs: state.vpcs.map((v) => ({ vpcId: v.vpcId, account: v.account, region: v.region, cidr: v.cidr })),
      securityGroups: state.groups.map((g) => ({
        groupId: g.GroupId,
        name: g.GroupName,
        description: g.Description,
        vpcId: g.VpcId,
        tags: Object.fromEntries(g.Tags.map((t) => [t.Key, t.Value])),
        ingress: g.ingress.map((r) => ({
          protocol: r.protocol,
          ...(r.fromPort !== undefined ? { fromPort: r.fromPort } : {}),
          ...(r.toPort !== undefined ? { toPort: r.toPort } : {}),
          cidrs: [r.cidrIpv4 ?? r.cidrIpv6].filter((c): c is string => !!c),
          prefixListIds: r.prefixListId ? [r.prefixListId] : [],
          groups: r.referencedGroupId ? [r.referencedGroupId] : [],
          ...(r.description ? { description: r.description } : {}),
        })),
      })),
      networkInterfaces: state.interfaces.map((i) => ({
        networkInterfaceId: i.NetworkInterfaceId,
        vpcId: i.VpcId,
        groups: i.Groups,
        description: i.Description,
      })),
      prefixLists: lists.map((p) => ({
        prefixListId: p.PrefixListId,
        name: p.PrefixListName,
        family: p.family,
        maxEntries: p.MaxEntries,
        account: p.account,
        region: p.region,
        entries: p.entries.map((e) => (e.Description ? { cidr: e.Cidr, description: e.Description } : e.Cidr)),
        tags: Object.fromEntries(p.Tags.map((t) => [t.Key, t.Value])),
      })),
      awsManagedPrefixLists: [...managed.values()].map((p) => ({
        prefixListId: p.PrefixListId,
        name: p.PrefixListName,
        family: p.family,
        maxEntries: p.MaxEntries,
      })),
    },
  };
}

export const ec2NetworkModel: SdkServiceModel<Ec2NetworkState, typeof EC2> = {
  key: 'ec2.network',
  service: 'EC2',
  seed(world, sim) {
    const s = Ec2NetworkWorldSection.parse(world.ec2Network ?? {});
    const account = world.defaultAccount;
    const now = sim.startedAt;
    const state: Ec2NetworkState = {
      vpcs: s.vpcs.map((v) => ({ vpcId: v.vpcId, account: v.account ?? account, region: v.region ?? world.defaultRegion, cidr: v.cidr })),
      groups: [],
      interfaces: [],
      prefixLists: [],
    };
    const vpc = (id: string, where: string) => {
      const v = state.vpcs.find((x) => x.vpcId === id);
      if (!v) throw new Error(`world.ec2Network.${where}: unknown VPC ${id}`);
      return v;
    };
    const regions = new Set([world.defaultRegion, ...state.vpcs.map((v) => v.region)]);
    for (const region of regions) {
      for (const m of s.awsManagedPrefixLists) {
        state.prefixLists.push({
          PrefixListId: m.prefixListId,
          PrefixListName: m.name,
          family: m.family,
          MaxEntries: m.maxEntries,
          Version: 1,
          entries: [],
          history: {},
          OwnerId: 'AWS',
          account: 'AWS',
          region,
          Tags: [],
          lc: lifecycle<PrefixListState>('create-complete', now),
          awsManaged: m.family,
        });
      }
    }
    for (const p of s.prefixLists) {
      const entries = p.entries.map((c) =>
        typeof c === 'string' ? { Cidr: canonicalCidr(c) } : { Cidr: canonicalCidr(c.cidr), ...(c.description ? { Description: c.description } : {}) },
      );
      state.prefixLists.push({
        PrefixListId: p.prefixListId,
        PrefixListName: p.name,
        family: p.family,
        MaxEntries: p.maxEntries,
        Version: 1,
        entries,
        history: { 1: entries },
        OwnerId: p.account ?? account,
        account: p.account ?? account,
        region: p.region ?? world.defaultRegion,
        Tags: Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value })),
        lc: lifecycle<PrefixListState>('create-complete', now),
      });
    }
    let ruleCounter = 0;
    for (const g of s.securityGroups) {
      const v = vpc(g.vpcId, `securityGroups.${g.groupId}`);
      const group: SimGroup = {
        GroupId: g.groupId,
        GroupName: g.name,
        Description: g.description,
        VpcId: g.vpcId,
        OwnerId: v.account,
        region: v.region,
        Tags: Object.entries(g.tags).map(([Key, Value]) => ({ Key, Value })),
        ingress: [],
        egress: [{ ruleId: `sgr-seed${String(++ruleCounter).padStart(9, '0')}`, protocol: '-1', cidrIpv4: '0.0.0.0/0' }],
      };
      for (const r of g.ingress) {
        const protocol = PROTOCOLS[r.protocol] ?? r.protocol;
        const fromPort = protocol === '-1' ? undefined : (r.port ?? r.fromPort);
        const toPort = protocol === '-1' ? undefined : (r.port ?? r.toPort);
        const base = { protocol, fromPort, toPort, description: r.description };
        const id = () => `sgr-seed${String(++ruleCounter).padStart(9, '0')}`;
        for (const c of r.cidrs) {
          const cidr = canonicalCidr(c);
          group.ingress.push({ ruleId: id(), ...base, ...(familyOf(cidr) === 'ipv4' ? { cidrIpv4: cidr } : { cidrIpv6: cidr }) });
        }
        for (const pl of r.prefixListIds) group.ingress.push({ ruleId: id(), ...base, prefixListId: pl });
        for (const ref of r.groups) group.ingress.push({ ruleId: id(), ...base, referencedGroupId: ref });
      }
      state.groups.push(group);
    }
    for (const i of s.networkInterfaces) {
      const v = vpc(i.vpcId, `networkInterfaces.${i.networkInterfaceId}`);
      for (const g of i.groups)
        if (!state.groups.some((x) => x.GroupId === g && x.VpcId === i.vpcId))
          throw new Error(`world.ec2Network.networkInterfaces.${i.networkInterfaceId}: unknown group ${g} in ${i.vpcId}`);
      state.interfaces.push({
        NetworkInterfaceId: i.networkInterfaceId,
        VpcId: i.vpcId,
        account: v.account,
        region: v.region,
        Groups: [...i.groups],
        Description: i.description,
      });
    }
    return state;
  },

  settle(state, now, sim) {
    for (const pl of state.prefixLists) if (!pl.awsManaged) settle(sim, prefixListResource(pl), pl.lc, now);
  },

  toWorld: ec2NetworkToWorld,

  snapshot(state, sim) {
    return {
      securityGroups: state.groups.map((g) => ({ ...describeGroup(g), weight: groupWeights(state, g) })),
      networkInterfaces: state.interfaces.map((i) => ({
        NetworkInterfaceId: i.NetworkInterfaceId,
        VpcId: i.VpcId,
        Groups: i.Groups,
        Description: i.Description,
      })),
      prefixLists: state.prefixLists
        .filter((p) => !p.awsManaged && p.lc.state !== 'delete-complete')
        .map((p) => ({ ...describePrefixList(sim, p), Entries: p.entries.map((e) => e.Cidr) })),
      awsManagedPrefixLists: state.prefixLists
        .filter((p) => p.awsManaged)
        .map((p) => ({ PrefixListId: p.PrefixListId, PrefixListName: p.PrefixListName, region: p.region, MaxEntries: p.MaxEntries })),
    };
  },

  operations: {
    DescribeSecurityGroups(ctx, input) {
      let groups = ctx.state.groups.filter((g) => g.OwnerId === ctx.account && g.region === ctx.region);
      const ids = input.GroupIds;
      if (ids?.length) {
        const missing = ids.find((id) => !groups.some((g) => g.GroupId === id));
        if (missing) throw awsError('InvalidGroup.NotFound', `The security group '${missing}' does not exist`);
        groups = groups.filter((g) => ids.includes(g.GroupId));
      }
      groups = filterBy(
        groups,
        input.Filters,
        {
          'vpc-id': (g) => g.VpcId,
          'group-id': (g) => g.GroupId,
          'group-name': (g) => g.GroupName,
          'owner-id': (g) => g.OwnerId,
          description: (g) => g.Description,
        },
        (g) => g.Tags,
      );
      if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000))
        throw awsError('InvalidParameterValue', 'MaxResults must be between 5 and 1000');
      const p = page(ctx, groups, { max: input.MaxResults, token: input.NextToken, defaultMax: 1000, limit: 1000 });
      return { SecurityGroups: p.items.map(describeGroup), NextToken: p.next };
    },

    CreateSecurityGroup(ctx, input) {
      if (!input.GroupName) throw awsError('MissingParameter', 'The request must contain the parameter GroupName');
      if (!input.Description) throw awsError('MissingParameter', 'The request must contain the parameter GroupDescription');
      if (/^sg-/i.test(input.GroupName)) throw awsError('InvalidParameterValue', 'Group names may not be in the format sg-*.');
      const vpc = ctx.state.vpcs.find((v) => v.vpcId === input.VpcId && v.account === ctx.account && v.region === ctx.region);
      if (!vpc) throw awsError('InvalidVpcID.NotFound', `The vpc ID '${input.VpcId}' does not exist`);
      if (ctx.state.groups.some((g) => g.VpcId === vpc.vpcId && g.GroupName === input.GroupName)) {
        throw awsError('InvalidGroup.Duplicate', `The security group '${input.GroupName}' already exists for VPC '${vpc.vpcId}'`);
      }
      const quota = ctx.sim.quota(ctx.account, 'securityGroupsPerRegion', 2500);
      if (ctx.state.groups.filter((g) => g.OwnerId === ctx.account && g.region === ctx.region).length >= quota) {
        throw awsError('SecurityGroupLimitExceeded', `You have exceeded the maximum number of security groups (${quota}) for this Region`);
      }
      const g: SimGroup = {
        GroupId: ctx.sim.nextId('sg-'),
        GroupName: input.GroupName,
        Description: input.Description,
        VpcId: vpc.vpcId,
        OwnerId: ctx.account,
        region: ctx.region,
        Tags: tagsOf(input.TagSpecifications),
        ingress: [],
        egress: [{ ruleId: ctx.sim.nextId('sgr-'), protocol: '-1', cidrIpv4: '0.0.0.0/0' }],
      };
      ctx.state.groups.push(g);
      ctx.sim.recordTransition(resourceRef(`security-group:${g.GroupId}`, [g.GroupId]), undefined, 'created', ctx.now);
      return { GroupId: g.GroupId, Tags: g.Tags, SecurityGroupArn: describeGroup(g).SecurityGroupArn };
    },

    DeleteSecurityGroup(ctx, input) {
      const g = findGroup(ctx, input.GroupId);
      const eni = ctx.state.interfaces.find((i) => i.Groups.includes(g.GroupId));
      if (eni) throw awsError('DependencyViolation', `resource ${g.GroupId} has a dependent object (${eni.NetworkInterfaceId})`);
      const referrer = ctx.state.groups.find((o) => o !== g && [...o.ingress, ...o.egress].some((r) => r.referencedGroupId === g.GroupId));
      if (referrer) throw awsError('DependencyViolation', `resource ${g.GroupId} has a dependent object (referenced by ${referrer.GroupId})`);
      ctx.state.groups.splice(ctx.state.groups.indexOf(g), 1);
      ctx.sim.recordTransition(resourceRef(`security-group:${g.GroupId}`, [g.GroupId]), 'created', 'deleted', ctx.now);
      return { Return: true, GroupId: g.GroupId };
    },

    AuthorizeSecurityGroupIngress(ctx, input) {
      const g = findGroup(ctx, input.GroupId);
      const rules = rulesFrom(ctx, g, input);
      const seen = new Set(g.ingress.map(ruleKey));
      for (const r of rules) {
        const key = ruleKey(r);
        // All or nothing: one existing rule fails the whole call, as in EC2.
        if (seen.has(key)) throw awsError('InvalidPermission.Duplicate', `the specified rule "${describeRule(r)}" already exists`);
        seen.add(key);
      }
      const quota = ctx.sim.quota(ctx.account, 'rulesPerSecurityGroup', 60);
      const after = groupWeights(ctx.state, { ingress: [...g.ingress, ...rules] });
      for (const f of ['ipv4', 'ipv6'] as const) {
        if (after[f] > quota)
          throw awsError(
            'RulesPerSecurityGroupLimitExceeded',
            `The maximum number of rules per security group has been reached. (${g.GroupId} would hold ${after[f]} ${f === 'ipv4' ? 'IPv4' : 'IPv6'} inbound rules; the quota is ${quota})`,
          );
      }
      const added = rules.map((r) => ({ ruleId: ctx.sim.nextId('sgr-'), ...r }));
      g.ingress.push(...added);
      return {
        Return: true,
        SecurityGroupRules: added.map((r) => ({
          SecurityGroupRuleId: r.ruleId,
          GroupId: g.GroupId,
          GroupOwnerId: g.OwnerId,
          IsEgress: false,
          IpProtocol: r.protocol,
          FromPort: r.fromPort ?? -1,
          ToPort: r.toPort ?? -1,
          CidrIpv4: r.cidrIpv4,
          CidrIpv6: r.cidrIpv6,
          PrefixListId: r.prefixListId,
          Description: r.description,
        })),
      };
    },

    RevokeSecurityGroupIngress(ctx, input) {
      const g = findGroup(ctx, input.GroupId);
      const ruleIds = input.SecurityGroupRuleIds;
      if (ruleIds?.length) {
        const unknown = ruleIds.filter((id) => !g.ingress.some((r) => r.ruleId === id));
        if (unknown.length) throw awsError('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${unknown[0]}' does not exist`);
        const revoked = g.ingress.filter((r) => ruleIds.includes(r.ruleId));
        g.ingress = g.ingress.filter((r) => !ruleIds.includes(r.ruleId));
        return { Return: true, RevokedSecurityGroupRules: revoked.map((r) => ({ SecurityGroupRuleId: r.ruleId, GroupId: g.GroupId, IsEgress: false })) };
      }
      const rules = rulesFrom(ctx, g, input);
      const unknown: Array<Omit<SimRule, 'ruleId'>> = [];
      const revoked: SimRule[] = [];
      for (const r of rules) {
        const i = g.ingress.findIndex((x) => ruleKey(x) === ruleKey(r));
        if (i < 0) unknown.push(r);
        else revoked.push(...g.ingress.splice(i, 1));
      }
      if (revoked.length === 0) throw awsError('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
      return {
        Return: true,
        UnknownIpPermissions: unknown.length ? ipPermissions(unknown.map((u) => ({ ruleId: '', ...u }))) : undefined,
        RevokedSecurityGroupRules: revoked.map((r) => ({
          SecurityGroupRuleId: r.ruleId,
          GroupId: g.GroupId,
          IsEgress: false,
          CidrIpv4: r.cidrIpv4,
          CidrIpv6: r.cidrIpv6,
        })),
      };
    },

    DescribeNetworkInterfaces(ctx, input) {
      let items = ctx.state.interfaces.filter((i) => i.account === ctx.account && i.region === ctx.region);
      const ids = input.NetworkInterfaceIds;
      if (ids?.length) {
        const missing = ids.find((id) => !items.some((i) => i.NetworkInterfaceId === id));
        if (missing) throw awsError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${missing}' does not exist`);
        items = items.filter((i) => ids.includes(i.NetworkInterfaceId));
      }
      items = filterBy(
        items,
        input.Filters,
        {
          'group-id': (i) => i.Groups,
          'vpc-id': (i) => i.VpcId,
          'network-interface-id': (i) => i.NetworkInterfaceId,
        },
        () => [],
      );
      const p = page(ctx, items, { max: input.MaxResults, token: input.NextToken, defaultMax: 1000, limit: 1000 });
      return {
        NetworkInterfaces: p.items.map((i) => ({
          NetworkInterfaceId: i.NetworkInterfaceId,
          VpcId: i.VpcId,
          OwnerId: i.account,
          Description: i.Description,
          Status: 'in-use',
          InterfaceType: 'interface',
          RequesterManaged: false,
          Groups: i.Groups.map((id) => ({ GroupId: id, GroupName: ctx.state.groups.find((g) => g.GroupId === id)?.GroupName })),
        })),
        NextToken: p.next,
      };
    },

    ModifyNetworkInterfaceAttribute(ctx, input) {
      const eni = ctx.state.interfaces.find((i) => i.NetworkInterfaceId === input.NetworkInterfaceId && i.account === ctx.account && i.region === ctx.region);
      if (!eni) throw awsError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${input.NetworkInterfaceId}' does not exist`);
      if (!input.Groups) return {};
      if (input.Groups.length === 0) throw awsError('InvalidParameterValue', 'A network interface must have at least one security group');
      for (const id of input.Groups) {
        const g = ctx.state.groups.find((x) => x.GroupId === id && x.OwnerId === ctx.account && x.region === ctx.region);
        if (!g) throw awsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
        if (g.VpcId !== eni.VpcId)
          throw awsError('InvalidParameterValue', `Security group ${id} and interface ${eni.NetworkInterfaceId} belong to different networks.`);
      }
      const quota = ctx.sim.quota(ctx.account, 'securityGroupsPerInterface', 5);
      const groups = [...new Set<string>(input.Groups)];
      if (groups.length > quota)
        throw awsError(
          'SecurityGroupsPerInterfaceLimitExceeded',
          `You have exceeded the maximum number of security groups (${quota}) allowed per network interface.`,
        );
      eni.Groups = groups;
      return {};
    },

    DescribeManagedPrefixLists(ctx, input) {
      let lists = ctx.state.prefixLists.filter(
        (p) => p.region === ctx.region && (p.account === ctx.account || p.awsManaged) && p.lc.state !== 'delete-complete',
      );
      const ids = input.PrefixListIds;
      if (ids?.length) {
        const missing = ids.find((id) => !lists.some((p) => p.PrefixListId === id));
        if (missing) throw awsError('InvalidPrefixListID.NotFound', `The prefix list ID '${missing}' does not exist`);
        lists = lists.filter((p) => ids.includes(p.PrefixListId));
      }
      lists = filterBy(
        lists,
        input.Filters,
        {
          'prefix-list-name': (p) => p.PrefixListName,
          'prefix-list-id': (p) => p.PrefixListId,
          'owner-id': (p) => p.OwnerId,
        },
        (p) => p.Tags,
      );
      const p = page(ctx, lists, { max: input.MaxResults, token: input.NextToken, defaultMax: 100, limit: 100 });
      return { PrefixLists: p.items.map((x) => describePrefixList(ctx.sim, x)), NextToken: p.next };
    },

    GetManagedPrefixListEntries(ctx, input) {
      const pl = findPrefixList(ctx, input.PrefixListId);
      if (input.MaxResults !== undefined && (input.MaxResults < 1 || input.MaxResults > 100))
        throw awsError('InvalidParameterValue', 'MaxResults must be between 1 and 100');
      let entries = entriesOf(ctx.sim, pl);
      if (input.TargetVersion !== undefined && !pl.awsManaged) {
        const old = pl.history[input.TargetVersion];
        if (!old) throw awsError('InvalidParameterValue', `The prefix list ${pl.PrefixListId} has no version ${input.TargetVersion}`);
        entries = old;
      }
      const p = page(ctx, entries, { max: input.MaxResults, token: input.NextToken, defaultMax: 100, limit: 100 });
      return { Entries: p.items, NextToken: p.next };
    },

    CreateManagedPrefixList(ctx, input) {
      if (!input.PrefixListName) throw awsError('MissingParameter', 'The request must contain the parameter PrefixListName');
      if (String(input.PrefixListName).startsWith('com.amazonaws'))
        throw awsError('InvalidParameterValue', 'The prefix list name cannot start with com.amazonaws');
      if (input.AddressFamily !== 'IPv4' && input.AddressFamily !== 'IPv6') throw awsError('InvalidParameterValue', 'AddressFamily must be IPv4 or IPv6');
      const maxEntries = input.MaxEntries;
      if (maxEntries === undefined || !Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > 1000)
        throw awsError('InvalidParameterValue', 'Must specify a max size between 1 and 1000');
      if (input.ClientToken) {
        const same = ctx.state.prefixLists.find((p) => p.ClientToken === input.ClientToken && p.account === ctx.account);
        if (same) return { PrefixList: describePrefixList(ctx.sim, same) };
      }
      const entries = input.Entries ?? [];
      if (entries.length > ENTRIES_PER_CALL)
        throw awsError('InvalidParameterValue', `The number of entries per request cannot exceeds limit (${ENTRIES_PER_CALL}).`);
      if (entries.length > maxEntries) throw awsError('InvalidParameterValue', `The prefix list would exceed its max entries of ${maxEntries}`);
      const quota = ctx.sim.quota(ctx.account, 'prefixListsPerRegion', 100);
      if (ctx.state.prefixLists.filter((p) => p.account === ctx.account && p.region === ctx.region && p.lc.state !== 'delete-complete').length >= quota) {
        throw awsError('PrefixListLimitExceeded', `You have reached the maximum number of prefix lists (${quota}) for this Region`);
      }
      const family: Family = input.AddressFamily === 'IPv4' ? 'ipv4' : 'ipv6';
      const list = entries.map((e) => {
        let cidr: string;
        try {
          cidr = canonicalCidr(e.Cidr ?? '');
        } catch {
          throw awsError('InvalidParameterValue', `The CIDR ${e.Cidr} is invalid`);
        }
        if (familyOf(cidr) !== family) throw awsError('InvalidParameterValue', `The CIDR ${cidr} does not match the address family ${input.AddressFamily}`);
        return { Cidr: cidr, Description: e.Description };
      });
      const pl: SimPrefixList = {
        PrefixListId: ctx.sim.nextId('pl-'),
        PrefixListName: input.PrefixListName,
        family,
        MaxEntries: maxEntries,
        Version: 1,
        entries: list,
        history: { 1: list },
        OwnerId: ctx.account,
        account: ctx.account,
        region: ctx.region,
        Tags: tagsOf(input.TagSpecifications),
        ClientToken: input.ClientToken,
        lc: lifecycle<PrefixListState>('create-in-progress', ctx.now),
      };
      transition(ctx.sim, prefixListResource(pl), pl.lc, ctx.now, 'create-in-progress', {
        state: 'create-complete',
        afterSeconds: ctx.timings.prefixListCreate ?? 5,
      });
      ctx.state.prefixLists.push(pl);
      return { PrefixList: describePrefixList(ctx.sim, pl) };
    },

    ModifyManagedPrefixList(ctx, input) {
      const pl = findPrefixList(ctx, input.PrefixListId);
      if (pl.awsManaged) throw awsError('InvalidPrefixListModification', `The prefix list ${pl.PrefixListId} is managed by AWS and cannot be modified`);
      if (!['create-complete', 'modify-complete'].includes(pl.lc.state))
        throw awsError('IncorrectState', `The prefix list ${pl.PrefixListId} is in state ${pl.lc.state}`);
      if (input.CurrentVersion !== undefined && input.CurrentVersion !== pl.Version)
        throw awsError('PrefixListVersionMismatch', 'The prefix list has the incorrect version number.');
      const adds = input.AddEntries ?? [];
      const removes = input.RemoveEntries ?? [];
      if (input.MaxEntries !== undefined && (adds.length || removes.length)) {
        throw awsError('InvalidParameterCombination', 'You cannot modify the entries of a prefix list and modify the size of a prefix list at the same time.');
      }
      if (adds.length > ENTRIES_PER_CALL || removes.length > ENTRIES_PER_CALL)
        throw awsError('InvalidParameterValue', `The number of entries per request cannot exceeds limit (${ENTRIES_PER_CALL}).`);
      if (input.MaxEntries !== undefined) {
        if (!Number.isInteger(input.MaxEntries) || input.MaxEntries < 1 || input.MaxEntries > 1000)
          throw awsError('InvalidParameterValue', 'Must specify a max size between 1 and 1000');
        if (input.MaxEntries < pl.entries.length)
          throw awsError('InvalidParameterValue', `The prefix list has ${pl.entries.length} entries; it cannot be resized to ${input.MaxEntries}`);
        // Every group referencing the list weighs the new size: a resize that breaks a group's quota fails.
        const quota = ctx.sim.quota(ctx.account, 'rulesPerSecurityGroup', 60);
        for (const g of ctx.state.groups.filter((x) => x.ingress.some((r) => r.prefixListId === pl.PrefixListId))) {
          const old = pl.MaxEntries;
          pl.MaxEntries = input.MaxEntries;
          const w = groupWeights(ctx.state, g)[pl.family];
          pl.MaxEntries = old;
          if (w > quota)
            throw awsError(
              'RulesPerSecurityGroupLimitExceeded',
              `The maximum number of rules per security group has been reached. (resizing ${pl.PrefixListId} to ${input.MaxEntries} would make ${g.GroupId} weigh ${w} rules; the quota is ${quota})`,
            );
        }
        pl.MaxEntries = input.MaxEntries;
      }
      const next = [...pl.entries];
      for (const r of removes) {
        const cidr = canonicalCidr(r.Cidr ?? '');
        const i = next.findIndex((e) => e.Cidr === cidr);
        if (i < 0) throw awsError('InvalidParameterValue', `The CIDR ${cidr} is not an entry of ${pl.PrefixListId}`);
        next.splice(i, 1);
      }
      for (const a of adds) {
        let cidr: string;
        try {
          cidr = canonicalCidr(a.Cidr ?? '');
        } catch {
          throw awsError('InvalidParameterValue', `The CIDR ${a.Cidr} is invalid`);
        }
        if (familyOf(cidr) !== pl.family) throw awsError('InvalidParameterValue', `The CIDR ${cidr} does not match the address family of ${pl.PrefixListId}`);
        if (next.some((e) => e.Cidr === cidr)) throw awsError('InvalidParameterValue', `The CIDR ${cidr} is already an entry of ${pl.PrefixListId}`);
        next.push({ Cidr: cidr, Description: a.Description });
      }
      if (next.length > pl.MaxEntries)
        throw awsError(
          'InvalidParameterValue',
          `The prefix list ${pl.PrefixListId} would hold ${next.length} entries, more than its max entries of ${pl.MaxEntries}; resize it first`,
        );
      if (input.PrefixListName) pl.PrefixListName = input.PrefixListName;
      pl.entries = next;
      pl.Version++;
      pl.history[pl.Version] = next;
      transition(ctx.sim, prefixListResource(pl), pl.lc, ctx.now, 'modify-in-progress', {
        state: 'modify-complete',
        afterSeconds: ctx.timings.prefixListModify ?? 5,
      });
      return { PrefixList: describePrefixList(ctx.sim, pl) };
    },

    DeleteManagedPrefixList(ctx, input) {
      const pl = findPrefixList(ctx, input.PrefixListId);
      if (pl.awsManaged) throw awsError('InvalidPrefixListModification', `The prefix list ${pl.PrefixListId} is managed by AWS and cannot be deleted`);
      const user = ctx.state.groups.find((g) => g.ingress.some((r) => r.prefixListId === pl.PrefixListId));
      if (user) throw awsError('DependencyViolation', `The prefix list ${pl.PrefixListId} is referenced by ${user.GroupId}`);
      transition(ctx.sim, prefixListResource(pl), pl.lc, ctx.now, 'delete-in-progress', {
        state: 'delete-complete',
        afterSeconds: ctx.timings.prefixListModify ?? 5,
      });
      return { PrefixList: describePrefixList(ctx.sim, pl) };
    },
  },
};
