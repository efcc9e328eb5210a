/**
 * Undo steps for origin lockdown. The rule is "never fewer allowed ranges than before the run":
 * re-authorize what this run revoked, put back prefix-list entries it removed, delete the groups
 * and lists it created only while nothing uses them. Authorizations of published CloudFront ranges
 * are kept: taking them back would block CloudFront, which is what the sync exists to prevent.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  DeleteManagedPrefixListCommand,
  DeleteSecurityGroupCommand,
  ModifyManagedPrefixListCommand,
} from '@aws-sdk/client-ec2';
import { ownedRulesOf, RULE_DESCRIPTION, selectRules, toIpPermissions, type PortRange, type RuleSpec } from '../../domain/origin-lockdown';
import { PollProfiles } from '../../domain/polling';
import { TAG_EXECUTION, TAG_ROLE } from '../lib/common';
import { defineUndoTask, type UndoImpl } from '../lib/undo';
import { describeGroup, describeGroups, ec2, interfacesWithGroups, ownedPrefixList, prefixListEntries, shardRole } from '../origin-lockdown/network';

const reauthorizeRules: UndoImpl = {
  async apply({ region, ports, revocation }: { region: string; ports: PortRange[]; revocation: { groupId: string; rules: RuleSpec[] } }) {
    const group = await describeGroup(region, revocation.groupId);
    if (!group) return { done: true, note: `${revocation.groupId} no longer exists` };
    const missing = selectRules(revocation.rules, ownedRulesOf(group.IpPermissions ?? [], ports), false);
    if (missing.length === 0) return { done: true, note: 'nothing had been revoked' };
    await ec2(region).send(new AuthorizeSecurityGroupIngressCommand({ GroupId: revocation.groupId, IpPermissions: toIpPermissions(missing, ports) }));
    return { done: true, note: `re-authorized ${missing.map((r) => r.cidr).join(', ')}` };
  },
};

const deleteCreatedGroup: UndoImpl = {
  async apply({ region, vpcId, executionName, ref }: { region: string; vpcId: string; executionName: string; ref: string }) {
    const [g] = await describeGroups(region, [
      { Name: 'vpc-id', Values: [vpcId] },
      { Name: `tag:${TAG_EXECUTION}`, Values: [executionName] },
      { Name: `tag:${TAG_ROLE}`, Values: [shardRole(ref)] },
    ]);
    if (!g) return { done: true, note: `no group was created for ${ref}` };
    const users = await interfacesWithGroups(region, [g.GroupId!], []);
    // Attached, it already carries published ranges to an origin: keep it rather than narrow access.
    if (users.length > 0) return { done: true, note: `kept ${g.GroupId} (attached to ${users.map((u) => u.NetworkInterfaceId).join(', ')})` };
    await ec2(region).send(new DeleteSecurityGroupCommand({ GroupId: g.GroupId }));
    return { done: true, note: `deleted ${g.GroupId}` };
  },
};

const COMPLETE = new Set(['create-complete', 'modify-complete', 'restore-complete']);

const restorePrefixListEntries: UndoImpl = {
  async apply({ region, list }: { region: string; list: { name: string; syncName: string; removed: string[] } }) {
    const pl = await ownedPrefixList(region, list.name, { syncName: list.syncName });
    if (!pl) return { done: true, note: `${list.name} no longer exists` };
    if (!COMPLETE.has(pl.State ?? '')) return { done: false, next: 'apply', profile: PollProfiles.prefixListChange };
    const entries = new Set(await prefixListEntries(region, pl.PrefixListId!));
    const missing = list.removed.filter((c) => !entries.has(c));
    if (missing.length === 0) return { done: true, note: `${list.name} holds every entry it had` };
    if (entries.size + missing.length > (pl.MaxEntries ?? 0)) {
      await ec2(region).send(
        new ModifyManagedPrefixListCommand({
          PrefixListId: pl.PrefixListId,
          CurrentVersion: pl.Version,
          MaxEntries: Math.min(1000, entries.size + missing.length),
        }),
      );
      return { done: false, next: 'check', profile: PollProfiles.prefixListChange };
    }
    await ec2(region).send(
      new ModifyManagedPrefixListCommand({
        PrefixListId: pl.PrefixListId,
        CurrentVersion: pl.Version,
        AddEntries: missing.slice(0, 100).map((Cidr) => ({ Cidr, Description: RULE_DESCRIPTION })),
      }),
    );
    return { done: false, next: 'check', profile: PollProfiles.prefixListChange };
  },
  async check({ region, list }: { region: string; list: { name: string; syncName: string } }) {
    const pl = await ownedPrefixList(region, list.name, { syncName: list.syncName });
    if (pl && !COMPLETE.has(pl.State ?? '')) {
      if (pl.State?.endsWith('-failed')) throw new Error(`${pl.PrefixListId} is ${pl.State}: ${pl.StateMessage ?? ''}`);
      return { done: false, next: 'check', profile: PollProfiles.prefixListChange };
    }
    // Back to apply: it adds the next batch, or finds nothing missing and finishes.
    return { done: false, next: 'apply', profile: PollProfiles.prefixListChange };
  },
};

const deleteCreatedPrefixList: UndoImpl = {
  async apply({ region, name, syncName, executionName }: { region: string; name: string; syncName: string; executionName: string }) {
    const pl = await ownedPrefixList(region, name, { syncName, executionName });
    if (!pl) return { done: true, note: `no list ${name} was created by this execution` };
    if (!COMPLETE.has(pl.State ?? '')) return { done: false, next: 'apply', profile: PollProfiles.prefixListChange };
    await ec2(region).send(new DeleteManagedPrefixListCommand({ PrefixListId: pl.PrefixListId }));
    return { done: true, note: `deleted ${pl.PrefixListId}` };
  },
};

/** The undo actions this task implements (intents in the workflows name them). */
export const undoActions: Record<string, UndoImpl> = {
  'EC2Network.ReauthorizeRules': reauthorizeRules,
  'EC2Network.DeleteCreatedGroup': deleteCreatedGroup,
  'EC2Network.RestorePrefixListEntries': restorePrefixListEntries,
  'EC2Network.DeleteCreatedPrefixList': deleteCreatedPrefixList,
};

export const handler = defineUndoTask('UndoEc2Network', 'EC2Network', undoActions);
