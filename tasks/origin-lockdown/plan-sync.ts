/**
 * Reads every target (managed security groups and the interfaces carrying them, customer-managed
 * prefix lists, the AWS-managed CloudFront lists) and plans the sync with the domain: the minimal
 * diff, stable shards, attachments, prefix-list steps, the removal-share check. Changes nothing.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import {
  assessManagedList, checkRemovalShare, planAttachments, planPrefixList, planShards, removalShare, restrictFamilies, FAMILIES,
  type Family, type ManagedListAssessment, type PrefixListPlan, type ShardPlan,
} from '../../domain/origin-lockdown';
import { AWS_MANAGED_LISTS, TAG_ORIGIN_LOCKDOWN } from '../../domain/origin-lockdown';
import { defineTask } from '../lib/handler';
import { describeGroups, familyOfList, groupViews, interfacesWithGroups, PortRangeSchema, prefixListByName, prefixListEntries } from './network';

const Event = z.object({
  plan: z.object({
    syncName: z.string(),
    region: z.string(),
    securityGroups: z.object({
      vpcId: z.string(), ports: z.array(PortRangeSchema).min(1), families: z.array(z.enum(['ipv4', 'ipv6'])),
      rulesPerGroup: z.number().int(), groupsPerInterface: z.number().int(), attachTo: z.array(z.string()),
    }).nullable(),
    prefixLists: z.array(z.object({ name: z.string(), family: z.enum(['ipv4', 'ipv6']), createIfMissing: z.boolean(), maxEntries: z.number().optional(), headroom: z.number().int().default(0) })),
    reportAwsManagedList: z.boolean(),
    dryRun: z.boolean(),
    maxRemovalShare: z.number(),
    force: z.boolean(),
  }).passthrough(),
  published: z.object({ syncToken: z.number(), ipv4: z.array(z.string()), ipv6: z.array(z.string()) }).passthrough(),
});

type Plan = z.infer<typeof Event>['plan'];
type Published = z.infer<typeof Event>['published'];

async function planSecurityGroups(plan: Plan, published: Published) {
  const sg = plan.securityGroups!;
  const groups = await describeGroups(plan.region, [{ Name: 'vpc-id', Values: [sg.vpcId] }, { Name: `tag:${TAG_ORIGIN_LOCKDOWN}`, Values: [plan.syncName] }]);
  const views = (await groupViews(plan.region, groups, sg.ports)).map((v) => restrictFamilies(v, sg.families));
  const desired = { ipv4: sg.families.includes('ipv4') ? published.ipv4 : [], ipv6: sg.families.includes('ipv6') ? published.ipv6 : [] };
  const shards: ShardPlan = planShards({ groups: views, desired, ports: sg.ports, rulesPerGroup: sg.rulesPerGroup });
  const existing = views.map((v) => v.groupId);
  const created = shards.groups.filter((g) => g.create).map((g) => g.ref);
  const interfaces = await interfacesWithGroups(plan.region, existing, sg.attachTo);
  const attachments = planAttachments(
    interfaces.map((i) => ({ networkInterfaceId: i.NetworkInterfaceId!, groups: (i.Groups ?? []).map((g) => g.GroupId!) })),
    [...existing, ...created], sg.attachTo, sg.groupsPerInterface,
  );
  const warnings: string[] = [];
  if (created.length > 0 && attachments.length === 0) warnings.push(`${created.length} new group(s) will not be attached anywhere: no interface carries a managed group and attachTo is empty`);
  const current = views.reduce((n, v) => n + Object.keys(v.owned).length, 0);
  const removed = shards.diff.ipv4.remove.length + shards.diff.ipv6.remove.length;
  return {
    vpcId: sg.vpcId,
    ports: sg.ports,
    changes: shards.groups.some((g) => g.authorize.length > 0 || g.revoke.length > 0) || attachments.length > 0,
    hasCreate: created.length > 0,
    hasAttachments: attachments.length > 0,
    hasRevokes: shards.groups.some((g) => g.revoke.length > 0),
    create: created,
    groups: shards.groups.map((g) => ({
      ref: g.ref, create: g.create,
      authorize: g.authorize.length, revoke: g.revoke.length,
      ranges: { ipv4: g.after.ipv4.length, ipv6: g.after.ipv6.length }, weight: g.weight,
    })),
    authorize: shards.groups.filter((g) => g.authorize.length > 0).map((g) => ({ ref: g.ref, rules: g.authorize })),
    revoke: shards.groups.filter((g) => g.revoke.length > 0).map((g) => ({ groupId: g.ref, rules: g.revoke })),
    attachments: attachments.map((a) => ({ networkInterfaceId: a.networkInterfaceId, groupsBefore: a.before.length, add: a.add })),
    diff: { ipv4: { add: shards.diff.ipv4.add, remove: shards.diff.ipv4.remove }, ipv6: { add: shards.diff.ipv6.add, remove: shards.diff.ipv6.remove } },
    warnings,
    safety: { target: `security groups ${plan.syncName} in ${sg.vpcId}`, current, removed },
  };
}

async function planPrefixLists(plan: Plan, published: Published) {
  const lists: PrefixListPlan[] = [];
  const found: Array<{ name: string; prefixListId: string | null; entries: number }> = [];
  for (const want of plan.prefixLists) {
    const pl = await prefixListByName(plan.region, want.name);
    if (!pl && !want.createIfMissing) {
      throw new WorkflowError(ErrorNames.InputInvalid, `input.prefixLists: prefix list "${want.name}" does not exist in ${plan.region}; create it, or set createIfMissing: true`);
    }
    if (pl && familyOfList(pl) !== want.family) {
      throw new WorkflowError(ErrorNames.InputInvalid, `input.prefixLists: "${want.name}" (${pl.PrefixListId}) is an ${pl.AddressFamily} list, not ${want.family}`);
    }
    const entries = pl ? await prefixListEntries(plan.region, pl.PrefixListId!) : [];
    found.push({ name: want.name, prefixListId: pl?.PrefixListId ?? null, entries: entries.length });
    lists.push(planPrefixList({ name: want.name, family: want.family, current: pl ? { entries, maxEntries: pl.MaxEntries ?? 0 } : null, createMaxEntries: want.maxEntries, headroom: want.headroom }, published[want.family]));
  }
  const steps = lists.flatMap((l) => l.steps);
  return {
    changes: steps.length > 0,
    lists: lists.map((l, i) => ({
      name: l.name, family: l.family, prefixListId: found[i].prefixListId, maxEntries: l.maxEntries,
      diff: { add: l.diff.add, remove: l.diff.remove }, calls: l.steps.length,
    })),
    steps,
    /** For compensation: what each list loses in this run. */
    restore: lists.filter((l) => l.diff.remove.length > 0).map((l) => ({ name: l.name, removed: l.diff.remove })),
    created: lists.filter((l) => l.steps.some((s) => s.kind === 'create')).map((l) => l.name),
    safety: lists.map((l, i) => ({ target: `prefix list ${l.name}`, current: found[i].entries, removed: l.diff.remove.length })),
  };
}

async function assessAwsLists(plan: Plan, published: Published): Promise<ManagedListAssessment[]> {
  const families = new Set<Family>([...(plan.securityGroups?.families ?? []), ...plan.prefixLists.map((l) => l.family)]);
  const out: ManagedListAssessment[] = [];
  for (const family of FAMILIES.filter((f) => families.has(f))) {
    const name = AWS_MANAGED_LISTS[family];
    const pl = await prefixListByName(plan.region, name);
    // AWS documents a weight of 55 for both CloudFront lists; prefer what the API reports.
    const list = pl ? { prefixListId: pl.PrefixListId!, maxEntries: pl.MaxEntries ?? 55, entries: await prefixListEntries(plan.region, pl.PrefixListId!) } : null;
    out.push(assessManagedList({ family, name, list, published: published[family], ports: plan.securityGroups?.ports.length ?? 1, rulesPerGroup: plan.securityGroups?.rulesPerGroup ?? 60 }));
  }
  return out;
}

// Every path the ASL reads exists even without the target (empty lists make the Maps and intents no-ops).
const NO_SG = { vpcId: '', ports: [], changes: false, hasCreate: false, hasAttachments: false, hasRevokes: false, create: [], groups: [], authorize: [], revoke: [], attachments: [], diff: null, warnings: [] };
const NO_PL = { changes: false, lists: [], steps: [], restore: [], created: [] };

export const handler = defineTask('PlanOriginSync', Event, async ({ plan, published }) => {
  const sg = plan.securityGroups ? await planSecurityGroups(plan, published) : undefined;
  const pl = plan.prefixLists.length ? await planPrefixLists(plan, published) : undefined;
  const awsManagedLists = plan.reportAwsManagedList ? await assessAwsLists(plan, published) : [];
  const targets = [...(sg ? [sg.safety] : []), ...(pl?.safety ?? [])];
  const safety = {
    maxRemovalShare: plan.maxRemovalShare,
    force: plan.force,
    targets: targets.map((t) => ({ ...t, share: Math.round(removalShare(t.current, t.removed) * 1000) / 1000 })),
    ok: targets.every((t) => removalShare(t.current, t.removed) <= plan.maxRemovalShare),
  };
  // A dry run reports an unsafe change instead of refusing it.
  if (!plan.dryRun) checkRemovalShare(targets, plan.maxRemovalShare, plan.force);
  const securityGroups = sg ? (({ safety: _s, ...rest }) => rest)(sg) : NO_SG;
  const prefixLists = pl ? (({ safety: _s, ...rest }) => rest)(pl) : NO_PL;
  return {
    syncToken: published.syncToken,
    changes: securityGroups.changes || prefixLists.changes,
    securityGroups,
    prefixLists,
    awsManagedLists,
    safety,
  };
});
