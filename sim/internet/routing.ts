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

/** One announcer as one peer sees it: whether it reaches the peer, and when each segment arrives and leaves there. */
interface PeerView {
  a: Announcer;
  reaches: boolean;
  arrive: number[];
  /** When the segment's withdrawal has left the peer (segments that ended). */
  gone: Array<number | undefined>;
  prefer: number;
  transit: number;
}

function peerView(peer: Peer, a: Announcer, c: Convergence): PeerView {
  return {
    a,
    reaches: unit('reach', peer.index, a.id, a.prefix) * 100 < c.reachPercent,
    arrive: a.segments.map((s, i) => (a.convergedAtStart && i === 0 ? s.from : s.from + unit('arrive', peer.index, a.id, s.origin, s.from) * c.seconds * 1000)),
    gone: a.segments.map((s) => (s.to === undefined ? undefined : s.to + unit('withdraw', peer.index, a.id, s.origin, s.to) * c.withdrawSeconds * 1000)),
    prefer: unit('prefer', peer.index, a.id),
    transit: TRANSITS[Math.floor(unit('transit', peer.index, a.id) * TRANSITS.length)],
  };
}

/** The route a peer holds from one announcer at time t, if any. */
function routeFrom(v: PeerView, t: number): { segment: Segment; since: number } | undefined {
  if (!v.reaches) return undefined;
  const segments = v.a.segments;
  let current: { segment: Segment; since: number } | undefined;
  segments.forEach((s, i) => {
    if (t >= v.arrive[i]) current = { segment: s, since: v.arrive[i] };
    const next = segments[i + 1];
    const replaced = next !== undefined && s.to !== undefined && next.from <= s.to;
    if (current?.segment === s && !replaced && v.gone[i] !== undefined && t >= v.gone[i]!) current = undefined;
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

/**
 * The routing table for one prefix: each peer's view of each announcer, worked out once, then asked
 * for any moment (convergence is looked for at every moment a route may change).
 */
export interface RouteTable {
  /** What each collector peer holds for the prefix (exact match) at time t. */
  at(t: number): PeerRoute[];
  /** Every moment a peer's route may change (arrivals and withdrawals), in time order. */
  changeTimes(): number[];
}

export function routeTable(peers: Peer[], announcers: Announcer[], prefix: string, c: Convergence): RouteTable {
  const mine = announcers.filter((a) => a.prefix === prefix);
  const rows = peers.map((peer) => ({ peer, views: mine.map((a) => peerView(peer, a, c)) }));
  return {
    at(t) {
      const out: PeerRoute[] = [];
      for (const { peer, views } of rows) {
        const held = views.map((v) => ({ v, r: routeFrom(v, t) })).filter((x) => x.r !== undefined);
        if (held.length === 0) continue;
        held.sort((x, y) => x.v.prefer - y.v.prefer);
        const { v, r } = held[0];
        out.push({ peer, prefix, origin: r!.segment.origin, asPath: [peer.asn, v.transit, ...r!.segment.via, r!.segment.origin], lastUpdated: r!.since });
      }
      return out;
    },
    changeTimes() {
      const times: number[] = [];
      mine.forEach((a, j) =>
        a.segments.forEach((s, i) => {
          for (const { views } of rows) {
            if (!(a.convergedAtStart && i === 0)) times.push(views[j].arrive[i]);
            if (s.to !== undefined) times.push(views[j].gone[i]!);
          }
        }),
      );
      return [...new Set(times.filter(Number.isFinite))].sort((x, y) => x - y);
    },
  };
}

/** What each collector peer holds for `prefix` (exact match) at time t. */
export function peerRoutes(peers: Peer[], announcers: Announcer[], prefix: string, t: number, c: Convergence): PeerRoute[] {
  return routeTable(peers, announcers, prefix, c).at(t);
}

/** The prefixes any announcer has ever announced. */
export function announcedPrefixes(announcers: Announcer[]): string[] {
  return [...new Set(announcers.map((a) => a.prefix))];
}
