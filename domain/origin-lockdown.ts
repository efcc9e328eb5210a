/**
 * Origin lockdown: keeping security groups and prefix lists equal to CloudFront's published
 * origin-facing ranges. Pure planning: set diffs, rule-weight accounting, stable sharding of ranges
 * over security groups under the rules-per-group quota, prefix-list batches, the removal-share
 * safety check. The tasks read AWS, call these, and apply the result.
 *
 * Rules of the game (AWS VPC quotas): inbound rules per security group default to 60, enforced
 * separately for IPv4 and IPv6; each CIDR × port range is one rule; a referenced prefix list weighs
 * its MaxEntries (the AWS-managed CloudFront list weighs 55).
 */
import * as z from 'zod';
import { canonicalCidr, compareCidrs, parseCidr } from './cidr';
import { ErrorNames, inputInvalid, WorkflowError } from './errors';
import { CLOUDFRONT_ORIGIN_PORTS, Email, isCloudFrontOriginPort, Region, MigrationId } from './validation';

export const AWS_MANAGED_LISTS: Record<Family, string> = {
  ipv4: 'com.amazonaws.global.cloudfront.origin-facing',
  ipv6: 'com.amazonaws.global.ipv6.cloudfront.origin-facing',
};
/** Tag that marks a security group as managed by a sync (value: the sync's name). */
export const TAG_ORIGIN_LOCKDOWN = 'byoip-orchestrator:origin-lockdown';

export type Family = 'ipv4' | 'ipv6';
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

export interface PortRange {
  protocol: 'tcp' | 'udp';
  fromPort: number;
  toPort: number;
}
export interface RangeSet {
  ipv4: string[];
  ipv6: string[];
}

export const portKey = (p: PortRange): string => `${p.protocol}/${p.fromPort}-${p.toPort}`;

export function familyOf(cidr: string): Family {
  return parseCidr(cidr).family === 4 ? 'ipv4' : 'ipv6';
}

export function sortCidrs(cidrs: Iterable<string>): string[] {
  return [...new Set(cidrs)].sort((a, b) => compareCidrs(parseCidr(a), parseCidr(b)));
}

export interface SetDiff {
  add: string[];
  remove: string[];
  keep: string[];
}

export function diffSets(current: Iterable<string>, desired: Iterable<string>): SetDiff {
  const cur = new Set(current);
  const want = new Set(desired);
  return {
    add: sortCidrs([...want].filter((c) => !cur.has(c))),
    remove: sortCidrs([...cur].filter((c) => !want.has(c))),
    keep: sortCidrs([...want].filter((c) => cur.has(c))),
  };
}

/** Share of the currently applied ranges a change would take away or add (0 when nothing is applied yet). */
export function changeShare(current: number, changed: number): number {
  return current === 0 ? 0 : changed / current;
}

/** What one target (a family of the managed groups, or one prefix list) would go through in a run. */
export interface TargetChange {
  target: string;
  family: Family;
  current: number;
  added: number;
  removed: number;
  after: number;
}

/**
 * How a family of the published ranges grew since the version applied last (the sync's durable
 * record): additions are capped on the document, not on what a target holds, so a target that a
 * failed run left half-filled is completed, while a document that suddenly lists many more ranges
 * (all public, all Amazon's: say, EC2's) is refused.
 */
export interface DocumentGrowth {
  family: Family;
  lastApplied: number;
  added: number;
}

/** The share of a target a run may remove, and of the published ranges it may add, unless forced (the sync's configuration). */
export interface ChangeLimits {
  maxRemovalShare: number;
  maxAdditionShare: number;
}

/** Why the run is refused (empty when every target and family is within the limits). */
export function changeRefusals(targets: TargetChange[], limits: ChangeLimits, force: boolean, growth: DocumentGrowth[] = []): string[] {
  const out: string[] = [];
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  for (const t of targets) {
    // Never "allow nothing": a document without this family's ranges is a broken document, forced or not.
    if (t.current > 0 && t.after === 0) {
      out.push(`${t.target} would lose all ${t.current} ${t.family} ranges (refused even with force)`);
      continue;
    }
    const removed = changeShare(t.current, t.removed);
    if (!force && removed > limits.maxRemovalShare)
      out.push(
        `${t.target} would lose ${t.removed} of ${t.current} ${t.family} ranges (${pct(removed)}, more than maxRemovalShare ${pct(limits.maxRemovalShare)})`,
      );
  }
  for (const g of growth) {
    const added = changeShare(g.lastApplied, g.added);
    if (!force && added > limits.maxAdditionShare)
      out.push(
        `the published ${g.family} ranges grew by ${g.added} on the ${g.lastApplied} applied last (${pct(added)}, more than maxAdditionShare ${pct(limits.maxAdditionShare)})`,
      );
  }
  return out;
}

/**
 * Refuses a run that would empty a family of a target, or (unless forced) remove more than its share
 * of what a target allows now, or add more than its share of the ranges applied last, per address
 * family: a truncated or hostile ip-ranges.json must neither lock CloudFront out of the origin nor
 * open it to a flood of new ranges.
 */
export function checkChangeShares(targets: TargetChange[], limits: ChangeLimits, force: boolean, growth: DocumentGrowth[] = []): void {
  const refusals = changeRefusals(targets, limits, force, growth);
  if (refusals.length === 0) return;
  throw new WorkflowError(
    ErrorNames.SafetyViolation,
    `refusing the sync, nothing was changed: ${refusals.join('; ')}. Check the published file; if the change is intended, set force: true for this sync in the deployment configuration (byoip.originLockdown) and run it on demand.`,
    { refusals },
  );
}

// ---------------------------------------------------------------------------------------------
// Security groups: what a group holds, and what its rules weigh

/** The subset of EC2's IpPermission the planner reads (DescribeSecurityGroups output). */
export interface IpPermissionLike {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: Array<{ CidrIp?: string }>;
  Ipv6Ranges?: Array<{ CidrIpv6?: string }>;
  PrefixListIds?: Array<{ PrefixListId?: string }>;
  UserIdGroupPairs?: unknown[];
}

/** A managed security group as the planner sees it. */
export interface GroupView {
  groupId: string;
  /** This sync's rules: CIDR → the managed port ranges (keys) it is allowed on here. */
  owned: Record<string, string[]>;
  /** Weight of every other inbound rule, per family (other ports, protocol -1, prefix lists, group references). */
  foreign: Record<Family, number>;
}

export interface PrefixListSize {
  maxEntries: number;
  family: Family;
}

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

/**
 * Splits a group's inbound permissions into this sync's rules (a CIDR source on exactly one of the
 * managed port ranges) and the rest, whose weight still counts against the quota. Rules without
 * ports (protocol -1, the AWS sample's KeyError) are foreign and left alone.
 */
export function viewGroup(groupId: string, permissions: IpPermissionLike[], ports: PortRange[], prefixLists: Record<string, PrefixListSize>): GroupView {
  const managed = new Set(ports.map(portKey));
  const owned: Record<string, string[]> = {};
  const foreign: Record<Family, number> = { ipv4: 0, ipv6: 0 };
  for (const p of permissions) {
    const protocol = PROTOCOL_NAMES[p.IpProtocol ?? ''] ?? p.IpProtocol ?? '-1';
    const key = p.FromPort === undefined || p.ToPort === undefined ? undefined : `${protocol}/${p.FromPort}-${p.ToPort}`;
    const ours = key !== undefined && managed.has(key);
    for (const r of p.IpRanges ?? []) {
      if (!r.CidrIp) continue;
      if (ours) (owned[canonicalCidr(r.CidrIp)] ??= []).push(key!);
      else foreign.ipv4++;
    }
    for (const r of p.Ipv6Ranges ?? []) {
      if (!r.CidrIpv6) continue;
      if (ours) (owned[canonicalCidr(r.CidrIpv6)] ??= []).push(key!);
      else foreign.ipv6++;
    }
    for (const pl of p.PrefixListIds ?? []) {
      const size = pl.PrefixListId ? prefixLists[pl.PrefixListId] : undefined;
      if (!size)
        throw new WorkflowError(
          ErrorNames.UnexpectedResponse,
          `${groupId} references prefix list ${pl.PrefixListId ?? '(no id)'} whose size is unknown; its weight cannot be counted`,
        );
      foreign[size.family] += size.maxEntries;
    }
    // A security-group reference matches both address families: count it against both (conservative).
    for (const _pair of p.UserIdGroupPairs ?? []) {
      foreign.ipv4++;
      foreign.ipv6++;
    }
  }
  for (const c of Object.keys(owned)) owned[c] = [...new Set(owned[c])].sort();
  return { groupId, owned, foreign };
}

/** A sync that manages only some families leaves the others' CIDR rules alone (counted as foreign weight). */
export function restrictFamilies(g: GroupView, families: readonly Family[]): GroupView {
  const owned: Record<string, string[]> = {};
  const foreign = { ...g.foreign };
  for (const [cidr, keys] of Object.entries(g.owned)) {
    const f = familyOf(cidr);
    if (families.includes(f)) owned[cidr] = keys;
    else foreign[f] += keys.length;
  }
  return { groupId: g.groupId, owned, foreign };
}

/** Only this sync's rules of a group (CIDR → port keys), without weighing the rest. */
export function ownedRulesOf(permissions: IpPermissionLike[], ports: PortRange[]): Record<string, string[]> {
  const stripped = permissions.map((p) => ({ ...p, PrefixListIds: [], UserIdGroupPairs: [] }));
  return viewGroup('(group)', stripped, ports, {}).owned;
}

/** Rules of `wanted` that are (present: true) or are not (present: false) in `owned`, per port. */
export function selectRules(wanted: RuleSpec[], owned: Record<string, string[]>, present: boolean): RuleSpec[] {
  return wanted.map((r) => ({ ...r, portKeys: r.portKeys.filter((k) => (owned[r.cidr] ?? []).includes(k) === present) })).filter((r) => r.portKeys.length > 0);
}

/** Inbound rules a group holds per family (its weight against the quota). */
export function groupWeight(g: GroupView): Record<Family, number> {
  const w = { ...g.foreign };
  for (const [cidr, keys] of Object.entries(g.owned)) w[familyOf(cidr)] += keys.length;
  return w;
}

// ---------------------------------------------------------------------------------------------
// Stable sharding

/** Rules for one CIDR in one group: the CIDR on each listed port range. */
export interface RuleSpec {
  cidr: string;
  family: Family;
  portKeys: string[];
}

export interface GroupChange {
  /** The group id, or "new-<n>" for a group this run creates. */
  ref: string;
  create: boolean;
  /** Authorized first (all groups), then new groups attached, then revoked. */
  authorize: RuleSpec[];
  revoke: RuleSpec[];
  /** The ranges the group allows after the run. */
  after: RangeSet;
  /** Rules per family: now, at the peak (after authorize, before revoke), after. Foreign rules included. */
  weight: { before: Record<Family, number>; peak: Record<Family, number>; after: Record<Family, number> };
}

export interface ShardPlan {
  groups: GroupChange[];
  /** How many groups this run creates. */
  create: number;
  /** Ranges the run adds / removes overall (a range moving between groups is neither). */
  diff: { ipv4: SetDiff; ipv6: SetDiff };
}

export interface ShardInput {
  groups: GroupView[];
  desired: RangeSet;
  ports: PortRange[];
  rulesPerGroup: number;
}

/**
 * Places the desired ranges into groups so that:
 *  - a range stays in the group that already holds it (one new range never reshuffles the others);
 *  - no group ever exceeds the quota, not even between authorize and revoke (authorize comes first,
 *    so a run cannot reuse the room its own revocations will free: the next run does);
 *  - new ranges fill the groups with the most room first, and groups are created only when all are full.
 */
export function planShards(input: ShardInput): ShardPlan {
  const { ports, rulesPerGroup } = input;
  const keys = ports.map(portKey).sort();
  const perRange = keys.length;
  if (perRange === 0 || perRange > rulesPerGroup)
    throw new WorkflowError(ErrorNames.InputInvalid, `${perRange} port ranges cannot fit a group of ${rulesPerGroup} rules`);
  const groups = [...input.groups].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  const desired: RangeSet = { ipv4: sortCidrs(input.desired.ipv4), ipv6: sortCidrs(input.desired.ipv6) };
  const assigned = new Map<string, Set<string>>(groups.map((g) => [g.groupId, new Set<string>()]));
  const toPlace: Record<Family, string[]> = { ipv4: [], ipv6: [] };

  // 1. Keep each range where it lives (most of its port rules there; then the first group).
  for (const f of FAMILIES) {
    for (const cidr of desired[f]) {
      let best: GroupView | undefined;
      for (const g of groups) if (g.owned[cidr] && (!best || g.owned[cidr].length > best.owned[cidr].length)) best = g;
      if (best) assigned.get(best.groupId)!.add(cidr);
      else toPlace[f].push(cidr);
    }
  }

  // 2. Room per group and family. Everything present stays until the revoke phase, so the peak load is
  //    foreign + every owned rule present now + the rules still missing for the ranges kept here.
  const room = new Map<string, Record<Family, number>>();
  for (const g of groups) {
    const mine = assigned.get(g.groupId)!;
    const r = { ipv4: 0, ipv6: 0 };
    for (const f of FAMILIES) {
      const present = Object.entries(g.owned)
        .filter(([c]) => familyOf(c) === f)
        .reduce((n, [, k]) => n + k.length, 0);
      const partial = [...mine].filter((c) => familyOf(c) === f && g.owned[c].length < perRange).sort((a, b) => -compareCidrs(parseCidr(a), parseCidr(b)));
      let missing = partial.reduce((n, c) => n + (perRange - g.owned[c].length), 0);
      // Over the quota (lowered quota, more ports): move partially present ranges out until it fits.
      while (g.foreign[f] + present + missing > rulesPerGroup && partial.length > 0) {
        const c = partial.shift()!;
        mine.delete(c);
        missing -= perRange - g.owned[c].length;
        toPlace[f].push(c);
      }
      r[f] = Math.max(0, Math.floor((rulesPerGroup - g.foreign[f] - present - missing) / perRange));
    }
    room.set(g.groupId, r);
  }

  // 3. New ranges into the groups with the most room (fewest groups touched), then new groups.
  const newGroups: Array<{ ref: string; ranges: Set<string> }> = [];
  const perNewGroup = Math.floor(rulesPerGroup / perRange);
  for (const f of FAMILIES) {
    const pending = sortCidrs(toPlace[f]);
    const order = [...groups].sort((a, b) => room.get(b.groupId)![f] - room.get(a.groupId)![f]);
    for (const g of order) {
      const r = room.get(g.groupId)!;
      while (pending.length > 0 && r[f] > 0) {
        assigned.get(g.groupId)!.add(pending.shift()!);
        r[f]--;
      }
    }
    let i = 0;
    while (pending.length > 0) {
      if (i === newGroups.length) newGroups.push({ ref: `new-${newGroups.length + 1}`, ranges: new Set() });
      const ng = newGroups[i];
      const used = [...ng.ranges].filter((c) => familyOf(c) === f).length;
      if (used >= perNewGroup) {
        i++;
        continue;
      }
      ng.ranges.add(pending.shift()!);
    }
  }

  // 4. The rule-level changes per group.
  const changes: GroupChange[] = [];
  const split = (cidrs: Iterable<string>): RangeSet => {
    const all = sortCidrs(cidrs);
    return { ipv4: all.filter((c) => familyOf(c) === 'ipv4'), ipv6: all.filter((c) => familyOf(c) === 'ipv6') };
  };
  for (const g of groups) {
    const mine = assigned.get(g.groupId)!;
    const authorize: RuleSpec[] = [];
    const revoke: RuleSpec[] = [];
    for (const cidr of sortCidrs([...mine, ...Object.keys(g.owned)])) {
      const have = g.owned[cidr] ?? [];
      if (mine.has(cidr)) {
        const missing = keys.filter((k) => !have.includes(k));
        if (missing.length) authorize.push({ cidr, family: familyOf(cidr), portKeys: missing });
      } else {
        revoke.push({ cidr, family: familyOf(cidr), portKeys: have });
      }
    }
    const before = groupWeight(g);
    const count = (specs: RuleSpec[], f: Family) => specs.filter((s) => s.family === f).reduce((n, s) => n + s.portKeys.length, 0);
    const peak = { ipv4: before.ipv4 + count(authorize, 'ipv4'), ipv6: before.ipv6 + count(authorize, 'ipv6') };
    const after = { ipv4: peak.ipv4 - count(revoke, 'ipv4'), ipv6: peak.ipv6 - count(revoke, 'ipv6') };
    changes.push({ ref: g.groupId, create: false, authorize, revoke, after: split(mine), weight: { before, peak, after } });
  }
  for (const ng of newGroups) {
    const authorize = sortCidrs(ng.ranges).map((cidr) => ({ cidr, family: familyOf(cidr), portKeys: keys }));
    const w = { ipv4: 0, ipv6: 0 };
    for (const a of authorize) w[a.family] += perRange;
    changes.push({ ref: ng.ref, create: true, authorize, revoke: [], after: split(ng.ranges), weight: { before: { ipv4: 0, ipv6: 0 }, peak: w, after: w } });
  }

  const current = new Set(groups.flatMap((g) => Object.keys(g.owned)));
  const diffFor = (f: Family) =>
    diffSets(
      [...current].filter((c) => familyOf(c) === f),
      desired[f],
    );
  return { groups: changes, create: newGroups.length, diff: { ipv4: diffFor('ipv4'), ipv6: diffFor('ipv6') } };
}

/** The groups as they are after a plan is applied (for dry-run views and for tests). */
export function applyShardPlan(groups: GroupView[], plan: ShardPlan, idFor: (ref: string) => string = (r) => r): GroupView[] {
  const byId = new Map(
    groups.map((g) => [
      g.groupId,
      { groupId: g.groupId, owned: Object.fromEntries(Object.entries(g.owned).map(([c, k]) => [c, [...k]])), foreign: { ...g.foreign } },
    ]),
  );
  for (const change of plan.groups) {
    const id = idFor(change.ref);
    const g = byId.get(id) ?? { groupId: id, owned: {}, foreign: { ipv4: 0, ipv6: 0 } };
    byId.set(id, g);
    for (const a of change.authorize) g.owned[a.cidr] = [...new Set([...(g.owned[a.cidr] ?? []), ...a.portKeys])].sort();
    for (const r of change.revoke) {
      const left = (g.owned[r.cidr] ?? []).filter((k) => !r.portKeys.includes(k));
      if (left.length) g.owned[r.cidr] = left;
      else delete g.owned[r.cidr];
    }
  }
  return [...byId.values()];
}

/** EC2 IpPermissions for rules, one permission per port range. */
export function toIpPermissions(rules: RuleSpec[], ports: PortRange[]) {
  return ports
    .map((p) => {
      const key = portKey(p);
      const mine = rules.filter((r) => r.portKeys.includes(key));
      return {
        IpProtocol: p.protocol,
        FromPort: p.fromPort,
        ToPort: p.toPort,
        IpRanges: mine.filter((r) => r.family === 'ipv4').map((r) => ({ CidrIp: r.cidr, Description: RULE_DESCRIPTION })),
        Ipv6Ranges: mine.filter((r) => r.family === 'ipv6').map((r) => ({ CidrIpv6: r.cidr, Description: RULE_DESCRIPTION })),
      };
    })
    .filter((p) => p.IpRanges.length + p.Ipv6Ranges.length > 0)
    .map((p) => ({ ...p, IpRanges: p.IpRanges.length ? p.IpRanges : undefined, Ipv6Ranges: p.Ipv6Ranges.length ? p.Ipv6Ranges : undefined }));
}

export const RULE_DESCRIPTION = 'CloudFront origin-facing (byoip-orchestrator)';

// ---------------------------------------------------------------------------------------------
// Network interfaces: every interface that carries one managed group carries all of them

export interface InterfaceView {
  networkInterfaceId: string;
  groups: string[];
}

export interface Attachment {
  networkInterfaceId: string;
  before: string[];
  add: string[];
}

/**
 * Where groups must be attached: every interface that carries any managed group (plus `attachTo`)
 * gets the groups it lacks, new ones included. Fails before any change when an interface would
 * exceed the security-groups-per-interface quota.
 */
export function planAttachments(interfaces: InterfaceView[], managed: string[], attachTo: string[], groupsPerInterface: number): Attachment[] {
  const managedSet = new Set(managed);
  const targets = interfaces.filter((i) => attachTo.includes(i.networkInterfaceId) || i.groups.some((g) => managedSet.has(g)));
  const missingIfaces = attachTo.filter((id) => !interfaces.some((i) => i.networkInterfaceId === id));
  if (missingIfaces.length)
    throw new WorkflowError(ErrorNames.InputInvalid, `attachTo names network interfaces that do not exist: ${missingIfaces.join(', ')}`);
  const out: Attachment[] = [];
  const over: string[] = [];
  for (const i of [...targets].sort((a, b) => a.networkInterfaceId.localeCompare(b.networkInterfaceId))) {
    const add = managed.filter((g) => !i.groups.includes(g));
    if (add.length === 0) continue;
    if (i.groups.length + add.length > groupsPerInterface) over.push(`${i.networkInterfaceId} has ${i.groups.length} groups and needs ${add.length} more`);
    out.push({ networkInterfaceId: i.networkInterfaceId, before: [...i.groups], add });
  }
  if (over.length) {
    throw new WorkflowError(
      ErrorNames.QuotaExceeded,
      `attaching the managed groups would exceed ${groupsPerInterface} security groups per network interface (quota L-2AFB9258): ${over.join('; ')}. Raise the quota, or the rules per group (L-0EA8095F) so fewer groups are needed.`,
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Customer-managed prefix lists

export const PREFIX_LIST_BATCH = 100;
export const PREFIX_LIST_MAX_ENTRIES = 1000;

export type PrefixListStep =
  | { kind: 'create'; name: string; family: Family; maxEntries: number }
  | { kind: 'resize'; name: string; maxEntries: number }
  | { kind: 'modify'; name: string; add: string[]; remove: string[] };

export interface PrefixListPlan {
  name: string;
  family: Family;
  diff: SetDiff;
  steps: PrefixListStep[];
  maxEntries: { before: number | null; after: number };
}

const chunk = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Steps that bring a list to the desired entries: create (if asked), resize first when the entries
 * would not fit (entries and size cannot change in one call), then ≤ 100 additions and ≤ 100 removals
 * per call, additions in the earliest calls, each call atomic at one version. A list that must grow
 * grows by `headroom` more entries than it needs, so the next few added ranges need no resize (each
 * entry of headroom weighs one rule in every group that references the list).
 */
export function planPrefixList(
  list: { name: string; family: Family; current: { entries: string[]; maxEntries: number } | null; createMaxEntries?: number; headroom?: number },
  desired: string[],
): PrefixListPlan {
  const diff = diffSets(list.current?.entries ?? [], desired);
  const adds = chunk(diff.add, PREFIX_LIST_BATCH);
  const removes = chunk(diff.remove, PREFIX_LIST_BATCH);
  const batches = Array.from({ length: Math.max(adds.length, removes.length) }, (_, i) => ({ add: adds[i] ?? [], remove: removes[i] ?? [] }));
  let count = list.current?.entries.length ?? 0;
  let peak = count;
  for (const b of batches) {
    count += b.add.length - b.remove.length;
    peak = Math.max(peak, count);
  }
  if (peak > PREFIX_LIST_MAX_ENTRIES) {
    throw new WorkflowError(
      ErrorNames.QuotaExceeded,
      `prefix list ${list.name} would need ${peak} entries; a prefix list holds at most ${PREFIX_LIST_MAX_ENTRIES}`,
    );
  }
  const steps: PrefixListStep[] = [];
  let maxEntries: number;
  const grown = Math.min(PREFIX_LIST_MAX_ENTRIES, peak + (list.headroom ?? 0));
  if (!list.current) {
    maxEntries = Math.max(list.createMaxEntries ?? grown, peak, 1);
    steps.push({ kind: 'create', name: list.name, family: list.family, maxEntries });
  } else {
    maxEntries = list.current.maxEntries;
    if (peak > maxEntries) {
      maxEntries = grown;
      steps.push({ kind: 'resize', name: list.name, maxEntries });
    }
  }
  for (const b of batches) steps.push({ kind: 'modify', name: list.name, add: b.add, remove: b.remove });
  return { name: list.name, family: list.family, diff, steps, maxEntries: { before: list.current?.maxEntries ?? null, after: maxEntries } };
}

// ---------------------------------------------------------------------------------------------
// The AWS-managed list (com.amazonaws.global.cloudfront.origin-facing): would it serve, what it weighs

export interface ManagedListAssessment {
  family: Family;
  name: string;
  found: boolean;
  prefixListId?: string;
  /** Rules one reference costs in a security group: the list's MaxEntries (55 for the IPv4 list). */
  weight?: number;
  /** Does the list hold exactly the published origin-facing ranges of that family? */
  matchesPublished?: boolean;
  /** With one reference per port range: rules needed and the fewest groups that can hold them. */
  rulesNeeded?: number;
  groupsNeeded?: number | null;
  /** The CIDR-rule approach this sync maintains, for comparison. */
  cidrRules: number;
  wouldServe: boolean;
  note: string;
}

export function assessManagedList(a: {
  family: Family;
  name: string;
  list: { prefixListId: string; maxEntries: number; entries: string[] } | null;
  published: string[];
  ports: number;
  rulesPerGroup: number;
}): ManagedListAssessment {
  const cidrRules = a.published.length * a.ports;
  if (!a.list) return { family: a.family, name: a.name, found: false, cidrRules, wouldServe: false, note: `${a.name} is not available in this Region` };
  const weight = a.list.maxEntries;
  const matchesPublished = diffSets(a.list.entries, a.published).add.length === 0 && diffSets(a.list.entries, a.published).remove.length === 0;
  const perGroup = Math.floor(a.rulesPerGroup / weight);
  const groupsNeeded = perGroup === 0 ? null : Math.ceil(a.ports / perGroup);
  const rulesNeeded = weight * a.ports;
  const wouldServe = groupsNeeded !== null;
  const note = !wouldServe
    ? `one reference weighs ${weight} rules, more than the ${a.rulesPerGroup} a group may hold: ask for a higher rules-per-group quota (L-0EA8095F) first`
    : `one reference per port range: ${a.ports} × ${weight} = ${rulesNeeded} rules in ${groupsNeeded} group(s), maintained by AWS with no sync; CIDR rules need ${cidrRules}` +
      (groupsNeeded > 1 ? ` (a single group would need a rules-per-group quota of ${rulesNeeded})` : '');
  return {
    family: a.family,
    name: a.name,
    found: true,
    prefixListId: a.list.prefixListId,
    weight,
    matchesPublished,
    rulesNeeded,
    groupsNeeded,
    cidrRules,
    wouldServe,
    note,
  };
}

// ---------------------------------------------------------------------------------------------
// The sync's configuration (part of the deployment's, domain/deployment.ts: byoip.originLockdown)

/** A sync runs at most a day (workflows/origin-ranges-sync.ts); an approval inside it waits at most 18 hours. */
export const MAX_SYNC_APPROVAL_SECONDS = 18 * 3600;

export const SyncName = MigrationId;
const VpcId = z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id such as vpc-0123456789abcdef0');
const EniId = z.string().regex(/^eni-[0-9a-f]{8,17}$/, 'must be a network interface id such as eni-0123456789abcdef0');
const FamilySchema = z.enum(['ipv4', 'ipv6']);

/** A port range the sync opens to CloudFront: TCP 80, 443, or within 1024-65535, nothing else. */
export const LockdownPort = z
  .object({
    protocol: z.literal('tcp', { error: 'must be tcp: CloudFront reaches origins over TCP only' }).default('tcp'),
    port: z.number().int().optional(),
    fromPort: z.number().int().optional(),
    toPort: z.number().int().optional(),
  })
  .strict()
  .transform((p, ctx) => {
    const single = p.port !== undefined && p.fromPort === undefined && p.toPort === undefined;
    const range = p.port === undefined && p.fromPort !== undefined && p.toPort !== undefined;
    if (!single && !range) {
      ctx.addIssue({ code: 'custom', message: 'must be {port} or {fromPort, toPort}' });
      return z.NEVER;
    }
    const out: PortRange = { protocol: 'tcp', fromPort: single ? p.port! : p.fromPort!, toPort: single ? p.port! : p.toPort! };
    if (out.fromPort > out.toPort) ctx.addIssue({ code: 'custom', message: `fromPort ${out.fromPort} is above toPort ${out.toPort}` });
    else if (!isLockdownPortRange(out))
      ctx.addIssue({ code: 'custom', message: `tcp ${out.fromPort}-${out.toPort} ${CLOUDFRONT_ORIGIN_PORTS}: a range must lie within 1024-65535` });
    return out;
  });

/** TCP 80, TCP 443, or a range within 1024-65535. */
export function isLockdownPortRange(p: PortRange): boolean {
  if (p.protocol !== 'tcp' || !isCloudFrontOriginPort(p.fromPort) || !isCloudFrontOriginPort(p.toPort) || p.fromPort > p.toPort) return false;
  return p.fromPort === p.toPort || p.fromPort >= 1024;
}

export const OriginSyncConfigSchema = z
  .object({
    /** Where the groups and lists live. */
    region: Region.default('us-east-1'),
    /** (a) Security groups tagged byoip-orchestrator:origin-lockdown=<sync name> in the VPC. */
    securityGroups: z
      .object({
        vpcId: VpcId,
        ports: z.array(LockdownPort).min(1, 'needs at least one port').max(10),
        families: z.array(FamilySchema).min(1).max(2).default(['ipv4', 'ipv6']),
        /** The account's inbound rules per security group (quota L-0EA8095F; default 60, per family). */
        rulesPerGroup: z.number().int().min(1).max(1000).default(60),
        /** The account's security groups per network interface (quota L-2AFB9258; default 5). */
        groupsPerInterface: z.number().int().min(1).max(16).default(5),
        /** Interfaces that must carry the groups; one that carries none yet is attached only after an approval. */
        attachTo: z.array(EniId).max(50).default([]),
      })
      .strict()
      .optional(),
    /** (b) Customer-managed prefix lists tagged byoip-orchestrator:origin-lockdown=<sync name>, one per family. */
    prefixLists: z
      .array(
        z
          .object({
            name: z
              .string()
              .min(1)
              .max(255)
              .refine((n) => !n.startsWith('com.amazonaws'), 'must not start with com.amazonaws (reserved for AWS-managed lists)'),
            family: FamilySchema,
            /** Create the list (tagged, MaxEntries fitting the ranges) when no list of that name is tagged for the sync. */
            createIfMissing: z.boolean().default(false),
            /** MaxEntries for a list the sync creates (its weight in every referencing group). */
            maxEntries: z.number().int().min(1).max(1000).optional(),
            /** When the list must grow, this many entries more than needed, so the next additions need no resize. */
            headroom: z.number().int().min(0).max(100).default(5),
          })
          .strict(),
      )
      .max(2)
      .default([]),
    /** (c) Report whether the AWS-managed origin-facing lists would serve, and what they weigh. */
    reportAwsManagedList: z.boolean().default(true),
    /** A run may remove at most this share of a target's ranges, per family (0.1 = 10 %) ... */
    maxRemovalShare: z.number().min(0).max(1).default(0.1),
    /** ... and apply a document whose ranges grew by at most this share since the version applied last (per family) ... */
    maxAdditionShare: z.number().min(0).max(10).default(0.25),
    /** ... unless forced. A family is never emptied, and nothing the sync does not own is touched, forced or not. */
    force: z.boolean().default(false),
    lockLeaseSeconds: z.number().int().min(300).max(86_400).default(3600),
    /** Who approves attaching the groups to an interface that carries none of them yet. */
    approvers: z.array(Email).max(20).default([]),
    /** Within the workflow's one-day execution timeout, with room for the sync itself. */
    approvalTimeoutSeconds: z
      .number()
      .int()
      .min(300)
      .max(MAX_SYNC_APPROVAL_SECONDS, `must be at most ${MAX_SYNC_APPROVAL_SECONDS} seconds (18 hours: a sync execution times out after a day)`)
      .default(12 * 3600),
  })
  .strict()
  .superRefine((sync, ctx) => {
    if (!sync.securityGroups && sync.prefixLists.length === 0)
      ctx.addIssue({ code: 'custom', path: ['securityGroups'], message: 'needs at least one target: securityGroups or prefixLists' });
    const sg = sync.securityGroups;
    if (sg) {
      const keys = new Set<string>();
      sg.ports.forEach((p, i) => {
        const key = portKey(p);
        if (keys.has(key)) ctx.addIssue({ code: 'custom', path: ['securityGroups', 'ports', i], message: `repeats ${key}` });
        keys.add(key);
      });
      if (sg.ports.length > sg.rulesPerGroup)
        ctx.addIssue({
          code: 'custom',
          path: ['securityGroups', 'ports'],
          message: `${sg.ports.length} port ranges need ${sg.ports.length} rules per range; rulesPerGroup is ${sg.rulesPerGroup}`,
        });
      if (sg.rulesPerGroup * sg.groupsPerInterface > 1000)
        ctx.addIssue({
          code: 'custom',
          path: ['securityGroups', 'rulesPerGroup'],
          message: `rulesPerGroup × groupsPerInterface may not exceed 1000 (AWS caps the product); ${sg.rulesPerGroup} × ${sg.groupsPerInterface}`,
        });
      if (new Set(sg.families).size !== sg.families.length)
        ctx.addIssue({ code: 'custom', path: ['securityGroups', 'families'], message: 'lists a family twice' });
      if (new Set(sg.attachTo).size !== sg.attachTo.length)
        ctx.addIssue({ code: 'custom', path: ['securityGroups', 'attachTo'], message: 'lists an interface twice' });
      if (sg.attachTo.length > 0 && sync.approvers.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['approvers'],
          message:
            'needs at least one approver when securityGroups.attachTo is set: attaching the groups to an interface that carries none of them waits for an approval',
        });
    }
    const names = new Set<string>();
    sync.prefixLists.forEach((l, i) => {
      if (names.has(l.name)) ctx.addIssue({ code: 'custom', path: ['prefixLists', i, 'name'], message: `repeats ${l.name}` });
      names.add(l.name);
      if (l.maxEntries !== undefined && !l.createIfMissing)
        ctx.addIssue({
          code: 'custom',
          path: ['prefixLists', i, 'maxEntries'],
          message: 'is only used with createIfMissing: true (an existing list is resized when needed)',
        });
    });
  });

export type OriginSyncConfig = z.infer<typeof OriginSyncConfigSchema>;

/** byoip.originLockdown: the syncs by name. Their targets and safety switches come only from here, never from an execution's input. */
export const OriginLockdownConfigSchema = z
  .object({
    syncs: z.record(SyncName, OriginSyncConfigSchema).default({}),
  })
  .strict();

export type OriginLockdownConfig = z.infer<typeof OriginLockdownConfigSchema>;

/** The configured sync of that name, or an InputInvalid naming the configured ones. */
export function configuredSync(lockdown: OriginLockdownConfig, syncName: string): OriginSyncConfig {
  const sync = Object.hasOwn(lockdown.syncs, syncName) ? lockdown.syncs[syncName] : undefined;
  if (!sync) {
    const known = Object.keys(lockdown.syncs);
    throw inputInvalid(
      `origin-ranges-sync input is invalid:\n  - input.syncName: no sync "${syncName}" is configured (byoip.originLockdown.syncs ${known.length ? `has ${known.join(', ')}` : 'is empty'})`,
    );
  }
  return sync;
}
