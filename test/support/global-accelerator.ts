/** Test helper: Global Accelerator as an operator sees it (ranges, accelerators, addresses, routing). */
import type { Simulator } from '../../sim';

export function gaWorld(sim: Simulator) {
  const snap = (sim.snapshot() as any).globalaccelerator;
  return {
    cidrs: snap.byoipCidrs.map((c: any) => ({ cidr: c.Cidr, state: c.State })),
    accelerators: snap.accelerators.map((a: any) => ({
      name: a.Name, status: a.Status, enabled: a.Enabled, ips: a.IpAddresses,
      routing: a.listeners.map((l: any) => ({ ports: l.PortRanges, groups: l.endpointGroups })),
    })),
  };
}

/** Lease items still in the state table. */
export function locksLeft(sim: Simulator): unknown[] {
  const table = (sim.snapshot() as any).dynamodb.tables.find((t: any) => t.name === 'byoip-orchestrator-state');
  return table.items.filter((i: any) => String(i.pk.S).startsWith('LOCK#'));
}
