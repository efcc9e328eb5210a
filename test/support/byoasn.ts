/** Test helpers for the BYOASN workflows: the BYOASN rehearsal world, its inputs, and a view of its ASNs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSimulator, type Simulator } from '../../sim';
import { formatAuthorizationMessage, signAuthorizationMessage, yyyymmdd } from '../../domain/authorization';
import { ACCOUNT, EXAMPLES, SIGNING_KEY } from './world';
import { mergeJson } from '../../runner/scenarios';
import { operatorView, sections } from '../../runner/world-view';

type Json = any;

export const REGIONAL_POOL = 'ipam-pool-0b0a5e00000000002';
export const CIDR_A = '198.19.0.0/24';
export const CIDR_B = '198.19.1.0/24';

export function byoasnSim(patch?: Json): Simulator {
  const world = mergeJson(JSON.parse(readFileSync(join(EXAMPLES, 'byoasn-world.json'), 'utf8')), patch);
  return createSimulator(world, EXAMPLES);
}

export function byoasnInput(name: 'byoasn-onboard' | 'asn-swap' | 'byoasn-teardown', patch?: Json): Json {
  return mergeJson(JSON.parse(readFileSync(join(EXAMPLES, `${name}.input.json`), 'utf8')), patch);
}

/** A signed ASN authorization message, expiring `days` after `now`. */
export function signedAsnMessage(asn: string, now: Date, opts: { key?: string; account?: string; days?: number } = {}) {
  const expiry = yyyymmdd(new Date(now.getTime() + (opts.days ?? 30) * 86_400_000));
  const message = formatAuthorizationMessage({ account: opts.account ?? ACCOUNT, resource: asn, expiry });
  return { message, signature: signAuthorizationMessage(message, opts.key ?? SIGNING_KEY) };
}

/** What an operator checks: each CIDR's advertisement, origin and ASN associations; the BYOASNs; the pool CIDRs. */
export const byoasnWorld = (sim: Simulator) => sections(operatorView(sim), 'byoip', 'byoasns', 'poolCidrs');

/** Absolute virtual seconds (since the world's start) of a report's relative time. */
export function absolute(sim: Simulator, report: { startedAt: string }, at: number): number {
  return (Date.parse(report.startedAt) - sim.startedAt) / 1000 + at;
}
