/**
 * The simulated world as an operator judges it after a failure: what exists and how it is configured
 * (pools, CIDRs and their advertisement and origin ASN, anycast lists, distributions, DNS answers and
 * TTLs, BYOASNs, Global Accelerator ranges and accelerators, security-group rules, prefix lists, VPC
 * origins, RAM shares, leases and queued work). No generated ids of deleted things, ETags or clocks,
 * so "equal before and after" means "nothing orphaned, nothing left changed".
 */
import type { Simulator } from '../sim';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const byKey = <T>(xs: T[], key: (x: T) => string) => [...xs].sort((a, b) => key(a).localeCompare(key(b)));
const LIVE_SHARE = (s: Json) => !['DELETING', 'DELETED'].includes(s.status);
/** State items that belong to a run in flight; approval records, swap history and sync tokens are durable by design. */
const TRANSIENT_ITEM = /^(LOCK|ORIGINQ)#/;

export function operatorView(sim: Simulator): Json {
  const snap = sim.snapshot() as Json;
  const ipam = snap['ec2.ipam'];
  const cf = snap.cloudfront;
  const net = snap['ec2.network'];
  const ga = snap.globalaccelerator;
  const groupName = (id: string) => net.securityGroups.find((g: Json) => g.GroupId === id)?.GroupName ?? id;
  return {
    pools: byKey(ipam.pools.map((p: Json) => `${p.PoolDepth}:${p.Locale}:${p.AwsService ?? '-'}:${p.State}:${p.Description ?? ''}`), (x: string) => x),
    poolCidrs: byKey(ipam.poolCidrs.map((c: Json) => `${c.Cidr}:${c.State}`), (x: string) => x),
    byoip: byKey(ipam.byoipCidrs.map((b: Json) => ({ cidr: b.Cidr, state: b.State, origin: b.advertisedAsn ?? null, asns: (b.AsnAssociations ?? []).map((a: Json) => `${a.Asn}:${a.State}`).sort() })), (x: Json) => x.cidr),
    byoasns: ipam.byoasns.map((a: Json) => `${a.Asn}:${a.State}`).sort(),
    anycastLists: cf.anycastLists.map((l: Json) => `${l.Name}:${l.Status}`).sort(),
    distributions: byKey(cf.distributions.map((d: Json) => ({
      id: d.Id, enabled: d.Enabled, list: d.AnycastIpListId ?? null, price: d.PriceClass, ipv6: d.IsIPV6Enabled,
      origins: (d.Origins ?? []).map((o: Json) => o.Id), behaviors: (d.CacheBehaviors ?? []).map((b: Json) => `${b.PathPattern}→${b.TargetOriginId}`), aliases: d.Aliases ?? [],
    })), (x: Json) => x.id),
    dns: snap.route53.hostedZones.map((z: Json) => ({ zone: z.Id, records: z.ResourceRecordSets })),
    vpcOrigins: (cf.vpcOrigins ?? []).filter((v: Json) => v.Status !== 'Deleted').map((v: Json) => `${v.AccountId}:${v.Name}:${v.Status}`).sort(),
    shares: (snap.ram?.resourceShares ?? []).filter(LIVE_SHARE).map((s: Json) => `${s.owningAccountId}:${s.name}:${s.status}`).sort(),
    gaCidrs: ga.byoipCidrs.map((c: Json) => `${c.Cidr}:${c.State}`).sort(),
    accelerators: byKey(ga.accelerators.map((a: Json) => ({ name: a.Name, status: a.Status, enabled: a.Enabled, ips: a.IpAddresses, routing: a.listeners.map((l: Json) => ({ ports: l.PortRanges, groups: l.endpointGroups })) })), (x: Json) => x.name),
    // Groups by name: a group re-created by a re-run gets a new id but is the same thing to an operator.
    securityGroups: byKey(net.securityGroups.map((g: Json) => ({ name: g.GroupName, rules: JSON.stringify(g.IpPermissions) })), (x: Json) => x.name),
    interfaces: net.networkInterfaces.map((n: Json) => `${n.NetworkInterfaceId}:${(n.Groups ?? []).map((g: Json) => groupName(g.GroupId ?? g)).sort().join(',')}`).sort(),
    prefixLists: byKey(net.prefixLists.filter((p: Json) => !/delete-complete/.test(p.State ?? '')).map((p: Json) => ({ name: p.PrefixListName, entries: JSON.stringify(p.entries ?? p.Entries ?? []), max: p.MaxEntries })), (x: Json) => x.name),
    stateItems: snap.dynamodb.tables.flatMap((t: Json) => t.items.map((i: Json) => `${i.pk?.S ?? i.pk}/${i.sk?.S ?? i.sk}`)).filter((k: string) => TRANSIENT_ITEM.test(k)).sort(),
  };
}

/** The sections that differ between two views (for a readable sweep table). */
export function viewDifferences(before: Json, after: Json): string[] {
  return Object.keys({ ...before, ...after }).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}
