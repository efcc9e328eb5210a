/**
 * `byoip doctor --cidr CIDR [--asn ASN]` (registered in cli/real-commands.ts): the workflows' pre-flight, run by hand before filing a
 * migration: is the certificate of the signing key in the RDAP record (and unexpired), do ROAs
 * authorize Amazon's ASNs (and yours) for every /24, who announces the prefix today. Reads the real
 * services (IANA, the RIRs, RIPEstat) with the deployment's internet settings, or a world's simulated
 * internet with --world (no network). The same gathering and judging code as PreflightInternetChecks.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { canonicalCidr } from '../domain/cidr';
import { DEFAULT_INTERNET_EVIDENCE, type InternetEvidenceConfig } from '../domain/internet/config';
import { AMAZON_ASNS, type PreflightResult } from '../domain/internet/evidence';
import { signerFromPrivateKey, type Signer } from '../domain/internet/rdap';
import { createSimulator } from '../sim';
import { connectSimulator } from '../sim/transport';
import { gatherPreflight } from '../platform/internet/evidence';

export interface DoctorOptions {
  cidr: string[];
  asn?: string;
  signingKey?: string;
  world?: string;
  json?: boolean;
}

function parseAsn(text: string): number {
  const m = /^(?:AS)?(\d{1,10})$/i.exec(text.trim());
  if (!m) throw new Error(`--asn ${text}: expected an ASN such as 64496 or AS64496`);
  return Number(m[1]);
}

/** Renders the pre-flight result for a terminal: one line per check, each problem with its fix. */
export function formatDoctor(r: PreflightResult): string {
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  const lines: string[] = [];
  for (const f of r.rdap) {
    lines.push(
      `${mark(f.ok)} RDAP ${f.resource} at ${f.registry}${f.handle ? ` (${f.handle})` : ''}${f.ok && f.certificate ? `: certificate ${f.certificate.subject}, valid until ${f.certificate.validTo.slice(0, 10)}, SHA-256 ${f.certificate.fingerprint256}` : ''}`,
    );
    if (!f.ok) lines.push(`    ${f.problem}`, `    fix ${f.fix}`);
  }
  for (const f of r.rpki) {
    lines.push(`${mark(f.ok)} RPKI ${f.prefix} from AS${f.origin}: ${f.status}${f.vrps.length ? ` (${f.vrps.join(', ')})` : ''}`);
    if (!f.ok) lines.push(`    ${f.problem}`, `    fix ${f.fix}`);
  }
  for (const b of r.bgp) {
    lines.push(
      `  BGP ${b.prefix} (RIS ${b.queryTime}): ${b.origins.length ? `originated by ${b.origins.map((o) => `AS${o}`).join(', ')}, seen by ${b.peersSeeing} of ${b.totalPeers} peers` : 'not announced'}` +
        (b.lessSpecifics.length ? `; covered by ${b.lessSpecifics.map((s) => `${s.prefix} AS${s.origin}`).join(', ')}` : ''),
    );
  }
  lines.push(r.passed ? 'All pre-flight checks pass.' : 'Pre-flight checks FAIL: fix the above, then run the migration (docs/runbook.md "Pre-flight").');
  return `${lines.join('\n')}\n`;
}

export async function doctorInternet(opts: DoctorOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (opts.cidr.length === 0) throw new Error('byoip doctor needs --cidr CIDR (repeatable)');
  const cidrs = opts.cidr.map((c) => canonicalCidr(c));
  const asn = opts.asn !== undefined ? parseAsn(opts.asn) : undefined;
  const signer: Signer = opts.signingKey ? signerFromPrivateKey(readFileSync(opts.signingKey, 'utf8'), `in ${opts.signingKey}`) : { kind: 'none' };
  const request = {
    rdapResources: [...cidrs, ...(asn !== undefined ? [`AS${asn}`] : [])],
    prefixes: cidrs,
    requiredOrigins: [...(asn !== undefined ? [asn] : []), ...AMAZON_ASNS],
    signer,
  };
  let result: PreflightResult;
  if (opts.world) {
    // The world's simulated internet, on its virtual clock: nothing leaves this machine.
    const file = resolve(opts.world);
    const sim = createSimulator(JSON.parse(readFileSync(file, 'utf8')), dirname(file));
    const cfg: InternetEvidenceConfig = sim.world.deployment.internet;
    const disconnect = connectSimulator(sim);
    try {
      result = await sim.clock.drive(() => gatherPreflight({ ...cfg, checks: 'on' }, request, new Date(Date.now())));
    } finally {
      disconnect();
    }
  } else {
    result = await gatherPreflight(DEFAULT_INTERNET_EVIDENCE, request, new Date());
  }
  out.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatDoctor(result));
  if (!opts.signingKey && !opts.json) out.write('(no --signing-key: the certificates were checked for presence and validity, not against your key)\n');
  return result.passed ? 0 : 1;
}
