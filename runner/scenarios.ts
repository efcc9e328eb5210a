/**
 * Rehearsal scenarios: for each workflow, the world it starts from, what must already have happened in
 * that world (an onboarding before its teardown, DNS moved away, a publication served) and its input.
 * One registry for the CLI (`byoip simulate <workflow>` with no --input), the reliability sweep and the
 * benchmarks, so each knows how to run every workflow, including ones added later.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSimulator, type Simulator } from '../sim';
import { cloneData } from '../sim/clone';
import { worldOf } from '../sim/world-out';
import { notificationFor, serveIpRanges } from '../sim/services/ip-ranges';
import { workflows } from '../workflows';
import { runWorkflow } from './local-runner';

type Json = any;

export const EXAMPLES = join(__dirname, '..', 'examples');

export interface Scenario {
  readonly workflow: string;
  /** What the rehearsal shows, for listings. */
  readonly description: string;
  /** World file in examples/. */
  readonly worldFile: string;
  /** Brings the world to where the workflow starts (earlier workflows, operator actions). */
  readonly prepare?: (sim: Simulator) => Promise<void>;
  /** Everything prepare leaves is world state (no served documents, nothing in flight): it runs once, later preparations restore its world. */
  readonly preparesWorldOnly?: boolean;
  /** The execution input, computed once the world is prepared (it may name what prepare created). */
  readonly input: (sim: Simulator) => Json;
}

export function readExample(file: string): Json {
  return JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
}

export function mergeJson(base: Json, patch: Json): Json {
  if (patch === undefined) return base;
  if (Array.isArray(patch) || typeof patch !== 'object' || patch === null) return patch;
  const out = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(patch)) out[k] = mergeJson(out[k], v);
  return out;
}

/** Runs a prerequisite workflow and insists it succeeded: a scenario built on a failed setup means nothing. */
async function prerequisite(sim: Simulator, workflow: string, input: Json): Promise<void> {
  const { report } = await runWorkflow({ workflow, input, sim, approve: 'auto' });
  if (report.status !== 'SUCCEEDED') {
    throw new Error(`scenario set-up: ${workflow} ended ${report.status}: ${report.error?.name ?? ''} ${JSON.stringify(report.error?.cause ?? '')}`);
  }
}

/** The operator's step before a CloudFront BYOIP teardown: point the names somewhere else. */
async function moveDnsAway(sim: Simulator): Promise<void> {
  const records: Array<{ hostedZoneId: string; name: string }> = readExample('onboard-cloudfront-byoip.input.json').dns.records;
  for (const zone of new Set(records.map((r) => r.hostedZoneId))) {
    await sim.clock.drive(() =>
      sim.call({
        service: 'Route53',
        operation: 'ChangeResourceRecordSets',
        account: sim.world.defaultAccount,
        region: 'us-east-1',
        input: {
          HostedZoneId: zone,
          ChangeBatch: {
            Changes: records
              .filter((r) => r.hostedZoneId === zone)
              .map((r) => ({
                Action: 'UPSERT',
                ResourceRecordSet: { Name: `${r.name.replace(/\.$/, '')}.`, Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.80' }] },
              })),
          },
        },
      }),
    );
  }
}

const fromFile = (workflow: string) => () => readExample(`${workflow}.input.json`);

export const scenarios: Scenario[] = [
  {
    workflow: 'onboard-cloudfront-byoip',
    description: 'BYOIP /22 into IPAM, two /24s to CloudFront, cutover of api and www',
    worldFile: 'world.json',
    input: fromFile('onboard-cloudfront-byoip'),
  },
  {
    workflow: 'teardown-cloudfront-byoip',
    description: 'after the onboarding and DNS moved away: detach, withdraw, delete, deprovision',
    worldFile: 'world.json',
    prepare: async (sim) => {
      await prerequisite(sim, 'onboard-cloudfront-byoip', readExample('onboard-cloudfront-byoip.input.json'));
      await moveDnsAway(sim);
    },
    preparesWorldOnly: true,
    input: fromFile('teardown-cloudfront-byoip'),
  },
  {
    workflow: 'byoasn-onboard',
    description: 'provision AS64496, associate, advertise with it',
    worldFile: 'byoasn-world.json',
    input: fromFile('byoasn-onboard'),
  },
  { workflow: 'asn-swap', description: 'AWS → custom ASN under the once-per-hour guard', worldFile: 'byoasn-world.json', input: fromFile('asn-swap') },
  {
    workflow: 'byoasn-teardown',
    description: 'withdraw, disassociate, deprovision the ASN and the pool CIDR',
    worldFile: 'byoasn-world.json',
    input: fromFile('byoasn-teardown'),
  },
  {
    workflow: 'static-ip-byoip',
    description: 'customer /24s to Global Accelerator, advertise, accelerator on those IPs',
    worldFile: 'world.json',
    input: fromFile('static-ip-byoip'),
  },
  {
    workflow: 'teardown-static-ip-byoip',
    description: 'after static-ip-byoip: accelerator down, withdraw, deprovision',
    worldFile: 'world.json',
    prepare: (sim) => prerequisite(sim, 'static-ip-byoip', readExample('static-ip-byoip.input.json')),
    preparesWorldOnly: true,
    input: fromFile('teardown-static-ip-byoip'),
  },
  {
    workflow: 'origin-ranges-sync',
    description: 'first sync of security groups and prefix lists from an AmazonIpSpaceChanged notification',
    worldFile: 'world.json',
    prepare: async (sim) => serveIpRanges(sim, 0),
    input: (sim) => mergeJson(readExample('origin-ranges-sync.input.json'), { event: notificationFor(sim, 0) }),
  },
  {
    workflow: 'vpc-origin-share',
    description: 'teams A and B: VPC origins shared through RAM into one distribution, aliases, isolation probes',
    worldFile: 'world.json',
    input: fromFile('vpc-origin-share'),
  },
  {
    workflow: 'vpc-origin-teardown',
    description: 'team C (already onboarded in the world): detach and deploy, unshare, delete the VPC origin',
    worldFile: 'world.json',
    input: fromFile('vpc-origin-teardown'),
  },
];

export function scenarioFor(workflow: string): Scenario {
  const s = scenarios.find((x) => x.workflow === workflow);
  if (!s) throw new Error(`no rehearsal scenario for "${workflow}" in runner/scenarios.ts`);
  return s;
}

/** Every shipped workflow must have a scenario (tested), so sweeps and benchmarks cover new ones. */
export function workflowsWithoutScenario(): string[] {
  return workflows.map((w) => w.name).filter((n) => !scenarios.some((s) => s.workflow === n));
}

export interface PreparedScenario {
  readonly sim: Simulator;
  readonly input: Json;
}

/**
 * A fresh world for the scenario, prepared. `worldPatch` is merged into the world file first (e.g.
 * other timings); `timingScale` multiplies every modelled duration (fast/slow variants).
 */
export async function prepareScenario(scenario: Scenario, opts: { worldPatch?: Json; timingScale?: number } = {}): Promise<PreparedScenario> {
  let world = mergeJson(readExample(scenario.worldFile), opts.worldPatch);
  if (opts.timingScale !== undefined && world.timings) {
    world = {
      ...world,
      timings: Object.fromEntries(Object.entries(world.timings).map(([k, v]) => [k, Math.max(1, Math.round(Number(v) * opts.timingScale!))])),
    };
  }
  if (!scenario.prepare || !scenario.preparesWorldOnly) {
    const sim = createSimulator(world, EXAMPLES);
    await scenario.prepare?.(sim);
    return { sim, input: scenario.input(sim) };
  }
  // What happened before (e.g. a whole onboarding before a teardown) runs once per scenario and options;
  // every later preparation starts from the world it left, as `--world-out` writes it (the sweep prepares
  // a scenario once per fault point). A world the file format cannot hold exactly is prepared each time.
  const key = JSON.stringify([scenario.workflow, scenario.worldFile, opts]);
  let after = preparedWorlds.get(key);
  if (after === undefined) {
    const sim = createSimulator(world, EXAMPLES);
    await scenario.prepare(sim);
    const written = worldOf(sim);
    after = written.notes.length === 0 ? written.world : null;
    preparedWorlds.set(key, after);
    if (after === null) return { sim, input: scenario.input(sim) };
  }
  if (after === null) {
    const sim = createSimulator(world, EXAMPLES);
    await scenario.prepare(sim);
    return { sim, input: scenario.input(sim) };
  }
  const sim = createSimulator(cloneData(after), EXAMPLES);
  return { sim, input: scenario.input(sim) };
}

/** Worlds as each scenario's preparation left them (null: not writable exactly, prepare every time). */
const preparedWorlds = new Map<string, Json | null>();
