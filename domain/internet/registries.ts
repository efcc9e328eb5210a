/**
 * The five Regional Internet Registries as the evidence checks meet them: where their RDAP service
 * lives (as IANA's bootstrap registry names it), and what an operator does at each to fix a BYOIP
 * prerequisite, with how long that usually takes. One table, used by the failure messages, the
 * approval plan and docs/runbook.md.
 */

export type Rir = 'ARIN' | 'RIPE' | 'APNIC' | 'LACNIC' | 'AFRINIC';
export const RIRS: readonly Rir[] = ['ARIN', 'RIPE', 'APNIC', 'LACNIC', 'AFRINIC'];

export interface RegistryGuide {
  /** How operators name it. */
  readonly name: string;
  /** RDAP base URL as listed in IANA's bootstrap files (RFC 9224: ends with "/"). */
  readonly rdapBaseUrl: string;
  /** Where the BYOIP certificate goes in the record of an address block. */
  readonly certificateOnPrefix: string;
  /** Where it goes in the record of an ASN (BYOASN). */
  readonly certificateOnAsn: string;
  /** How long until RDAP shows a saved change. */
  readonly certificateDelay: string;
  /** Where ROAs are created. */
  readonly roa: string;
}

/** After a ROA is published: RPKI repositories and validators pick it up, then AWS does. */
export const ROA_DELAY = 'validators usually see a new or changed ROA within 10-60 minutes; AWS says it may take up to 24 hours to see it';

export const REGISTRIES: Record<Rir, RegistryGuide> = {
  ARIN: {
    name: 'ARIN',
    rdapBaseUrl: 'https://rdap.arin.net/registry/',
    certificateOnPrefix: 'ARIN Online: open the network (NET handle) and add the certificate, as one line, to its Public Comments',
    certificateOnAsn: 'ARIN Online: Manage ASN → Modify, and add the certificate, as one line, to the Public Comments of the ASN',
    certificateDelay: 'RDAP shows it within minutes of ARIN approving the change (ARIN may review comment edits: allow up to one business day)',
    roa: 'ARIN Online: Routing Security → RPKI (hosted) → Create ROA',
  },
  RIPE: {
    name: 'RIPE NCC',
    rdapBaseUrl: 'https://rdap.db.ripe.net/',
    certificateOnPrefix: 'RIPE Database: add a "descr:" attribute holding the certificate, as one line, to the inetnum/inet6num object',
    certificateOnAsn: 'RIPE Database: add a "descr:" attribute (not "remarks:") holding the certificate to the aut-num object',
    certificateDelay: 'RDAP shows the update within minutes',
    roa: 'LIR Portal: RPKI Dashboard → Create ROAs',
  },
  APNIC: {
    name: 'APNIC',
    rdapBaseUrl: 'https://rdap.apnic.net/',
    certificateOnPrefix: 'MyAPNIC: add a "remarks:" attribute holding the certificate, as one line, to the inetnum/inet6num object',
    certificateOnAsn: 'email helpdesk@apnic.net asking to add the certificate to the aut-num object',
    certificateDelay: 'self-service edits show in RDAP within minutes; helpdesk requests take 1-3 business days',
    roa: 'MyAPNIC: Resources → Route Management → create the ROA',
  },
  LACNIC: {
    name: 'LACNIC',
    rdapBaseUrl: 'https://rdap.lacnic.net/rdap/',
    certificateOnPrefix: 'ask LACNIC (hostmaster@lacnic.net) to add the certificate to the public remarks of the block',
    certificateOnAsn: 'ask LACNIC (hostmaster@lacnic.net) to add the certificate to the public remarks of the ASN',
    certificateDelay: 'a hostmaster request: allow a few business days',
    roa: 'MiLACNIC: RPKI → create ROA',
  },
  AFRINIC: {
    name: 'AFRINIC',
    rdapBaseUrl: 'https://rdap.afrinic.net/rdap/',
    certificateOnPrefix: 'AFRINIC MyAFRINIC / whois: add a "remarks:" attribute holding the certificate to the inetnum object',
    certificateOnAsn: 'AFRINIC MyAFRINIC / whois: add a "remarks:" attribute holding the certificate to the aut-num object',
    certificateDelay: 'RDAP shows it within minutes to hours',
    roa: 'MyAFRINIC: Resources → RPKI → create ROA',
  },
};

/** The RIR behind an RDAP base URL (by host), or undefined for another RDAP service. */
export function rirOfUrl(url: string): Rir | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  return RIRS.find((r) => new URL(REGISTRIES[r].rdapBaseUrl).hostname === host);
}

/** "ARIN", "RIPE NCC", ... or the host of an RDAP service that is not an RIR. */
export function registryName(url: string): string {
  const rir = rirOfUrl(url);
  if (rir) return REGISTRIES[rir].name;
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

function guideFor(registry: string): RegistryGuide | undefined {
  return RIRS.map((r) => REGISTRIES[r]).find((g) => g.name === registry);
}

/** What to do at `registry` so its RDAP record of `resource` carries the certificate, and how long it takes. */
export function certificateFix(registry: string, resource: string, record?: string): string {
  const g = guideFor(registry);
  const isAsn = /^AS\d+$/i.test(resource);
  const which = record && record !== resource ? `${resource}, record ${record}` : resource;
  if (!g) return `ask ${registry} to publish the X.509 certificate in the public remarks of ${which}`;
  return `at ${g.name} for ${which}: ${isAsn ? g.certificateOnAsn : g.certificateOnPrefix}; ${g.certificateDelay}`;
}

/** What to do at `registry` so a ROA authorizes `asn` for `prefix` with maxLength ≥ `length`. */
export function roaFix(registry: string, prefix: string, asn: number, maxLength: number): string {
  const g = guideFor(registry);
  const where = g ? `at ${g.name}: ${g.roa}` : `at ${registry}, the registry that certifies ${prefix}`;
  return `${where} for ${prefix}, origin AS${asn}, max length ${maxLength}; ${ROA_DELAY}`;
}
