/**
 * The simulated internet as simulated hosts (sim.addHttpHost) answering in the real services' formats:
 *   data.iana.org/rdap/{ipv4,ipv6,asn}.json          IANA's RDAP bootstrap files
 *   rdap.arin.net, rdap.db.ripe.net, rdap.apnic.net,   the RIRs' RDAP (ip/ and autnum/ queries)
 *   rdap.lacnic.net, rdap.afrinic.net
 *   stat.ripe.net/data/{rpki-validation,routing-status,looking-glass}/data.json
 *   the world's validator export URL (Routinator jsonext or rpki-client json)
 * Route collectors see AWS's advertisements (read from the EC2 and Global Accelerator models) converge
 * over virtual minutes, and the world's other routes vanish when their announcer withdraws.
 * Faults: the world's `internet.faults`, or `--fault Internet:<Rdap|Rpki|Bgp|All>=<Fault>[xN]`.
 */
import { contains, formatCidr, parseCidr, type Cidr } from '../../domain/cidr';
import { parseRdapResource } from '../../domain/internet/rdap';
import { REGISTRIES, RIRS, type Rir } from '../../domain/internet/registries';
import { validateOrigin, type Vrp } from '../../domain/internet/rpki';
import type { HttpRequest, HttpResponse } from '../../platform/http';
import type { ServiceModel, Simulator } from '../simulator';
import { awsPrefixStates } from './aws-view';
import { autnum, bootstrapFile, ipNetwork, json, rdapNotFound, ripestat, ripestatError, statTime, validatorExport, type RdapRecordSeed } from './responses';
import { collectorPeers, peerRoutes, routeTable, type Announcer, type Peer, type Segment } from './routing';
import { applyStateFaults, InternetWorldSection, parseInternetFault, REQUEST_FAULTS, stateFaultsOf, type InternetService, type InternetWorld } from './world';
import { resourceRef } from '../resource-ref';

export const IANA_HOST = 'data.iana.org';
export const RIPESTAT_HOST = 'stat.ripe.net';

export interface InternetState {
  /** False when the world has no `internet` section: no host answers. */
  enabled: boolean;
  /** The section as seeded (world faults applied). */
  seeded: InternetWorld;
  peers: Peer[];
  /** AWS's announcements per prefix, as observed from its models. */
  aws: Map<string, Segment[]>;
  /** Withdrawals by hook (withdrawRoute): route index → epoch ms. */
  withdrawn: Map<number, number>;
  requests: Record<string, number>;
  cache?: { key: string; world: InternetWorld };
  /** AWS announcements whose convergence was recorded as a transition. */
  converged: Set<string>;
  /** Up to when each announcement's convergence was looked for (settle runs on every request). */
  convergenceCheckedUntil: Map<string, number>;
}

/** The section with the faults added at run time (sim.faults) applied too. */
function effective(state: InternetState, sim: Simulator): InternetWorld {
  const runtime = sim.faults.active
    .filter((r) => r.service === 'Internet')
    .map((r) => `${r.operation}=${r.error}`)
    .filter((f) => {
      try {
        return parseInternetFault(f).kind === 'state';
      } catch {
        return false;
      }
    });
  const key = runtime.sort().join(',');
  if (state.cache?.key !== key) state.cache = { key, world: runtime.length ? applyStateFaults(state.seeded, runtime) : state.seeded };
  return state.cache.world;
}

/** Takes one request fault for `service` (consumes an `xN` use), if any applies. */
function takeRequestFault(sim: Simulator, service: InternetService): string | undefined {
  for (const rule of sim.faults.active) {
    if (rule.service !== 'Internet' || (rule.operation !== service && rule.operation !== 'All')) continue;
    if (!(REQUEST_FAULTS as readonly string[]).includes(rule.error)) continue;
    if (rule.times !== undefined) {
      if (rule.times <= 0) continue;
      rule.times--;
    }
    return rule.error;
  }
  return undefined;
}

async function requestFault(sim: Simulator, service: InternetService, req: HttpRequest): Promise<HttpResponse | undefined> {
  const fault = takeRequestFault(sim, service);
  if (!fault) return undefined;
  const host = new URL(req.url).host;
  switch (fault) {
    case 'Unreachable':
      throw Object.assign(new Error(`connect ECONNREFUSED ${host}:443 (simulated internet fault)`), { code: 'ECONNREFUSED' });
    case 'Timeout':
      await new Promise((resolve) => setTimeout(resolve, req.timeoutMs ?? 10_000));
      throw Object.assign(new Error('The operation was aborted due to timeout (simulated internet fault)'), { name: 'TimeoutError', code: 23 });
    case 'ServerError':
      return { status: 503, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>503 Service Unavailable</h1></body></html>' };
    case 'RateLimited':
      return { status: 429, headers: { 'content-type': 'text/plain', 'retry-after': '1' }, body: 'Too Many Requests' };
    default:
      return { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Maintenance</body></html>' };
  }
}

// ------------------------------------------------------------------ routing state

function observeAws(state: InternetState, sim: Simulator): void {
  for (const p of awsPrefixStates(sim)) {
    if (p.status === 'changing') continue;
    const segs = state.aws.get(p.prefix) ?? [];
    const last = segs.at(-1);
    const open = last && last.to === undefined ? last : undefined;
    if (p.status === 'announcing') {
      if (!open) segs.push({ origin: p.origin, via: p.via, from: p.since });
      else if (open.origin !== p.origin) {
        open.to = p.since;
        segs.push({ origin: p.origin, via: p.via, from: p.since });
      }
    } else if (open) {
      open.to = Math.max(open.from, p.since);
    }
    if (segs.length) state.aws.set(p.prefix, segs);
  }
}

/** Every announcer: AWS per prefix, and each world route (withdrawn with AWS's arrival, or by hook). */
function announcers(state: InternetState, world: InternetWorld, startedAt: number): Announcer[] {
  const out: Announcer[] = [];
  for (const [prefix, segments] of state.aws)
    out.push({ id: `aws:${prefix}`, prefix, segments, convergedAtStart: segments[0]?.from === Number.NEGATIVE_INFINITY });
  world.routes.forEach((r, i) => {
    const route = parseCidr(r.prefix);
    const from = r.announcedAtSeconds === undefined ? Number.NEGATIVE_INFINITY : startedAt + r.announcedAtSeconds * 1000;
    let to = state.withdrawn.get(i);
    if (r.withdraw === 'with-aws') {
      const awsStarts = [...state.aws.entries()]
        .filter(([p]) => contains(route, parseCidr(p)))
        .flatMap(([, segs]) => segs.map((s) => s.from))
        .filter((t) => t > from && Number.isFinite(t));
      if (awsStarts.length) {
        const at = Math.min(...awsStarts) + r.withdrawDelaySeconds * 1000;
        to = to === undefined ? at : Math.min(to, at);
      }
    }
    out.push({
      id: `route:${i}:${r.originAsn}`,
      prefix: formatCidr(route),
      segments: [{ origin: r.originAsn, via: [], from, to }],
      convergedAtStart: from === Number.NEGATIVE_INFINITY,
    });
  });
  return out;
}

/** The model's state, settled to now (AWS's announcements observed). Every handler starts here. */
function settled(sim: Simulator): InternetState {
  return sim.state<InternetState>('internet');
}

function routesAt(state: InternetState, sim: Simulator, prefix: string, t: number) {
  const world = effective(state, sim);
  return peerRoutes(state.peers, announcers(state, world, sim.startedAt), prefix, t, world.convergence);
}

/**
 * Records when each AWS announcement became what the visibility check waits for (the expected origin
 * seen by the deployment's share of peers, other origins gone) as a resource transition
 * "bgp:<prefix>", at the moment it happened: the report's lower bound and timeline see the internet's
 * convergence like any AWS state change.
 */
function recordConvergence(state: InternetState, sim: Simulator, now: number): void {
  const bgp = sim.world.deployment.internet.bgp;
  const world = effective(state, sim);
  const all = announcers(state, world, sim.startedAt);
  for (const [prefix, segs] of state.aws) {
    const last = segs.at(-1)!;
    const key = `${prefix}|${last.origin}|${last.from}`;
    if (last.to !== undefined || !Number.isFinite(last.from) || state.converged.has(key)) continue;
    const since = state.convergenceCheckedUntil.get(key) ?? last.from - 1;
    if (now <= since) continue;
    state.convergenceCheckedUntil.set(key, now);
    const table = routeTable(state.peers, all, prefix, world.convergence);
    for (const t of [...table.changeTimes().filter((x) => x > since && x <= now), now]) {
      const routes = table.at(t);
      const expected = routes.filter((r) => r.origin === last.origin).length;
      const others = routes.length - expected;
      if (100 * expected >= bgp.visibilityPercent * state.peers.length && 100 * others <= bgp.oldOriginMaxPercent * state.peers.length) {
        state.converged.add(key);
        sim.recordTransition(resourceRef(`bgp:${prefix}`, [prefix]), 'converging', `seen from AS${last.origin}`, t);
        break;
      }
    }
  }
}

/** RIS collects RIB snapshots at 00:00, 08:00 and 16:00 UTC; routing-status answers from the last one. */
function lastDump(now: number): number {
  const eight = 8 * 3600_000;
  return Math.floor(now / eight) * eight;
}

// ------------------------------------------------------------------ RDAP

interface RdapEntry {
  seed: RdapRecordSeed;
  resource: ReturnType<typeof parseRdapResource>;
}

function rdapEntries(world: InternetWorld): RdapEntry[] {
  return world.rdap.map((r) => ({ seed: { ...r, registry: r.registry as Rir }, resource: parseRdapResource(r.resource) }));
}

/** The most specific record holding the query (RDAP answers a covering object). */
function findRecord(entries: RdapEntry[], query: ReturnType<typeof parseRdapResource>): RdapEntry | undefined {
  const holding = entries.filter((e) =>
    query.kind === 'asn' ? e.resource.kind === 'asn' && e.resource.asn === query.asn : e.resource.kind === 'ip' && contains(e.resource.cidr, query.cidr),
  );
  return holding.sort((a, b) => (b.resource.kind === 'ip' ? b.resource.cidr.prefix : 0) - (a.resource.kind === 'ip' ? a.resource.cidr.prefix : 0))[0];
}

function rdapHost(rir: Rir, state: InternetState, sim: Simulator) {
  const base = new URL(REGISTRIES[rir].rdapBaseUrl);
  return {
    matches: (req: HttpRequest) => state.enabled && hostnameOf(req.url) === base.hostname,
    handle: async (req: HttpRequest): Promise<HttpResponse> => {
      const fault = await requestFault(sim, 'Rdap', req);
      if (fault) return fault;
      settled(sim);
      count(state, 'rdap');
      const url = new URL(req.url);
      if (!url.pathname.startsWith(base.pathname)) return rdapNotFound(url.pathname);
      const path = decodeURIComponent(url.pathname.slice(base.pathname.length));
      const m = /^(ip|autnum)\/(.+)$/.exec(path);
      if (!m) return json(400, { errorCode: 400, title: 'Bad Request', description: [`unsupported query ${path}`] }, 'application/rdap+json');
      let query: ReturnType<typeof parseRdapResource>;
      try {
        query = m[1] === 'autnum' ? parseRdapResource(`AS${m[2]}`) : parseRdapResource(m[2].includes('/') ? m[2] : `${m[2]}/${m[2].includes(':') ? 128 : 32}`);
      } catch {
        return json(400, { errorCode: 400, title: 'Bad Request', description: [`malformed ${m[1]} ${m[2]}`] }, 'application/rdap+json');
      }
      const record = findRecord(rdapEntries(effective(state, sim)), query);
      if (!record) return rdapNotFound(`${m[1]} ${m[2]}`);
      if (record.seed.registry !== rir) {
        // An RIR refers a query for another RIR's resource to that RIR.
        return { status: 301, headers: { location: `${REGISTRIES[record.seed.registry].rdapBaseUrl}${path}` }, body: '' };
      }
      const self = url.href;
      const body = record.resource.kind === 'asn' ? autnum(record.seed, record.resource.asn, self) : ipNetwork(record.seed, self);
      return json(200, body, 'application/rdap+json');
    },
  };
}

function ianaHost(state: InternetState, sim: Simulator) {
  return {
    matches: (req: HttpRequest) => state.enabled && hostnameOf(req.url) === IANA_HOST,
    handle: async (req: HttpRequest): Promise<HttpResponse> => {
      const fault = await requestFault(sim, 'Rdap', req);
      if (fault) return fault;
      settled(sim);
      count(state, 'iana');
      const file = /^\/rdap\/(ipv4|ipv6|asn)\.json$/.exec(new URL(req.url).pathname)?.[1] as 'ipv4' | 'ipv6' | 'asn' | undefined;
      if (!file) return { status: 404, headers: { 'content-type': 'text/html' }, body: '<html><body>Not Found</body></html>' };
      const services: Array<[string[], Rir]> = [];
      for (const e of rdapEntries(effective(state, sim))) {
        if (file === 'asn' && e.resource.kind === 'asn') services.push([[`${e.resource.asn}-${e.resource.asn}`], e.seed.registry]);
        if (e.resource.kind === 'ip' && ((file === 'ipv4' && e.resource.cidr.family === 4) || (file === 'ipv6' && e.resource.cidr.family === 6))) {
          services.push([[coarseBlock(e.resource.cidr)], e.seed.registry]);
        }
      }
      return json(200, bootstrapFile(file, services, '2026-11-20T18:00:01Z'));
    },
  };
}

/** IANA's bootstrap lists /8s (IPv4) and the RIRs' IPv6 allocations (/12 to /23). */
function coarseBlock(c: Cidr): string {
  const len = c.family === 4 ? 8 : 16;
  return formatCidr(parseCidr(`${formatCidr(c).split('/')[0]}/${len}`, { allowHostBits: true }));
}

// ------------------------------------------------------------------ RIPEstat and the validator export

function vrpsOf(world: InternetWorld): Array<Vrp & { registry: Rir }> {
  const registryOf = (prefix: string): Rir => {
    const c = parseCidr(prefix);
    const holder = rdapEntries(world).filter((e) => e.resource.kind === 'ip' && (contains(e.resource.cidr, c) || contains(c, e.resource.cidr)))[0];
    return holder?.seed.registry ?? 'ARIN';
  };
  return world.roas.map((r) => ({ asn: r.asn, prefix: formatCidr(parseCidr(r.prefix)), maxLength: r.maxLength, registry: registryOf(r.prefix) }));
}

function parseAsn(text: string | null): number | undefined {
  const m = /^(?:AS)?(\d{1,10})$/i.exec(text ?? '');
  return m ? Number(m[1]) : undefined;
}

function ripestatHost(state: InternetState, sim: Simulator) {
  return {
    matches: (req: HttpRequest) => state.enabled && hostnameOf(req.url) === RIPESTAT_HOST,
    handle: async (req: HttpRequest): Promise<HttpResponse> => {
      const url = new URL(req.url);
      const call = /^\/data\/([a-z-]+)\/data\.json$/.exec(url.pathname)?.[1] ?? '';
      const fault = await requestFault(sim, call === 'rpki-validation' ? 'Rpki' : 'Bgp', req);
      if (fault) return fault;
      settled(sim);
      count(state, call || 'ripestat');
      const now = sim.clock.now();
      const world = effective(state, sim);
      const resource = url.searchParams.get('resource');
      if (call === 'rpki-validation') {
        const asn = parseAsn(resource);
        const prefix = url.searchParams.get('prefix');
        if (asn === undefined || !prefix) return ripestatError(400, 'rpki-validation needs resource (an ASN) and prefix', call, now);
        let canonical: string;
        try {
          canonical = formatCidr(parseCidr(prefix, { allowHostBits: true }));
        } catch {
          return ripestatError(400, `invalid prefix ${prefix}`, call, now);
        }
        const vrps = vrpsOf(world);
        const v = validateOrigin(canonical, asn, vrps);
        const len = parseCidr(canonical).prefix;
        return ripestat(
          call,
          {
            validating_roas: v.covering.map((r) => ({
              origin: String(r.asn),
              prefix: r.prefix,
              validity: r.asn !== asn ? 'invalid_asn' : len > r.maxLength ? 'invalid_length' : 'valid',
              max_length: r.maxLength,
            })),
            status: v.status,
            validator: 'routinator',
            resource: String(asn),
            prefix: canonical,
          },
          now,
        );
      }
      if (call !== 'routing-status' && call !== 'looking-glass') return ripestatError(404, `unknown data call ${call}`, call, now);
      let prefix: string;
      try {
        prefix = formatCidr(parseCidr(resource ?? '', { allowHostBits: true }));
      } catch {
        return ripestatError(400, `${call} needs resource (a prefix)`, call, now);
      }
      if (call === 'looking-glass') {
        const byRrc = new Map<string, { location: string; peers: unknown[] }>();
        for (const r of routesAt(state, sim, prefix, now)) {
          const entry = byRrc.get(r.peer.rrc) ?? { location: r.peer.location, peers: [] };
          entry.peers.push({
            asn_origin: String(r.origin),
            as_path: r.asPath.join(' '),
            community: '',
            largeCommunity: '',
            extendedCommunity: '',
            last_updated: statTime(Number.isFinite(r.lastUpdated) ? r.lastUpdated : sim.startedAt - 86_400_000 * 30),
            prefix,
            peer: r.peer.address,
            origin: 'IGP',
            next_hop: r.peer.address,
            latest_time: statTime(now),
            community_info: {},
          });
          byRrc.set(r.peer.rrc, entry);
        }
        return ripestat(
          call,
          {
            rrcs: [...byRrc.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([rrc, e]) => ({ rrc, location: e.location, peers: e.peers })),
            query_time: statTime(now),
            latest_time: statTime(now),
            parameters: { resource: prefix, look_back_limit: 86400, cache: null },
          },
          now,
        );
      }
      // routing-status: the last RIS snapshot.
      const at = Math.min(now, lastDump(now));
      const exact = routesAt(state, sim, prefix, at);
      const target = parseCidr(prefix);
      const related = (pred: (c: Cidr) => boolean) =>
        announcersPrefixes(state, world, sim.startedAt)
          .filter((p) => p !== prefix && pred(parseCidr(p)))
          .flatMap((p) => [...new Set(routesAt(state, sim, p, at).map((r) => r.origin))].map((origin) => ({ prefix: p, origin })));
      const origins = [...new Set(exact.map((r) => r.origin))];
      const seen =
        exact.length > 0
          ? {
              first_seen: { prefix, origin: String(origins[0]), time: '2025-06-01T00:00:00' },
              last_seen: { prefix, origin: String(origins[0]), time: statTime(at) },
            }
          : {};
      const v4 = target.family === 4;
      return ripestat(
        call,
        {
          ...seen,
          visibility: {
            v4: { ris_peers_seeing: v4 ? exact.length : 0, total_ris_peers: state.peers.length },
            v6: { ris_peers_seeing: v4 ? 0 : exact.length, total_ris_peers: state.peers.length },
          },
          origins: origins.map((origin) => ({ origin, route_objects: [] })),
          less_specifics: related((c) => contains(c, target)),
          more_specifics: related((c) => contains(target, c)),
          resource: prefix,
          query_time: statTime(at),
        },
        now,
      );
    },
  };
}

function announcersPrefixes(state: InternetState, world: InternetWorld, startedAt: number): string[] {
  return [...new Set(announcers(state, world, startedAt).map((a) => a.prefix))];
}

function validatorHost(state: InternetState, sim: Simulator) {
  return {
    matches: (req: HttpRequest) => {
      const exp = state.seeded.validatorExport;
      return state.enabled && exp !== undefined && hostnameOf(req.url) === new URL(exp.url).hostname;
    },
    handle: async (req: HttpRequest): Promise<HttpResponse> => {
      const exp = state.seeded.validatorExport!;
      const fault = await requestFault(sim, 'Rpki', req);
      if (fault) return fault;
      settled(sim);
      count(state, 'validator');
      if (new URL(req.url).pathname !== new URL(exp.url).pathname) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
      return json(200, validatorExport(exp.format, vrpsOf(effective(state, sim)), sim.clock.now()));
    },
  };
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function count(state: InternetState, what: string): void {
  state.requests[what] = (state.requests[what] ?? 0) + 1;
}

// ------------------------------------------------------------------ the model

export const internetModel: ServiceModel<InternetState> = {
  key: 'internet',
  service: 'Internet',
  seed(world, sim) {
    const raw = (world as { internet?: unknown }).internet;
    const seeded = InternetWorldSection.parse(raw ?? {});
    const state: InternetState = {
      enabled: raw !== undefined,
      seeded: applyStateFaults(seeded, stateFaultsOf(seeded.faults)),
      peers: collectorPeers(seeded.collectors.peers, seeded.collectors.rrcs),
      aws: new Map(),
      withdrawn: new Map(),
      requests: {},
      converged: new Set(),
      convergenceCheckedUntil: new Map(),
    };
    // The world's request faults become ordinary fault rules, consumed per request like --fault ones.
    for (const f of seeded.faults.map(parseInternetFault).filter((x) => x.kind === 'request')) {
      sim.faults.add({ service: 'Internet', operation: f.service, error: f.fault, times: f.times, phase: 'before' });
    }
    for (const rir of RIRS) sim.addHttpHost(rdapHost(rir, state, sim));
    sim.addHttpHost(ianaHost(state, sim));
    sim.addHttpHost(ripestatHost(state, sim));
    sim.addHttpHost(validatorHost(state, sim));
    return state;
  },
  operations: {},
  settle(state, now, sim) {
    if (!state.enabled) return;
    observeAws(state, sim);
    recordConvergence(state, sim, now);
  },
  snapshot(state, sim) {
    if (!state.enabled) return { enabled: false };
    const world = effective(state, sim);
    const now = sim.clock.now();
    const prefixes = announcersPrefixes(state, world, sim.startedAt);
    return {
      enabled: true,
      faults: [...new Set([...world.faults, ...sim.faults.active.filter((r) => r.service === 'Internet').map((r) => `${r.operation}=${r.error}`)])],
      roas: world.roas.length,
      requests: state.requests,
      routes: prefixes.map((p) => {
        const byOrigin: Record<string, number> = {};
        for (const r of routesAt(state, sim, p, now)) byOrigin[`AS${r.origin}`] = (byOrigin[`AS${r.origin}`] ?? 0) + 1;
        return { prefix: p, peers: state.peers.length, seenBy: byOrigin };
      }),
    };
  },
};

/**
 * The old provider withdraws now (the operator's word, or a test's hook): the world route(s) for
 * `prefix` (from `originAsn`, if given) start disappearing from the collectors.
 */
export function withdrawRoute(sim: Simulator, prefix: string, originAsn?: number): number {
  const state = settled(sim);
  const target = formatCidr(parseCidr(prefix, { allowHostBits: true }));
  let n = 0;
  effective(state, sim).routes.forEach((r, i) => {
    if (formatCidr(parseCidr(r.prefix)) === target && (originAsn === undefined || r.originAsn === originAsn) && !state.withdrawn.has(i)) {
      state.withdrawn.set(i, sim.clock.now());
      n++;
    }
  });
  return n;
}

/** What the collectors see for a prefix now, by origin (tests, the CLI). */
export function visibilityNow(sim: Simulator, prefix: string): { total: number; byOrigin: Record<number, number> } {
  const state = settled(sim);
  const byOrigin: Record<number, number> = {};
  for (const r of routesAt(state, sim, prefix, sim.clock.now())) byOrigin[r.origin] = (byOrigin[r.origin] ?? 0) + 1;
  return { total: state.peers.length, byOrigin };
}
