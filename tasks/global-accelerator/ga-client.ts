/** Global Accelerator reads shared by the GA tasks and their undo steps. The API lives in us-west-2 only. */
import {
  DescribeAcceleratorCommand,
  GlobalAcceleratorClient,
  ListTagsForResourceCommand,
  paginateListAccelerators,
  paginateListByoipCidrs,
  paginateListEndpointGroups,
  paginateListListeners,
  type Accelerator,
  type ByoipCidr,
  type EndpointGroup,
  type Listener,
} from '@aws-sdk/client-global-accelerator';
import { GA_API_REGION } from '../../domain/static-ip';
import { client } from '../../platform/aws';

/** Always us-west-2: the SDK would happily resolve globalaccelerator.<other-region>, which does not exist. */
export const ga = () => client(GlobalAcceleratorClient, { region: GA_API_REGION });

/** The account's GA BYOIP ranges by CIDR (DEPROVISIONED ones are not listed). */
export async function gaCidrs(): Promise<Map<string, ByoipCidr>> {
  const map = new Map<string, ByoipCidr>();
  for await (const page of paginateListByoipCidrs({ client: ga(), pageSize: 100 }, {})) for (const c of page.ByoipCidrs ?? []) if (c.Cidr) map.set(c.Cidr, c);
  return map;
}

/** The newest event's message: GA explains failures there. */
export function lastEvent(c: ByoipCidr | undefined): string {
  const events = c?.Events ?? [];
  return events.length ? (events[events.length - 1].Message ?? 'no message') : 'no message';
}

export async function describeAccelerator(arn: string): Promise<Accelerator | undefined> {
  try {
    return (await ga().send(new DescribeAcceleratorCommand({ AcceleratorArn: arn }))).Accelerator;
  } catch (e) {
    if ((e as Error).name === 'AcceleratorNotFoundException') return undefined;
    throw e;
  }
}

export async function listAccelerators(): Promise<Accelerator[]> {
  const all: Accelerator[] = [];
  for await (const page of paginateListAccelerators({ client: ga(), pageSize: 100 }, {})) all.push(...(page.Accelerators ?? []));
  return all;
}

export async function acceleratorTags(arn: string): Promise<Record<string, string>> {
  const out = await ga().send(new ListTagsForResourceCommand({ ResourceArn: arn }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** Accelerators carrying tag `key` = `value` (GA has no tag filter on List). */
export async function acceleratorsTagged(key: string, value: string): Promise<Accelerator[]> {
  const out: Accelerator[] = [];
  for (const a of await listAccelerators()) if ((await acceleratorTags(a.AcceleratorArn!))[key] === value) out.push(a);
  return out;
}

export function ipv4Addresses(a: Accelerator | undefined): string[] {
  return (a?.IpSets ?? []).filter((s) => (s.IpAddressFamily ?? s.IpFamily) === 'IPv4').flatMap((s) => s.IpAddresses ?? []);
}

export async function listeners(acceleratorArn: string): Promise<Listener[]> {
  const all: Listener[] = [];
  for await (const page of paginateListListeners({ client: ga(), pageSize: 100 }, { AcceleratorArn: acceleratorArn })) all.push(...(page.Listeners ?? []));
  return all;
}

export async function endpointGroups(listenerArn: string): Promise<EndpointGroup[]> {
  const all: EndpointGroup[] = [];
  for await (const page of paginateListEndpointGroups({ client: ga(), pageSize: 100 }, { ListenerArn: listenerArn })) all.push(...(page.EndpointGroups ?? []));
  return all;
}

/** An accelerator's routing: listener ARNs and endpoint group ARNs. */
export async function routingOf(acceleratorArn: string): Promise<{ listenerArns: string[]; endpointGroupArns: string[] }> {
  const ls = await listeners(acceleratorArn);
  const groups = [];
  for (const l of ls) groups.push(...(await endpointGroups(l.ListenerArn!)));
  return { listenerArns: ls.map((l) => l.ListenerArn!), endpointGroupArns: groups.map((g) => g.EndpointGroupArn!) };
}

/** Deletes, treating "not found" as done: a retried delete whose first response was lost finds nothing. */
export async function deleteIfPresent(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (e) {
    if (!/NotFoundException$/.test((e as Error).name)) throw e;
  }
}
