/**
 * Gathering evidence from the internet's public services through the one HTTP client (fetchJson):
 * IANA's RDAP bootstrap → the RIR's RDAP record; RPKI origin validation from RIPEstat or a validator
 * export; RIS routing-status (the "before") and looking-glass (now). The pre-flight task, the
 * visibility check and `byoip doctor` all gather through these functions and judge with domain/internet.
 */
import { contains, formatCidr, parseCidr, subnets } from '../../domain/cidr';
import {
  announcedRoutes,
  baselineFromRoutingStatus,
  LookingGlassSchema,
  RoutingStatusSchema,
  sampleFromLookingGlass,
  type BgpBaseline,
  type VisibilitySample,
} from '../../domain/internet/bgp';
import type { InternetEvidenceConfig } from '../../domain/internet/config';
import { summarizePreflight, type PreflightResult } from '../../domain/internet/evidence';
import {
  BootstrapSchema,
  bootstrapFile,
  judgeRdapRecord,
  parseRdapResource,
  rdapBaseUrl,
  RdapObjectSchema,
  rdapQueryUrl,
  type Bootstrap,
  type RdapFinding,
  type Signer,
} from '../../domain/internet/rdap';
import { registryName } from '../../domain/internet/registries';
import { ripestatUrl } from '../../domain/internet/ripestat';
import {
  judgeCurrentOrigin,
  judgeRequiredOrigin,
  RipestatRpkiValidationSchema,
  statusFromRipestat,
  validateOrigin,
  VrpExportSchema,
  vrpsFromExport,
  type RpkiFinding,
  type RpkiStatus,
  type Vrp,
} from '../../domain/internet/rpki';
import { fetchJson } from '../http';

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Each announced prefix as the /24s (IPv4) or /48s (IPv6) AWS may advertise from it (at most 16 per prefix). */
export function advertisablePrefixes(prefixes: readonly string[]): string[] {
  const out = prefixes.flatMap((p) => {
    const c = parseCidr(p, { allowHostBits: true });
    const unit = c.family === 4 ? 24 : 48;
    return c.prefix >= unit ? [formatCidr(c)] : subnets(c, unit).slice(0, 16).map(formatCidr);
  });
  return [...new Set(out)];
}

/** The client settings for RDAP and RIPEstat, from the deployment. */
function http(cfg: InternetEvidenceConfig) {
  return { timeoutMs: cfg.http.timeoutMs, attempts: cfg.http.attempts, maxBytes: cfg.http.maxResponseBytes };
}

// ------------------------------------------------------------------ RDAP

export class RdapDirectory {
  private readonly files = new Map<string, Promise<Bootstrap>>();
  constructor(private readonly cfg: InternetEvidenceConfig) {}

  private bootstrap(file: string): Promise<Bootstrap> {
    let p = this.files.get(file);
    if (!p) {
      const root = this.cfg.rdapBootstrapUrl.endsWith('/') ? this.cfg.rdapBootstrapUrl : `${this.cfg.rdapBootstrapUrl}/`;
      p = fetchJson({ url: `${root}${file}`, schema: BootstrapSchema, what: `IANA's RDAP bootstrap ${file}`, ...http(this.cfg) }).then((r) => r.data!);
      this.files.set(file, p);
    }
    return p;
  }

  /** The RDAP base URL responsible for a resource, and its registry's name. */
  async serviceFor(resource: string): Promise<{ baseUrl: string; registry: string } | undefined> {
    const r = parseRdapResource(resource);
    const base = rdapBaseUrl(await this.bootstrap(bootstrapFile(r)), r);
    return base ? { baseUrl: base, registry: registryName(base) } : undefined;
  }

  /** Finds the record of `resource` and judges its certificate against `signer`. */
  async check(resource: string, signer: Signer, now: Date): Promise<RdapFinding> {
    const r = parseRdapResource(resource);
    const service = await this.serviceFor(r.text);
    if (!service) {
      return {
        resource: r.text,
        registry: 'IANA',
        url: `${this.cfg.rdapBootstrapUrl}${bootstrapFile(r)}`,
        ok: false,
        problem: `IANA's RDAP bootstrap names no registry for ${r.text}`,
        fix: `check that ${r.text} is typed correctly and is allocated by an RIR`,
      };
    }
    const url = rdapQueryUrl(service.baseUrl, r);
    const res = await fetchJson({
      url,
      schema: RdapObjectSchema,
      accept: 'application/rdap+json',
      what: `the RDAP record of ${r.text} at ${service.registry}`,
      emptyStatuses: [404],
      ...http(this.cfg),
    });
    // A referral to another RIR: that one holds the record.
    const registry = registryName(res.url);
    return judgeRdapRecord({ resource: r.text, registry, url: res.url, record: res.data, signer, now });
  }
}

// ------------------------------------------------------------------ RIS (RIPEstat)

export async function routingStatus(cfg: InternetEvidenceConfig, prefix: string): Promise<BgpBaseline> {
  const url = ripestatUrl(cfg.ripestatUrl, 'routing-status', { resource: prefix }, cfg.sourceApp);
  const res = await fetchJson({ url, schema: RoutingStatusSchema, what: `RIPEstat routing-status of ${prefix}`, ...http(cfg) });
  return baselineFromRoutingStatus(prefix, res.data!.data);
}

export async function lookingGlass(cfg: InternetEvidenceConfig, prefix: string): Promise<VisibilitySample> {
  const url = ripestatUrl(cfg.ripestatUrl, 'looking-glass', { resource: prefix }, cfg.sourceApp);
  const res = await fetchJson({ url, schema: LookingGlassSchema, what: `RIPEstat looking-glass of ${prefix}`, ...http(cfg) });
  return sampleFromLookingGlass(prefix, res.data!.data);
}

// ------------------------------------------------------------------ RPKI

/** Origin validation from the configured source: RIPEstat per route, or one validator export for all. */
export class RpkiSource {
  private exported?: Promise<{ vrps: Vrp[]; label: string }>;
  constructor(private readonly cfg: InternetEvidenceConfig) {}

  get label(): string {
    return this.cfg.rpki.source === 'ripestat' ? 'RIPEstat rpki-validation' : `validator export ${this.cfg.rpki.vrpExportUrl}`;
  }

  private export(): Promise<{ vrps: Vrp[]; label: string }> {
    this.exported ??= fetchJson({
      url: this.cfg.rpki.vrpExportUrl!,
      schema: VrpExportSchema,
      what: "the validator's VRP export",
      timeoutMs: Math.max(this.cfg.http.timeoutMs, 60_000),
      attempts: this.cfg.http.attempts,
      maxBytes: this.cfg.http.maxExportBytes,
    }).then((r) => {
      const e = vrpsFromExport(r.data!);
      return { vrps: e.vrps, label: `${e.format} export${e.generatedAt ? ` of ${e.generatedAt}` : ''}` };
    });
    return this.exported;
  }

  async validate(prefix: string, origin: number): Promise<{ status: RpkiStatus; vrps: Vrp[] }> {
    if (this.cfg.rpki.source === 'vrp-export') {
      const { vrps } = await this.export();
      const v = validateOrigin(prefix, origin, vrps);
      return { status: v.status, vrps: v.covering };
    }
    const url = ripestatUrl(this.cfg.ripestatUrl, 'rpki-validation', { resource: `AS${origin}`, prefix }, this.cfg.sourceApp);
    const res = await fetchJson({
      url,
      schema: RipestatRpkiValidationSchema,
      what: `RIPEstat rpki-validation of ${prefix} from AS${origin}`,
      ...http(this.cfg),
    });
    return statusFromRipestat(res.data!.data, origin);
  }
}

// ------------------------------------------------------------------ the pre-flight

export interface PreflightRequest {
  /** Records that must carry the signing key's certificate: the CIDRs provisioned with a message, or AS<n>. */
  rdapResources: string[];
  /** Prefixes AWS will announce (checked as /24s). */
  prefixes: string[];
  /** Origins each prefix needs a valid ROA for. */
  requiredOrigins: number[];
  signer: Signer;
}

/** Everything the pre-flight checks, gathered and judged; throws only when a service fails (classified). */
export async function gatherPreflight(cfg: InternetEvidenceConfig, req: PreflightRequest, now: Date): Promise<PreflightResult> {
  const directory = new RdapDirectory(cfg);
  const rpki = new RpkiSource(cfg);
  const prefixes = advertisablePrefixes(req.prefixes);
  const [rdap, bgp] = await Promise.all([
    mapLimit(req.rdapResources, 4, (r) => directory.check(r, req.signer, now)),
    mapLimit(prefixes, 4, (p) => routingStatus(cfg, p)),
  ]);
  // The customer's space: the RDAP records' ranges (a covering allocation), else the resources asked for.
  const owned = rdap
    .flatMap((f) => [f.range, f.resource])
    .filter((r): r is string => {
      try {
        return r !== undefined && parseRdapResource(r).kind === 'ip';
      } catch {
        return false;
      }
    });
  // Which registry certifies each prefix: the one whose record was checked, else the bootstrap's answer.
  const registryOf = async (prefix: string) => {
    const c = parseCidr(prefix, { allowHostBits: true });
    const known = rdap.find((f) => {
      const r = parseRdapResource(f.resource);
      return r.kind === 'ip' && contains(r.cidr, c);
    });
    return known?.registry ?? (await directory.serviceFor(prefix))?.registry ?? 'the RIR';
  };
  const checks: Array<{ prefix: string; origin: number; kind: 'required' | 'current'; announced: string }> = [];
  for (const p of prefixes) for (const origin of req.requiredOrigins) checks.push({ prefix: p, origin, kind: 'required', announced: p });
  for (const b of bgp) {
    for (const route of announcedRoutes(b, owned.length ? owned : prefixes)) {
      if (req.requiredOrigins.includes(route.origin) && route.prefix === b.prefix) continue;
      if (!checks.some((c) => c.prefix === route.prefix && c.origin === route.origin))
        checks.push({ prefix: route.prefix, origin: route.origin, kind: 'current', announced: route.prefix });
    }
  }
  const findings: RpkiFinding[] = await mapLimit(checks, 4, async (c) => {
    const [{ status, vrps }, registry] = await Promise.all([rpki.validate(c.prefix, c.origin), registryOf(c.prefix)]);
    return c.kind === 'required'
      ? judgeRequiredOrigin({ prefix: c.prefix, origin: c.origin, status, vrps, registry })
      : judgeCurrentOrigin({ prefix: c.prefix, origin: c.origin, status, vrps, registry, announced: c.announced });
  });
  const partial = {
    skipped: false,
    skipReason: null,
    checkedAt: now.toISOString(),
    sources: { rdap: `IANA bootstrap ${cfg.rdapBootstrapUrl}`, rpki: rpki.label, bgp: `RIPE RIS via ${cfg.ripestatUrl} (routing-status)` },
    rdap,
    rpki: findings,
    bgp,
  };
  return { ...partial, ...summarizePreflight(partial) };
}
