/**
 * The world's `internet` section: what the public internet shows about the customer's resources.
 *   rdap:   registry records (a CIDR or an ASN, the RIR holding it, the certificates in its remarks)
 *   roas:   ROAs (prefix, maxLength, authorized origin ASN): what validators publish as VRPs
 *   routes: announcements other than AWS's (the current provider's), and when they go away
 * plus the route collectors, the convergence of announcements, an optional validator export and faults.
 *
 * The same section is the registry AWS's own provisioning checks read (the `registry` section is
 * derived from it unless the world spells a record out), so a fault here also fails AWS's verification
 * when the pre-flight is skipped. A world without an `internet` section models a deployment whose
 * tasks cannot reach the internet: its deployment gets `internet.checks: "off"` (checks reported skipped).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { contains, formatCidr, overlaps, parseCidr, subnets } from '../../domain/cidr';
import { AMAZON_ASNS } from '../../domain/internet/evidence';
import { parseRdapResource } from '../../domain/internet/rdap';
import { RIRS } from '../../domain/internet/registries';

const Asn = z.number().int().min(0).max(4_294_967_295);

const Cidr = z.string().superRefine((text, ctx) => {
  try {
    parseCidr(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

// ------------------------------------------------------------------ faults

/** Faults that change what the internet shows (applied to the section itself). */
export const STATE_FAULTS = {
  Rpki: ['MissingRoa', 'ShortMaxLength'],
  Rdap: ['CertificateMismatch', 'CertificateExpired', 'CertificateMissing'],
  Bgp: ['OtherOrigin', 'SlowConvergence', 'OldOriginStays'],
} as const;
/** Faults of single requests to the services (consumed per request; `xN` for the first N). */
export const REQUEST_FAULTS = ['Unreachable', 'Timeout', 'ServerError', 'RateLimited', 'Garbage'] as const;
export const INTERNET_SERVICES = ['Rdap', 'Rpki', 'Bgp', 'All'] as const;
export type InternetService = (typeof INTERNET_SERVICES)[number];
export type StateFault = `${keyof typeof STATE_FAULTS}=${(typeof STATE_FAULTS)[keyof typeof STATE_FAULTS][number]}`;

const FAULT_RE = /^(?:Internet:)?(Rdap|Rpki|Bgp|All)=([A-Za-z]+?)(?:x(\d+))?$/;

export interface InternetFault {
  service: InternetService;
  fault: string;
  times?: number;
  kind: 'state' | 'request';
}

/** "Rpki=MissingRoa", "Internet:Bgp=SlowConvergence", "Rdap=Unreachablex2" (as in the world or --fault). */
export function parseInternetFault(text: string): InternetFault {
  const m = FAULT_RE.exec(text.trim());
  const known = [
    ...Object.entries(STATE_FAULTS).flatMap(([s, fs]) => fs.map((f) => `${s}=${f}`)),
    ...REQUEST_FAULTS.map((f) => `<Rdap|Rpki|Bgp|All>=${f}[xN]`),
  ];
  if (!m) throw new Error(`unknown internet fault "${text}"; known: ${known.join(', ')}`);
  const [, service, fault, times] = m as unknown as [string, InternetService, string, string | undefined];
  const stateFaults = (STATE_FAULTS as Record<string, readonly string[]>)[service];
  if (stateFaults?.includes(fault)) {
    if (times !== undefined) throw new Error(`internet fault "${text}": ${fault} changes the world; it takes no xN`);
    return { service, fault, kind: 'state' };
  }
  if ((REQUEST_FAULTS as readonly string[]).includes(fault)) return { service, fault, times: times === undefined ? undefined : Number(times), kind: 'request' };
  throw new Error(`unknown internet fault "${text}"; known: ${known.join(', ')}`);
}

/** Is a --fault spec one of the simulated internet's? */
export function isInternetFault(text: string): boolean {
  return /^Internet:/.test(text.trim());
}

// ------------------------------------------------------------------ the section

export const InternetWorldSection = z
  .object({
    rdap: z
      .array(
        z
          .object({
            /** A CIDR ("198.18.0.0/22") or an ASN ("AS64496"). */
            resource: z.string().superRefine((text, ctx) => {
              try {
                parseRdapResource(text);
              } catch (e) {
                ctx.addIssue({ code: 'custom', message: `must be a CIDR or an ASN such as AS64496: ${(e as Error).message}` });
              }
            }),
            registry: z.enum(RIRS).default('ARIN'),
            /** PEM certificates in the record's remarks (ARIN Public Comments, RIPE descr, APNIC remarks). */
            certificates: z
              .array(z.string().refine((s) => s.startsWith('file:') || s.includes('BEGIN CERTIFICATE'), 'must be a PEM certificate (or "file:path" to one)'))
              .default([]),
            holder: z.string().default('Example Corp'),
            /** The registry's handle (NET-198-18-0-0-1, EXAMPLE-NET, AS64496); derived when absent. */
            handle: z.string().optional(),
            name: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    roas: z
      .array(
        z
          .object({ prefix: Cidr, maxLength: z.number().int().min(0).max(128), asn: Asn })
          .strict()
          .refine((r) => r.maxLength >= parseCidr(r.prefix).prefix, { message: 'maxLength is shorter than the prefix itself', path: ['maxLength'] }),
      )
      .default([]),
    routes: z
      .array(
        z
          .object({
            prefix: Cidr,
            originAsn: Asn,
            /** `with-aws`: the announcer withdraws when AWS starts announcing this prefix or one inside it (the coordinated cutover); `never`. */
            withdraw: z.enum(['with-aws', 'never']).default('with-aws'),
            withdrawDelaySeconds: z.number().nonnegative().default(20),
            /** Seconds after the simulation starts; absent: announced (and converged) before it. */
            announcedAtSeconds: z.number().nonnegative().optional(),
          })
          .strict(),
      )
      .default([]),
    collectors: z
      .object({
        /** Full-table RIS peers simulated (the denominator of visibility). */
        peers: z.number().int().min(5).max(2000).default(40),
        rrcs: z
          .array(z.object({ rrc: z.string(), location: z.string() }).strict())
          .min(1)
          .default([
            { rrc: 'RRC00', location: 'Amsterdam, NL' },
            { rrc: 'RRC01', location: 'London, GB' },
            { rrc: 'RRC06', location: 'Tokyo, JP' },
            { rrc: 'RRC11', location: 'New York (NY), US' },
            { rrc: 'RRC15', location: 'Sao Paulo, BR' },
          ]),
      })
      .strict()
      .default({
        peers: 40,
        rrcs: [
          { rrc: 'RRC00', location: 'Amsterdam, NL' },
          { rrc: 'RRC01', location: 'London, GB' },
          { rrc: 'RRC06', location: 'Tokyo, JP' },
          { rrc: 'RRC11', location: 'New York (NY), US' },
          { rrc: 'RRC15', location: 'Sao Paulo, BR' },
        ],
      }),
    convergence: z
      .object({
        /** A new announcement reaches the collector peers spread over this long (AWS BYOIP: well under a minute for most). */
        seconds: z.number().positive().default(60),
        /** A withdrawal disappears from the peers over this long. */
        withdrawSeconds: z.number().positive().default(60),
        /** Share of peers that ever carry an announcement (some filter or prefer other paths). */
        reachPercent: z.number().min(1).max(100).default(97),
      })
      .strict()
      .default({ seconds: 60, withdrawSeconds: 60, reachPercent: 97 }),
    /** A validator's JSON export served at `url` (deployment `internet.rpki.source: "vrp-export"`). */
    validatorExport: z
      .object({
        url: z
          .string()
          .regex(/^https:\/\/[^/\s]+\/\S*$/)
          .default('https://rpki-validator.example.net/jsonext'),
        format: z.enum(['routinator-jsonext', 'rpki-client-json']).default('routinator-jsonext'),
      })
      .strict()
      .optional(),
    /** Faults: "Rpki=MissingRoa", "Rdap=CertificateMismatch", "Bgp=SlowConvergence", "Rdap=Unreachable", "Bgp=ServerErrorx2", ... */
    faults: z
      .array(
        z.string().superRefine((text, ctx) => {
          try {
            parseInternetFault(text);
          } catch (e) {
            ctx.addIssue({ code: 'custom', message: (e as Error).message });
          }
        }),
      )
      .default([]),
  })
  .strict();

export type InternetWorld = z.infer<typeof InternetWorldSection>;

// ------------------------------------------------------------------ state faults

const KEYS = join(__dirname, '..', '..', 'examples', 'keys');
const certificateFile = (name: string) => readFileSync(join(KEYS, name), 'utf8');
/** Someone else's certificate (examples/keys/wrong-rdap-certificate.pem). */
export const wrongCertificate = () => certificateFile('wrong-rdap-certificate.pem');
/** The customer's key, in a certificate that expired on 2025-01-01. */
export const expiredCertificate = () => certificateFile('expired-rdap-certificate.pem');

/** A hijacker (documentation ASN) for the OtherOrigin fault. */
export const OTHER_ORIGIN_ASN = 64511;
export const SLOW_CONVERGENCE_SECONDS = 4 * 3600;

/** The section as the given state faults make it (pure: returns a new section). */
export function applyStateFaults(world: InternetWorld, faults: readonly string[]): InternetWorld {
  const has = (f: string) => faults.includes(f);
  let out: InternetWorld = {
    ...world,
    rdap: world.rdap.map((r) => ({ ...r })),
    roas: world.roas.map((r) => ({ ...r })),
    routes: world.routes.map((r) => ({ ...r })),
  };
  if (has('Rpki=MissingRoa')) out.roas = out.roas.filter((r) => !(AMAZON_ASNS as readonly number[]).includes(r.asn));
  if (has('Rpki=ShortMaxLength')) out.roas = out.roas.map((r) => ({ ...r, maxLength: Math.min(r.maxLength, parseCidr(r.prefix).prefix) }));
  if (has('Rdap=CertificateMismatch')) out.rdap = out.rdap.map((r) => ({ ...r, certificates: [wrongCertificate()] }));
  if (has('Rdap=CertificateExpired')) out.rdap = out.rdap.map((r) => ({ ...r, certificates: [expiredCertificate()] }));
  if (has('Rdap=CertificateMissing')) out.rdap = out.rdap.map((r) => ({ ...r, certificates: [] }));
  if (has('Bgp=OldOriginStays')) out.routes = out.routes.map((r) => ({ ...r, withdraw: 'never' as const }));
  if (has('Bgp=SlowConvergence')) out = { ...out, convergence: { ...out.convergence, seconds: SLOW_CONVERGENCE_SECONDS } };
  if (has('Bgp=OtherOrigin')) {
    const blocks = out.rdap.map((r) => parseRdapResource(r.resource)).flatMap((r) => (r.kind === 'ip' ? [r.cidr] : []));
    const slash24s = blocks.flatMap((b) => (b.family === 4 && b.prefix <= 24 ? subnets(b, 24).slice(0, 16) : [b])).map(formatCidr);
    out.routes = [
      ...out.routes,
      ...[...new Set(slash24s)].map((prefix) => ({ prefix, originAsn: OTHER_ORIGIN_ASN, withdraw: 'never' as const, withdrawDelaySeconds: 0 })),
    ];
  }
  return out;
}

export function stateFaultsOf(faults: readonly string[]): string[] {
  return faults
    .map(parseInternetFault)
    .filter((f) => f.kind === 'state')
    .map((f) => `${f.service}=${f.fault}`);
}

// ------------------------------------------------------------------ the world loader's hook

type Json = any;

/** AWS's provisioning view of a prefix, as ec2-ipam and global-accelerator read `registry.prefixes`. */
function registryPrefix(world: InternetWorld, resource: string, explicit: Json): Json {
  const block = parseCidr(resource);
  const roas = world.roas.filter((r) => overlaps(parseCidr(r.prefix), block));
  const amazon = roas.filter((r) => (AMAZON_ASNS as readonly number[]).includes(r.asn));
  const lengths = (amazon.length ? amazon : roas).map((r) => r.maxLength);
  const cert = world.rdap.find((r) => r.resource === resource)?.certificates[0];
  return {
    cidr: resource,
    holder: 'Example Corp',
    ...explicit,
    rdapCertificate: explicit?.rdapCertificate ?? cert ?? wrongCertificate(),
    roa: explicit?.roa ?? { asns: [...new Set(roas.map((r) => r.asn))], maxLength: lengths.length ? Math.min(...lengths) : block.prefix },
  };
}

/**
 * Prepares the raw world (before validation): validates `internet`, applies its state faults, and
 * derives the `registry` records AWS's provisioning checks read; without `internet`, switches the
 * deployment's internet checks off. Errors read like the world loader's ("world.internet.roas.0...").
 */
export function prepareInternetWorld(raw: Json): Json {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  if (raw.internet === undefined) {
    const dep = raw.deployment && typeof raw.deployment === 'object' ? raw.deployment : {};
    if (dep.internet?.checks !== undefined) return raw;
    return { ...raw, deployment: { ...dep, internet: { ...(dep.internet ?? {}), checks: 'off' } } };
  }
  const parsed = InternetWorldSection.safeParse(raw.internet);
  if (!parsed.success) {
    throw new Error(`invalid world file:\n${parsed.error.issues.map((i) => `  world.internet.${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const world = applyStateFaults(parsed.data, stateFaultsOf(parsed.data.faults));
  const registry = raw.registry && typeof raw.registry === 'object' ? raw.registry : {};
  const prefixes: Json[] = [...(registry.prefixes ?? [])];
  const asns: Json[] = [...(registry.asns ?? [])];
  for (const r of world.rdap) {
    const res = parseRdapResource(r.resource);
    if (res.kind === 'ip') {
      const i = prefixes.findIndex((p) => p?.cidr === res.text);
      if (i >= 0) prefixes[i] = registryPrefix(world, res.text, prefixes[i]);
      else if (!prefixes.some((p) => typeof p?.cidr === 'string' && contains(parseCidr(p.cidr, { allowHostBits: true }), res.cidr)))
        prefixes.push(registryPrefix(world, res.text, undefined));
    } else {
      const asn = String(res.asn);
      const i = asns.findIndex((a) => String(a?.asn) === asn);
      const cert = r.certificates[0] ?? wrongCertificate();
      if (i >= 0) asns[i] = { holder: r.holder, rdapCertificate: cert, ...asns[i] };
      else asns.push({ asn, holder: r.holder, rdapCertificate: cert });
    }
  }
  return { ...raw, registry: { ...registry, prefixes, asns } };
}

/**
 * The world with `--fault Internet:...` specs added to its internet faults, so a state fault (a
 * missing ROA) reaches AWS's provisioning checks too, as it would in reality.
 */
export function withInternetFaults(world: Json, specs: readonly string[]): Json {
  if (specs.length === 0) return world;
  if (!world?.internet) throw new Error(`--fault ${specs[0]}: this world has no "internet" section to break`);
  const faults = specs.map((spec) => {
    const f = parseInternetFault(spec);
    return `${f.service}=${f.fault}${f.times !== undefined ? `x${f.times}` : ''}`;
  });
  return { ...world, internet: { ...world.internet, faults: [...(world.internet.faults ?? []), ...faults] } };
}
