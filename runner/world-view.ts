/**
 * The simulated world as an operator judges it after a run: what exists and how it is configured (pools,
 * CIDRs and their advertisement and origin ASN, anycast lists, distributions, DNS answers and TTLs,
 * BYOASNs, Global Accelerator ranges and accelerators, security-group rules, prefix lists, VPC origins,
 * RAM shares, leases and queued work). No generated ids of deleted things, ETags or clocks, and lists
 * sorted, so "equal before and after" means "nothing orphaned, nothing left changed".
 *
 * The one projection of the simulator's snapshot: the fault sweep compares whole views, tests select
 * sections (test/support). Identity-and-state facts are "a:b" strings; things with structure are objects.
 *
 * What counts as left behind, one rule: whatever this view shows. So what is gone or going on its own is
 * not shown — a Deleted VPC origin, a DELETING or DELETED RAM share (final; the workflows' undo treats it
 * as gone) — and of the state table only what a run holds while in flight is shown: leases (LOCK#) and
 * queued work (ORIGINQ#). Approval records, ASN-swap history and sync tokens are durable by design.
 */
import type { Simulator } from '../sim';

type Json = any;

/** A BYOIP CIDR in IPAM: its state, the ASN it is advertised from (null when not), its ASN associations as "asn:state". */
export interface ByoipCidrView {
  cidr: string;
  state: string;
  origin: string | null;
  asns: string[];
}
export interface DistributionView {
  id: string;
  status: string;
  enabled: boolean;
  list: string | null;
  price: string;
  ipv6: boolean;
  origins: string[];
  behaviors: string[];
  aliases: string[];
}
export interface AcceleratorView {
  name: string;
  status: string;
  enabled: boolean;
  ips: string[];
  routing: Array<{ ports: Json; groups: Json }>;
}

export interface WorldView {
  /** "depth:locale:service:state:description" */
  pools: string[];
  /** "cidr:state" */
  poolCidrs: string[];
  byoip: ByoipCidrView[];
  /** "asn:state" */
  byoasns: string[];
  /** "name:status" */
  anycastLists: string[];
  distributions: DistributionView[];
  /** Each hosted zone's record sets as Route 53 answers them. */
  dns: Array<{ zone: string; records: Json[] }>;
  /** "account:name:status" */
  vpcOrigins: string[];
  /** "owner account:name:status" */
  shares: string[];
  /** Global Accelerator's BYOIP ranges, "cidr:state". */
  gaCidrs: string[];
  accelerators: AcceleratorView[];
  securityGroups: Array<{ name: string; rules: string }>;
  /** "interface id:group names" */
  interfaces: string[];
  prefixLists: Array<{ name: string; entries: string; max: number }>;
  /** Transient state-table items, "pk/sk". */
  stateItems: string[];
}

const byKey = <T>(xs: T[], key: (x: T) => string) => [...xs].sort((a, b) => key(a).localeCompare(key(b)));
const GONE_SHARE = ['DELETING', 'DELETED'];
const TRANSIENT_ITEM = /^(LOCK|ORIGINQ)#/;
const LEASE = /^LOCK#/;

export function operatorView(sim: Simulator): WorldView {
  const snap = sim.snapshot() as Json;
  const ipam = snap['ec2.ipam'];
  const cf = snap.cloudfront;
  const net = snap['ec2.network'];
  const ga = snap.globalaccelerator;
  const groupName = (id: string) => net.securityGroups.find((g: Json) => g.GroupId === id)?.GroupName ?? id;
  return {
    pools: ipam.pools.map((p: Json) => `${p.PoolDepth}:${p.Locale}:${p.AwsService ?? '-'}:${p.State}:${p.Description ?? ''}`).sort(),
    poolCidrs: ipam.poolCidrs.map((c: Json) => `${c.Cidr}:${c.State}`).sort(),
    byoip: byKey(
      ipam.byoipCidrs.map((b: Json) => ({
        cidr: b.Cidr,
        state: b.State,
        origin: b.advertisedAsn ?? null,
        asns: (b.AsnAssociations ?? []).map((a: Json) => `${a.Asn}:${a.State}`).sort(),
      })),
      (x) => x.cidr,
    ),
    byoasns: ipam.byoasns.map((a: Json) => `${a.Asn}:${a.State}`).sort(),
    anycastLists: cf.anycastLists.map((l: Json) => `${l.Name}:${l.Status}`).sort(),
    distributions: byKey(
      cf.distributions.map((d: Json) => ({
        id: d.Id,
        status: d.Status,
        enabled: d.Enabled,
        list: d.AnycastIpListId ?? null,
        price: d.PriceClass,
        ipv6: d.IsIPV6Enabled,
        origins: (d.Origins ?? []).map((o: Json) => o.Id),
        behaviors: (d.CacheBehaviors ?? []).map((b: Json) => `${b.PathPattern}→${b.TargetOriginId}`),
        aliases: d.Aliases ?? [],
      })),
      (x) => x.id,
    ),
    dns: snap.route53.hostedZones.map((z: Json) => ({ zone: z.Id, records: z.ResourceRecordSets })),
    vpcOrigins: (cf.vpcOrigins ?? [])
      .filter((v: Json) => v.Status !== 'Deleted')
      .map((v: Json) => `${v.AccountId}:${v.Name}:${v.Status}`)
      .sort(),
    shares: (snap.ram?.resourceShares ?? [])
      .filter((s: Json) => !GONE_SHARE.includes(s.status))
      .map((s: Json) => `${s.owningAccountId}:${s.name}:${s.status}`)
      .sort(),
    gaCidrs: ga.byoipCidrs.map((c: Json) => `${c.Cidr}:${c.State}`).sort(),
    accelerators: byKey(
      ga.accelerators.map((a: Json) => ({
        name: a.Name,
        status: a.Status,
        enabled: a.Enabled,
        ips: a.IpAddresses,
        routing: a.listeners.map((l: Json) => ({ ports: l.PortRanges, groups: l.endpointGroups })),
      })),
      (x) => x.name,
    ),
    // Groups by name: a group re-created by a re-run gets a new id but is the same thing to an operator.
    securityGroups: byKey(
      net.securityGroups.map((g: Json) => ({ name: g.GroupName, rules: JSON.stringify(g.IpPermissions) })),
      (x) => x.name,
    ),
    interfaces: net.networkInterfaces
      .map(
        (n: Json) =>
          `${n.NetworkInterfaceId}:${(n.Groups ?? [])
            .map((g: Json) => groupName(g.GroupId ?? g))
            .sort()
            .join(',')}`,
      )
      .sort(),
    prefixLists: byKey(
      net.prefixLists
        .filter((p: Json) => !/delete-complete/.test(p.State ?? ''))
        .map((p: Json) => ({ name: p.PrefixListName, entries: JSON.stringify(p.entries ?? p.Entries ?? []), max: p.MaxEntries })),
      (x) => x.name,
    ),
    stateItems: snap.dynamodb.tables
      .flatMap((t: Json) => t.items.map((i: Json) => `${i.pk?.S ?? i.pk}/${i.sk?.S ?? i.sk}`))
      .filter((k: string) => TRANSIENT_ITEM.test(k))
      .sort(),
  };
}

/** Some sections of a view, for a test that judges only those. */
export function sections<K extends keyof WorldView>(view: WorldView, ...names: K[]): Pick<WorldView, K> {
  return Object.fromEntries(names.map((n) => [n, view[n]])) as Pick<WorldView, K>;
}

/** A state item key that is a lease (LOCK#). */
export const isLease = (key: string) => LEASE.test(key);
/** The leases a view shows still held. */
export const leasesHeld = (view: WorldView) => view.stateItems.filter(isLease);

/** The sections that differ between two views (for a readable sweep table). */
export function viewDifferences(before: WorldView, after: WorldView): Array<keyof WorldView> {
  return (Object.keys({ ...before, ...after }) as Array<keyof WorldView>).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}
