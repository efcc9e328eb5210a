/**
 * What AWS announces to the internet right now, read from the simulated EC2 (BYOIP, IPAM, BYOASN) and
 * Global Accelerator models. The only place the simulated internet looks into AWS's models: if they
 * move or rename their state, this file follows.
 */
import type { Simulator } from '../simulator';
import { byoipRef, type IpamState } from '../services/ec2/ipam';
import { gaCidrRef, type GlobalAcceleratorState } from '../services/global-accelerator';
import { AWS_ORIGIN_ASN } from '../../domain/internet/evidence';

/** A CIDR as AWS treats it now: announcing with an origin since a time, silent since a time, or changing. */
export type AwsPrefixState =
  | { prefix: string; status: 'announcing'; origin: number; via: number[]; since: number }
  | { prefix: string; status: 'silent'; since: number }
  /** Between an Advertise call and "advertised": what was announced before stays. */
  | { prefix: string; status: 'changing' };

function lastTransitionTo(sim: Simulator, resource: string): number | undefined {
  for (let i = sim.transitions.length - 1; i >= 0; i--) if (sim.transitions[i].resource === resource) return sim.transitions[i].at;
  return undefined;
}

/** A state AWS had before the simulation started (seeded) converged long ago. */
function sinceOf(sim: Simulator, resource: string, since: number): number {
  return lastTransitionTo(sim, resource) === undefined && since <= sim.startedAt ? Number.NEGATIVE_INFINITY : since;
}

export function awsPrefixStates(sim: Simulator): AwsPrefixState[] {
  const out: AwsPrefixState[] = [];
  try {
    for (const b of sim.state<IpamState>('ec2.ipam').byoipCidrs) {
      const id = byoipRef(b.Cidr).name;
      if (b.lc.state === 'advertised') {
        const custom = b.advertisedAsn && b.advertisedAsn !== 'AWS' ? Number(b.advertisedAsn) : undefined;
        out.push({
          prefix: b.Cidr,
          status: 'announcing',
          origin: custom ?? AWS_ORIGIN_ASN,
          via: custom ? [AWS_ORIGIN_ASN] : [],
          since: sinceOf(sim, id, b.lc.since),
        });
      } else if (b.lc.state === 'pending-advertising') {
        out.push({ prefix: b.Cidr, status: 'changing' });
      } else {
        out.push({ prefix: b.Cidr, status: 'silent', since: b.lc.since });
      }
    }
  } catch {
    // a world without the EC2 model announces nothing from EC2
  }
  try {
    for (const c of sim.state<GlobalAcceleratorState>('globalaccelerator').cidrs) {
      const id = gaCidrRef(c.Cidr).name;
      if (c.lc.state === 'ADVERTISING')
        out.push({ prefix: c.Cidr, status: 'announcing', origin: AWS_ORIGIN_ASN, via: [], since: sinceOf(sim, id, c.lc.since) });
      else if (c.lc.state === 'PENDING_ADVERTISING') out.push({ prefix: c.Cidr, status: 'changing' });
      else out.push({ prefix: c.Cidr, status: 'silent', since: c.lc.since });
    }
  } catch {
    // likewise for Global Accelerator
  }
  return out;
}
