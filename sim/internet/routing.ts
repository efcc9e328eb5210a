/**
 * The simulated global routing table, as RIPE RIS collector peers see it. Each announcement reaches
 * each peer after its own deterministic delay (spread over the convergence time; a few peers never
 * carry it), and a withdrawal leaves each peer after its own delay too. A peer that has routes from
 * two announcers (AWS and the old provider) keeps one of them, deterministically. AWS replacing its
 * own origin (a BYOASN swap) replaces the route at each peer when the new one arrives there.
 */
import { createHash } from 'node:crypto';

export interface Peer {
  index: number;
  rrc: string;
  location: string;
  /** The peer's address at the collector (unique per rrc). */
  address: string;
  asn: number;
}

/** One origin's announcement of one prefix over an interval of virtual time (epoch ms). */
export interface Segment {
  origin: number;
  /** ASNs between the peer's upstream and the origin (e.g. [16509] before a BYOASN origin). */
  via: number[];
  from: number;
  /** When the announcer stopped (withdrew, or replaced it with the next segment). */
  to?: number;
}

/** Everything one announcer (AWS, a world route) says about a prefix, in time order. */
export interface Announcer {
  id: string;
  prefix: string;
  segments: Segment[];
  /** Announcements that existed before the simulation are converged from the start. */
  convergedAtStart: boolean;
}

export interface Convergence {
  seconds: number;
  withdrawSeconds: number;
  reachPercent: number;
}

const TRANSITS = [174, 1299, 2914, 3257, 3356, 6453, 6461, 6762, 6939, 7018];
const PEER_ASNS = [8218, 15692, 36924, 48070, 20811, 37271, 2497, 4777, 25091, 34549, 16347, 57866, 199524, 293, 6424, 3333];

const units = new Map<string, number>();

/** A stable pseudo-random number in [0, 1) for the parts (memoized: the routing table is evaluated often). */
function unit(...parts: Array<string | number>): number {
  const key = parts.join('|');
  let u = units.get(key);
  if (u === undefined) {
    u = createHash('sha256').update(key).digest().readUInt32BE(0) / 0x1_0000_0000;
    if (units.size > 200_000) units.clear();
    units.set(key, u);
  }
  return u;
}

export function collectorPeers(count: number, rrcs: Array<{ rrc: string; location: string }>): Peer[] {
  return Array.from({ length: count }, (_, i) => {
    const r = rrcs[i % rrcs.length];
    // Documentation addresses: unique per collector, stable across runs.
    return {
      index: i,
      rrc: r.rrc,
      location: r.location,
      address: `2001:db8:${(i % rrcs.length).toString(16)}::${(Math.floor(i / rrcs.length) + 1).toString(16)}`,
      asn: PEER_ASNS[i % PEER_ASNS.length],
    };
  });
}

/** The route a peer holds for a prefix from one announcer at time t, if any. */
function routeFrom(peer: Peer, a: Announcer, t: number, c: Convergence): { segment: Segment; since: number } | undefined {
  if (unit('reach', peer.index, a.id, a.prefix) * 100 >= c.reachPercent) return undefined;
  let current: { segment: Segment; since: number } | undefined;
  a.segments.forEach((s, i) => {
    const arrive = a.convergedAtStart && i === 0 ? s.from : s.from + unit('arrive', peer.index, a.id, s.origin, s.from) * c.seconds * 1000;
    if (t >= arrive) current = { segment: s, since: arrive };
    const next = a.segments[i + 1];
    const replaced = next !== undefined && s.to !== undefined && next.from <= s.to;
    if (current?.segment === s && s.to !== undefined && !replaced) {
      const gone = s.to + unit('withdraw', peer.index, a.id, s.origin, s.to) * c.withdrawSeconds * 1000;
      if (t >= gone) current = undefined;
    }
  });
  return current;
}

export interface PeerRoute {
  peer: Peer;
  prefix: string;
  origin: number;
  asPath: number[];
  lastUpdated: number;
}

/** What each collector peer holds for `prefix` (exact match) at time t. */
export function peerRoutes(peers: Peer[], announcers: Announcer[], prefix: string, t: number, c: Convergence): PeerRoute[] {
  const mine = announcers.filter((a) => a.prefix === prefix);
  const out: PeerRoute[] = [];
  for (const peer of peers) {
    const held = mine.map((a) => ({ a, r: routeFrom(peer, a, t, c) })).filter((x) => x.r !== undefined);
    if (held.length === 0) continue;
    held.sort((x, y) => unit('prefer', peer.index, x.a.id) - unit('prefer', peer.index, y.a.id));
    const { a, r } = held[0];
    const transit = TRANSITS[Math.floor(unit('transit', peer.index, a.id) * TRANSITS.length)];
    out.push({ peer, prefix, origin: r!.segment.origin, asPath: [peer.asn, transit, ...r!.segment.via, r!.segment.origin], lastUpdated: r!.since });
  }
  return out;
}

/** The prefixes any announcer has ever announced. */
export function announcedPrefixes(announcers: Announcer[]): string[] {
  return [...new Set(announcers.map((a) => a.prefix))];
}

/** Every moment a peer's route for `prefix` may change (arrivals and withdrawals), in time order. */
export function changeTimes(peers: Peer[], announcers: Announcer[], prefix: string, c: Convergence): number[] {
  const times: number[] = [];
  for (const a of announcers.filter((x) => x.prefix === prefix)) {
    a.segments.forEach((s, i) => {
      for (const peer of peers) {
        if (!(a.convergedAtStart && i === 0)) times.push(s.from + unit('arrive', peer.index, a.id, s.origin, s.from) * c.seconds * 1000);
        if (s.to !== undefined) times.push(s.to + unit('withdraw', peer.index, a.id, s.origin, s.to) * c.withdrawSeconds * 1000);
      }
    });
  }
  return [...new Set(times.filter(Number.isFinite))].sort((x, y) => x - y);
}
