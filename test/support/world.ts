/** Test helpers: the example world and inputs, with overrides, and a selection of the operator's view of it. */
import { connectSimulator } from '../../sim/transport';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSimulator, type Simulator } from '../../sim';
import { formatAuthorizationMessage, signAuthorizationMessage, yyyymmdd } from '../../domain/authorization';
import { runWorkflow, type RunOptions } from '../../runner/local-runner';
import type { SimulationReport } from '../../runner/report';
import { mergeJson } from '../../runner/scenarios';
import { useAddressWorld } from '../../domain/world';
import { operatorView, sections } from '../../runner/world-view';

export const EXAMPLES = join(__dirname, '..', '..', 'examples');
export const ACCOUNT = '111122223333';
export const SIGNING_KEY = readFileSync(join(EXAMPLES, 'keys', 'customer-signing-key.pem'), 'utf8');
export const WRONG_KEY = readFileSync(join(EXAMPLES, 'keys', 'wrong-key.pem'), 'utf8');
export const CERTIFICATE = readFileSync(join(EXAMPLES, 'keys', 'customer-rdap-certificate.pem'), 'utf8');

type Json = any;

export function exampleWorldJson(patch?: Json): Json {
  return mergeJson(JSON.parse(readFileSync(join(EXAMPLES, 'world.json'), 'utf8')), patch);
}

export function exampleSim(patch?: Json): Simulator {
  return createSimulator(exampleWorldJson(patch), EXAMPLES);
}

export function exampleInput(name = 'onboard-cloudfront-byoip', patch?: Json): Json {
  return mergeJson(JSON.parse(readFileSync(join(EXAMPLES, `${name}.input.json`), 'utf8')), patch);
}

/** Signed messages for the CIDRs, expiring `days` after `now`. */
export function signedMessages(cidrs: string[], now: Date, opts: { key?: string; account?: string; days?: number } = {}) {
  const expiry = yyyymmdd(new Date(now.getTime() + (opts.days ?? 30) * 86_400_000));
  return cidrs.map((cidr) => {
    const message = formatAuthorizationMessage({ account: opts.account ?? ACCOUNT, resource: cidr, expiry });
    return { cidr, message, signature: signAuthorizationMessage(message, opts.key ?? SIGNING_KEY) };
  });
}

/**
 * Runs a workflow in the simulator. Every run in the test suite is checked for the safety invariant:
 * nothing advertised, swapped or cut over before an approval in the same execution.
 */
export async function run(sim: Simulator, workflow: string, input: Json, opts: Partial<RunOptions> = {}): Promise<SimulationReport> {
  const { report } = await runWorkflow({ workflow, input, sim, ...opts });
  if (report.safety.violations.length > 0) {
    throw new Error(`safety invariant violated in ${workflow}:\n  ${report.safety.violations.join('\n  ')}`);
  }
  return report;
}

/** IPAM, CloudFront and DNS as an operator sees them, selected from the operator's view. */
export const semanticWorld = (sim: Simulator) => sections(operatorView(sim), 'pools', 'poolCidrs', 'byoip', 'anycastLists', 'distributions', 'dns');

export const callsOf = (report: SimulationReport, operation: string) => report.awsCalls.filter((c) => c.operation === operation);

/**
 * A call as the operator reads it, to compare runs in two worlds. Differences a freshly loaded world
 * rightly has are masked: ETags (opaque versions), approval-link signatures (the link key is
 * generated anew, never written out), sealed task tokens (AES-GCM with a fresh nonce each time) and the tokens' digests (the engine's tokens are random).
 */
const SEALED = /^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/;
export const callShape = (c: { operation: string; input: unknown }) =>
  `${c.operation} ${JSON.stringify(c.input, (k, v) => (k === 'IfMatch' ? undefined : /^:?taskTokenDigest$/.test(k) ? '<digest of the task token>' : typeof v === 'string' ? (SEALED.test(v) ? '<sealed>' : v.replace(/([?&]s=)[A-Za-z0-9_-]+/g, '$1…')) : v))}`;

/** Runs `fn` with the SDK clients routed to `sim` and its virtual clock driven (direct API tests). */
export async function within<T>(sim: Simulator, fn: () => Promise<T>): Promise<T> {
  const disconnect = connectSimulator(sim);
  try {
    return await sim.clock.drive(fn);
  } finally {
    disconnect();
  }
}

/**
 * The examples use documentation space (198.18.0.0/15, TEST-NET, AS64496): a file of domain tests that
 * validates them directly does so as a rehearsal does (the simulator's worlds say `rehearsal: true`).
 */
export function validateAsRehearsal(): void {
  beforeAll(() => useAddressWorld('rehearsal'));
  afterAll(() => useAddressWorld(undefined));
}
