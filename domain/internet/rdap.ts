/**
 * RDAP evidence for BYOIP and BYOASN (pure): IANA's bootstrap registry (RFC 9224) finds the RIR, the
 * RIR's record (RFC 9083 "ip network" or "autnum") carries the X.509 certificate the customer put in
 * its remarks (ARIN Public Comments, RIPE descr, APNIC remarks: every RIR renders them as `remarks`,
 * with or without a title), and the certificate must belong to the key that signs the authorization
 * message and must not have expired.
 */
import { constants, createHash, createPrivateKey, createPublicKey, verify, X509Certificate, type KeyObject } from 'node:crypto';
import * as z from 'zod';
import { decodeSignature } from '../authorization';
import { contains, formatCidr, parseCidr, parseIpv4, parseIpv6, type Cidr } from '../cidr';
import { certificateFix } from './registries';

// ------------------------------------------------------------------ IANA bootstrap (RFC 9224)

/** data.iana.org/rdap/{ipv4,ipv6,asn}.json: services are [[entries], [base URLs]]. */
export const BootstrapSchema = z
  .object({
    version: z.string(),
    publication: z.string(),
    description: z.string().optional(),
    services: z.array(z.tuple([z.array(z.string()), z.array(z.string())]).rest(z.unknown())),
  })
  .passthrough();
export type Bootstrap = z.infer<typeof BootstrapSchema>;

export type RdapResource = { kind: 'ip'; cidr: Cidr; text: string } | { kind: 'asn'; asn: number; text: string };

/** "198.18.0.0/22" or "AS64496" (also "64496"). */
export function parseRdapResource(text: string): RdapResource {
  const asn = /^(?:AS)?(\d{1,10})$/i.exec(text.trim());
  if (asn) return { kind: 'asn', asn: Number(asn[1]), text: `AS${Number(asn[1])}` };
  const cidr = parseCidr(text);
  return { kind: 'ip', cidr, text: formatCidr(cidr) };
}

/** Which bootstrap file answers for a resource. */
export function bootstrapFile(r: RdapResource): 'ipv4.json' | 'ipv6.json' | 'asn.json' {
  if (r.kind === 'asn') return 'asn.json';
  return r.cidr.family === 4 ? 'ipv4.json' : 'ipv6.json';
}

/**
 * The RDAP base URL for a resource: the longest matching prefix (IP) or the range holding the ASN.
 * HTTPS is preferred, as RFC 9224 asks. Undefined when no service is registered for it.
 */
export function rdapBaseUrl(bootstrap: Bootstrap, r: RdapResource): string | undefined {
  let best: { urls: string[]; length: number } | undefined;
  for (const [entries, urls] of bootstrap.services) {
    for (const entry of entries) {
      if (r.kind === 'asn') {
        const m = /^(\d+)(?:-(\d+))?$/.exec(entry.trim());
        if (!m) continue;
        const lo = Number(m[1]);
        const hi = m[2] === undefined ? lo : Number(m[2]);
        if (r.asn >= lo && r.asn <= hi) best = { urls, length: 0 };
      } else {
        let block: Cidr;
        try {
          block = parseCidr(entry.includes('/') ? entry : `${entry}/${r.cidr.family === 4 ? 32 : 128}`);
        } catch {
          continue;
        }
        if (contains(block, r.cidr) && (!best || block.prefix > best.length)) best = { urls, length: block.prefix };
      }
    }
  }
  if (!best || best.urls.length === 0) return undefined;
  const url = best.urls.find((u) => u.startsWith('https://')) ?? best.urls[0];
  return url.endsWith('/') ? url : `${url}/`;
}

/** The RDAP query URL (RFC 9082): {base}ip/{prefix}/{length} or {base}autnum/{n}. */
export function rdapQueryUrl(baseUrl: string, r: RdapResource): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return r.kind === 'asn' ? `${base}autnum/${r.asn}` : `${base}ip/${r.text}`;
}

// ------------------------------------------------------------------ RDAP objects (RFC 9083)

const Remark = z
  .object({
    title: z.string().optional(),
    type: z.string().optional(),
    description: z.array(z.string()).default([]),
  })
  .passthrough();

const Event = z.object({ eventAction: z.string(), eventDate: z.string() }).passthrough();

export const RdapIpNetworkSchema = z
  .object({
    objectClassName: z.literal('ip network'),
    handle: z.string().optional(),
    startAddress: z.string(),
    endAddress: z.string(),
    ipVersion: z.enum(['v4', 'v6']).optional(),
    name: z.string().optional(),
    type: z.string().optional(),
    remarks: z.array(Remark).default([]),
    events: z.array(Event).default([]),
    /** The NRO "cidr0" extension most RIRs add. */
    cidr0_cidrs: z.array(z.object({ v4prefix: z.string().optional(), v6prefix: z.string().optional(), length: z.number() }).passthrough()).optional(),
    port43: z.string().optional(),
  })
  .passthrough();

export const RdapAutnumSchema = z
  .object({
    objectClassName: z.literal('autnum'),
    handle: z.string().optional(),
    startAutnum: z.number(),
    endAutnum: z.number(),
    name: z.string().optional(),
    type: z.string().optional(),
    remarks: z.array(Remark).default([]),
    events: z.array(Event).default([]),
    port43: z.string().optional(),
  })
  .passthrough();

export const RdapObjectSchema = z.discriminatedUnion('objectClassName', [RdapIpNetworkSchema, RdapAutnumSchema]);
export type RdapObject = z.infer<typeof RdapObjectSchema>;

/** RFC 9083 §6: what an RDAP server answers with a 4xx/5xx. */
export const RdapErrorSchema = z.object({ errorCode: z.number(), title: z.string().optional(), description: z.array(z.string()).optional() }).passthrough();

function addressValue(a: string): bigint {
  return a.includes(':') ? parseIpv6(a) : BigInt(parseIpv4(a));
}

/** Does the record cover the resource asked for? (An RIR answers with the most specific covering object.) */
export function recordCovers(record: RdapObject, r: RdapResource): boolean {
  if (record.objectClassName === 'autnum') return r.kind === 'asn' && record.startAutnum <= r.asn && r.asn <= record.endAutnum;
  if (r.kind !== 'ip') return false;
  try {
    const first = BigInt(r.cidr.base);
    const last = first + (1n << BigInt((r.cidr.family === 4 ? 32 : 128) - r.cidr.prefix)) - 1n;
    return addressValue(record.startAddress) <= first && last <= addressValue(record.endAddress);
  } catch {
    return false;
  }
}

/** The record's range for messages: its cidr0 prefix when it has exactly one, else start - end. */
export function recordRange(record: RdapObject): string {
  if (record.objectClassName === 'autnum')
    return record.startAutnum === record.endAutnum ? `AS${record.startAutnum}` : `AS${record.startAutnum}-AS${record.endAutnum}`;
  const c = record.cidr0_cidrs;
  if (c?.length === 1) return `${c[0].v4prefix ?? c[0].v6prefix}/${c[0].length}`;
  return `${record.startAddress} - ${record.endAddress}`;
}

const PEM_RE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * Every PEM certificate in the record's remarks, re-wrapped as standard PEM. The customer pastes it
 * as one line (AWS's instructions strip the newlines); registries may split or re-space long lines,
 * so all whitespace inside the armor is dropped before the base64 is re-wrapped.
 */
export function certificatesInRecord(record: RdapObject): string[] {
  const out: string[] = [];
  for (const remark of record.remarks) {
    const text = remark.description.join('\n');
    for (const m of text.matchAll(PEM_RE)) {
      const body = m[1].replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]+=*$/.test(body)) continue;
      out.push(`-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`);
    }
  }
  return [...new Set(out)];
}

// ------------------------------------------------------------------ the judgement

/** What the workflow will sign with, as the pre-flight knows it. */
export type Signer =
  /** The signing key's public part (SPKI DER, base64), derived from the key in Secrets Manager. */
  | { kind: 'public-key'; spkiDerBase64: string; source: string }
  /** Messages signed already (the input's `authorization.messages` / BYOASN `message`), per resource. */
  | { kind: 'signed-messages'; messages: Array<{ resource: string; message: string; signature: string }> }
  /** Nothing to compare with (the doctor without a key): the certificate is only checked for presence and validity. */
  | { kind: 'none' };

export interface CertificateInfo {
  subject: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 of the DER certificate, hex with colons (what `openssl x509 -fingerprint -sha256` prints). */
  fingerprint256: string;
}

export interface RdapFinding {
  resource: string;
  registry: string;
  url: string;
  ok: boolean;
  handle?: string;
  range?: string;
  certificate?: CertificateInfo;
  /** Why the check failed, naming the resource and the registry. */
  problem?: string;
  /** What to do, where, and how long it usually takes. */
  fix?: string;
}

function certInfo(cert: X509Certificate): CertificateInfo {
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    fingerprint256: cert.fingerprint256,
  };
}

function spkiOf(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** The public part of a PEM private key, as the Signer a pre-flight compares with. The key stays here. */
export function signerFromPrivateKey(pem: string, source: string, passphrase?: string): Signer {
  const pub = createPublicKey(createPrivateKey({ key: pem, format: 'pem', passphrase }));
  return { kind: 'public-key', spkiDerBase64: spkiOf(pub), source };
}

/** A short, stable id of a public key (SHA-256 of its SPKI DER), for messages. */
export function keyId(spkiDerBase64: string): string {
  return createHash('sha256').update(Buffer.from(spkiDerBase64, 'base64')).digest('hex').slice(0, 16);
}

function matchesSigner(cert: X509Certificate, signer: Signer, resource: string): { ok: boolean; why?: string } {
  if (signer.kind === 'none') return { ok: true };
  if (signer.kind === 'public-key') {
    const ok = spkiOf(cert.publicKey) === signer.spkiDerBase64;
    return ok
      ? { ok }
      : {
          ok,
          why: `its public key (${keyId(spkiOf(cert.publicKey))}) is not the public key of the signing key ${signer.source} (${keyId(signer.spkiDerBase64)})`,
        };
  }
  const mine = signer.messages.filter((m) => m.resource === resource || resourceCovers(resource, m.resource));
  if (mine.length === 0) return { ok: false, why: `no signed authorization message names ${resource}` };
  for (const m of mine) {
    let raw: Buffer;
    try {
      raw = decodeSignature(m.signature);
    } catch {
      return { ok: false, why: `the signature for ${m.resource} is not in AWS's base64 form` };
    }
    const ok = verify(
      'sha256',
      Buffer.from(m.message, 'utf8'),
      { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
      raw,
    );
    if (!ok)
      return { ok: false, why: `the signature of "${m.message}" does not verify against it (signed with another key, or the message changed after signing)` };
  }
  return { ok: true };
}

function resourceCovers(recordResource: string, messageResource: string): boolean {
  try {
    const a = parseRdapResource(recordResource);
    const b = parseRdapResource(messageResource);
    return a.kind === 'ip' && b.kind === 'ip' && contains(a.cidr, b.cidr);
  } catch {
    return false;
  }
}

/**
 * Judges one resource's RDAP evidence. `record` is undefined when the registry answered 404. A record
 * may carry several certificates (an old and a new one): one that matches the signer and is valid now
 * is enough.
 */
export function judgeRdapRecord(a: {
  resource: string;
  registry: string;
  url: string;
  record: RdapObject | undefined;
  signer: Signer;
  now: Date;
}): RdapFinding {
  const base = { resource: a.resource, registry: a.registry, url: a.url };
  const fail = (problem: string, extra: Partial<RdapFinding> = {}): RdapFinding => ({
    ...base,
    ...extra,
    ok: false,
    problem,
    fix: certificateFix(a.registry, a.resource, extra.handle ?? extra.range),
  });
  if (!a.record) return fail(`${a.registry} has no RDAP record for ${a.resource} (${a.url} answered 404)`);
  const r = parseRdapResource(a.resource);
  const where = { handle: a.record.handle, range: recordRange(a.record) };
  if (!recordCovers(a.record, r)) return fail(`the RDAP record ${where.handle ?? ''} (${where.range}) at ${a.registry} does not cover ${a.resource}`, where);
  const pems = certificatesInRecord(a.record);
  if (pems.length === 0)
    return fail(`the RDAP record of ${a.resource} at ${a.registry} (${where.handle ?? where.range}) carries no X.509 certificate in its remarks`, where);
  const reasons: string[] = [];
  let matchingExpired: CertificateInfo | undefined;
  for (const pem of pems) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch (e) {
      reasons.push(`a certificate does not parse (${(e as Error).message})`);
      continue;
    }
    const info = certInfo(cert);
    const match = matchesSigner(cert, a.signer, a.resource);
    if (!match.ok) {
      reasons.push(`certificate ${info.subject}: ${match.why}`);
      continue;
    }
    const from = Date.parse(info.validFrom);
    const to = Date.parse(info.validTo);
    if (a.now.getTime() < from || a.now.getTime() > to) {
      matchingExpired = info;
      reasons.push(`certificate ${info.subject} ${a.now.getTime() > to ? `expired on ${info.validTo}` : `is not valid before ${info.validFrom}`}`);
      continue;
    }
    return { ...base, ...where, ok: true, certificate: info };
  }
  return fail(
    `the certificate in the RDAP record of ${a.resource} at ${a.registry} (${where.handle ?? where.range}) cannot authorize this workflow: ${reasons.join('; ')}`,
    { ...where, certificate: matchingExpired },
  );
}
