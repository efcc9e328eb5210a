/**
 * EC2 / VPC IPAM and BYOIP, as far as the workflows use them:
 * pools (create → create-complete), BYOIP provisioning with the authorization context checked
 * against the registry's RDAP certificate and ROA (pending-provision → provisioned | failed-provision),
 * global child pools for CloudFront, deprovisioning, and Advertise/Withdraw/DescribeByoipCidrs with
 * the once-per-10-seconds rule and the required MaxResults.
 * BYOASN: provisioning checked against the ASN's RDAP certificate (pending-provision → provisioned |
 * failed-provision), the 5-ASN quota, ASN ↔ CIDR associations (checked against the prefix's ROA),
 * advertising with a custom ASN, and the once-per-hour AWS → custom origin rule per CIDR.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import type { IpamPoolAwsService, IpamPoolCidrFailureCode, IpamPoolPublicIpSource, IpamTier } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { parseAuthorizationMessage, verifyAuthorizationSignature, AuthorizationError } from '../../../domain/authorization';
import { asnProblem, ASN_SWAP_INTERVAL_SECONDS, AWS_ASN } from '../../../domain/byoasn';
import { canonicalCidr, contains, overlaps, parseCidr } from '../../../domain/cidr';
import { awsError } from '../../aws-error';
import { eventual, lifecycle, settle, transition, type Lifecycle } from '../../lifecycle';
import { page } from '../../paging';
import type { SdkServiceModel } from '../../sdk-operations';
import type { OpContext, Simulator } from '../../simulator';
import { resourceRef } from '../../resource-ref';

/** The report's names for IPAM's resources, and how requests name them (sim/resource-ref.ts). */
const poolRef = (poolId: string) => resourceRef(`ipam-pool:${poolId}`, [poolId]);
const poolCidrRef = (poolId: string, cidr: string) => resourceRef(`pool-cidr:${poolId}/${cidr}`, [poolId, cidr]);
export const byoipRef = (cidr: string) => resourceRef(`byoip:${cidr}`, [cidr]);
const byoasnRef = (asn: string) => resourceRef(`byoasn:AS${asn}`, [asn]);
const asnAssociationRef = (asn: string, cidr: string) => resourceRef(`asn-association:AS${asn}/${cidr}`, [asn, cidr]);

const AMAZON_ASNS = [16509, 14618];

export type RegistryPrefix = z.infer<typeof RegistryPrefixSeed>;

export const RegistryPrefixSeed = z.object({
  /** The RIR allocation, e.g. 198.18.0.0/22. */
  cidr: z.string(),
  holder: z.string().default('Example Corp'),
  /** PEM of the X.509 certificate in the RDAP record (or of its public key). */
  rdapCertificate: z.string(),
  roa: z.object({ asns: z.array(z.number().int()), maxLength: z.number().int().min(8).max(32) }),
  /** Override of timings.byoipProvision for this prefix. */
  provisionSeconds: z.number().nonnegative().optional(),
  /** Make provisioning fail with this status message (e.g. a registry-side problem). */
  failProvision: z.string().optional(),
});

/** The customer's ASN at its RIR: the RDAP record carries the same X.509 certificate as the prefix's. */
export const RegistryAsnSeed = z.object({
  asn: z.union([z.string(), z.number()]).transform((v) => String(v)),
  holder: z.string().default('Example Corp'),
  rdapCertificate: z.string(),
  /** Override of timings.byoasnProvision for this ASN. */
  provisionSeconds: z.number().nonnegative().optional(),
  /** Make provisioning fail with this status message. */
  failProvision: z.string().optional(),
});

/** BYOASNs that already exist: provisioned, and associated with these BYOIP CIDRs. */
const ByoasnSeed = z.object({
  asn: z.union([z.string(), z.number()]).transform((v) => String(v)),
  ipamId: z.string(),
  associations: z.array(z.string()).default([]),
});

const IpamSeed = z.object({
  ipamId: z.string(),
  account: z.string(),
  region: z.string(),
  publicScopeId: z.string(),
  privateScopeId: z.string(),
  tier: z.enum(['free', 'advanced']).default('advanced'),
});

const PoolSeed = z.object({
  ipamPoolId: z.string(),
  ipamId: z.string(),
  scope: z.enum(['public', 'private']).default('public'),
  sourceIpamPoolId: z.string().optional(),
  locale: z.string().default('None'),
  awsService: z.enum(['ec2', 'global-services']).optional(),
  publicIpSource: z.enum(['byoip', 'amazon']).optional(),
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()).default({}),
  /** CIDRs already provisioned (state provisioned); for child pools with awsService they are BYOIP CIDRs. */
  cidrs: z
    .array(
      z.object({
        cidr: z.string(),
        advertised: z.boolean().default(false),
        /** The origin ASN of an advertised CIDR: "AWS" (default) or a seeded, associated BYOASN. */
        asn: z.string().optional(),
      }),
    )
    .default([]),
});

export const IpamWorldSection = z.object({
  ipams: z.array(IpamSeed).default([]),
  pools: z.array(PoolSeed).default([]),
  byoasns: z.array(ByoasnSeed).default([]),
});

export const RegistrySection = z.object({ prefixes: z.array(RegistryPrefixSeed).default([]), asns: z.array(RegistryAsnSeed).default([]) });

type PoolState = 'create-in-progress' | 'create-complete' | 'create-failed' | 'delete-in-progress' | 'delete-complete';
type PoolCidrState = 'pending-provision' | 'provisioned' | 'failed-provision' | 'pending-deprovision' | 'deprovisioned' | 'failed-deprovision';
export type ByoipState = 'provisioned' | 'pending-advertising' | 'advertised' | 'pending-withdrawal' | 'deprovisioned';
type AsnState = 'pending-provision' | 'provisioned' | 'failed-provision' | 'pending-deprovision' | 'deprovisioned' | 'failed-deprovision';
type AsnAssociationState = 'pending-association' | 'associated' | 'failed-association' | 'pending-disassociation' | 'disassociated' | 'failed-disassociation';

export interface SimIpam {
  ipamId: string;
  account: string;
  region: string;
  publicScopeId: string;
  privateScopeId: string;
  tier: IpamTier;
}

export interface SimPool {
  IpamPoolId: string;
  IpamPoolArn: string;
  IpamId: string;
  IpamScopeId: string;
  IpamScopeType: 'public' | 'private';
  OwnerId: string;
  region: string;
  SourceIpamPoolId?: string;
  Locale: string;
  AwsService?: IpamPoolAwsService;
  PublicIpSource?: IpamPoolPublicIpSource;
  AddressFamily: 'ipv4' | 'ipv6';
  Description?: string;
  Tags: Array<{ Key: string; Value: string }>;
  ClientToken?: string;
  lc: Lifecycle<PoolState>;
}

export interface SimPoolCidr {
  IpamPoolId: string;
  IpamPoolCidrId: string;
  Cidr: string;
  lc: Lifecycle<PoolCidrState>;
  /** What provisioning will end in, decided at request time (the message is checked async). */
  outcome?: { ok: true } | { ok: false; code: IpamPoolCidrFailureCode; message: string };
  FailureReason?: { Code: IpamPoolCidrFailureCode; Message: string };
}

export interface SimByoipCidr {
  account: string;
  region: string;
  Cidr: string;
  IpamPoolId: string;
  AdvertisementType: 'anycast' | 'unicast';
  lc: Lifecycle<ByoipState>;
  /** The ASN the CIDR is (or will be) advertised with: "AWS" or digits. */
  advertisedAsn?: string;
  StatusMessage?: string;
  /** BYOASN associations (disassociated ones stay as history). */
  asnAssociations?: SimAsnAssociation[];
  /** When the origin last moved to a custom ASN: the once-per-hour rule. */
  lastCustomAsnAt?: number;
}

export interface SimAsnAssociation {
  Asn: string;
  lc: Lifecycle<AsnAssociationState>;
  outcome?: { ok: true } | { ok: false; message: string };
  StatusMessage?: string;
}

export interface SimByoasn {
  account: string;
  region: string;
  IpamId: string;
  Asn: string;
  lc: Lifecycle<AsnState>;
  outcome?: { ok: true } | { ok: false; message: string };
  StatusMessage?: string;
}

export interface IpamState {
  ipams: SimIpam[];
  pools: SimPool[];
  poolCidrs: SimPoolCidr[];
  byoipCidrs: SimByoipCidr[];
  registry: z.infer<typeof RegistryPrefixSeed>[];
  /** Last Advertise/Withdraw per account/region, for the 10-second rule. */
  lastAdvertiseCall: Record<string, number>;
  byoasns: SimByoasn[];
  registryAsns: z.infer<typeof RegistryAsnSeed>[];
}

const ACTIVE_CIDR: PoolCidrState[] = ['pending-provision', 'provisioned', 'pending-deprovision', 'failed-deprovision'];

function tagsOf(specs: Array<{ ResourceType?: string; Tags?: Array<{ Key?: string; Value?: string }> }> | undefined) {
  return (specs ?? []).flatMap((s) => s.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}

export function poolArn(pool: { OwnerId: string; IpamPoolId: string }): string {
  return `arn:aws:ec2::${pool.OwnerId}:ipam-pool/${pool.IpamPoolId}`;
}

function visiblePool(p: SimPool): boolean {
  return p.lc.state !== 'delete-complete';
}

function findPool(ctx: OpContext<IpamState>, id: string | undefined): SimPool {
  if (!id) throw awsError('MissingParameter', 'The request must contain the parameter IpamPoolId');
  const pool = ctx.state.pools.find((p) => p.IpamPoolId === id && p.OwnerId === ctx.account && visiblePool(p));
  if (!pool) throw awsError('InvalidIpamPoolId.NotFound', `The ipam pool ID '${id}' does not exist`);
  return pool;
}

function describePool(p: SimPool) {
  return {
    OwnerId: p.OwnerId,
    IpamPoolId: p.IpamPoolId,
    SourceIpamPoolId: p.SourceIpamPoolId,
    IpamPoolArn: p.IpamPoolArn,
    IpamScopeArn: `arn:aws:ec2::${p.OwnerId}:ipam-scope/${p.IpamScopeId}`,
    IpamScopeType: p.IpamScopeType,
    IpamArn: `arn:aws:ec2::${p.OwnerId}:ipam/${p.IpamId}`,
    IpamRegion: p.region,
    Locale: p.Locale,
    PoolDepth: p.SourceIpamPoolId ? 2 : 1,
    State: p.lc.state,
    Description: p.Description,
    AutoImport: false,
    AddressFamily: p.AddressFamily,
    Tags: p.Tags,
    AwsService: p.AwsService,
    PublicIpSource: p.PublicIpSource,
  };
}

function describePoolCidr(c: SimPoolCidr) {
  return {
    Cidr: c.Cidr,
    State: c.lc.state,
    IpamPoolCidrId: c.IpamPoolCidrId,
    NetmaskLength: Number(c.Cidr.split('/')[1]),
    FailureReason: c.FailureReason,
  };
}

function matchesFilters(
  item: Record<string, unknown>,
  tags: Array<{ Key: string; Value: string }>,
  filters: Array<{ Name?: string; Values?: string[] }> | undefined,
  fields: Record<string, string>,
): boolean {
  for (const f of filters ?? []) {
    const values = f.Values ?? [];
    if (!f.Name) continue;
    if (f.Name.startsWith('tag:')) {
      const key = f.Name.slice(4);
      if (!tags.some((t) => t.Key === key && values.includes(t.Value))) return false;
    } else if (f.Name === 'tag-key') {
      if (!tags.some((t) => values.includes(t.Key))) return false;
    } else {
      const field = fields[f.Name];
      if (!field) throw awsError('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
      if (!values.includes(String(item[field]))) return false;
    }
  }
  return true;
}

/** Decides how provisioning a top-level BYOIP CIDR will end, as IPAM's async verification would. */
function verifyProvision(
  ctx: OpContext<IpamState>,
  cidr: string,
  auth: { Message?: string; Signature?: string } | undefined,
): { ok: true; seconds?: number } | { ok: false; code: IpamPoolCidrFailureCode; message: string } {
  const target = parseCidr(cidr);
  const prefix = ctx.state.registry.find((r) => contains(parseCidr(r.cidr), target));
  if (!prefix) {
    return { ok: false as const, code: 'cidr-not-available', message: `No RDAP record covering ${cidr} was found at any RIR` };
  }
  if (!verifyAuthorizationSignature(auth!.Message!, auth!.Signature!, prefix.rdapCertificate)) {
    return {
      ok: false as const,
      code: 'cidr-not-available',
      message: `The signature of the authorization message for ${cidr} could not be verified against the X.509 certificate in the RDAP record of ${prefix.cidr}`,
    };
  }
  const missing = AMAZON_ASNS.filter((a) => !prefix.roa.asns.includes(a));
  if (missing.length > 0) {
    return { ok: false as const, code: 'cidr-not-available', message: `The ROA for ${prefix.cidr} does not authorize Amazon ASN ${missing.join(' and ')}` };
  }
  if (prefix.roa.maxLength < 24) {
    return { ok: false as const, code: 'cidr-not-available', message: `The ROA for ${prefix.cidr} has max length /${prefix.roa.maxLength}; /24 is required` };
  }
  if (prefix.failProvision) return { ok: false as const, code: 'cidr-not-available', message: prefix.failProvision };
  return { ok: true as const, seconds: prefix.provisionSeconds };
}

function byoipKey(account: string, region: string) {
  return `${account}/${region}`;
}

/** The 10-second rule for AdvertiseByoipCidr / WithdrawByoipCidr, per account and region. */
function enforceAdvertiseRate(ctx: OpContext<IpamState>): void {
  const key = byoipKey(ctx.account, ctx.region);
  const last = ctx.state.lastAdvertiseCall[key];
  if (last !== undefined && ctx.now - last < 10_000) {
    throw awsError('RequestLimitExceeded', 'You can only advertise or withdraw a BYOIP CIDR once every 10 seconds, even for different address ranges.');
  }
  ctx.state.lastAdvertiseCall[key] = ctx.now;
}

export function findByoip(state: IpamState, account: string, region: string, cidr: string): SimByoipCidr | undefined {
  return state.byoipCidrs.find((b) => b.account === account && b.region === region && b.Cidr === cidr && b.lc.state !== 'deprovisioned');
}

export function describeByoip(b: SimByoipCidr) {
  return {
    Cidr: b.Cidr,
    State: b.lc.state,
    StatusMessage: b.StatusMessage,
    IpamPoolId: b.IpamPoolId,
    AdvertisementType: b.AdvertisementType,
    AsnAssociations: liveAssociations(b).map((a) => ({ Asn: a.Asn, Cidr: b.Cidr, State: a.lc.state, StatusMessage: a.StatusMessage })),
  };
}

// ---------------------------------------------------------------- BYOASN

/** ASNs in these states count against the quota and block a second provision. */
const LIVE_ASN: AsnState[] = ['pending-provision', 'provisioned', 'pending-deprovision', 'failed-deprovision'];
/** Failed-provision and deprovisioned BYOASNs "are automatically removed after 7 days". */
const ASN_RECORD_TTL_MS = 7 * 86_400_000;

function liveAssociations(b: SimByoipCidr): SimAsnAssociation[] {
  return (b.asnAssociations ?? []).filter((a) => a.lc.state !== 'disassociated');
}

function timing(ctx: OpContext<IpamState>, name: string, fallback: number): number {
  return (ctx.timings as Record<string, number | undefined>)[name] ?? fallback;
}

function describeByoasn(a: SimByoasn) {
  return { Asn: a.Asn, IpamId: a.IpamId, State: a.lc.state, StatusMessage: a.StatusMessage };
}

function visibleByoasns(state: IpamState, account: string, now: number): SimByoasn[] {
  return state.byoasns.filter(
    (a) => a.account === account && !((a.lc.state === 'failed-provision' || a.lc.state === 'deprovisioned') && now - a.lc.since > ASN_RECORD_TTL_MS),
  );
}

function findByoasn(state: IpamState, account: string, asn: string): SimByoasn | undefined {
  return state.byoasns.find((a) => a.account === account && a.Asn === asn && a.lc.state !== 'deprovisioned' && a.lc.state !== 'failed-provision');
}

function asnParam(value: unknown, parameter = 'asn'): string {
  if (value === undefined || value === null || value === '')
    throw awsError('MissingParameter', `The request must contain the parameter ${parameter === 'asn' ? 'Asn' : parameter}`);
  const problem = asnProblem(String(value));
  if (problem) throw awsError('InvalidParameterValue', `Value (${value}) for parameter ${parameter} is invalid. ${problem}`);
  return String(Number(value));
}

/** Decides how provisioning an ASN will end: the signature against the ASN's RDAP certificate. */
function verifyAsnProvision(ctx: OpContext<IpamState>, asn: string, auth: { Message: string; Signature: string }) {
  const record = ctx.state.registryAsns.find((r) => r.asn === asn);
  if (!record) return { ok: false as const, message: `No RDAP record for AS${asn} was found at any RIR` };
  if (!verifyAuthorizationSignature(auth.Message, auth.Signature, record.rdapCertificate)) {
    return {
      ok: false as const,
      message: `The signature of the authorization message for AS${asn} could not be verified against the X.509 certificate in the RDAP record of AS${asn}`,
    };
  }
  if (record.failProvision) return { ok: false as const, message: record.failProvision };
  return { ok: true as const, seconds: record.provisionSeconds };
}

/**
 * The RIR's record covering `cidr` (its RDAP certificate, ROA, provisioning time), as the world seeded
 * it: the one registry every model that verifies BYOIP reads (IPAM here, Global Accelerator too).
 */
export function registryPrefixFor(sim: Simulator, cidr: string): RegistryPrefix | undefined {
  const target = parseCidr(cidr);
  return sim.state<IpamState>('ec2.ipam').registry.find((r) => contains(parseCidr(r.cidr), target));
}

/** An association verifies the prefix's ROA: the customer needs a ROA naming the ASN as an origin. */
function verifyAssociation(state: IpamState, cidr: string, asn: string) {
  const target = parseCidr(cidr);
  const prefix = state.registry.find((r) => contains(parseCidr(r.cidr), target));
  if (!prefix) return { ok: false as const, message: `No ROA covering ${cidr} was found` };
  if (!prefix.roa.asns.includes(Number(asn)))
    return { ok: false as const, message: `The ROA for ${prefix.cidr} does not authorize AS${asn} to originate ${cidr}` };
  return { ok: true as const };
}

/** Hook for other models (CloudFront anycast lists) that hold allocations from a pool CIDR. */
export type AllocationCheck = (sim: Simulator, account: string, cidr: string) => string | undefined;
const allocationChecks: AllocationCheck[] = [];
export function registerAllocationCheck(check: AllocationCheck): void {
  if (!allocationChecks.includes(check)) allocationChecks.push(check);
}

/** The IPAM as world sections (sim/world-out.ts): pools with their CIDRs as they will settle, BYOASNs, the registry. */
function ipamToWorld(state: IpamState, _sim: Simulator, note: (text: string) => void) {
  const livePools = state.pools.filter((p) => eventual(p.lc) === 'create-complete');
  for (const p of state.pools)
    if (p.lc.next.length && eventual(p.lc) === 'create-complete') note(`IPAM pool ${p.IpamPoolId} is ${p.lc.state}; written as create-complete`);
  const pools = livePools.map((p) => {
    const cidrs = state.poolCidrs
      .filter((c) => c.IpamPoolId === p.IpamPoolId && eventual(c.lc) === 'provisioned')
      .map((c) => {
        if (c.lc.next.length) note(`${c.Cidr} in ${p.IpamPoolId} is ${c.lc.state}; written as provisioned`);
        const b = p.AwsService ? findByoip(state, p.OwnerId, p.region, c.Cidr) : undefined;
        if (b?.lc.next.length) note(`BYOIP ${c.Cidr} is ${b.lc.state}; written as ${eventual(b.lc)}`);
        const advertised = b !== undefined && eventual(b.lc) === 'advertised';
        return {
          cidr: c.Cidr,
          ...(advertised ? { advertised: true, ...(b.advertisedAsn && b.advertisedAsn !== AWS_ASN ? { asn: b.advertisedAsn } : {}) } : {}),
        };
      });
    return {
      ipamPoolId: p.IpamPoolId,
      ipamId: p.IpamId,
      scope: p.IpamScopeType,
      ...(p.SourceIpamPoolId ? { sourceIpamPoolId: p.SourceIpamPoolId } : {}),
      locale: p.Locale,
      ...(p.AwsService ? { awsService: p.AwsService } : {}),
      ...(p.PublicIpSource ? { publicIpSource: p.PublicIpSource } : {}),
      ...(p.Description ? { description: p.Description } : {}),
      tags: Object.fromEntries(p.Tags.map((t) => [t.Key, t.Value])),
      cidrs,
    };
  });
  const byoasns = state.byoasns
    .filter((a) => eventual(a.lc) === 'provisioned' && (a.outcome?.ok ?? true))
    .map((a) => ({
      asn: a.Asn,
      ipamId: a.IpamId,
      associations: state.byoipCidrs
        .filter(
          (b) =>
            b.account === a.account &&
            eventual(b.lc) !== 'deprovisioned' &&
            (b.asnAssociations ?? []).some((x) => x.Asn === a.Asn && eventual(x.lc) === 'associated' && (x.outcome?.ok ?? true)),
        )
        .map((b) => b.Cidr),
    }));
  const recentSwaps = state.byoipCidrs.filter((b) => b.lastCustomAsnAt !== undefined && b.lc.state !== 'deprovisioned');
  if (recentSwaps.length)
    note(
      `the once-per-hour origin-ASN rule's last change (${recentSwaps.map((b) => b.Cidr).join(', ')}) is not written; the workflows' own guard in the state table is`,
    );
  return {
    ipam: { ipams: state.ipams, pools, byoasns },
    registry: { prefixes: state.registry, asns: state.registryAsns },
  };
}

export const ec2IpamModel: SdkServiceModel<IpamState, typeof EC2> = {
  key: 'ec2.ipam',
  service: 'EC2',
  seed(world, sim) {
    const section = IpamWorldSection.parse(world.ipam ?? {});
    const registry = RegistrySection.parse(world.registry ?? {});
    const now = sim.startedAt;
    const state: IpamState = {
      ipams: section.ipams,
      pools: [],
      poolCidrs: [],
      byoipCidrs: [],
      registry: registry.prefixes,
      lastAdvertiseCall: {},
      byoasns: [],
      registryAsns: registry.asns,
    };
    for (const p of section.pools) {
      const ipam = section.ipams.find((i) => i.ipamId === p.ipamId);
      if (!ipam) throw new Error(`world.ipam.pools: pool ${p.ipamPoolId} names unknown IPAM ${p.ipamId}`);
      const pool: SimPool = {
        IpamPoolId: p.ipamPoolId,
        IpamPoolArn: '',
        IpamId: ipam.ipamId,
        OwnerId: ipam.account,
        region: ipam.region,
        IpamScopeId: p.scope === 'public' ? ipam.publicScopeId : ipam.privateScopeId,
        IpamScopeType: p.scope,
        SourceIpamPoolId: p.sourceIpamPoolId,
        Locale: p.locale,
        AwsService: p.awsService,
        PublicIpSource: p.publicIpSource,
        AddressFamily: p.cidrs[0]?.cidr.includes(':') ? 'ipv6' : 'ipv4',
        Description: p.description,
        Tags: Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value })),
        lc: lifecycle<PoolState>('create-complete', now),
      };
      pool.IpamPoolArn = poolArn(pool);
      state.pools.push(pool);
      for (const c of p.cidrs) {
        state.poolCidrs.push({
          IpamPoolId: pool.IpamPoolId,
          IpamPoolCidrId: sim.nextId('ipam-pool-cidr-'),
          Cidr: canonicalCidr(c.cidr),
          lc: lifecycle<PoolCidrState>('provisioned', now),
        });
        if (pool.AwsService) {
          state.byoipCidrs.push({
            account: pool.OwnerId,
            region: pool.region,
            Cidr: canonicalCidr(c.cidr),
            IpamPoolId: pool.IpamPoolId,
            AdvertisementType: pool.AwsService === 'global-services' ? 'anycast' : 'unicast',
            lc: lifecycle<ByoipState>(c.advertised ? 'advertised' : 'provisioned', now),
            advertisedAsn: c.advertised ? (c.asn ?? AWS_ASN) : undefined,
          });
        }
      }
    }
    for (const a of section.byoasns) {
      const ipam = section.ipams.find((i) => i.ipamId === a.ipamId);
      if (!ipam) throw new Error(`world.ipam.byoasns: AS${a.asn} names unknown IPAM ${a.ipamId}`);
      state.byoasns.push({ account: ipam.account, region: ipam.region, IpamId: ipam.ipamId, Asn: a.asn, lc: lifecycle<AsnState>('provisioned', now) });
      for (const cidr of a.associations) {
        const b = findByoip(state, ipam.account, ipam.region, canonicalCidr(cidr));
        if (!b) throw new Error(`world.ipam.byoasns: AS${a.asn} is associated with ${cidr}, which no pool with an awsService holds`);
        (b.asnAssociations ??= []).push({ Asn: a.asn, lc: lifecycle<AsnAssociationState>('associated', now) });
      }
    }
    for (const b of state.byoipCidrs) {
      if (b.advertisedAsn && b.advertisedAsn !== AWS_ASN && !liveAssociations(b).some((a) => a.Asn === b.advertisedAsn)) {
        throw new Error(`world.ipam.pools: ${b.Cidr} is advertised with AS${b.advertisedAsn}, which world.ipam.byoasns does not associate with it`);
      }
    }
    return state;
  },

  settle(state, now, sim) {
    for (const p of state.pools) settle(sim, poolRef(p.IpamPoolId), p.lc, now);
    for (const c of state.poolCidrs) {
      const changed = settle(sim, poolCidrRef(c.IpamPoolId, c.Cidr), c.lc, now);
      if (!changed) continue;
      if (c.lc.state === 'failed-provision' && c.outcome && !c.outcome.ok) {
        c.FailureReason = { Code: c.outcome.code, Message: c.outcome.message };
      }
      const pool = state.pools.find((p) => p.IpamPoolId === c.IpamPoolId)!;
      if (c.lc.state === 'provisioned' && pool.AwsService && !findByoip(state, pool.OwnerId, pool.region, c.Cidr)) {
        sim.recordTransition(byoipRef(c.Cidr), undefined, 'provisioned', c.lc.since);
        state.byoipCidrs.push({
          account: pool.OwnerId,
          region: pool.region,
          Cidr: c.Cidr,
          IpamPoolId: pool.IpamPoolId,
          AdvertisementType: pool.AwsService === 'global-services' ? 'anycast' : 'unicast',
          lc: lifecycle<ByoipState>('provisioned', c.lc.since),
        });
      }
      if (c.lc.state === 'deprovisioned') {
        const b = findByoip(state, pool.OwnerId, pool.region, c.Cidr);
        if (b) transition(sim, byoipRef(b.Cidr), b.lc, c.lc.since, 'deprovisioned');
      }
    }
    for (const b of state.byoipCidrs) {
      settle(sim, byoipRef(b.Cidr), b.lc, now);
      for (const a of b.asnAssociations ?? []) {
        if (settle(sim, asnAssociationRef(a.Asn, b.Cidr), a.lc, now) && a.lc.state === 'failed-association' && a.outcome && !a.outcome.ok)
          a.StatusMessage = a.outcome.message;
      }
    }
    for (const a of state.byoasns) {
      if (settle(sim, byoasnRef(a.Asn), a.lc, now) && a.lc.state === 'failed-provision' && a.outcome && !a.outcome.ok) a.StatusMessage = a.outcome.message;
    }
  },

  toWorld: ipamToWorld,

  snapshot(state) {
    return {
      ipams: state.ipams,
      pools: state.pools.filter(visiblePool).map(describePool),
      // CIDR records of deleted pools go with them (AWS also drops failed/deprovisioned records after a while).
      poolCidrs: state.poolCidrs
        .filter((c) => c.lc.state !== 'deprovisioned' && state.pools.some((p) => p.IpamPoolId === c.IpamPoolId && visiblePool(p)))
        .map((c) => ({ IpamPoolId: c.IpamPoolId, ...describePoolCidr(c) })),
      byoipCidrs: state.byoipCidrs
        .filter((b) => b.lc.state !== 'deprovisioned')
        .map((b) => ({ account: b.account, region: b.region, ...describeByoip(b), advertisedAsn: b.advertisedAsn })),
      byoasns: state.byoasns.filter((a) => a.lc.state !== 'deprovisioned').map((a) => ({ account: a.account, ...describeByoasn(a) })),
    };
  },

  operations: {
    DescribeIpams(ctx, input) {
      const all = ctx.state.ipams.filter((i) => i.account === ctx.account && (!input.IpamIds?.length || input.IpamIds.includes(i.ipamId)));
      if (input.IpamIds?.length && all.length === 0) throw awsError('InvalidIpamId.NotFound', `The ipam ID '${input.IpamIds[0]}' does not exist`);
      const { items: ipams, next } = page(ctx, all, { max: input.MaxResults, token: input.NextToken, defaultMax: 1000, limit: 1000 });
      return {
        NextToken: next,
        Ipams: ipams.map((i) => ({
          OwnerId: i.account,
          IpamId: i.ipamId,
          IpamArn: `arn:aws:ec2::${i.account}:ipam/${i.ipamId}`,
          IpamRegion: i.region,
          PublicDefaultScopeId: i.publicScopeId,
          PrivateDefaultScopeId: i.privateScopeId,
          Tier: i.tier,
          State: 'create-complete',
          OperatingRegions: [{ RegionName: i.region }],
        })),
      };
    },

    CreateIpamPool(ctx, input) {
      const scopeId = ctx.required(input.IpamScopeId, 'IpamScopeId');
      const ipam = ctx.state.ipams.find((i) => i.account === ctx.account && (i.publicScopeId === scopeId || i.privateScopeId === scopeId));
      if (!ipam) throw awsError('InvalidIpamScopeId.NotFound', `The ipam scope ID '${input.IpamScopeId}' does not exist`);
      if (ctx.region !== ipam.region) throw awsError('InvalidParameterValue', `IPAM ${ipam.ipamId} is managed from ${ipam.region}; call it there`);
      if (input.AddressFamily !== 'ipv4' && input.AddressFamily !== 'ipv6') throw awsError('InvalidParameterValue', 'AddressFamily must be ipv4 or ipv6');
      if (input.ClientToken) {
        const same = ctx.state.pools.find((p) => p.ClientToken === input.ClientToken && p.OwnerId === ctx.account);
        if (same) return { IpamPool: describePool(same) };
      }
      let source: SimPool | undefined;
      if (input.SourceIpamPoolId) {
        source = findPool(ctx, input.SourceIpamPoolId);
        if (source.IpamScopeId !== input.IpamScopeId) throw awsError('InvalidParameterValue', 'The source pool is in a different scope');
      }
      if (input.AwsService && !['ec2', 'global-services'].includes(input.AwsService)) {
        throw awsError('InvalidParameterValue', `Value (${input.AwsService}) for parameter awsService is invalid`);
      }
      const scopeType = input.IpamScopeId === ipam.publicScopeId ? 'public' : 'private';
      const pool: SimPool = {
        IpamPoolId: ctx.sim.nextId('ipam-pool-'),
        IpamPoolArn: '',
        IpamId: ipam.ipamId,
        IpamScopeId: scopeId,
        IpamScopeType: scopeType,
        OwnerId: ctx.account,
        region: ipam.region,
        SourceIpamPoolId: input.SourceIpamPoolId,
        Locale: input.Locale ?? 'None',
        AwsService: input.AwsService,
        PublicIpSource: input.PublicIpSource ?? (scopeType === 'public' ? 'byoip' : undefined),
        AddressFamily: input.AddressFamily,
        Description: input.Description,
        Tags: tagsOf(input.TagSpecifications),
        ClientToken: input.ClientToken,
        lc: lifecycle<PoolState>('create-in-progress', ctx.now),
      };
      pool.IpamPoolArn = poolArn(pool);
      transition(ctx.sim, poolRef(pool.IpamPoolId), pool.lc, ctx.now, 'create-in-progress', {
        state: 'create-complete',
        afterSeconds: ctx.timings.ipamPoolCreate,
      });
      ctx.state.pools.push(pool);
      return { IpamPool: describePool(pool) };
    },

    DescribeIpamPools(ctx, input) {
      const pools = ctx.state.pools
        .filter((p) => p.OwnerId === ctx.account && visiblePool(p) && (!input.IpamPoolIds?.length || input.IpamPoolIds.includes(p.IpamPoolId)))
        .filter((p) =>
          matchesFilters({ ...describePool(p), IpamScopeId: p.IpamScopeId }, p.Tags, input.Filters, {
            'ipam-scope-id': 'IpamScopeId',
            'ipam-pool-id': 'IpamPoolId',
            'source-ipam-pool-id': 'SourceIpamPoolId',
            'address-family': 'AddressFamily',
            locale: 'Locale',
            'aws-service': 'AwsService',
            description: 'Description',
            state: 'State',
          }),
        );
      if (input.IpamPoolIds?.length && pools.length < input.IpamPoolIds.length) {
        const missing = input.IpamPoolIds.find((id: string) => !pools.some((p) => p.IpamPoolId === id));
        throw awsError('InvalidIpamPoolId.NotFound', `The ipam pool ID '${missing}' does not exist`);
      }
      const p = page(ctx, pools, { max: input.MaxResults, token: input.NextToken, defaultMax: 1000, limit: 1000 });
      return { IpamPools: p.items.map(describePool), NextToken: p.next };
    },

    DeleteIpamPool(ctx, input) {
      const pool = findPool(ctx, input.IpamPoolId);
      if (pool.lc.state === 'delete-in-progress') return { IpamPool: describePool(pool) };
      const cidrs = ctx.state.poolCidrs.filter((c) => c.IpamPoolId === pool.IpamPoolId && ACTIVE_CIDR.includes(c.lc.state));
      if (cidrs.length > 0 && !input.Cascade) {
        throw awsError(
          'InvalidIpamPool.HasCidrs',
          `The pool ${pool.IpamPoolId} has provisioned CIDRs (${cidrs.map((c) => c.Cidr).join(', ')}); deprovision them first`,
        );
      }
      const children = ctx.state.pools.filter((p) => p.SourceIpamPoolId === pool.IpamPoolId && visiblePool(p));
      if (children.length > 0)
        throw awsError('IncorrectState', `The pool ${pool.IpamPoolId} has child pools (${children.map((c) => c.IpamPoolId).join(', ')})`);
      transition(ctx.sim, poolRef(pool.IpamPoolId), pool.lc, ctx.now, 'delete-in-progress', {
        state: 'delete-complete',
        afterSeconds: ctx.timings.ipamPoolDelete,
      });
      return { IpamPool: describePool(pool) };
    },

    ProvisionIpamPoolCidr(ctx, input) {
      const pool = findPool(ctx, input.IpamPoolId);
      if (pool.lc.state !== 'create-complete') throw awsError('IncorrectState', `The pool ${pool.IpamPoolId} is in state ${pool.lc.state}`);
      if (!input.Cidr) throw awsError('MissingParameter', 'Cidr is required to provision BYOIP space');
      let cidr: string;
      try {
        cidr = canonicalCidr(input.Cidr);
      } catch (e) {
        throw awsError('InvalidParameterValue', `Value (${input.Cidr}) for parameter cidr is invalid: ${(e as Error).message}`);
      }
      const target = parseCidr(cidr);
      if (target.family === 4 && target.prefix > 24)
        throw awsError('InvalidParameterValue', `The CIDR ${cidr} is more specific than /24, the smallest publicly advertisable IPv4 prefix`);
      const active = ctx.state.poolCidrs.filter((c) => ACTIVE_CIDR.includes(c.lc.state));
      const clash = active.find((c) => c.IpamPoolId === pool.IpamPoolId && overlaps(parseCidr(c.Cidr), target));
      if (clash) throw awsError('InvalidParameterValue', `The CIDR ${cidr} overlaps ${clash.Cidr}, already in pool ${pool.IpamPoolId} (${clash.lc.state})`);
      let record: SimPoolCidr;
      if (!pool.SourceIpamPoolId) {
        // Top-level BYOIP pool: domain control is verified here.
        if (pool.IpamScopeType === 'public' && pool.PublicIpSource !== 'amazon' && input.VerificationMethod !== 'dns-token') {
          const auth = input.CidrAuthorizationContext;
          if (!auth?.Message || !auth?.Signature)
            throw awsError('MissingParameter', 'CidrAuthorizationContext (Message and Signature) is required to provision a BYOIP CIDR');
          try {
            const msg = parseAuthorizationMessage(auth.Message, 'cidr', new Date(ctx.now));
            if (msg.account !== ctx.account)
              throw new AuthorizationError(`the message names account ${msg.account}, but the request comes from ${ctx.account}`);
            if (msg.resource !== cidr) throw new AuthorizationError(`the message names ${msg.resource}, but the request provisions ${cidr}`);
          } catch (e) {
            throw awsError('InvalidParameterValue', `The authorization message is invalid: ${(e as Error).message}`);
          }
        }
        const outcome =
          input.VerificationMethod === 'dns-token' ? { ok: true as const, seconds: undefined } : verifyProvision(ctx, cidr, input.CidrAuthorizationContext);
        record = {
          IpamPoolId: pool.IpamPoolId,
          IpamPoolCidrId: ctx.sim.nextId('ipam-pool-cidr-'),
          Cidr: cidr,
          lc: lifecycle<PoolCidrState>('pending-provision', ctx.now),
          outcome: outcome.ok ? { ok: true } : outcome,
        };
        const seconds = outcome.ok ? (outcome.seconds ?? ctx.timings.byoipProvision) : Math.min(ctx.timings.byoipProvision, 1800);
        transition(ctx.sim, poolCidrRef(pool.IpamPoolId, cidr), record.lc, ctx.now, 'pending-provision', {
          state: outcome.ok ? 'provisioned' : 'failed-provision',
          afterSeconds: seconds,
        });
      } else {
        const parentCidrs = ctx.state.poolCidrs.filter((c) => c.IpamPoolId === pool.SourceIpamPoolId && c.lc.state === 'provisioned');
        if (!parentCidrs.some((c) => contains(parseCidr(c.Cidr), target))) {
          throw awsError('InvalidParameterValue', `The CIDR ${cidr} is not within a provisioned CIDR of the source pool ${pool.SourceIpamPoolId}`);
        }
        if (pool.AwsService === 'global-services' && target.family === 4 && target.prefix !== 24) {
          throw awsError('InvalidParameterValue', `Pools for global services take whole /24 blocks; ${cidr} is a /${target.prefix}`);
        }
        const siblingClash = active.find((c) => {
          const other = ctx.state.pools.find((p) => p.IpamPoolId === c.IpamPoolId);
          return other?.SourceIpamPoolId === pool.SourceIpamPoolId && overlaps(parseCidr(c.Cidr), target);
        });
        if (siblingClash) throw awsError('InvalidParameterValue', `The CIDR ${cidr} is already allocated to pool ${siblingClash.IpamPoolId}`);
        record = {
          IpamPoolId: pool.IpamPoolId,
          IpamPoolCidrId: ctx.sim.nextId('ipam-pool-cidr-'),
          Cidr: cidr,
          lc: lifecycle<PoolCidrState>('pending-provision', ctx.now),
        };
        transition(ctx.sim, poolCidrRef(pool.IpamPoolId, cidr), record.lc, ctx.now, 'pending-provision', {
          state: 'provisioned',
          afterSeconds: ctx.timings.childPoolProvision,
        });
      }
      ctx.state.poolCidrs.push(record);
      return { IpamPoolCidr: describePoolCidr(record) };
    },

    GetIpamPoolCidrs(ctx, input) {
      const pool = findPool(ctx, input.IpamPoolId);
      const cidrs = ctx.state.poolCidrs
        .filter((c) => c.IpamPoolId === pool.IpamPoolId)
        .filter((c) => matchesFilters(describePoolCidr(c), [], input.Filters, { cidr: 'Cidr', state: 'State' }));
      const p = page(ctx, cidrs, { max: input.MaxResults, token: input.NextToken, defaultMax: 1000, limit: 1000 });
      return { IpamPoolCidrs: p.items.map(describePoolCidr), NextToken: p.next };
    },

    DeprovisionIpamPoolCidr(ctx, input) {
      const pool = findPool(ctx, input.IpamPoolId);
      const cidr = canonicalCidr(input.Cidr ?? '');
      const record = ctx.state.poolCidrs.find(
        (c) => c.IpamPoolId === pool.IpamPoolId && c.Cidr === cidr && c.lc.state !== 'deprovisioned' && c.lc.state !== 'failed-provision',
      );
      if (!record) throw awsError('InvalidParameterValue', `The CIDR ${cidr} is not provisioned in pool ${pool.IpamPoolId}`);
      if (record.lc.state === 'pending-deprovision') return { IpamPoolCidr: describePoolCidr(record) };
      if (record.lc.state !== 'provisioned') throw awsError('IncorrectState', `The CIDR ${cidr} is ${record.lc.state}`);
      const target = parseCidr(cidr);
      const childUse = ctx.state.poolCidrs.find((c) => {
        const other = ctx.state.pools.find((p) => p.IpamPoolId === c.IpamPoolId);
        return other?.SourceIpamPoolId === pool.IpamPoolId && ACTIVE_CIDR.includes(c.lc.state) && overlaps(parseCidr(c.Cidr), target);
      });
      if (childUse)
        throw awsError(
          'IncorrectState',
          `The CIDR ${cidr} has an allocation to child pool ${childUse.IpamPoolId} (${childUse.Cidr}); deprovision it there first`,
        );
      const byoip = findByoip(ctx.state, pool.OwnerId, pool.region, cidr);
      if (byoip && byoip.lc.state !== 'provisioned') {
        throw awsError('IncorrectState', `The CIDR ${cidr} is ${byoip.lc.state}; withdraw it before deprovisioning`);
      }
      const associated = byoip ? liveAssociations(byoip).filter((a) => a.lc.state !== 'failed-association') : [];
      if (associated.length > 0) {
        throw awsError(
          'IncorrectState',
          `The CIDR ${cidr} is associated with ${associated.map((a) => `AS${a.Asn} (${a.lc.state})`).join(', ')}; disassociate the ASNs before deprovisioning`,
        );
      }
      for (const check of allocationChecks) {
        const user = check(ctx.sim, ctx.account, cidr);
        if (user) throw awsError('IncorrectState', `The CIDR ${cidr} has an allocation for ${user}; release it first`);
      }
      transition(ctx.sim, poolCidrRef(pool.IpamPoolId, cidr), record.lc, ctx.now, 'pending-deprovision', {
        state: 'deprovisioned',
        afterSeconds: ctx.timings.poolCidrDeprovision,
      });
      return { IpamPoolCidr: describePoolCidr(record) };
    },

    AdvertiseByoipCidr(ctx, input) {
      const cidr = canonicalCidr(input.Cidr ?? '');
      const b = findByoip(ctx.state, ctx.account, ctx.region, cidr);
      if (!b)
        throw awsError(
          'InvalidByoipCidr.NotFound',
          `The BYOIP CIDR ${input.Cidr} is not provisioned in ${ctx.region}. You must advertise the exact range you provisioned.`,
        );
      if (b.lc.state !== 'provisioned' && b.lc.state !== 'advertised') {
        throw awsError('IncorrectState', `The BYOIP CIDR ${cidr} is ${b.lc.state}`);
      }
      const asn = input.Asn === undefined || input.Asn === AWS_ASN ? AWS_ASN : asnParam(input.Asn);
      if (asn !== AWS_ASN) {
        const byoasn = findByoasn(ctx.state, ctx.account, asn);
        if (byoasn?.lc.state !== 'provisioned')
          throw awsError('InvalidParameterValue', `AS${asn} is not a provisioned BYOASN of this account (${byoasn?.lc.state ?? 'not provisioned'})`);
        const association = liveAssociations(b).find((a) => a.Asn === asn);
        if (association?.lc.state !== 'associated')
          throw awsError('IncorrectState', `AS${asn} is not associated with ${cidr} (${association?.lc.state ?? 'no association'}); associate it first`);
      }
      enforceAdvertiseRate(ctx);
      if (b.lc.state === 'advertised' && b.advertisedAsn === asn) return { ByoipCidr: describeByoip(b) };
      if (asn !== AWS_ASN) {
        // "You are limited to changing from an AWS ASN to your own ASN once per hour." The real error name is
        // not documented; OperationNotPermitted is EC2's generic refusal (docs/byoasn.md).
        const last = b.lastCustomAsnAt;
        if (last !== undefined && ctx.now - last < ASN_SWAP_INTERVAL_SECONDS * 1000) {
          throw awsError(
            'OperationNotPermitted',
            `You can change the origin of ${cidr} from an AWS ASN to your own ASN only once per hour; the last change was at ${new Date(last).toISOString()}, try again after ${new Date(last + ASN_SWAP_INTERVAL_SECONDS * 1000).toISOString()}`,
          );
        }
        b.lastCustomAsnAt = ctx.now;
      }
      // What this call does to the internet, for reports and the safety invariant.
      ctx.note(b.lc.state === 'provisioned' ? 'advertised' : asn === AWS_ASN ? 'origin-asn-to-aws' : 'origin-asn-to-custom');
      b.advertisedAsn = asn;
      transition(ctx.sim, byoipRef(b.Cidr), b.lc, ctx.now, 'pending-advertising', { state: 'advertised', afterSeconds: ctx.timings.advertise });
      return { ByoipCidr: describeByoip(b) };
    },

    WithdrawByoipCidr(ctx, input) {
      const cidr = canonicalCidr(input.Cidr ?? '');
      const b = findByoip(ctx.state, ctx.account, ctx.region, cidr);
      if (!b) throw awsError('InvalidByoipCidr.NotFound', `The BYOIP CIDR ${input.Cidr} is not provisioned in ${ctx.region}`);
      if (b.lc.state === 'provisioned' || b.lc.state === 'pending-withdrawal') return { ByoipCidr: describeByoip(b) };
      if (b.lc.state !== 'advertised') throw awsError('IncorrectState', `The BYOIP CIDR ${cidr} is ${b.lc.state}`);
      enforceAdvertiseRate(ctx);
      b.advertisedAsn = undefined;
      transition(ctx.sim, byoipRef(b.Cidr), b.lc, ctx.now, 'pending-withdrawal', { state: 'provisioned', afterSeconds: ctx.timings.withdraw });
      return { ByoipCidr: describeByoip(b) };
    },

    DescribeByoipCidrs(ctx, input) {
      if (input.MaxResults === undefined) throw awsError('MissingParameter', 'The request must contain the parameter MaxResults');
      if (!Number.isInteger(input.MaxResults) || input.MaxResults < 1 || input.MaxResults > 100) {
        throw awsError('InvalidParameterValue', 'MaxResults must be between 1 and 100');
      }
      const items = ctx.state.byoipCidrs.filter((b) => b.account === ctx.account && b.region === ctx.region && b.lc.state !== 'deprovisioned');
      const p = page(ctx, items, { max: input.MaxResults, token: input.NextToken, defaultMax: 100, limit: 100 });
      return { ByoipCidrs: p.items.map(describeByoip), NextToken: p.next };
    },

    ProvisionIpamByoasn(ctx, input) {
      if (!input.IpamId) throw awsError('MissingParameter', 'The request must contain the parameter IpamId');
      const ipam = ctx.state.ipams.find((i) => i.account === ctx.account && i.ipamId === input.IpamId);
      if (!ipam) throw awsError('InvalidIpamId.NotFound', `The ipam ID '${input.IpamId}' does not exist`);
      if (ctx.region !== ipam.region) throw awsError('InvalidParameterValue', `IPAM ${ipam.ipamId} is managed from ${ipam.region}; provision BYOASNs there`);
      const asn = asnParam(input.Asn);
      const auth = input.AsnAuthorizationContext;
      if (!auth?.Message || !auth?.Signature)
        throw awsError('MissingParameter', 'AsnAuthorizationContext (Message and Signature) is required to provision a BYOASN');
      try {
        const msg = parseAuthorizationMessage(auth.Message, 'asn', new Date(ctx.now));
        if (msg.account !== ctx.account) throw new AuthorizationError(`the message names account ${msg.account}, but the request comes from ${ctx.account}`);
        if (auth.Message.split('|')[3] !== asn)
          throw new AuthorizationError(`the message names ${auth.Message.split('|')[3]}, but the request provisions ${asn}`);
      } catch (e) {
        throw awsError('InvalidParameterValue', `The authorization message is invalid: ${(e as Error).message}`);
      }
      const existing = ctx.state.byoasns.find((a) => a.account === ctx.account && a.Asn === asn && LIVE_ASN.includes(a.lc.state));
      if (existing) {
        if (existing.IpamId !== ipam.ipamId) throw awsError('InvalidParameterValue', `AS${asn} is already provisioned to IPAM ${existing.IpamId}`);
        if (existing.lc.state === 'pending-provision' || existing.lc.state === 'provisioned') return { Byoasn: describeByoasn(existing) };
        throw awsError('IncorrectState', `AS${asn} is ${existing.lc.state}`);
      }
      const live = ctx.state.byoasns.filter((a) => a.account === ctx.account && a.IpamId === ipam.ipamId && LIVE_ASN.includes(a.lc.state));
      const quota = ctx.sim.quota(ctx.account, 'byoasns', 5);
      if (live.length >= quota) {
        throw awsError(
          'ResourceLimitExceeded',
          `You have reached the limit of ${quota} BYOASNs for IPAM ${ipam.ipamId} (${live.map((a) => `AS${a.Asn}`).join(', ')}); deprovision one or request a quota increase`,
        );
      }
      const outcome = verifyAsnProvision(ctx, asn, { Message: auth.Message, Signature: auth.Signature });
      const record: SimByoasn = {
        account: ctx.account,
        region: ctx.region,
        IpamId: ipam.ipamId,
        Asn: asn,
        lc: lifecycle<AsnState>('pending-provision', ctx.now),
        outcome,
      };
      const seconds = outcome.ok ? (outcome.seconds ?? timing(ctx, 'byoasnProvision', 300)) : Math.min(timing(ctx, 'byoasnProvision', 300), 300);
      transition(ctx.sim, byoasnRef(asn), record.lc, ctx.now, 'pending-provision', {
        state: outcome.ok ? 'provisioned' : 'failed-provision',
        afterSeconds: seconds,
      });
      // A failed or deprovisioned record of the same ASN is replaced by the new attempt.
      ctx.state.byoasns = ctx.state.byoasns.filter((a) => !(a.account === ctx.account && a.Asn === asn));
      ctx.state.byoasns.push(record);
      return { Byoasn: describeByoasn(record) };
    },

    DescribeIpamByoasn(ctx, input) {
      const items = visibleByoasns(ctx.state, ctx.account, ctx.now).filter((a) => a.region === ctx.region);
      const p = page(ctx, items, { max: input.MaxResults, token: input.NextToken, defaultMax: 100, limit: 100 });
      return { Byoasns: p.items.map(describeByoasn), NextToken: p.next };
    },

    AssociateIpamByoasn(ctx, input) {
      const asn = asnParam(input.Asn);
      if (!input.Cidr) throw awsError('MissingParameter', 'The request must contain the parameter Cidr');
      const cidr = canonicalCidr(input.Cidr);
      const byoasn = findByoasn(ctx.state, ctx.account, asn);
      if (!byoasn) throw awsError('InvalidParameterValue', `AS${asn} is not a provisioned BYOASN of this account`);
      if (byoasn.lc.state !== 'provisioned') throw awsError('IncorrectState', `AS${asn} is ${byoasn.lc.state}`);
      const b = findByoip(ctx.state, ctx.account, ctx.region, cidr);
      if (!b) throw awsError('InvalidByoipCidr.NotFound', `The BYOIP CIDR ${input.Cidr} is not provisioned in ${ctx.region}`);
      const pool = ctx.state.pools.find((p) => p.IpamPoolId === b.IpamPoolId);
      // The IPAM guide: "The pool must have Service set to EC2 and must have a locale chosen."
      if (pool && (pool.AwsService !== 'ec2' || pool.Locale === 'None')) {
        throw awsError(
          'InvalidParameterValue',
          `${cidr} is in pool ${pool.IpamPoolId} (service ${pool.AwsService ?? 'none'}, locale ${pool.Locale}); BYOASN associations need a regional pool with service EC2 and a locale`,
        );
      }
      const current = liveAssociations(b).find((a) => a.Asn === asn);
      if (current && (current.lc.state === 'pending-association' || current.lc.state === 'associated')) {
        return { AsnAssociation: { Asn: asn, Cidr: cidr, State: current.lc.state, StatusMessage: current.StatusMessage } };
      }
      if (current && current.lc.state !== 'failed-association') throw awsError('IncorrectState', `AS${asn} and ${cidr} are ${current.lc.state}`);
      const outcome = verifyAssociation(ctx.state, cidr, asn);
      const association: SimAsnAssociation = { Asn: asn, lc: lifecycle<AsnAssociationState>('pending-association', ctx.now), outcome };
      transition(ctx.sim, asnAssociationRef(asn, cidr), association.lc, ctx.now, 'pending-association', {
        state: outcome.ok ? 'associated' : 'failed-association',
        afterSeconds: timing(ctx, 'asnAssociate', 120),
      });
      b.asnAssociations = [...(b.asnAssociations ?? []).filter((a) => a.Asn !== asn), association];
      return { AsnAssociation: { Asn: asn, Cidr: cidr, State: association.lc.state } };
    },

    DisassociateIpamByoasn(ctx, input) {
      const asn = asnParam(input.Asn);
      if (!input.Cidr) throw awsError('MissingParameter', 'The request must contain the parameter Cidr');
      const cidr = canonicalCidr(input.Cidr);
      const b = findByoip(ctx.state, ctx.account, ctx.region, cidr);
      if (!b) throw awsError('InvalidByoipCidr.NotFound', `The BYOIP CIDR ${input.Cidr} is not provisioned in ${ctx.region}`);
      const current = liveAssociations(b).find((a) => a.Asn === asn);
      if (!current) throw awsError('InvalidParameterValue', `AS${asn} is not associated with ${cidr}`);
      if (current.lc.state === 'pending-disassociation') return { AsnAssociation: { Asn: asn, Cidr: cidr, State: current.lc.state } };
      if (current.lc.state === 'pending-association') throw awsError('IncorrectState', `AS${asn} and ${cidr} are pending-association`);
      if (b.advertisedAsn === asn && (b.lc.state === 'advertised' || b.lc.state === 'pending-advertising')) {
        throw awsError('IncorrectState', `${cidr} is advertised with AS${asn}; advertise it with the AWS ASN or withdraw it first`);
      }
      transition(ctx.sim, asnAssociationRef(asn, cidr), current.lc, ctx.now, 'pending-disassociation', {
        state: 'disassociated',
        afterSeconds: timing(ctx, 'asnDisassociate', 120),
      });
      current.StatusMessage = undefined;
      return { AsnAssociation: { Asn: asn, Cidr: cidr, State: current.lc.state } };
    },

    DeprovisionIpamByoasn(ctx, input) {
      if (!input.IpamId) throw awsError('MissingParameter', 'The request must contain the parameter IpamId');
      const asn = asnParam(input.Asn);
      const record = ctx.state.byoasns.find((a) => a.account === ctx.account && a.IpamId === input.IpamId && a.Asn === asn && a.lc.state !== 'deprovisioned');
      if (!record || record.lc.state === 'failed-provision') throw awsError('InvalidParameterValue', `AS${asn} is not provisioned to IPAM ${input.IpamId}`);
      if (record.lc.state === 'pending-deprovision') return { Byoasn: describeByoasn(record) };
      if (record.lc.state !== 'provisioned' && record.lc.state !== 'failed-deprovision') throw awsError('IncorrectState', `AS${asn} is ${record.lc.state}`);
      const still = ctx.state.byoipCidrs
        .filter((b) => b.account === ctx.account && b.lc.state !== 'deprovisioned')
        .filter((b) => liveAssociations(b).some((a) => a.Asn === asn && a.lc.state !== 'failed-association'))
        .map((b) => b.Cidr);
      if (still.length > 0) throw awsError('IncorrectState', `AS${asn} is still associated with ${still.join(', ')}; disassociate it from every CIDR first`);
      transition(ctx.sim, byoasnRef(asn), record.lc, ctx.now, 'pending-deprovision', {
        state: 'deprovisioned',
        afterSeconds: timing(ctx, 'byoasnDeprovision', 300),
      });
      return { Byoasn: describeByoasn(record) };
    },
  },
};
