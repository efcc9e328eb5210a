/**
 * RPKI route origin validation (RFC 6811), as a validator reports it: for a route (prefix, origin AS)
 * and the validated ROA payloads (VRPs), the status is
 *   valid          a covering VRP names the origin and allows the prefix length,
 *   invalid_asn    covering VRPs exist, none names the origin,
 *   invalid_length a covering VRP names the origin, but its maxLength is shorter than the prefix,
 *   unknown        no VRP covers the prefix.
 * VRPs come from RIPEstat's `rpki-validation` data call or from a validator's JSON export (Routinator
 * `jsonext`, rpki-client `json`); all are parsed here with their real formats.
 */
import * as z from 'zod';
import { contains, formatCidr, parseCidr } from '../cidr';
import { roaFix } from './registries';
import { RipestatEnvelope } from './ripestat';

export type RpkiStatus = 'valid' | 'invalid_asn' | 'invalid_length' | 'unknown';
export const RPKI_STATUSES: readonly RpkiStatus[] = ['valid', 'invalid_asn', 'invalid_length', 'unknown'];

export interface Vrp {
  asn: number;
  prefix: string;
  maxLength: number;
  /** Trust anchor (ripe, arin, ...), when the source says. */
  ta?: string;
}

/** "AS16509", "16509" or 16509 → 16509 (validators and RIPEstat use all three). */
export const AsnValue = z
  .union([z.number().int().nonnegative(), z.string().regex(/^(AS)?\d{1,10}$/i)])
  .transform((v) => (typeof v === 'number' ? v : Number(v.replace(/^AS/i, ''))));

/** RFC 6811 origin validation of one route. */
export function validateOrigin(prefix: string, origin: number, vrps: readonly Vrp[]): { status: RpkiStatus; covering: Vrp[]; matched: Vrp[] } {
  const route = parseCidr(prefix, { allowHostBits: true });
  const covering = vrps.filter((v) => {
    try {
      return contains(parseCidr(v.prefix, { allowHostBits: true }), route);
    } catch {
      return false;
    }
  });
  if (covering.length === 0) return { status: 'unknown', covering, matched: [] };
  // AS0 ROAs (RFC 6483) never match a route.
  const sameAs = covering.filter((v) => v.asn === origin && v.asn !== 0);
  const matched = sameAs.filter((v) => route.prefix <= v.maxLength);
  if (matched.length > 0) return { status: 'valid', covering, matched };
  return { status: sameAs.length > 0 ? 'invalid_length' : 'invalid_asn', covering, matched: [] };
}

// ------------------------------------------------------------------ RIPEstat rpki-validation

/** https://stat.ripe.net/data/rpki-validation/data.json?resource=AS16509&prefix=198.18.0.0/24 */
export const RipestatRpkiValidationData = z
  .object({
    resource: z.union([z.string(), z.number()]).transform(String),
    prefix: z.string(),
    validating_roas: z.array(
      z
        .object({
          origin: AsnValue,
          prefix: z.string(),
          max_length: z.number().int(),
          validity: z.string(),
        })
        .passthrough(),
    ),
    status: z.string(),
    validator: z.string().optional(),
  })
  .passthrough();
export const RipestatRpkiValidationSchema = RipestatEnvelope(RipestatRpkiValidationData);

/**
 * The status RIPEstat reports, checked against its own ROAs: RIPEstat has said "invalid" without the
 * reason in some versions; then the reason is recomputed from `validating_roas`.
 */
export function statusFromRipestat(data: z.infer<typeof RipestatRpkiValidationData>, origin: number): { status: RpkiStatus; vrps: Vrp[] } {
  const vrps: Vrp[] = data.validating_roas.map((r) => ({ asn: r.origin, prefix: r.prefix, maxLength: r.max_length }));
  const reported = data.status.toLowerCase();
  if ((RPKI_STATUSES as readonly string[]).includes(reported)) return { status: reported as RpkiStatus, vrps };
  if (reported === 'invalid' || reported === 'not-found' || reported === 'notfound') return { status: validateOrigin(data.prefix, origin, vrps).status, vrps };
  throw new Error(`RIPEstat reported RPKI status "${data.status}", which is not a validator status`);
}

// ------------------------------------------------------------------ validator exports

/** What every validator's export says of a VRP; each adds its own fields beside these. */
const VRP_FIELDS = { asn: AsnValue, prefix: z.string(), maxLength: z.number().int() };

const Validity = z.object({ notBefore: z.string(), notAfter: z.string() }).partial().passthrough();

/** Routinator `--format jsonext`: every VRP with the ROA(s) it came from. */
export const RoutinatorJsonextSchema = z
  .object({
    metadata: z.object({ generated: z.number().optional(), generatedTime: z.string().optional() }).passthrough(),
    roas: z.array(
      z
        .object({
          ...VRP_FIELDS,
          source: z.array(
            z
              .object({
                type: z.string(),
                uri: z.string().optional(),
                tal: z.string().optional(),
                validity: Validity.optional(),
                chainValidity: Validity.optional(),
                stale: z.union([z.string(), z.number()]).optional(),
              })
              .passthrough(),
          ),
        })
        .passthrough(),
    ),
  })
  .passthrough();

/** rpki-client `-j` (the `json` output file): VRPs with their trust anchor and expiry (epoch seconds). */
export const RpkiClientJsonSchema = z
  .object({
    metadata: z.object({ buildmachine: z.string().optional(), buildtime: z.string().optional() }).passthrough(),
    roas: z.array(
      z
        .object({
          ...VRP_FIELDS,
          ta: z.string().optional(),
          expires: z.number().optional(),
        })
        .passthrough(),
    ),
  })
  .passthrough();

export type VrpExportFormat = 'routinator-jsonext' | 'rpki-client-json';

/** Either export, told apart by its metadata (`generated` vs `buildmachine`/`buildtime`) and VRP shape. */
export const VrpExportSchema = z.union([RoutinatorJsonextSchema, RpkiClientJsonSchema]);

export function vrpsFromExport(doc: z.infer<typeof VrpExportSchema>): { format: VrpExportFormat; generatedAt?: string; vrps: Vrp[] } {
  const r = RoutinatorJsonextSchema.safeParse(doc);
  if (r.success && r.data.roas.every((v) => Array.isArray(v.source))) {
    const m = r.data.metadata;
    return {
      format: 'routinator-jsonext',
      generatedAt: m.generatedTime ?? (m.generated !== undefined ? new Date(m.generated * 1000).toISOString() : undefined),
      vrps: r.data.roas.map((v) => ({ asn: v.asn, prefix: v.prefix, maxLength: v.maxLength, ta: v.source.find((s) => s.tal)?.tal })),
    };
  }
  const c = RpkiClientJsonSchema.parse(doc);
  return {
    format: 'rpki-client-json',
    generatedAt: c.metadata.buildtime,
    vrps: c.roas.map((v) => ({ asn: v.asn, prefix: v.prefix, maxLength: v.maxLength, ta: v.ta })),
  };
}

// ------------------------------------------------------------------ the judgement

export interface RpkiFinding {
  prefix: string;
  origin: number;
  status: RpkiStatus;
  ok: boolean;
  /** Covering VRPs, as "AS16509 198.18.0.0/22-24". */
  vrps: string[];
  /** Which registry certifies the prefix (for the fix). */
  registry: string;
  problem?: string;
  fix?: string;
}

function vrpText(v: Vrp): string {
  return `AS${v.asn} ${v.prefix}-${v.maxLength}`;
}

/** The shortest covering ROA prefix (what the customer would edit), or the prefix itself. */
function roaPrefix(prefix: string, covering: Vrp[]): string {
  const lens = covering.map((v) => parseCidr(v.prefix, { allowHostBits: true })).sort((a, b) => a.prefix - b.prefix);
  return lens.length ? formatCidr(lens[0]) : prefix;
}

/** Judges one required origin of one prefix: it must be valid. */
export function judgeRequiredOrigin(a: { prefix: string; origin: number; status: RpkiStatus; vrps: Vrp[]; registry: string }): RpkiFinding {
  const length = parseCidr(a.prefix, { allowHostBits: true }).prefix;
  const covering = validateOrigin(a.prefix, a.origin, a.vrps).covering;
  const base: RpkiFinding = {
    prefix: a.prefix,
    origin: a.origin,
    status: a.status,
    ok: a.status === 'valid',
    vrps: covering.map(vrpText),
    registry: a.registry,
  };
  if (base.ok) return base;
  const seen = covering.length ? `; ROAs covering it: ${covering.map(vrpText).join(', ')}` : '';
  const problem = {
    invalid_asn: `no ROA authorizes AS${a.origin} to originate ${a.prefix} (RPKI invalid_asn${seen})`,
    invalid_length: `the ROA for AS${a.origin} does not allow ${a.prefix}: its max length is shorter than /${length} (RPKI invalid_length${seen})`,
    unknown: `no ROA covers ${a.prefix}, so nothing authorizes AS${a.origin} (RPKI unknown)`,
    valid: '',
  }[a.status];
  return { ...base, problem, fix: roaFix(a.registry, roaPrefix(a.prefix, covering), a.origin, Math.max(length, 24)) };
}

/**
 * Judges an origin that announces the prefix today and that this workflow does not bring: unless a
 * ROA authorizes it, ROV networks drop it once ROAs exist (AWS: "create the ROA for your existing ASN
 * before the Amazon ones"), or it is not the customer's announcement at all.
 */
export function judgeCurrentOrigin(a: { prefix: string; origin: number; status: RpkiStatus; vrps: Vrp[]; registry: string; announced: string }): RpkiFinding {
  const covering = validateOrigin(a.prefix, a.origin, a.vrps).covering;
  const base: RpkiFinding = {
    prefix: a.prefix,
    origin: a.origin,
    status: a.status,
    ok: a.status === 'valid',
    vrps: covering.map(vrpText),
    registry: a.registry,
  };
  if (base.ok) return base;
  const length = parseCidr(a.announced, { allowHostBits: true }).prefix;
  return {
    ...base,
    problem:
      `AS${a.origin} announces ${a.announced} today and is RPKI ${a.status} for it: networks that validate drop that route, ` +
      'and if AS' +
      a.origin +
      ' is not your current provider, someone else originates your prefix (find out before advertising from AWS)',
    fix: `${roaFix(a.registry, roaPrefix(a.announced, covering), a.origin, length)}; or have the announcement stopped if it is not yours`,
  };
}
