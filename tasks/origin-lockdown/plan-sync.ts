/**
 * Reads every target (the sync's security groups and the interfaces carrying them, its prefix lists,
 * the AWS-managed CloudFront lists) and plans the sync with the domain: the minimal diff, stable
 * shards, attachments, prefix-list steps, the change limits per family and target. Changes nothing.
 *
 * The targets, ports and limits come from the deployment configuration (deployment(), not the
 * execution's state), and only resources tagged with the sync's name are ever planned on: a list of
 * the configured name that is not the sync's is refused, forced or not.
 */
import * as z from 'zod';
import type { ApprovalPlan } from '../../domain/approval';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import {
  assessManagedList,
  changeRefusals,
  changeShare,
  checkChangeShares,
  diffSets,
  planAttachments,
  planPrefixList,
  planShards,
  portKey,
  restrictFamilies,
  FAMILIES,
  type DocumentGrowth,
  type Family,
  type ManagedListAssessment,
  type OriginSyncConfig,
  type PrefixListPlan,
  type ShardPlan,
  type TargetChange,
} from '../../domain/origin-lockdown';
import { AWS_MANAGED_LISTS, configuredSync, TAG_ORIGIN_LOCKDOWN } from '../../domain/origin-lockdown';
import { deployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';
import { awsManagedPrefixList, describeGroups, familyOfList, groupViews, interfacesWithGroups, prefixListEntries, prefixListsNamed } from './network';

const Event = z.object({
  plan: z.object({ syncName: z.string(), dryRun: z.boolean() }).passthrough(),
  published: z.object({ syncToken: z.number(), ipv4: z.array(z.string()), ipv6: z.array(z.string()) }).passthrough(),
  /** The origin-facing ranges of the version applied last (null before the first successful sync). */
  lastApplied: z.object({ ipv4: z.array(z.string()), ipv6: z.array(z.string()) }).nullable(),
});

type Published = z.infer<typeof Event>['published'];
interface Sync {
  name: string;
  config: OriginSyncConfig;
}

async function planSecurityGroups({ name, config }: Sync, published: Published) {
  const sg = config.securityGroups!;
  const region = config.region;
  const families = FAMILIES.filter((f) => sg.families.includes(f));
  const groups = await describeGroups(region, [
    { Name: 'vpc-id', Values: [sg.vpcId] },
    { Name: `tag:${TAG_ORIGIN_LOCKDOWN}`, Values: [name] },
  ]);
  const views = (await groupViews(region, groups, sg.ports)).map((v) => restrictFamilies(v, families));
  const desired = { ipv4: families.includes('ipv4') ? published.ipv4 : [], ipv6: families.includes('ipv6') ? published.ipv6 : [] };
  const shards: ShardPlan = planShards({ groups: views, desired, ports: sg.ports, rulesPerGroup: sg.rulesPerGroup });
  const existing = views.map((v) => v.groupId);
  const created = shards.groups.filter((g) => g.create).map((g) => g.ref);
  const interfaces = await interfacesWithGroups(region, existing, sg.attachTo);
  const elsewhere = interfaces.filter((i) => sg.attachTo.includes(i.NetworkInterfaceId!) && i.VpcId !== sg.vpcId);
  if (elsewhere.length) {
    throw new WorkflowError(
      ErrorNames.ConfigurationInvalid,
      `byoip.originLockdown.syncs.${name}.securityGroups.attachTo: ${elsewhere.map((i) => `${i.NetworkInterfaceId} is in ${i.VpcId}`).join(', ')}, not in ${sg.vpcId}`,
    );
  }
  const attachments = planAttachments(
    interfaces.map((i) => ({ networkInterfaceId: i.NetworkInterfaceId!, groups: (i.Groups ?? []).map((g) => g.GroupId!) })),
    [...existing, ...created],
    sg.attachTo,
    sg.groupsPerInterface,
  );
  // An interface that carries none of the sync's groups yet is opened to CloudFront for the first time: a human decides.
  const firstTime = attachments.filter((a) => !a.before.some((g) => existing.includes(g)));
  const warnings: string[] = [];
  if (created.length > 0 && attachments.length === 0)
    warnings.push(`${created.length} new group(s) will not be attached anywhere: no interface carries a managed group and attachTo is empty`);
  const targets: TargetChange[] = families.map((f) => ({
    target: `security groups ${name} in ${sg.vpcId}`,
    family: f,
    current: shards.diff[f].keep.length + shards.diff[f].remove.length,
    added: shards.diff[f].add.length,
    removed: shards.diff[f].remove.length,
    after: desired[f].length,
  }));
  return {
    vpcId: sg.vpcId,
    ports: sg.ports,
    managed: existing,
    changes: shards.groups.some((g) => g.authorize.length > 0 || g.revoke.length > 0) || attachments.length > 0,
    hasCreate: created.length > 0,
    hasAttachments: attachments.length > 0,
    hasRevokes: shards.groups.some((g) => g.revoke.length > 0),
    create: created,
    groups: shards.groups.map((g) => ({
      ref: g.ref,
      create: g.create,
      authorize: g.authorize.length,
      revoke: g.revoke.length,
      ranges: { ipv4: g.after.ipv4.length, ipv6: g.after.ipv6.length },
      weight: g.weight,
    })),
    authorize: shards.groups.filter((g) => g.authorize.length > 0).map((g) => ({ ref: g.ref, rules: g.authorize })),
    revoke: shards.groups.filter((g) => g.revoke.length > 0).map((g) => ({ groupId: g.ref, rules: g.revoke })),
    attachments: attachments.map((a) => ({
      networkInterfaceId: a.networkInterfaceId,
      groupsBefore: a.before.length,
      add: a.add,
      firstTime: firstTime.includes(a),
    })),
    firstTime: firstTime.map((a) => ({ networkInterfaceId: a.networkInterfaceId, before: a.before, add: a.add })),
    diff: { ipv4: { add: shards.diff.ipv4.add, remove: shards.diff.ipv4.remove }, ipv6: { add: shards.diff.ipv6.add, remove: shards.diff.ipv6.remove } },
    warnings,
    targets,
  };
}

async function planPrefixLists({ name: syncName, config }: Sync, published: Published) {
  const lists: PrefixListPlan[] = [];
  const found: Array<{ name: string; prefixListId: string | null; entries: number }> = [];
  for (const want of config.prefixLists) {
    const { owned, foreign } = await prefixListsNamed(config.region, want.name, syncName);
    const where = `byoip.originLockdown.syncs.${syncName}.prefixLists`;
    if (owned.length > 1)
      throw new WorkflowError(
        ErrorNames.SafetyViolation,
        `${owned.length} prefix lists named "${want.name}" are tagged ${TAG_ORIGIN_LOCKDOWN}=${syncName} (${owned.map((p) => p.PrefixListId).join(', ')}); untag all but one`,
      );
    if (owned.length === 0 && foreign.length > 0) {
      throw new WorkflowError(
        ErrorNames.SafetyViolation,
        `prefix list "${want.name}" (${foreign.map((p) => p.PrefixListId).join(', ')}) is not tagged ${TAG_ORIGIN_LOCKDOWN}=${syncName}: the sync changes only lists it owns, forced or not. Tag the list to hand it to the sync, or name another list in ${where}`,
      );
    }
    const pl = owned[0];
    if (!pl && !want.createIfMissing) {
      throw new WorkflowError(
        ErrorNames.ConfigurationInvalid,
        `${where}: prefix list "${want.name}" does not exist in ${config.region}; create it (tagged ${TAG_ORIGIN_LOCKDOWN}=${syncName}), or set createIfMissing: true`,
      );
    }
    if (pl && familyOfList(pl) !== want.family) {
      throw new WorkflowError(
        ErrorNames.ConfigurationInvalid,
        `${where}: "${want.name}" (${pl.PrefixListId}) is an ${pl.AddressFamily} list, not ${want.family}`,
      );
    }
    const entries = pl ? await prefixListEntries(config.region, pl.PrefixListId!) : [];
    found.push({ name: want.name, prefixListId: pl?.PrefixListId ?? null, entries: entries.length });
    lists.push(
      planPrefixList(
        {
          name: want.name,
          family: want.family,
          current: pl ? { entries, maxEntries: pl.MaxEntries ?? 0 } : null,
          createMaxEntries: want.maxEntries,
          headroom: want.headroom,
        },
        published[want.family],
      ),
    );
  }
  const steps = lists.flatMap((l) => l.steps);
  return {
    changes: steps.length > 0,
    lists: lists.map((l, i) => ({
      name: l.name,
      family: l.family,
      prefixListId: found[i].prefixListId,
      maxEntries: l.maxEntries,
      diff: { add: l.diff.add, remove: l.diff.remove },
      calls: l.steps.length,
    })),
    steps,
    /** For compensation: what each list loses in this run. */
    restore: lists.filter((l) => l.diff.remove.length > 0).map((l) => ({ name: l.name, syncName, removed: l.diff.remove })),
    created: lists.filter((l) => l.steps.some((s) => s.kind === 'create')).map((l) => l.name),
    targets: lists.map(
      (l, i): TargetChange => ({
        target: `prefix list ${l.name}`,
        family: l.family,
        current: found[i].entries,
        added: l.diff.add.length,
        removed: l.diff.remove.length,
        after: l.diff.keep.length + l.diff.add.length,
      }),
    ),
  };
}

async function assessAwsLists({ config }: Sync, published: Published): Promise<ManagedListAssessment[]> {
  const families = new Set<Family>([...(config.securityGroups?.families ?? []), ...config.prefixLists.map((l) => l.family)]);
  const out: ManagedListAssessment[] = [];
  for (const family of FAMILIES.filter((f) => families.has(f))) {
    const name = AWS_MANAGED_LISTS[family];
    const pl = await awsManagedPrefixList(config.region, name);
    // AWS documents a weight of 55 for both CloudFront lists; prefer what the API reports.
    const list = pl
      ? { prefixListId: pl.PrefixListId!, maxEntries: pl.MaxEntries ?? 55, entries: await prefixListEntries(config.region, pl.PrefixListId!) }
      : null;
    out.push(
      assessManagedList({
        family,
        name,
        list,
        published: published[family],
        ports: config.securityGroups?.ports.length ?? 1,
        rulesPerGroup: config.securityGroups?.rulesPerGroup ?? 60,
      }),
    );
  }
  return out;
}

/** What the approvers of a first attachment read: which interfaces, which groups, what they let in. */
function attachApprovalPlan({ name, config }: Sync, firstTime: Array<{ networkInterfaceId: string; before: string[]; add: string[] }>): ApprovalPlan {
  const ports = config.securityGroups!.ports.map(portKey).join(', ');
  return {
    title: `origin-ranges-sync ${name}: open ${firstTime.length} network interface(s) to CloudFront's origin-facing ranges`,
    approvers: config.approvers,
    changes: firstTime.map((a) => ({
      kind: 'attach-security-groups',
      target: a.networkInterfaceId,
      from: a.before.join(', ') || '(none)',
      to: [...a.before, ...a.add].join(', '),
    })),
    prerequisite: `Each interface will accept ${ports} from every CloudFront origin-facing range (any CloudFront distribution, not only yours, can reach it). It carries none of the sync's groups today.`,
  };
}

// Every path the ASL reads exists even without the target (empty lists make the Maps and intents no-ops).
const NO_SG = {
  vpcId: '',
  ports: [],
  managed: [],
  changes: false,
  hasCreate: false,
  hasAttachments: false,
  hasRevokes: false,
  create: [],
  groups: [],
  authorize: [],
  revoke: [],
  attachments: [],
  firstTime: [],
  diff: null,
  warnings: [],
};
const NO_PL = { changes: false, lists: [], steps: [], restore: [], created: [] };

export const handler = defineTask('PlanOriginSync', Event, async ({ plan, published, lastApplied }) => {
  const sync: Sync = { name: plan.syncName, config: configuredSync(deployment().originLockdown, plan.syncName) };
  const { config } = sync;
  const sg = config.securityGroups ? await planSecurityGroups(sync, published) : undefined;
  const pl = config.prefixLists.length ? await planPrefixLists(sync, published) : undefined;
  const awsManagedLists = config.reportAwsManagedList ? await assessAwsLists(sync, published) : [];
  const targets = [...(sg?.targets ?? []), ...(pl?.targets ?? [])];
  const limits = { maxRemovalShare: config.maxRemovalShare, maxAdditionShare: config.maxAdditionShare };
  const families = new Set<Family>(targets.map((t) => t.family));
  const growth: DocumentGrowth[] = lastApplied
    ? FAMILIES.filter((f) => families.has(f)).map((f) => ({
        family: f,
        lastApplied: lastApplied[f].length,
        added: diffSets(lastApplied[f], published[f]).add.length,
      }))
    : [];
  const refusals = changeRefusals(targets, limits, config.force, growth);
  const safety = {
    ...limits,
    force: config.force,
    targets: targets.map((t) => ({ ...t, removedShare: Math.round(changeShare(t.current, t.removed) * 1000) / 1000 })),
    growth: growth.map((g) => ({ ...g, addedShare: Math.round(changeShare(g.lastApplied, g.added) * 1000) / 1000 })),
    ok: refusals.length === 0,
    refusals,
  };
  // A dry run reports an unsafe change instead of refusing it.
  if (!plan.dryRun) checkChangeShares(targets, limits, config.force, growth);
  const firstTime = sg?.firstTime ?? [];
  const attachApproval =
    firstTime.length > 0
      ? {
          required: true,
          plan: attachApprovalPlan(sync, firstTime),
          timeoutSeconds: config.approvalTimeoutSeconds,
          interfaces: firstTime.map((a) => a.networkInterfaceId),
        }
      : { required: false, interfaces: [] as string[] };
  const securityGroups = sg ? (({ targets: _t, ...rest }) => rest)(sg) : NO_SG;
  const prefixLists = pl ? (({ targets: _t, ...rest }) => rest)(pl) : NO_PL;
  return {
    syncToken: published.syncToken,
    changes: securityGroups.changes || prefixLists.changes,
    securityGroups,
    prefixLists,
    awsManagedLists,
    attachApproval,
    safety,
  };
});
