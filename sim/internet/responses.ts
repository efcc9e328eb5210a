/**
 * The simulated services' answers, in the real services' JSON: IANA's RDAP bootstrap files (RFC 9224),
 * RDAP records (RFC 9083) as ARIN, RIPE NCC, APNIC, LACNIC and AFRINIC render them (where each puts
 * the certificate the customer pasted), RIPEstat data calls, and validator exports (Routinator
 * jsonext, rpki-client json). The parsers in domain/internet read exactly these shapes, and the
 * fixtures in test/fixtures/internet are real-format samples of the same.
 */
import { createHash } from 'node:crypto';
import { formatIpv4, formatIpv6, parseCidr, type Cidr } from '../../domain/cidr';
import { REGISTRIES, type Rir } from '../../domain/internet/registries';
import type { Vrp } from '../../domain/internet/rpki';
import type { HttpResponse } from '../../platform/http';

type Json = Record<string, unknown>;

export function json(status: number, body: unknown, contentType = 'application/json'): HttpResponse {
  const text = JSON.stringify(body);
  return { status, headers: { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)) }, body: text };
}

/** RIPEstat (and RDAP) timestamps: ISO 8601 without the zone, as RIPEstat prints them. */
export function statTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/Z$/, '')
    .replace(/\.000$/, '');
}

function lastAddress(c: Cidr): string {
  const size = 1n << BigInt((c.family === 4 ? 32 : 128) - c.prefix);
  return c.family === 4 ? formatIpv4(Number(BigInt(c.base) + size - 1n)) : formatIpv6(c.base + size - 1n);
}

function firstAddress(c: Cidr): string {
  return c.family === 4 ? formatIpv4(c.base) : formatIpv6(c.base);
}

/** One line, as AWS's instructions produce it (`tr -d "\n"`). */
export function oneLine(pem: string): string {
  return pem.replace(/\r?\n/g, '');
}

// ------------------------------------------------------------------ IANA bootstrap

export function bootstrapFile(kind: 'ipv4' | 'ipv6' | 'asn', services: Array<[string[], Rir]>, publication: string): Json {
  const description = {
    ipv4: 'RDAP bootstrap file for IPv4 address allocations',
    ipv6: 'RDAP bootstrap file for IPv6 address allocations',
    asn: 'RDAP bootstrap file for Autonomous System Number allocations',
  }[kind];
  const byRir = new Map<Rir, string[]>();
  for (const [entries, rir] of services) byRir.set(rir, [...(byRir.get(rir) ?? []), ...entries]);
  return {
    description,
    publication,
    version: '1.0',
    services: [...byRir.entries()].map(([rir, entries]) => {
      const base = REGISTRIES[rir].rdapBaseUrl;
      // IANA lists the https URL and, for some RIRs, the http one too.
      return [[...new Set(entries)].sort(), rir === 'ARIN' || rir === 'LACNIC' ? [base, base.replace('https://', 'http://')] : [base]];
    }),
  };
}

// ------------------------------------------------------------------ RDAP records

export interface RdapRecordSeed {
  resource: string;
  registry: Rir;
  certificates: string[];
  holder: string;
  handle?: string;
  name?: string;
}

function arinNetHandle(c: Cidr): string {
  return `NET${c.family === 6 ? '6' : ''}-${firstAddress(c).replace(/[.:]/g, '-')}-1`;
}

function slug(holder: string): string {
  return holder
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const NOTICES: Record<Rir, Json[]> = {
  ARIN: [
    {
      title: 'Terms of Service',
      description: ['By using the ARIN RDAP/Whois service, you are agreeing to the RDAP/Whois Terms of Use'],
      links: [{ rel: 'terms-of-service', type: 'text/html', href: 'https://www.arin.net/resources/registry/whois/tou/' }],
    },
    {
      title: 'Whois Inaccuracy Reporting',
      description: ['If you see inaccuracies in the results, please visit: '],
      links: [{ rel: 'inaccuracy-report', type: 'text/html', href: 'https://www.arin.net/resources/registry/whois/inaccuracy_reporting/' }],
    },
    { title: 'Copyright Notice', description: ['Copyright 1997-2026, American Registry for Internet Numbers, Ltd.'] },
  ],
  RIPE: [
    { title: 'Filtered', description: ['This output has been filtered.'] },
    { title: 'Source', description: ['Objects returned came from source', 'RIPE'] },
    {
      title: 'Terms and Conditions',
      description: ['This is the RIPE Database query service. The objects are in RDAP format.'],
      links: [{ rel: 'terms-of-service', type: 'application/pdf', href: 'https://apps.db.ripe.net/docs/HTML-Terms-And-Conditions' }],
    },
  ],
  APNIC: [
    { title: 'Source', description: ['Objects returned came from source', 'APNIC'] },
    {
      title: 'Terms and Conditions',
      description: ['This is the APNIC WHOIS Database query service. The objects are in RDAP format.'],
      links: [{ rel: 'terms-of-service', type: 'text/html', href: 'http://www.apnic.net/db/dbcopyright.html' }],
    },
  ],
  LACNIC: [{ title: 'Terms of Use', description: ['LACNIC RDAP service. See https://www.lacnic.net/'] }],
  AFRINIC: [{ title: 'Terms and Conditions', description: ['This is the AfriNIC Whois server. The objects are in RDAP format.'] }],
};

const CONFORMANCE: Record<Rir, string[]> = {
  ARIN: ['nro_rdap_profile_0', 'rdap_level_0', 'cidr0', 'arin_originas0'],
  RIPE: ['cidr0', 'rdap_level_0', 'nro_rdap_profile_0', 'redacted'],
  APNIC: ['history_version_0', 'nro_rdap_profile_0', 'cidr0', 'rdap_level_0'],
  LACNIC: ['rdap_level_0', 'cidr0', 'nro_rdap_profile_0'],
  AFRINIC: ['rdap_level_0', 'cidr0', 'nro_rdap_profile_0'],
};

/**
 * Where each RIR puts the certificate: ARIN's Public Comments come out as a remark titled
 * "Registration Comments"; RIPE's descr lines as an untitled remark; APNIC's descr and remarks as
 * remarks titled "description" and "remarks"; LACNIC and AFRINIC as "remarks".
 */
function remarks(r: RdapRecordSeed): Json[] {
  const certs = r.certificates.map(oneLine);
  switch (r.registry) {
    case 'ARIN':
      return certs.length ? [{ title: 'Registration Comments', description: certs }] : [];
    case 'RIPE':
      return [{ description: [r.holder, ...certs] }];
    case 'APNIC':
      return [{ title: 'description', description: [r.holder] }, ...(certs.length ? [{ title: 'remarks', description: certs }] : [])];
    default:
      return [{ title: 'remarks', description: [r.holder, ...certs] }];
  }
}

function registrant(r: RdapRecordSeed, self: string): Json {
  return {
    objectClassName: 'entity',
    handle: r.registry === 'ARIN' ? `${slug(r.holder).slice(0, 8)}-1` : `ORG-${slug(r.holder).slice(0, 6)}1-${r.registry}`,
    roles: ['registrant'],
    vcardArray: [
      'vcard',
      [
        ['version', {}, 'text', '4.0'],
        ['fn', {}, 'text', r.holder],
        ['kind', {}, 'text', 'org'],
      ],
    ],
    links: [{ value: self, rel: 'self', type: 'application/rdap+json', href: self }],
  };
}

const EVENTS = [
  { eventAction: 'registration', eventDate: '2015-03-02T10:31:45Z' },
  { eventAction: 'last changed', eventDate: '2026-11-22T21:55:03Z' },
];

export function ipNetwork(r: RdapRecordSeed, self: string): Json {
  const c = parseCidr(r.resource);
  const start = firstAddress(c);
  const end = lastAddress(c);
  const handle = r.handle ?? (r.registry === 'ARIN' ? arinNetHandle(c) : `${start} - ${end}`);
  const cidr0 = c.family === 4 ? { v4prefix: start, length: c.prefix } : { v6prefix: start, length: c.prefix };
  return {
    rdapConformance: CONFORMANCE[r.registry],
    notices: NOTICES[r.registry],
    handle,
    startAddress: start,
    endAddress: end,
    ipVersion: c.family === 4 ? 'v4' : 'v6',
    name: r.name ?? `${slug(r.holder)}-NET`,
    type: r.registry === 'ARIN' ? 'DIRECT ALLOCATION' : 'ASSIGNED PA',
    ...(r.registry === 'ARIN' ? {} : { country: r.registry === 'RIPE' ? 'NL' : r.registry === 'APNIC' ? 'AU' : r.registry === 'LACNIC' ? 'BR' : 'ZA' }),
    remarks: remarks(r),
    events: EVENTS,
    links: [{ value: self, rel: 'self', type: 'application/rdap+json', href: self }],
    entities: [registrant(r, self)],
    port43: `whois.${new URL(REGISTRIES[r.registry].rdapBaseUrl).hostname.replace(/^rdap\.(db\.)?/, '')}`,
    status: ['active'],
    objectClassName: 'ip network',
    cidr0_cidrs: [cidr0],
    ...(r.registry === 'ARIN' ? { arin_originas0_originautnums: [] } : {}),
  };
}

export function autnum(r: RdapRecordSeed, asn: number, self: string): Json {
  return {
    rdapConformance: CONFORMANCE[r.registry],
    notices: NOTICES[r.registry],
    handle: r.handle ?? `AS${asn}`,
    startAutnum: asn,
    endAutnum: asn,
    name: r.name ?? `${slug(r.holder)}-AS`,
    remarks: remarks(r),
    events: EVENTS,
    links: [{ value: self, rel: 'self', type: 'application/rdap+json', href: self }],
    entities: [registrant(r, self)],
    status: ['active'],
    objectClassName: 'autnum',
  };
}

export function rdapNotFound(what: string): HttpResponse {
  return json(404, { errorCode: 404, title: 'Not Found', description: [`${what} not found`] }, 'application/rdap+json');
}

// ------------------------------------------------------------------ RIPEstat

const RIPESTAT_VERSIONS: Record<string, string> = { 'rpki-validation': '0.3', 'routing-status': '3.2', 'looking-glass': '2.1' };

export function ripestat(call: string, data: unknown, now: number): HttpResponse {
  const queryId = createHash('sha256')
    .update(`${call}${now}${JSON.stringify(data)}`)
    .digest('hex');
  return json(200, {
    messages: [],
    see_also: [],
    version: RIPESTAT_VERSIONS[call] ?? '1.0',
    data_call_name: call,
    data_call_status: 'supported',
    cached: false,
    query_id: `${statTime(now).replace(/[-:T]/g, '').slice(0, 14)}-${queryId.slice(0, 8)}-${queryId.slice(8, 12)}-${queryId.slice(12, 16)}-${queryId.slice(16, 20)}-${queryId.slice(20, 32)}`,
    process_time: 48,
    server_id: 'app181',
    build_version: 'v0.12.2-2026.10.23',
    status: 'ok',
    status_code: 200,
    time: statTime(now),
    data,
  });
}

export function ripestatError(status: number, message: string, call: string, now: number): HttpResponse {
  return json(status, {
    messages: [['error', message]],
    see_also: [],
    version: RIPESTAT_VERSIONS[call] ?? '1.0',
    data_call_name: call,
    data_call_status: 'supported',
    cached: false,
    status: 'error',
    status_code: status,
    time: statTime(now),
    data: {},
  });
}

// ------------------------------------------------------------------ validator exports

const TAL: Record<Rir, string> = { ARIN: 'arin', RIPE: 'ripe', APNIC: 'apnic', LACNIC: 'lacnic', AFRINIC: 'afrinic' };

export function validatorExport(format: 'routinator-jsonext' | 'rpki-client-json', vrps: Array<Vrp & { registry: Rir }>, now: number): Json {
  const epoch = Math.floor(now / 1000);
  if (format === 'rpki-client-json') {
    return {
      metadata: {
        buildmachine: 'rpki.example.net',
        buildtime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        elapsedtime: 214,
        usertime: 93,
        systemtime: 41,
        roas: vrps.length,
        failedroas: 0,
        invalidroas: 0,
        vrps: vrps.length,
        uniquevrps: vrps.length,
      },
      roas: vrps.map((v) => ({ asn: v.asn, prefix: v.prefix, maxLength: v.maxLength, ta: TAL[v.registry], expires: epoch + 8 * 3600 })),
    };
  }
  return {
    metadata: { generated: epoch, generatedTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z') },
    roas: vrps.map((v) => {
      const id = createHash('sha256').update(`${v.prefix}${v.asn}`).digest('base64url').slice(0, 27);
      return {
        asn: `AS${v.asn}`,
        prefix: v.prefix,
        maxLength: v.maxLength,
        source: [
          {
            type: 'roa',
            uri: `rsync://rpki.${TAL[v.registry]}.example.net/repository/${id}.roa`,
            tal: TAL[v.registry],
            validity: { notBefore: '2026-11-22T22:10:00Z', notAfter: '2027-11-22T22:10:00Z' },
            chainValidity: { notBefore: '2026-11-22T22:10:00Z', notAfter: new Date(now + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
            stale: epoch + 8 * 3600,
          },
        ],
      };
    }),
    routerKeys: [],
    aspas: [],
  };
}
