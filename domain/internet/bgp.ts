/**
 * BGP evidence from RIPE RIS route collectors (pure):
 *  - `routing-status` (the 8-hourly RIS snapshot): a prefix's origins, more and less specific routes
 *    and how many full-table peers see it: the "before" of a migration;
 *  - `looking-glass` (near real time, per collector and peer): which origin each peer sees now: the
 *    convergence of AWS's advertisement and the disappearance of the old route.
 */
import * as z from 'zod';
import { contains, parseCidr } from '../cidr';
import { RipestatEnvelope } from './ripestat';
import { AsnValue } from './rpki';

const Seen = z.object({ prefix: z.string(), origin: z.union([z.string(), z.number()]).transform(String), time: z.string() }).passthrough();
const FamilyVisibility = z.object({ ris_peers_seeing: z.number().int().nonnegative(), total_ris_peers: z.number().int().nonnegative() }).passthrough();
const Specific = z.object({ prefix: z.string(), origin: AsnValue }).passthrough();

/** https://stat.ripe.net/data/routing-status/data.json?resource=198.18.0.0/24 */
export const RoutingStatusData = z
  .object({
    resource: z.string(),
    query_time: z.string(),
    first_seen: Seen.nullable().optional(),
    last_seen: Seen.nullable().optional(),
    visibility: z.object({ v4: FamilyVisibility.optional(), v6: FamilyVisibility.optional() }).passthrough(),
    origins: z.array(z.object({ origin: AsnValue, route_objects: z.array(z.string()).default([]) }).passthrough()).default([]),
    less_specifics: z.array(Specific).default([]),
    more_specifics: z.array(Specific).default([]),
  })
  .passthrough();
export const RoutingStatusSchema = RipestatEnvelope(RoutingStatusData);

/** https://stat.ripe.net/data/looking-glass/data.json?resource=198.18.0.0/24 */
export const LookingGlassData = z
  .object({
    rrcs: z.array(
      z
        .object({
          rrc: z.string(),
          location: z.string().optional(),
          peers: z.array(
            z
              .object({
                /** A number in older versions, a string today. */
                asn_origin: AsnValue,
                as_path: z.string(),
                prefix: z.string(),
                peer: z.string(),
                last_updated: z.string().optional(),
                latest_time: z.string().optional(),
              })
              .passthrough(),
          ),
        })
        .passthrough(),
    ),
    query_time: z.string().optional(),
    latest_time: z.string().optional(),
  })
  .passthrough();
export const LookingGlassSchema = RipestatEnvelope(LookingGlassData);

export interface RouteRef {
  prefix: string;
  origin: number;
}

/** The "before": what the route collectors saw for a prefix when the pre-flight ran. */
export interface BgpBaseline {
  prefix: string;
  /** The RIS snapshot time the data is from. */
  queryTime: string;
  /** Origins of the exact prefix. */
  origins: number[];
  /** Full-table peers seeing the prefix, and all of them (the denominator of every visibility share). */
  peersSeeing: number;
  totalPeers: number;
  lessSpecifics: RouteRef[];
  moreSpecifics: RouteRef[];
}

export function baselineFromRoutingStatus(prefix: string, data: z.infer<typeof RoutingStatusData>): BgpBaseline {
  const v = parseCidr(prefix, { allowHostBits: true }).family === 4 ? data.visibility.v4 : data.visibility.v6;
  return {
    prefix,
    queryTime: data.query_time,
    origins: [...new Set(data.origins.map((o) => o.origin))].sort((a, b) => a - b),
    peersSeeing: v?.ris_peers_seeing ?? 0,
    totalPeers: v?.total_ris_peers ?? 0,
    lessSpecifics: data.less_specifics.map((s) => ({ prefix: s.prefix, origin: s.origin })),
    moreSpecifics: data.more_specifics.map((s) => ({ prefix: s.prefix, origin: s.origin })),
  };
}

/** Every route that decides where traffic for `prefix` goes, from its baseline: exact, more specific, less specific within `owned`. */
export function announcedRoutes(b: BgpBaseline, owned: string[]): Array<RouteRef & { relation: 'exact' | 'more-specific' | 'less-specific' }> {
  const mine = owned.map((o) => parseCidr(o, { allowHostBits: true }));
  const within = (p: string) => {
    try {
      const c = parseCidr(p, { allowHostBits: true });
      return mine.some((o) => contains(o, c));
    } catch {
      return false;
    }
  };
  return [
    ...b.origins.map((origin) => ({ prefix: b.prefix, origin, relation: 'exact' as const })),
    ...b.moreSpecifics.map((r) => ({ ...r, relation: 'more-specific' as const })),
    ...b.lessSpecifics.filter((r) => within(r.prefix)).map((r) => ({ ...r, relation: 'less-specific' as const })),
  ];
}

/** One looking-glass sample of a prefix: how many collector peers see each origin right now. */
export interface VisibilitySample {
  prefix: string;
  /** Collector peers (rrc + peer address) with a route for the exact prefix, by origin AS. */
  peersByOrigin: Record<string, number>;
  peersWithRoute: number;
}

export function sampleFromLookingGlass(prefix: string, data: z.infer<typeof LookingGlassData>): VisibilitySample {
  const seen = new Map<string, number>();
  for (const rrc of data.rrcs) {
    for (const p of rrc.peers) {
      if (p.prefix !== prefix) continue; // the call may answer for a covering prefix
      // The origin is the last AS of the path (an AS_SET at the end is reported as asn_origin).
      const last = p.as_path.trim().split(/\s+/).pop();
      const origin = last && /^\d+$/.test(last) ? Number(last) : p.asn_origin;
      seen.set(`${rrc.rrc}|${p.peer}`, origin);
    }
  }
  const peersByOrigin: Record<string, number> = {};
  for (const origin of seen.values()) peersByOrigin[origin] = (peersByOrigin[origin] ?? 0) + 1;
  return { prefix, peersByOrigin, peersWithRoute: seen.size };
}

export interface VisibilityJudgement {
  prefix: string;
  ok: boolean;
  /** Share of all full-table collector peers that see the expected origin, in %. */
  expectedPercent: number;
  expectedPeers: number;
  totalPeers: number;
  /** Old origins (from the baseline) still seen, with their share in %. */
  oldOrigins: Array<{ origin: number; peers: number; percent: number }>;
  /** Origins that are neither expected nor old. */
  unexpectedOrigins: Array<{ origin: number; peers: number; percent: number }>;
  problems: string[];
}

const pct = (n: number, total: number) => (total > 0 ? Math.min(100, Math.round((1000 * n) / total) / 10) : 0);

/**
 * The after-advertisement verdict for one prefix: the expected origin seen by at least
 * `thresholdPercent` of all collector peers, no other origin, and (when required) the old origins gone
 * (seen by at most `oldOriginMaxPercent`, which absorbs a stale peer or two).
 */
export function judgeVisibility(a: {
  sample: VisibilitySample;
  expectedOrigin: number;
  oldOrigins: number[];
  totalPeers: number;
  thresholdPercent: number;
  oldOriginMaxPercent: number;
  requireOldOriginGone: boolean;
}): VisibilityJudgement {
  const total = Math.max(a.totalPeers, a.sample.peersWithRoute);
  const expectedPeers = a.sample.peersByOrigin[a.expectedOrigin] ?? 0;
  const others = Object.entries(a.sample.peersByOrigin)
    .map(([o, n]) => ({ origin: Number(o), peers: n, percent: pct(n, total) }))
    .filter((o) => o.origin !== a.expectedOrigin);
  const oldOrigins = others.filter((o) => a.oldOrigins.includes(o.origin));
  const unexpectedOrigins = others.filter((o) => !a.oldOrigins.includes(o.origin));
  const expectedPercent = pct(expectedPeers, total);
  const problems: string[] = [];
  if (expectedPercent < a.thresholdPercent) {
    problems.push(
      `${a.sample.prefix} is seen from AS${a.expectedOrigin} by ${expectedPeers} of ${total} collector peers (${expectedPercent} %), below ${a.thresholdPercent} %`,
    );
  }
  for (const o of unexpectedOrigins)
    problems.push(`${a.sample.prefix} is also seen from AS${o.origin} by ${o.peers} peers (${o.percent} %): an origin that neither you nor AWS announce`);
  if (a.requireOldOriginGone) {
    for (const o of oldOrigins.filter((x) => x.percent > a.oldOriginMaxPercent)) {
      problems.push(
        `the old origin AS${o.origin} is still seen for ${a.sample.prefix} by ${o.peers} peers (${o.percent} %): the previous provider has not withdrawn it`,
      );
    }
  }
  return { prefix: a.sample.prefix, ok: problems.length === 0, expectedPercent, expectedPeers, totalPeers: total, oldOrigins, unexpectedOrigins, problems };
}
