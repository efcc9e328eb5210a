/**
 * https://ip-ranges.amazonaws.com/ip-ranges.json, simulated: serves one of the world's generated
 * publications (the world, or a test, chooses which), optionally after an outage, and only over HTTPS
 * on that host. The AWS-managed CloudFront prefix lists in ec2-network follow the served version.
 */
import * as z from 'zod';
import type { HttpRequest, HttpResponse } from '../../../platform/http';
import { documentMd5, documentText, generatePublications, ipSpaceChangedEvent, originFacing, type Publication } from './publications';
import type { ServiceModel, Simulator } from '../../simulator';

export const IP_RANGES_HOST = 'ip-ranges.amazonaws.com';

const PublicationSeed = z
  .object({
    createdAt: z.iso.datetime({ offset: true }).optional(),
    churn: z.number().int().min(0).max(1000).optional(),
    originFacing: z
      .object({
        addIpv4: z.number().int().min(0).max(1000).optional(),
        removeIpv4: z.number().int().min(0).max(1000).optional(),
        addIpv6: z.number().int().min(0).max(1000).optional(),
        removeIpv6: z.number().int().min(0).max(1000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const IpRangesWorldSection = z
  .object({
    seed: z.number().int().default(20261201),
    ipv4Prefixes: z.number().int().min(10).max(20_000).default(4200),
    ipv6Prefixes: z.number().int().min(10).max(20_000).default(1800),
    originFacingIpv4: z.number().int().min(1).max(1000).default(45),
    originFacingIpv6: z.number().int().min(0).max(1000).default(14),
    publications: z.array(PublicationSeed).min(1).default([{}]),
    /** Index of the publication served at the start (default: the last). */
    serve: z.number().int().min(0).optional(),
    /** The first `requests` fetches answer `status` (an S3/CloudFront hiccup). */
    outage: z.object({ status: z.number().int().min(400).max(599).default(503), requests: z.number().int().min(1) }).optional(),
  })
  .strict();

export interface IpRangesState {
  options: z.infer<typeof IpRangesWorldSection>;
  /** Generated lazily: a world that never fetches the file does not pay for it. */
  cache?: Publication[];
  /** This world's publications, shared with every simulator of the same world (GENERATED). */
  shared?: Generated;
  served: number;
  /** Publications that go live later (virtual epoch ms), e.g. the file lagging its notification. */
  scheduled: Array<{ index: number; at: number }>;
  outageLeft: number;
  fetches: number;
}

/**
 * Publications, their text and md5 are a function of the options and times alone: every simulator built
 * from the same world shares them (a test suite or the fault sweep builds hundreds; each used to draw,
 * print and hash the ~6,000 prefixes again). Read-only once made.
 */
interface Generated {
  publications: Publication[];
  texts: Map<number, { text: string; md5: string }>;
}
const GENERATED = new Map<string, Generated>();
const GENERATED_KEPT = 8;

function generated(state: IpRangesState, sim: Simulator): Generated {
  if (state.shared) return state.shared;
  const n = state.options.publications.length;
  // Unless given, publication i was created (n-1-i) hours before the simulation starts.
  const times = state.options.publications.map((_, i) => new Date(sim.startedAt - (n - 1 - i) * 3600_000).toISOString());
  const key = JSON.stringify([state.options, times]);
  let entry = GENERATED.get(key);
  if (!entry) {
    if (GENERATED.size >= GENERATED_KEPT) GENERATED.delete(GENERATED.keys().next().value!);
    entry = { publications: generatePublications(state.options, state.options.publications, times), texts: new Map() };
    GENERATED.set(key, entry);
  }
  state.shared = entry;
  return entry;
}

export function publications(state: IpRangesState, sim: Simulator): Publication[] {
  state.cache ??= generated(state, sim).publications;
  return state.cache;
}

function published(state: IpRangesState, sim: Simulator, index: number): { text: string; md5: string } {
  const { texts } = generated(state, sim);
  let entry = texts.get(index);
  if (!entry) {
    const text = documentText(publications(state, sim)[index]);
    entry = { text, md5: documentMd5(text) };
    texts.set(index, entry);
  }
  return entry;
}

export function publicationText(state: IpRangesState, sim: Simulator, index: number): string {
  return published(state, sim, index).text;
}

/** What tests and the CLI need to know about a publication: token, md5, the origin-facing sets. */
export function publicationInfo(sim: Simulator, index?: number) {
  const state = sim.state<IpRangesState>('ip-ranges');
  const all = publications(state, sim);
  const i = index ?? state.served;
  if (i < 0 || i >= all.length) throw new Error(`the world has ${all.length} ip-ranges publications; there is no #${i}`);
  const p = all[i];
  const { text, md5 } = published(state, sim, i);
  return {
    index: i,
    syncToken: p.syncToken,
    createdAt: p.createdAt,
    createDate: p.createDate,
    md5,
    bytes: Buffer.byteLength(text),
    originFacing: originFacing(p),
    totals: { ipv4: p.prefixes.length, ipv6: p.ipv6_prefixes.length },
  };
}

/**
 * Makes the simulated host serve publication `index` (AWS publishing a new version), now or
 * `afterSeconds` of virtual time from now (a CDN that lags the notification).
 */
export function serveIpRanges(sim: Simulator, index: number, opts: { afterSeconds?: number } = {}): void {
  const state = sim.state<IpRangesState>('ip-ranges');
  if (index < 0 || index >= state.options.publications.length) throw new Error(`no ip-ranges publication #${index}`);
  if (opts.afterSeconds) state.scheduled.push({ index, at: sim.clock.now() + opts.afterSeconds * 1000 });
  else state.served = index;
}

function applySchedule(state: IpRangesState, now: number): void {
  for (const s of [...state.scheduled].sort((a, b) => a.at - b.at)) {
    if (s.at > now) continue;
    state.served = s.index;
    state.scheduled.splice(state.scheduled.indexOf(s), 1);
  }
}

/** The AmazonIpSpaceChanged SNS event for a publication. */
export function notificationFor(sim: Simulator, index?: number, opts: { md5?: string; url?: string } = {}) {
  const info = publicationInfo(sim, index);
  return ipSpaceChangedEvent({ syncToken: info.syncToken, createdAt: info.createdAt, md5: info.md5 }, opts);
}

function respond(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/xml', ...headers }, body };
}

export const ipRangesModel: ServiceModel<IpRangesState> = {
  key: 'ip-ranges',
  service: 'IpRanges',
  seed(world, sim) {
    const options = IpRangesWorldSection.parse(world.ipRanges ?? {});
    if (options.serve !== undefined && options.serve >= options.publications.length)
      throw new Error(`world.ipRanges.serve: there are only ${options.publications.length} publications`);
    const state: IpRangesState = {
      options,
      served: options.serve ?? options.publications.length - 1,
      scheduled: [],
      outageLeft: options.outage?.requests ?? 0,
      fetches: 0,
    };
    sim.addHttpHost({
      matches: (req: HttpRequest) => {
        try {
          return new URL(req.url).hostname === IP_RANGES_HOST;
        } catch {
          return false;
        }
      },
      handle: (req: HttpRequest) => {
        const url = new URL(req.url);
        if (url.protocol !== 'https:') return respond(301, '', { location: `https://${IP_RANGES_HOST}${url.pathname}` });
        if (url.pathname !== '/ip-ranges.json')
          return respond(
            404,
            '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
          );
        if ((req.method ?? 'GET') !== 'GET' && req.method !== 'HEAD') return respond(405, '<Error><Code>MethodNotAllowed</Code></Error>');
        state.fetches++;
        applySchedule(state, sim.clock.now());
        if (state.outageLeft > 0) {
          state.outageLeft--;
          return respond(options.outage!.status, '<Error><Code>ServiceUnavailable</Code><Message>Please reduce your request rate.</Message></Error>');
        }
        const { text, md5 } = published(state, sim, state.served);
        const p = publications(state, sim)[state.served];
        return {
          status: 200,
          headers: {
            'content-type': 'application/json',
            etag: `"${md5}"`,
            'last-modified': new Date(p.createdAt).toUTCString(),
            'content-length': String(Buffer.byteLength(text)),
          },
          body: req.method === 'HEAD' ? '' : text,
        };
      },
    });
    return state;
  },
  operations: {},
  /** The publications as a world section (sim/world-out.ts), serving the one served now. */
  toWorld(state, _sim, note) {
    if (state.scheduled.length) note(`ip-ranges: ${state.scheduled.length} publication(s) scheduled to go live later are not written`);
    const { outage: _outage, serve: _serve, ...options } = state.options;
    return {
      ipRanges: {
        ...options,
        serve: state.served,
        ...(state.outageLeft > 0 ? { outage: { status: state.options.outage!.status, requests: state.outageLeft } } : {}),
      },
    };
  },
  snapshot(state, sim) {
    if (!state.cache) return { url: `https://${IP_RANGES_HOST}/ip-ranges.json`, served: state.served, fetches: state.fetches };
    const info = publicationInfo(sim, state.served);
    return {
      url: `https://${IP_RANGES_HOST}/ip-ranges.json`,
      served: info.index,
      syncToken: info.syncToken,
      md5: info.md5,
      bytes: info.bytes,
      totals: info.totals,
      originFacing: { ipv4: info.originFacing.ipv4.length, ipv6: info.originFacing.ipv6.length },
      fetches: state.fetches,
    };
  },
};
