/**
 * AWS Global Accelerator, as far as static IPs for serverless need it:
 *  - its own BYOIP: ProvisionByoipCidr checked against the registry's RDAP certificate and ROA
 *    (PENDING_PROVISIONING → READY | FAILED_PROVISION), Advertise (→ PENDING_ADVERTISING → ADVERTISING),
 *    Withdraw (once per 10 s; not while an accelerator uses the range), Deprovision; at most two
 *    ranges per account; a range already brought to AWS through VPC IPAM (e.g. for CloudFront) is refused;
 *  - accelerators (IN_PROGRESS → DEPLOYED after every change; disable, then delete once deployed),
 *    BYOIP addresses only from ADVERTISING ranges, one per range, the other from Amazon's pool;
 *    replaced Amazon addresses can be taken back for 10 days;
 *  - listeners and endpoint groups in front of load balancers that exist in the world (elbv2).
 * The API answers only in us-west-2, whatever region the stack is in.
 */
import type * as GlobalAccelerator from '@aws-sdk/client-global-accelerator';
import type { Accelerator, ByoipCidr, EndpointGroup, HealthCheckProtocol, Listener } from '@aws-sdk/client-global-accelerator';
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { AuthorizationError, parseAuthorizationMessage, verifyAuthorizationSignature } from '../../../domain/authorization';
import { canonicalCidr, containsAddress, overlaps, parseCidr, parseIpv4, type Cidr } from '../../../domain/cidr';
import { awsError, networkError } from '../../aws-error';
import { eventual, lifecycle, settle, transition, type Lifecycle } from '../../lifecycle';
import { page } from '../../paging';
import type { SdkServiceModel } from '../../sdk-operations';
import type { OpContext, Simulator } from '../../simulator';
import { registryPrefixFor, type IpamState } from '../ec2/ipam';
import type { ElbState } from '../elbv2';
import { resourceRef, type ResourceRef } from '../../resource-ref';

export const gaCidrRef = (cidr: string) => resourceRef(`ga-byoip:${cidr}`, [cidr]);

export const GA_REGION = 'us-west-2';
const GA_ASN = 16509;
const AMAZON_IP_REVERT_DAYS = 10;

type CidrState =
  | 'PENDING_PROVISIONING'
  | 'READY'
  | 'PENDING_ADVERTISING'
  | 'ADVERTISING'
  | 'PENDING_WITHDRAWING'
  | 'PENDING_DEPROVISIONING'
  | 'DEPROVISIONED'
  | 'FAILED_PROVISION'
  | 'FAILED_ADVERTISING'
  | 'FAILED_WITHDRAW'
  | 'FAILED_DEPROVISION';
type AcceleratorState = 'IN_PROGRESS' | 'DEPLOYED' | 'DELETED';

const PortRangeSeed = z.object({ fromPort: z.number().int(), toPort: z.number().int() });
const AcceleratorSeed = z.object({
  account: z.string(),
  name: z.string(),
  /** Fixed ARN (e.g. what a deployed StaticIpLambdaEndpoint outputs); generated when absent. */
  arn: z.string().optional(),
  /** Static addresses; Amazon's when absent. */
  ipAddresses: z.array(z.string()).max(2).optional(),
  enabled: z.boolean().default(true),
  tags: z.record(z.string(), z.string()).default({}),
  listeners: z
    .array(
      z.object({
        protocol: z.enum(['TCP', 'UDP']).default('TCP'),
        portRanges: z.array(PortRangeSeed).min(1),
        clientAffinity: z.enum(['NONE', 'SOURCE_IP']).default('NONE'),
        endpointGroups: z
          .array(
            z.object({
              region: z.string(),
              endpoints: z
                .array(z.object({ endpointId: z.string(), weight: z.number().int().default(128), clientIpPreservation: z.boolean().default(true) }))
                .default([]),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});

export const GlobalAcceleratorWorldSection = z.object({
  /** Ranges already brought to GA (state READY or ADVERTISING). */
  byoipCidrs: z.array(z.object({ account: z.string(), cidr: z.string(), state: z.enum(['READY', 'ADVERTISING']).default('READY') })).default([]),
  accelerators: z.array(AcceleratorSeed).default([]),
});

/** Why a world's globalAccelerator.loadBalancers is refused: endpoint groups point at the world's one list of load balancers. */
export const MOVED_LOAD_BALANCERS =
  "moved to elbv2.loadBalancers: Global Accelerator's endpoints are the world's load balancers (give each there with its account and dnsName; vpcHasInternetGateway defaults to true)";

export interface SimGaCidr {
  account: string;
  Cidr: string;
  lc: Lifecycle<CidrState>;
  events: Array<{ Message: string; Timestamp: number }>;
  /** How provisioning ends, decided when it is requested (verification is asynchronous). */
  failure?: string;
}

interface Slot {
  ip: string;
  byoip: boolean;
}

export interface SimAccelerator {
  account: string;
  AcceleratorArn: string;
  Name: string;
  Enabled: boolean;
  slots: Slot[];
  /** Amazon addresses replaced by BYOIP ones, recoverable for 10 days. */
  released: Array<{ ip: string; slot: number; at: number }>;
  DnsName: string;
  lc: Lifecycle<AcceleratorState>;
  CreatedTime: number;
  LastModifiedTime: number;
  Tags: Array<{ Key: string; Value: string }>;
  token?: string;
}

export interface SimListener {
  ListenerArn: string;
  AcceleratorArn: string;
  Protocol: 'TCP' | 'UDP';
  PortRanges: Array<{ FromPort: number; ToPort: number }>;
  ClientAffinity: 'NONE' | 'SOURCE_IP';
  token?: string;
}

export interface SimEndpointGroup {
  EndpointGroupArn: string;
  ListenerArn: string;
  EndpointGroupRegion: string;
  endpoints: Array<{ EndpointId: string; Weight: number; ClientIPPreservationEnabled: boolean }>;
  TrafficDialPercentage: number;
  HealthCheckPort?: number;
  HealthCheckProtocol: HealthCheckProtocol;
  HealthCheckPath?: string;
  HealthCheckIntervalSeconds: number;
  ThresholdCount: number;
  token?: string;
}

export interface GlobalAcceleratorState {
  cidrs: SimGaCidr[];
  accelerators: SimAccelerator[];
  listeners: SimListener[];
  endpointGroups: SimEndpointGroup[];
  /** Last WithdrawByoipCidr per account, for the 10-second rule. */
  lastWithdraw: Record<string, number>;
  amazonIpCounter: number;
}

const HELD: CidrState[] = [
  'PENDING_PROVISIONING',
  'READY',
  'PENDING_ADVERTISING',
  'ADVERTISING',
  'PENDING_WITHDRAWING',
  'PENDING_DEPROVISIONING',
  'FAILED_ADVERTISING',
  'FAILED_WITHDRAW',
  'FAILED_DEPROVISION',
];
const IPAM_ACTIVE = ['pending-provision', 'provisioned', 'pending-deprovision', 'failed-deprovision'];

function timing(ctx: { timings: Record<string, number> }, name: string, fallback: number): number {
  return ctx.timings[name] ?? fallback;
}

function hex(seed: string, length: number): string {
  return createHash('sha1').update(seed).digest('hex').slice(0, length);
}

function uuidFrom(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** GA's Amazon-pool addresses come from two /17s, one per network zone. */
function amazonIp(state: GlobalAcceleratorState, slot: number): string {
  const n = state.amazonIpCounter++;
  return slot === 0 ? `75.2.${(n >> 8) & 127}.${n & 255}` : `99.83.${128 + ((n >> 8) & 127)}.${n & 255}`;
}

function requireRegion(ctx: OpContext<GlobalAcceleratorState>): void {
  if (ctx.region !== GA_REGION) {
    // The SDK resolves globalaccelerator.<region>.amazonaws.com for any region; only us-west-2 exists.
    throw networkError(
      'ENOTFOUND',
      `globalaccelerator.${ctx.region}.amazonaws.com`,
      `Global Accelerator's API is only in ${GA_REGION}; create the client with region ${GA_REGION}`,
    );
  }
}

function liveCidr(state: GlobalAcceleratorState, account: string, cidr: string): SimGaCidr | undefined {
  return state.cidrs.find((c) => c.account === account && c.Cidr === cidr && c.lc.state !== 'DEPROVISIONED');
}

function describeCidr(c: SimGaCidr): ByoipCidr {
  return { Cidr: c.Cidr, State: c.lc.state, Events: c.events.map((e) => ({ Message: e.Message, Timestamp: new Date(e.Timestamp) })) };
}

function liveAccelerators(state: GlobalAcceleratorState, account?: string): SimAccelerator[] {
  return state.accelerators.filter((a) => a.lc.state !== 'DELETED' && (account === undefined || a.account === account));
}

function describeAccelerator(a: SimAccelerator): Accelerator {
  return {
    AcceleratorArn: a.AcceleratorArn,
    Name: a.Name,
    IpAddressType: 'IPV4',
    Enabled: a.Enabled,
    IpSets: [{ IpFamily: 'IPv4', IpAddresses: a.slots.map((s) => s.ip), IpAddressFamily: 'IPv4' }],
    DnsName: a.DnsName,
    Status: a.lc.state === 'DELETED' ? 'IN_PROGRESS' : a.lc.state,
    CreatedTime: new Date(a.CreatedTime),
    LastModifiedTime: new Date(a.LastModifiedTime),
    Events: [],
  };
}

function describeListener(l: SimListener): Listener {
  return { ListenerArn: l.ListenerArn, PortRanges: l.PortRanges, Protocol: l.Protocol, ClientAffinity: l.ClientAffinity };
}

function describeEndpointGroup(g: SimEndpointGroup): EndpointGroup {
  return {
    EndpointGroupArn: g.EndpointGroupArn,
    EndpointGroupRegion: g.EndpointGroupRegion,
    EndpointDescriptions: g.endpoints.map((e) => ({ ...e, HealthState: 'HEALTHY' })),
    TrafficDialPercentage: g.TrafficDialPercentage,
    HealthCheckPort: g.HealthCheckPort,
    HealthCheckProtocol: g.HealthCheckProtocol,
    HealthCheckPath: g.HealthCheckPath,
    HealthCheckIntervalSeconds: g.HealthCheckIntervalSeconds,
    ThresholdCount: g.ThresholdCount,
  };
}

function findAccelerator(ctx: OpContext<GlobalAcceleratorState>, arn: string | undefined): SimAccelerator {
  const a = liveAccelerators(ctx.state, ctx.account).find((x) => x.AcceleratorArn === arn);
  if (!a) throw awsError('AcceleratorNotFoundException', `The accelerator that you specified doesn't exist: ${arn}`);
  return a;
}

function findListener(ctx: OpContext<GlobalAcceleratorState>, arn: string | undefined): SimListener {
  const l = ctx.state.listeners.find((x) => x.ListenerArn === arn);
  const owner = l && liveAccelerators(ctx.state, ctx.account).find((a) => a.AcceleratorArn === l.AcceleratorArn);
  if (!l || !owner) throw awsError('ListenerNotFoundException', `The listener that you specified doesn't exist: ${arn}`);
  return l;
}

/** An accelerator in the report's transitions: its name for people, its ARN so a poll on the ARN finds when it changed. */
function acceleratorResource(a: { Name?: string; AcceleratorArn?: string }): ResourceRef {
  return resourceRef(`accelerator:${a.Name}`, [a.AcceleratorArn ?? ''], [a.Name ?? '']);
}

/** Every configuration change redeploys the accelerator to the edge. */
function redeploy(ctx: OpContext<GlobalAcceleratorState>, a: SimAccelerator): void {
  a.LastModifiedTime = ctx.now;
  transition(ctx.sim, acceleratorResource(a), a.lc, ctx.now, 'IN_PROGRESS', { state: 'DEPLOYED', afterSeconds: timing(ctx, 'acceleratorDeploy', 120) });
}

function addEvent(c: SimGaCidr, message: string, at: number): void {
  c.events.push({ Message: message, Timestamp: at });
}

const EVENT_TEXT: Partial<Record<CidrState, string>> = {
  READY: 'Provisioned; ready to advertise',
  ADVERTISING: 'Advertised by AWS',
  DEPROVISIONED: 'Deprovisioned',
};

/** Which range an address belongs to, among the account's GA ranges. */
function rangeOf(state: GlobalAcceleratorState, account: string, ip: string): SimGaCidr | undefined {
  return state.cidrs.find((c) => c.account === account && HELD.includes(c.lc.state) && containsAddress(parseCidr(c.Cidr), ip));
}

function usersOfRange(state: GlobalAcceleratorState, account: string, cidr: Cidr): SimAccelerator[] {
  return liveAccelerators(state, account).filter((a) => a.slots.some((s) => s.byoip && containsAddress(cidr, s.ip)));
}

/** Checks BYOIP addresses for an accelerator: from ADVERTISING ranges, one per range, not used elsewhere. */
function checkByoipAddress(ctx: OpContext<GlobalAcceleratorState>, ip: string, self: SimAccelerator | undefined, taken: Set<string>): void {
  try {
    parseIpv4(ip);
  } catch (e) {
    throw awsError('InvalidArgumentException', `${ip} is not a valid IPv4 address: ${(e as Error).message}`);
  }
  const range = rangeOf(ctx.state, ctx.account, ip);
  if (!range) throw awsError('InvalidArgumentException', `The IP address ${ip} is not in an address pool that you brought to Global Accelerator (BYOIP)`);
  if (range.lc.state !== 'ADVERTISING') {
    throw awsError('InvalidArgumentException', `The address range ${range.Cidr} is ${range.lc.state}; it must be ADVERTISING before you use its addresses`);
  }
  if (taken.has(range.Cidr))
    throw awsError('InvalidArgumentException', `Only one IP address from each address range (${range.Cidr}) can be assigned to an accelerator`);
  taken.add(range.Cidr);
  const other = liveAccelerators(ctx.state).find((a) => a !== self && a.slots.some((s) => s.ip === ip));
  if (other) throw awsError('InvalidArgumentException', `The IP address ${ip} is already in use by accelerator ${other.AcceleratorArn}`);
}

/** Where an address range was already brought to AWS through EC2/VPC IPAM (any account). */
function ipamHolder(sim: Simulator, cidr: Cidr, account: string): string | undefined {
  let ipam: IpamState;
  try {
    ipam = sim.state<IpamState>('ec2.ipam');
  } catch {
    return undefined;
  }
  // The most specific holder names the service (the CloudFront child pool rather than its parent).
  const held = ipam.poolCidrs
    .filter((c) => IPAM_ACTIVE.includes(c.lc.state) && overlaps(parseCidr(c.Cidr), cidr))
    .sort((a, b) => parseCidr(b.Cidr).prefix - parseCidr(a.Cidr).prefix);
  for (const c of held) {
    const pool = ipam.pools.find((p) => p.IpamPoolId === c.IpamPoolId);
    if (pool?.IpamScopeType !== 'public') continue;
    const forCloudFront =
      pool.AwsService === 'global-services' || ipam.pools.some((p) => p.SourceIpamPoolId === pool.IpamPoolId && p.AwsService === 'global-services');
    const where = pool.OwnerId === account ? `VPC IPAM pool ${pool.IpamPoolId}` : 'another AWS account';
    return `${c.Cidr} is provisioned in ${where}${forCloudFront ? ' for CloudFront' : ' for Amazon EC2'}`;
  }
  for (const b of ipam.byoipCidrs) {
    if (b.lc.state !== 'deprovisioned' && overlaps(parseCidr(b.Cidr), cidr)) return `${b.Cidr} is provisioned for Amazon EC2 in ${b.region}`;
  }
  return undefined;
}

/** How provisioning will end, as GA's asynchronous verification would decide. */
function verifyProvision(ctx: OpContext<GlobalAcceleratorState>, cidr: string, auth: { Message: string; Signature: string }): string | undefined {
  const prefix = registryPrefixFor(ctx.sim, cidr);
  if (!prefix) return `No RDAP record covering ${cidr} was found at ARIN, RIPE or APNIC`;
  if (!verifyAuthorizationSignature(auth.Message, auth.Signature, prefix.rdapCertificate)) {
    return `The signature of the authorization message for ${cidr} could not be verified against the X.509 certificate in the RDAP record of ${prefix.cidr}`;
  }
  if (!prefix.roa.asns.includes(GA_ASN)) return `The ROA for ${prefix.cidr} does not authorize Amazon ASN ${GA_ASN}`;
  if (prefix.roa.maxLength < 24) return `The ROA for ${prefix.cidr} has max length /${prefix.roa.maxLength}; it must be /24`;
  return prefix.failProvision;
}

/** Global Accelerator as a world section (sim/world-out.ts): READY/ADVERTISING ranges, live accelerators with their listeners. */
function gaToWorld(state: GlobalAcceleratorState, _sim: Simulator, note: (text: string) => void) {
  const ranges = state.cidrs.filter((c) => ['READY', 'ADVERTISING'].includes(eventual(c.lc)));
  for (const c of state.cidrs) {
    if (c.lc.next.length) note(`Global Accelerator range ${c.Cidr} is ${c.lc.state}; written as ${eventual(c.lc)}`);
    else if (/^FAILED/.test(c.lc.state)) note(`Global Accelerator range ${c.Cidr} is ${c.lc.state}; not written`);
  }
  const accelerators = state.accelerators.filter((a) => eventual(a.lc) !== 'DELETED');
  for (const a of accelerators) if (a.lc.next.length) note(`accelerator ${a.Name} is ${a.lc.state}; written as DEPLOYED`);
  return {
    globalAccelerator: {
      byoipCidrs: ranges.map((c) => ({ account: c.account, cidr: c.Cidr, state: eventual(c.lc) })),
      accelerators: accelerators.map((a) => ({
        account: a.account,
        name: a.Name,
        arn: a.AcceleratorArn,
        ipAddresses: a.slots.map((x) => x.ip),
        enabled: a.Enabled,
        tags: Object.fromEntries(a.Tags.map((t) => [t.Key, t.Value])),
        listeners: state.listeners
          .filter((l) => l.AcceleratorArn === a.AcceleratorArn)
          .map((l) => ({
            protocol: l.Protocol,
            clientAffinity: l.ClientAffinity,
            portRanges: l.PortRanges.map((p) => ({ fromPort: p.FromPort, toPort: p.ToPort })),
            endpointGroups: state.endpointGroups
              .filter((g) => g.ListenerArn === l.ListenerArn)
              .map((g) => ({
                region: g.EndpointGroupRegion,
                endpoints: g.endpoints.map((e) => ({ endpointId: e.EndpointId, weight: e.Weight, clientIpPreservation: e.ClientIPPreservationEnabled })),
              })),
          })),
      })),
    },
  };
}

export const globalAcceleratorModel: SdkServiceModel<GlobalAcceleratorState, typeof GlobalAccelerator> = {
  key: 'globalaccelerator',
  service: 'GlobalAccelerator',
  seed(world, sim) {
    const raw = world.globalAccelerator;
    if (raw && typeof raw === 'object' && 'loadBalancers' in raw) throw new Error(`world.globalAccelerator.loadBalancers: ${MOVED_LOAD_BALANCERS}`);
    const section = GlobalAcceleratorWorldSection.parse(world.globalAccelerator ?? {});
    const now = sim.startedAt;
    const state: GlobalAcceleratorState = { cidrs: [], accelerators: [], listeners: [], endpointGroups: [], lastWithdraw: {}, amazonIpCounter: 10 };
    for (const c of section.byoipCidrs) {
      state.cidrs.push({ account: c.account, Cidr: canonicalCidr(c.cidr), lc: lifecycle<CidrState>(c.state, now), events: [] });
    }
    for (const [i, a] of section.accelerators.entries()) {
      const arn = a.arn ?? `arn:aws:globalaccelerator::${a.account}:accelerator/${uuidFrom(`seed-${i}-${a.name}`)}`;
      const slots: Slot[] = [0, 1].map((slot) => {
        const ip = a.ipAddresses?.[slot];
        return ip
          ? { ip, byoip: !!state.cidrs.find((c) => c.account === a.account && containsAddress(parseCidr(c.Cidr), ip)) }
          : { ip: amazonIp(state, slot), byoip: false };
      });
      state.accelerators.push({
        account: a.account,
        AcceleratorArn: arn,
        Name: a.name,
        Enabled: a.enabled,
        slots,
        released: [],
        DnsName: `a${hex(arn, 16)}.awsglobalaccelerator.com`,
        lc: lifecycle<AcceleratorState>('DEPLOYED', now),
        CreatedTime: now,
        LastModifiedTime: now,
        Tags: Object.entries(a.tags).map(([Key, Value]) => ({ Key, Value })),
      });
      for (const [j, l] of a.listeners.entries()) {
        const listenerArn = `${arn}/listener/${hex(`${arn}/${j}`, 8)}`;
        state.listeners.push({
          ListenerArn: listenerArn,
          AcceleratorArn: arn,
          Protocol: l.protocol,
          ClientAffinity: l.clientAffinity,
          PortRanges: l.portRanges.map((p) => ({ FromPort: p.fromPort, ToPort: p.toPort })),
        });
        for (const g of l.endpointGroups) {
          state.endpointGroups.push({
            EndpointGroupArn: `${listenerArn}/endpoint-group/${hex(`${listenerArn}/${g.region}`, 12)}`,
            ListenerArn: listenerArn,
            EndpointGroupRegion: g.region,
            endpoints: g.endpoints.map((e) => ({ EndpointId: e.endpointId, Weight: e.weight, ClientIPPreservationEnabled: e.clientIpPreservation })),
            TrafficDialPercentage: 100,
            HealthCheckProtocol: 'TCP',
            HealthCheckIntervalSeconds: 30,
            ThresholdCount: 3,
          });
        }
      }
    }
    return state;
  },

  settle(state, now, sim) {
    for (const c of state.cidrs) {
      if (!settle(sim, gaCidrRef(c.Cidr), c.lc, now)) continue;
      if (c.lc.state === 'FAILED_PROVISION') addEvent(c, c.failure ?? 'Provisioning failed', c.lc.since);
      else if (EVENT_TEXT[c.lc.state]) addEvent(c, EVENT_TEXT[c.lc.state]!, c.lc.since);
    }
    for (const a of state.accelerators) settle(sim, acceleratorResource(a), a.lc, now);
  },

  toWorld: gaToWorld,

  snapshot(state) {
    return {
      byoipCidrs: state.cidrs
        .filter((c) => c.lc.state !== 'DEPROVISIONED')
        .map((c) => ({ account: c.account, Cidr: c.Cidr, State: c.lc.state, lastEvent: c.events.at(-1)?.Message })),
      accelerators: liveAccelerators(state).map((a) => ({
        account: a.account,
        Name: a.Name,
        AcceleratorArn: a.AcceleratorArn,
        Status: a.lc.state,
        Enabled: a.Enabled,
        IpAddresses: a.slots.map((s) => s.ip),
        byoipAddresses: a.slots.filter((s) => s.byoip).map((s) => s.ip),
        DnsName: a.DnsName,
        Tags: a.Tags,
        listeners: state.listeners
          .filter((l) => l.AcceleratorArn === a.AcceleratorArn)
          .map((l) => ({
            ...describeListener(l),
            endpointGroups: state.endpointGroups
              .filter((g) => g.ListenerArn === l.ListenerArn)
              .map((g) => ({ EndpointGroupRegion: g.EndpointGroupRegion, endpoints: g.endpoints.map((e) => e.EndpointId) })),
          })),
      })),
    };
  },

  operations: {
    ProvisionByoipCidr(ctx, input) {
      requireRegion(ctx);
      let cidr: string;
      let target: Cidr;
      try {
        cidr = canonicalCidr(input.Cidr ?? '');
        target = parseCidr(cidr);
      } catch (e) {
        throw awsError('InvalidArgumentException', `Cidr ${input.Cidr} is invalid: ${(e as Error).message}`);
      }
      if (target.family !== 4) throw awsError('InvalidArgumentException', 'Global Accelerator BYOIP supports IPv4 address ranges only');
      if (target.prefix > 24)
        throw awsError('InvalidArgumentException', `The most specific IP prefix that you can specify is /24; ${cidr} is a /${target.prefix}`);
      const auth = input.CidrAuthorizationContext;
      if (!auth?.Message || !auth?.Signature) throw awsError('InvalidArgumentException', 'CidrAuthorizationContext (Message and Signature) is required');
      try {
        const msg = parseAuthorizationMessage(auth.Message, 'cidr', new Date(ctx.now));
        if (msg.account !== ctx.account) throw new AuthorizationError(`the message names account ${msg.account}, but the request comes from ${ctx.account}`);
        if (msg.resource !== cidr) throw new AuthorizationError(`the message names ${msg.resource}, but the request provisions ${cidr}`);
      } catch (e) {
        throw awsError('InvalidArgumentException', `The authorization message is invalid: ${(e as Error).message}`);
      }
      const same = liveCidr(ctx.state, ctx.account, cidr);
      if (same && same.lc.state !== 'FAILED_PROVISION')
        throw awsError('IncorrectCidrStateException', `The address range ${cidr} is already provisioned (${same.lc.state})`);
      const clash = ctx.state.cidrs.find((c) => c !== same && HELD.includes(c.lc.state) && overlaps(parseCidr(c.Cidr), target));
      if (clash) {
        throw awsError(
          'InvalidArgumentException',
          `The address range ${cidr} overlaps ${clash.Cidr}, which ${clash.account === ctx.account ? 'you have' : 'another account has'} already brought to Global Accelerator`,
        );
      }
      const elsewhere = ipamHolder(ctx.sim, target, ctx.account);
      if (elsewhere) {
        throw awsError(
          'InvalidArgumentException',
          `The address range ${cidr} is already brought to AWS: ${elsewhere}. You can't use the IP addresses that you bring to AWS for one AWS service with another service; bring a different range to Global Accelerator, or deprovision it there first.`,
        );
      }
      const quota = ctx.sim.quota(ctx.account, 'gaByoipCidrs', 2);
      const held = ctx.state.cidrs.filter((c) => c.account === ctx.account && c !== same && HELD.includes(c.lc.state)).length;
      if (held >= quota)
        throw awsError('LimitExceededException', `You can bring up to ${quota} address ranges to Global Accelerator per account; ${held} are provisioned`);
      const failure = verifyProvision(ctx, cidr, { Message: auth.Message, Signature: auth.Signature });
      const record: SimGaCidr = same ?? { account: ctx.account, Cidr: cidr, lc: lifecycle<CidrState>('PENDING_PROVISIONING', ctx.now), events: [] };
      record.failure = failure;
      const seconds = registryPrefixFor(ctx.sim, cidr)?.provisionSeconds ?? timing(ctx, 'gaByoipProvision', 86_400);
      addEvent(record, 'Provisioning requested', ctx.now);
      transition(ctx.sim, gaCidrRef(cidr), record.lc, ctx.now, 'PENDING_PROVISIONING', {
        state: failure ? 'FAILED_PROVISION' : 'READY',
        afterSeconds: failure ? Math.min(seconds, 3600) : seconds,
      });
      if (!same) ctx.state.cidrs.push(record);
      return { ByoipCidr: describeCidr(record) };
    },

    ListByoipCidrs(ctx, input) {
      requireRegion(ctx);
      const items = ctx.state.cidrs.filter((c) => c.account === ctx.account && c.lc.state !== 'DEPROVISIONED');
      const p = page(ctx, items, { max: input.MaxResults, token: input.NextToken, defaultMax: 100, limit: 100 });
      return { ByoipCidrs: p.items.map(describeCidr), NextToken: p.next };
    },

    AdvertiseByoipCidr(ctx, input) {
      requireRegion(ctx);
      const cidr = canonicalCidr(input.Cidr ?? '');
      const c = liveCidr(ctx.state, ctx.account, cidr);
      if (!c) throw awsError('ByoipCidrNotFoundException', `The CIDR ${input.Cidr} was not found. You must advertise the exact range that you provisioned.`);
      if (c.lc.state === 'ADVERTISING' || c.lc.state === 'PENDING_ADVERTISING') return { ByoipCidr: describeCidr(c) };
      if (c.lc.state !== 'READY' && c.lc.state !== 'FAILED_ADVERTISING')
        throw awsError('IncorrectCidrStateException', `The address range ${cidr} is ${c.lc.state}; it can be advertised once READY`);
      addEvent(c, 'Advertising requested', ctx.now);
      transition(ctx.sim, gaCidrRef(cidr), c.lc, ctx.now, 'PENDING_ADVERTISING', { state: 'ADVERTISING', afterSeconds: timing(ctx, 'gaAdvertise', 180) });
      return { ByoipCidr: describeCidr(c) };
    },

    WithdrawByoipCidr(ctx, input) {
      requireRegion(ctx);
      const cidr = canonicalCidr(input.Cidr ?? '');
      const c = liveCidr(ctx.state, ctx.account, cidr);
      if (!c) throw awsError('ByoipCidrNotFoundException', `The CIDR ${input.Cidr} was not found`);
      if (c.lc.state === 'READY' || c.lc.state === 'PENDING_WITHDRAWING') return { ByoipCidr: describeCidr(c) };
      if (c.lc.state !== 'ADVERTISING' && c.lc.state !== 'FAILED_WITHDRAW')
        throw awsError('IncorrectCidrStateException', `The address range ${cidr} is ${c.lc.state}`);
      const users = usersOfRange(ctx.state, ctx.account, parseCidr(cidr));
      if (users.length) {
        throw awsError(
          'IncorrectCidrStateException',
          `The address range ${cidr} is used by accelerator(s) ${users.map((a) => a.AcceleratorArn).join(', ')}; delete them before you stop advertising the range`,
        );
      }
      const last = ctx.state.lastWithdraw[ctx.account];
      if (last !== undefined && ctx.now - last < 10_000) {
        throw awsError('ThrottlingException', 'You can withdraw an address range at most once every 10 seconds, even for different address ranges');
      }
      ctx.state.lastWithdraw[ctx.account] = ctx.now;
      addEvent(c, 'Withdrawal requested', ctx.now);
      transition(ctx.sim, gaCidrRef(cidr), c.lc, ctx.now, 'PENDING_WITHDRAWING', { state: 'READY', afterSeconds: timing(ctx, 'gaWithdraw', 180) });
      return { ByoipCidr: describeCidr(c) };
    },

    DeprovisionByoipCidr(ctx, input) {
      requireRegion(ctx);
      const cidr = canonicalCidr(input.Cidr ?? '');
      const c = liveCidr(ctx.state, ctx.account, cidr);
      if (!c) throw awsError('ByoipCidrNotFoundException', `The CIDR ${input.Cidr} was not found. The prefix must be the one you provisioned.`);
      if (c.lc.state === 'PENDING_DEPROVISIONING') return { ByoipCidr: describeCidr(c) };
      if (c.lc.state !== 'READY' && c.lc.state !== 'FAILED_PROVISION' && c.lc.state !== 'FAILED_DEPROVISION') {
        throw awsError(
          'IncorrectCidrStateException',
          `The address range ${cidr} is ${c.lc.state}; stop advertising it (WithdrawByoipCidr) before you deprovision it`,
        );
      }
      const users = usersOfRange(ctx.state, ctx.account, parseCidr(cidr));
      if (users.length)
        throw awsError('IncorrectCidrStateException', `The address range ${cidr} is used by accelerator(s) ${users.map((a) => a.AcceleratorArn).join(', ')}`);
      addEvent(c, 'Deprovisioning requested', ctx.now);
      transition(ctx.sim, gaCidrRef(cidr), c.lc, ctx.now, 'PENDING_DEPROVISIONING', {
        state: 'DEPROVISIONED',
        afterSeconds: timing(ctx, 'gaDeprovision', 600),
      });
      return { ByoipCidr: describeCidr(c) };
    },

    CreateAccelerator(ctx, input) {
      requireRegion(ctx);
      if (!input.Name || !/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,62}[A-Za-z0-9])?$/.test(input.Name)) {
        throw awsError(
          'InvalidArgumentException',
          `Name "${input.Name ?? ''}" must be 1-64 alphanumeric characters, periods or hyphens, not beginning or ending with a hyphen or period`,
        );
      }
      if (input.IpAddressType && input.IpAddressType !== 'IPV4')
        throw awsError('InvalidArgumentException', `IpAddressType ${input.IpAddressType}: the simulator models IPV4 accelerators only`);
      if (input.IdempotencyToken) {
        const same = ctx.state.accelerators.find((a) => a.account === ctx.account && a.token === input.IdempotencyToken);
        if (same) return { Accelerator: describeAccelerator(same) };
      }
      const ips: string[] = input.IpAddresses ?? [];
      if (ips.length > 2) throw awsError('InvalidArgumentException', 'You can specify at most two IP addresses');
      const taken = new Set<string>();
      for (const ip of ips) checkByoipAddress(ctx, ip, undefined, taken);
      const arn = `arn:aws:globalaccelerator::${ctx.account}:accelerator/${uuidFrom(ctx.sim.nextId('accelerator-'))}`;
      const slots: Slot[] = [0, 1].map((slot) => (ips[slot] ? { ip: ips[slot], byoip: true } : { ip: amazonIp(ctx.state, slot), byoip: false }));
      const a: SimAccelerator = {
        account: ctx.account,
        AcceleratorArn: arn,
        Name: input.Name,
        Enabled: input.Enabled ?? true,
        slots,
        released: [],
        DnsName: `a${hex(arn, 16)}.awsglobalaccelerator.com`,
        lc: lifecycle<AcceleratorState>('IN_PROGRESS', ctx.now),
        CreatedTime: ctx.now,
        LastModifiedTime: ctx.now,
        Tags: (input.Tags ?? []).map((t) => ({ Key: ctx.required(t.Key, 'Tags.Key'), Value: ctx.required(t.Value, 'Tags.Value') })),
        token: input.IdempotencyToken,
      };
      ctx.state.accelerators.push(a);
      ctx.sim.recordTransition(acceleratorResource(a), undefined, 'IN_PROGRESS', ctx.now);
      redeploy(ctx, a);
      return { Accelerator: describeAccelerator(a) };
    },

    DescribeAccelerator(ctx, input) {
      requireRegion(ctx);
      return { Accelerator: describeAccelerator(findAccelerator(ctx, input.AcceleratorArn)) };
    },

    ListAccelerators(ctx, input) {
      requireRegion(ctx);
      const p = page(ctx, liveAccelerators(ctx.state, ctx.account), { max: input.MaxResults, token: input.NextToken, defaultMax: 100, limit: 100 });
      return { Accelerators: p.items.map(describeAccelerator), NextToken: p.next };
    },

    ListTagsForResource(ctx, input) {
      requireRegion(ctx);
      return { Tags: findAccelerator(ctx, input.ResourceArn).Tags };
    },

    UpdateAccelerator(ctx, input) {
      requireRegion(ctx);
      const a = findAccelerator(ctx, input.AcceleratorArn);
      if (a.lc.state === 'DELETED' || a.lc.next.some((n) => n.state === 'DELETED'))
        throw awsError('AcceleratorNotFoundException', `The accelerator ${a.AcceleratorArn} is being deleted`);
      let changed = false;
      if (input.Name !== undefined && input.Name !== a.Name) {
        a.Name = input.Name;
        changed = true;
      }
      if (input.Enabled !== undefined && input.Enabled !== a.Enabled) {
        a.Enabled = input.Enabled;
        changed = true;
      }
      if (input.IpAddresses !== undefined) {
        const wanted: string[] = input.IpAddresses;
        if (wanted.length > 2) throw awsError('InvalidArgumentException', 'You can specify at most two IP addresses');
        const taken = new Set<string>();
        const next: Slot[] = [];
        for (const slot of [0, 1]) {
          const ip = wanted[slot];
          const current = a.slots[slot];
          if (ip === undefined) {
            if (!current.byoip) {
              next.push(current);
              continue;
            }
            const back = a.released.find((r) => r.slot === slot && ctx.now - r.at <= AMAZON_IP_REVERT_DAYS * 86_400_000);
            next.push({ ip: back?.ip ?? amazonIp(ctx.state, slot), byoip: false });
            continue;
          }
          if (a.slots.some((s) => s.ip === ip && !s.byoip)) {
            next.push({ ip, byoip: false });
            continue;
          }
          const back = a.released.find((r) => r.ip === ip);
          if (back) {
            if (ctx.now - back.at > AMAZON_IP_REVERT_DAYS * 86_400_000) {
              throw awsError(
                'InvalidArgumentException',
                `The static IP address ${ip} was changed more than ${AMAZON_IP_REVERT_DAYS} days ago and has returned to the Amazon IP address pool`,
              );
            }
            next.push({ ip, byoip: false });
            continue;
          }
          checkByoipAddress(ctx, ip, a, taken);
          next.push({ ip, byoip: true });
        }
        if (new Set(next.map((s) => s.ip)).size !== 2) throw awsError('InvalidArgumentException', 'An accelerator needs two different static IP addresses');
        if (JSON.stringify(next) !== JSON.stringify(a.slots)) {
          a.slots.forEach((s, slot) => {
            if (!s.byoip && next[slot].ip !== s.ip) a.released.push({ ip: s.ip, slot, at: ctx.now });
          });
          a.released = a.released.filter((r) => !next.some((s) => s.ip === r.ip));
          a.slots = next;
          changed = true;
        }
      }
      if (changed) redeploy(ctx, a);
      return { Accelerator: describeAccelerator(a) };
    },

    DeleteAccelerator(ctx, input) {
      requireRegion(ctx);
      const a = findAccelerator(ctx, input.AcceleratorArn);
      if (a.lc.next.some((n) => n.state === 'DELETED')) return {};
      if (ctx.state.listeners.some((l) => l.AcceleratorArn === a.AcceleratorArn)) {
        throw awsError('AssociatedListenerFoundException', `The accelerator ${a.AcceleratorArn} has listeners; remove its endpoint groups and listeners first`);
      }
      if (a.Enabled || a.lc.state !== 'DEPLOYED') {
        throw awsError(
          'AcceleratorNotDisabledException',
          `The accelerator ${a.AcceleratorArn} must be disabled, and the change deployed, before it can be deleted (Enabled ${a.Enabled}, Status ${a.lc.state})`,
        );
      }
      transition(ctx.sim, acceleratorResource(a), a.lc, ctx.now, 'IN_PROGRESS', { state: 'DELETED', afterSeconds: timing(ctx, 'acceleratorDeploy', 120) });
      return {};
    },

    CreateListener(ctx, input) {
      requireRegion(ctx);
      const a = findAccelerator(ctx, input.AcceleratorArn);
      if (input.IdempotencyToken) {
        const same = ctx.state.listeners.find((l) => l.AcceleratorArn === a.AcceleratorArn && l.token === input.IdempotencyToken);
        if (same) return { Listener: describeListener(same) };
      }
      if (input.Protocol !== 'TCP' && input.Protocol !== 'UDP') throw awsError('InvalidArgumentException', 'Protocol must be TCP or UDP');
      if (!input.PortRanges || input.PortRanges.length < 1 || input.PortRanges.length > 10)
        throw awsError('InvalidPortRangeException', 'A listener needs 1 to 10 port ranges');
      const ranges = input.PortRanges.map(({ FromPort, ToPort }) => {
        if (FromPort === undefined || ToPort === undefined || !(FromPort >= 1 && ToPort <= 65_535 && FromPort <= ToPort))
          throw awsError('InvalidPortRangeException', `The port range ${FromPort}-${ToPort} is not valid`);
        return { FromPort, ToPort };
      });
      for (const l of ctx.state.listeners.filter((x) => x.AcceleratorArn === a.AcceleratorArn && x.Protocol === input.Protocol)) {
        for (const r of ranges) {
          if (l.PortRanges.some((p) => r.FromPort <= p.ToPort && p.FromPort <= r.ToPort)) {
            throw awsError('InvalidPortRangeException', `The port range ${r.FromPort}-${r.ToPort} overlaps listener ${l.ListenerArn}`);
          }
        }
      }
      const l: SimListener = {
        ListenerArn: `${a.AcceleratorArn}/listener/${hex(ctx.sim.nextId('listener-'), 8)}`,
        AcceleratorArn: a.AcceleratorArn,
        Protocol: input.Protocol,
        PortRanges: ranges.map((r) => ({ FromPort: r.FromPort, ToPort: r.ToPort })),
        ClientAffinity: input.ClientAffinity ?? 'NONE',
        token: input.IdempotencyToken,
      };
      ctx.state.listeners.push(l);
      redeploy(ctx, a);
      return { Listener: describeListener(l) };
    },

    ListListeners(ctx, input) {
      requireRegion(ctx);
      const a = findAccelerator(ctx, input.AcceleratorArn);
      const p = page(
        ctx,
        ctx.state.listeners.filter((l) => l.AcceleratorArn === a.AcceleratorArn),
        { max: input.MaxResults, token: input.NextToken, defaultMax: 100, limit: 100 },
      );
      return { Listeners: p.items.map(describeListener), NextToken: p.next };
    },

    DeleteListener(ctx, input) {
      requireRegion(ctx);
      const l = findListener(ctx, input.ListenerArn);
      if (ctx.state.endpointGroups.some((g) => g.ListenerArn === l.ListenerArn)) {
        throw awsError('AssociatedEndpointGroupFoundException', `The listener ${l.ListenerArn} has endpoint groups; delete them first`);
      }
      ctx.state.listeners = ctx.state.listeners.filter((x) => x !== l);
      redeploy(ctx, findAccelerator(ctx, l.AcceleratorArn));
      return {};
    },

    CreateEndpointGroup(ctx, input) {
      requireRegion(ctx);
      const l = findListener(ctx, input.ListenerArn);
      if (input.IdempotencyToken) {
        const same = ctx.state.endpointGroups.find((g) => g.ListenerArn === l.ListenerArn && g.token === input.IdempotencyToken);
        if (same) return { EndpointGroup: describeEndpointGroup(same) };
      }
      const region = input.EndpointGroupRegion;
      if (!region) throw awsError('InvalidArgumentException', 'EndpointGroupRegion is required');
      if (ctx.state.endpointGroups.some((g) => g.ListenerArn === l.ListenerArn && g.EndpointGroupRegion === region)) {
        throw awsError('EndpointGroupAlreadyExistsException', `The listener ${l.ListenerArn} already has an endpoint group in ${region}`);
      }
      const endpoints = (input.EndpointConfigurations ?? []).map((e) => {
        const lb = ctx.sim.state<ElbState>('elbv2').loadBalancers.find((x) => x.arn === e.EndpointId);
        const m = /^arn:aws[a-z-]*:elasticloadbalancing:([^:]+):(\d{12}):/.exec(e.EndpointId ?? '');
        if (!lb || !m || m[2] !== ctx.account)
          throw awsError('InvalidArgumentException', `The endpoint ${e.EndpointId} doesn't exist in account ${ctx.account}`);
        if (m[1] !== region)
          throw awsError('InvalidArgumentException', `The endpoint ${e.EndpointId} is in ${m[1]}, not in the endpoint group's Region ${region}`);
        if (lb.scheme === 'internal' && !lb.vpcHasInternetGateway) {
          throw awsError(
            'InvalidArgumentException',
            `The internal load balancer ${e.EndpointId} is in a VPC without an internet gateway; Global Accelerator needs one attached (no route is required)`,
          );
        }
        if (e.Weight !== undefined && (e.Weight < 0 || e.Weight > 255)) throw awsError('InvalidArgumentException', 'Weight must be 0-255');
        // Internal ALBs always preserve the client IP; internet-facing ones default to it too.
        return {
          EndpointId: e.EndpointId!,
          Weight: e.Weight ?? 128,
          ClientIPPreservationEnabled: lb.scheme === 'internal' ? true : (e.ClientIPPreservationEnabled ?? true),
        };
      });
      if (input.HealthCheckIntervalSeconds !== undefined && ![10, 30].includes(input.HealthCheckIntervalSeconds))
        throw awsError('InvalidArgumentException', 'HealthCheckIntervalSeconds must be 10 or 30');
      const g: SimEndpointGroup = {
        EndpointGroupArn: `${l.ListenerArn}/endpoint-group/${hex(ctx.sim.nextId('endpoint-group-'), 12)}`,
        ListenerArn: l.ListenerArn,
        EndpointGroupRegion: region,
        endpoints,
        TrafficDialPercentage: input.TrafficDialPercentage ?? 100,
        HealthCheckPort: input.HealthCheckPort,
        HealthCheckProtocol: input.HealthCheckProtocol ?? 'TCP',
        HealthCheckPath: input.HealthCheckPath,
        HealthCheckIntervalSeconds: input.HealthCheckIntervalSeconds ?? 30,
        ThresholdCount: input.ThresholdCount ?? 3,
        token: input.IdempotencyToken,
      };
      ctx.state.endpointGroups.push(g);
      redeploy(ctx, findAccelerator(ctx, l.AcceleratorArn));
      return { EndpointGroup: describeEndpointGroup(g) };
    },

    ListEndpointGroups(ctx, input) {
      requireRegion(ctx);
      const l = findListener(ctx, input.ListenerArn);
      const p = page(
        ctx,
        ctx.state.endpointGroups.filter((g) => g.ListenerArn === l.ListenerArn),
        { max: input.MaxResults, token: input.NextToken, defaultMax: 100, limit: 100 },
      );
      return { EndpointGroups: p.items.map(describeEndpointGroup), NextToken: p.next };
    },

    DeleteEndpointGroup(ctx, input) {
      requireRegion(ctx);
      const g = ctx.state.endpointGroups.find((x) => x.EndpointGroupArn === input.EndpointGroupArn);
      const l = g && ctx.state.listeners.find((x) => x.ListenerArn === g.ListenerArn);
      const a = l && liveAccelerators(ctx.state, ctx.account).find((x) => x.AcceleratorArn === l.AcceleratorArn);
      if (!g || !a) throw awsError('EndpointGroupNotFoundException', `The endpoint group that you specified doesn't exist: ${input.EndpointGroupArn}`);
      ctx.state.endpointGroups = ctx.state.endpointGroups.filter((x) => x !== g);
      redeploy(ctx, a);
      return {};
    },
  },
};
