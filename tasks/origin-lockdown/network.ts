/** EC2 reads shared by the origin-lockdown tasks and their undo steps, and the event pieces they share. */
import {
  DescribeSecurityGroupsCommand,
  EC2Client,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  paginateGetManagedPrefixListEntries,
  type ManagedPrefixList,
  type NetworkInterface,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import * as z from 'zod';
import {
  isLockdownPortRange,
  TAG_ORIGIN_LOCKDOWN,
  viewGroup,
  type Family,
  type GroupView,
  type PortRange,
  type PrefixListSize,
} from '../../domain/origin-lockdown';
import { TAG_EXECUTION } from '../lib/common';
import { client } from '../../platform/aws';

export const ec2 = (region: string) => client(EC2Client, { region });

/** A managed port range as the changing tasks accept it: TCP 80, 443 or within 1024-65535, whatever the state carries. */
export const PortRangeSchema = z
  .object({ protocol: z.literal('tcp'), fromPort: z.number().int(), toPort: z.number().int() })
  .refine(isLockdownPortRange, 'must be TCP 80, 443 or a range within 1024-65535');
export const RuleSpecSchema = z.object({ cidr: z.string(), family: z.enum(['ipv4', 'ipv6']), portKeys: z.array(z.string()).min(1) });

export async function describeGroups(region: string, filters: Array<{ Name: string; Values: string[] }>): Promise<SecurityGroup[]> {
  const out: SecurityGroup[] = [];
  for await (const page of paginateDescribeSecurityGroups({ client: ec2(region), pageSize: 1000 }, { Filters: filters }))
    out.push(...(page.SecurityGroups ?? []));
  return out;
}

export async function describeGroup(region: string, groupId: string): Promise<SecurityGroup | undefined> {
  try {
    return (await ec2(region).send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups?.[0];
  } catch (e) {
    if ((e as Error).name === 'InvalidGroup.NotFound') return undefined;
    throw e;
  }
}

export async function interfacesWithGroups(region: string, groupIds: string[], interfaceIds: string[]): Promise<NetworkInterface[]> {
  const byId = new Map<string, NetworkInterface>();
  const collect = async (input: { Filters?: Array<{ Name: string; Values: string[] }>; NetworkInterfaceIds?: string[] }) => {
    for await (const page of paginateDescribeNetworkInterfaces({ client: ec2(region) }, input)) {
      for (const i of page.NetworkInterfaces ?? []) if (i.NetworkInterfaceId) byId.set(i.NetworkInterfaceId, i);
    }
  };
  if (groupIds.length) await collect({ Filters: [{ Name: 'group-id', Values: groupIds }] });
  const rest = interfaceIds.filter((id) => !byId.has(id));
  if (rest.length) {
    try {
      await collect({ NetworkInterfaceIds: rest });
    } catch (e) {
      if ((e as Error).name !== 'InvalidNetworkInterfaceID.NotFound') throw e;
      // Fall through: planAttachments names the missing ones.
    }
  }
  return [...byId.values()];
}

export async function prefixListsBy(region: string, input: { ids?: string[]; name?: string }): Promise<ManagedPrefixList[]> {
  const out: ManagedPrefixList[] = [];
  const filter = { PrefixListIds: input.ids, Filters: input.name ? [{ Name: 'prefix-list-name', Values: [input.name] }] : undefined };
  for await (const page of paginateDescribeManagedPrefixLists({ client: ec2(region) }, filter)) {
    out.push(...(page.PrefixLists ?? []).filter((p) => !p.State?.startsWith('delete')));
  }
  return out;
}

/** Is the resource tagged as this sync's (byoip-orchestrator:origin-lockdown = syncName)? */
export function ownedBySync(tags: Array<{ Key?: string; Value?: string }> | undefined, syncName: string): boolean {
  return (tags ?? []).some((t) => t.Key === TAG_ORIGIN_LOCKDOWN && t.Value === syncName);
}

/**
 * The customer-managed lists of that name, split into the sync's own (tagged with its name) and the
 * rest. Names are not unique in EC2: the sync changes only its own, whatever else carries the name.
 */
export async function prefixListsNamed(region: string, name: string, syncName: string): Promise<{ owned: ManagedPrefixList[]; foreign: ManagedPrefixList[] }> {
  const all = (await prefixListsBy(region, { name })).filter((p) => p.OwnerId !== 'AWS');
  return { owned: all.filter((p) => ownedBySync(p.Tags, syncName)), foreign: all.filter((p) => !ownedBySync(p.Tags, syncName)) };
}

/** The sync's own list of that name (or, with `executionName`, the one that execution created), if any. */
export async function ownedPrefixList(
  region: string,
  name: string,
  owner: { syncName: string; executionName?: string },
): Promise<ManagedPrefixList | undefined> {
  const { owned } = await prefixListsNamed(region, name, owner.syncName);
  return owned.find((p) => !owner.executionName || p.Tags?.some((t) => t.Key === TAG_EXECUTION && t.Value === owner.executionName));
}

/** An AWS-managed list by name (com.amazonaws.global.cloudfront.origin-facing, ...). */
export async function awsManagedPrefixList(region: string, name: string): Promise<ManagedPrefixList | undefined> {
  return (await prefixListsBy(region, { name })).find((p) => p.OwnerId === 'AWS');
}

export async function prefixListEntries(region: string, prefixListId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const page of paginateGetManagedPrefixListEntries({ client: ec2(region), pageSize: 100 }, { PrefixListId: prefixListId })) {
    for (const e of page.Entries ?? []) if (e.Cidr) out.push(e.Cidr);
  }
  return out;
}

export function familyOfList(pl: ManagedPrefixList): Family {
  return pl.AddressFamily === 'IPv6' ? 'ipv6' : 'ipv4';
}

/** Sizes of every prefix list the groups reference (their weight in the rules quota). */
export async function referencedListSizes(region: string, groups: SecurityGroup[]): Promise<Record<string, PrefixListSize>> {
  const ids = [...new Set(groups.flatMap((g) => (g.IpPermissions ?? []).flatMap((p) => (p.PrefixListIds ?? []).map((x) => x.PrefixListId!).filter(Boolean))))];
  if (ids.length === 0) return {};
  const lists = await prefixListsBy(region, { ids });
  return Object.fromEntries(lists.map((l) => [l.PrefixListId!, { maxEntries: l.MaxEntries ?? 0, family: familyOfList(l) }]));
}

export async function groupViews(region: string, groups: SecurityGroup[], ports: PortRange[]): Promise<GroupView[]> {
  const sizes = await referencedListSizes(region, groups);
  return groups.map((g) => viewGroup(g.GroupId!, g.IpPermissions ?? [], ports, sizes));
}

/** A planned group reference: an existing id, or "new-<n>" resolved through what EnsureOriginGroups created. */
export function resolveGroup(ref: string, refs: Record<string, string>): string {
  if (ref.startsWith('sg-')) return ref;
  const id = refs[ref];
  if (!id) throw new Error(`group ${ref} was planned but not created (refs: ${JSON.stringify(refs)})`);
  return id;
}

/** The role tag of a group this execution created for a planned "new-<n>" shard. */
export const shardRole = (ref: string) => `origin-shard:${ref}`;
