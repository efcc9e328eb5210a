/**
 * Chained rehearsals (`byoip rehearse STEPS.json`): several workflows, and the operator's own changes
 * between them, run one after another in ONE simulated world on one virtual clock (onboard, swap the
 * ASN, tear down). Each workflow step gets its own report; the chain gets a combined timeline; with
 * "expectWorldUnchanged" the world at the end is compared with the world at the start.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as z from 'zod';
import { BYOASN_WITH_CLOUDFRONT, byoasnCloudFrontOverlaps } from '../domain/byoasn';
import { createSimulator, type Simulator } from '../sim';
import { worldOf } from '../sim/world-out';
import { jsonPath } from '../sim/world-schema';
import { workflowByName } from '../workflows';
import type { ProgressEvent } from './history';
import { runWorkflow } from './local-runner';
import type { SimulationReport } from './report';

const Status = z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

const WorkflowStep = z
  .object({
    /** A workflow (byoip workflows). */
    workflow: z.string(),
    /** Its input: a JSON file relative to the steps file, or the input itself. */
    input: z.union([z.string(), z.record(z.string(), z.unknown())]),
    approve: z.enum(['auto', 'reject', 'none']).default('auto'),
    /** Virtual seconds an auto/reject decision takes. */
    decisionDelay: z.number().nonnegative().default(60),
    /** Faults for this step only, as --fault takes them. */
    faults: z.array(z.string()).default([]),
    /** How the step must end for the chain to go on. */
    expect: Status.default('SUCCEEDED'),
    description: z.string().optional(),
  })
  .strict();

const AwsStep = z
  .object({
    /** The operator's own change between workflows, as one AWS API call (what they would do with the AWS CLI). */
    aws: z
      .object({
        service: z.string(),
        operation: z.string(),
        account: z
          .string()
          .regex(/^\d{12}$/)
          .optional(),
        region: z.string().optional(),
        input: z.record(z.string(), z.unknown()),
      })
      .strict(),
    description: z.string().min(1),
  })
  .strict();

const WaitStep = z
  .object({
    /** Virtual seconds to let pass (e.g. DNS caches expiring, the once-per-hour ASN rule). */
    wait: z.number().positive(),
    description: z.string().min(1),
  })
  .strict();

export const RehearsalSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    /** The world file, relative to the steps file. */
    world: z.string(),
    steps: z.array(z.union([WorkflowStep, AwsStep, WaitStep])).min(1),
    /** Fail the rehearsal unless the world at the end equals the world at the start (a round trip). */
    expectWorldUnchanged: z.boolean().default(false),
  })
  .strict();

export type RehearsalPlan = z.infer<typeof RehearsalSchema>;
type Step = RehearsalPlan['steps'][number];

export interface PreparedStep {
  index: number;
  label: string;
  step: Step;
  /** A workflow step's input, read. */
  input?: unknown;
}

export interface StepResult {
  index: number;
  label: string;
  kind: 'workflow' | 'aws' | 'wait';
  workflow?: string;
  /** Virtual seconds since the rehearsal started. */
  startedAt: number;
  seconds: number;
  status: SimulationReport['status'] | 'DONE';
  /** As the step expected? */
  ok: boolean;
  report?: SimulationReport;
  error?: string;
}

export interface RehearsalResult {
  steps: StepResult[];
  ok: boolean;
  /** With expectWorldUnchanged: what differs between the world at the start and at the end. */
  worldDifferences?: string[];
  sim: Simulator;
  startedAt: string;
}

/** Which CIDRs a workflow step's input gives to CloudFront BYOIP, and which to BYOASN. */
function cidrsOf(workflow: string, input: any): { cloudFront: string[]; byoasn: string[] } {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
  if (workflow === 'onboard-cloudfront-byoip') return { cloudFront: [...list(input?.cidrs), ...list(input?.topLevelCidrs)], byoasn: [] };
  if (workflow === 'byoasn-onboard' || workflow === 'byoasn-teardown') return { cloudFront: [], byoasn: list(input?.cidrs) };
  if (workflow === 'asn-swap') return { cloudFront: [], byoasn: list(input?.cidr) };
  return { cloudFront: [], byoasn: [] };
}

const labelOf = (s: Step, i: number) =>
  `${String(i + 1).padStart(2, '0')} ${'workflow' in s ? s.workflow : 'aws' in s ? `${s.aws.service} ${s.aws.operation}` : `wait ${s.wait} s`}`;

/**
 * Reads and checks a rehearsal before anything runs: the schema, the workflows, the inputs, and
 * combinations AWS does not allow (BYOASN on a CloudFront BYOIP CIDR). Throws with every problem.
 */
export function prepareRehearsal(raw: unknown, baseDir: string): { plan: RehearsalPlan; steps: PreparedStep[]; worldFile: string } {
  const parsed = RehearsalSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`invalid rehearsal:\n${parsed.error.issues.map((i) => `  ${jsonPath(i.path).replace(/^world/, 'rehearsal')}: ${i.message}`).join('\n')}`);
  }
  const plan = parsed.data;
  const problems: string[] = [];
  const steps: PreparedStep[] = plan.steps.map((step, index) => {
    const prepared: PreparedStep = { index, label: labelOf(step, index), step };
    if (!('workflow' in step)) return prepared;
    try {
      workflowByName(step.workflow);
    } catch (e) {
      problems.push(`rehearsal.steps[${index}].workflow: ${(e as Error).message}`);
    }
    if (typeof step.input === 'string') {
      try {
        prepared.input = JSON.parse(readFileSync(resolve(baseDir, step.input), 'utf8'));
      } catch (e) {
        problems.push(`rehearsal.steps[${index}].input: cannot read ${step.input}: ${(e as Error).message}`);
      }
    } else {
      prepared.input = step.input;
    }
    return prepared;
  });
  const cloudFront = steps
    .filter((s) => 'workflow' in s.step)
    .flatMap((s) => cidrsOf((s.step as { workflow: string }).workflow, s.input).cloudFront.map((c) => ({ c, s })));
  for (const s of steps.filter((x) => 'workflow' in x.step)) {
    const { byoasn } = cidrsOf((s.step as { workflow: string }).workflow, s.input);
    for (const [a, c] of byoasnCloudFrontOverlaps(
      byoasn,
      cloudFront.map((x) => x.c),
    )) {
      const other = cloudFront.find((x) => x.c === c)!.s;
      problems.push(`rehearsal.steps[${s.index}]: ${a} is also CloudFront BYOIP in step ${other.label} (${c}): ${BYOASN_WITH_CLOUDFRONT}`);
    }
  }
  if (problems.length) throw new Error(`the rehearsal cannot run:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { plan, steps, worldFile: resolve(baseDir, plan.world) };
}

/** JSON paths where two values differ (at most `limit`). */
export function differences(a: unknown, b: unknown, path = 'world', limit = 25, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) differences((a as any)[k], (b as any)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`, limit, out);
    return out;
  }
  out.push(`${path}: ${JSON.stringify(a) ?? 'absent'} → ${JSON.stringify(b) ?? 'absent'}`);
  return out;
}

/**
 * What "the world is back where it started" compares: everything in AWS. Not the time, the id
 * sequence, or the orchestrator's own state table (its approval records are the audit trail, and
 * they rightly grow).
 */
export function comparableWorld(world: Record<string, unknown>): Record<string, unknown> {
  const { startTime: _t, idSequence: _i, dynamodb: _d, ...rest } = world;
  return rest;
}

export interface RehearseOptions {
  baseDir: string;
  onStep?: (s: PreparedStep, phase: 'start' | 'end', result?: StepResult) => void;
  onProgress?: (s: PreparedStep) => ((e: ProgressEvent) => void) | undefined;
}

/** Runs a prepared rehearsal in one world. Stops at the first step that does not end as it expects. */
export async function rehearse(raw: unknown, opts: RehearseOptions): Promise<RehearsalResult> {
  const { plan, steps, worldFile } = prepareRehearsal(raw, opts.baseDir);
  const sim = createSimulator(worldFile);
  const start = worldOf(sim).world;
  const rel = () => sim.elapsedSeconds();
  const results: StepResult[] = [];
  for (const s of steps) {
    opts.onStep?.(s, 'start');
    const startedAt = rel();
    let result: StepResult;
    const step = s.step;
    if ('workflow' in step) {
      for (const f of step.faults) sim.faults.add(f);
      const { report } = await runWorkflow({
        workflow: step.workflow,
        input: s.input,
        sim,
        approve: step.approve,
        decisionDelaySeconds: step.decisionDelay,
        executionName: `rehearsal-${String(s.index + 1).padStart(2, '0')}-${step.workflow}`,
        onProgress: opts.onProgress?.(s),
      });
      sim.faults.clear();
      result = {
        index: s.index,
        label: s.label,
        kind: 'workflow',
        workflow: step.workflow,
        startedAt,
        seconds: rel() - startedAt,
        status: report.status,
        ok: report.status === step.expect,
        report,
      };
    } else if ('aws' in step) {
      const a = step.aws;
      try {
        await sim.clock.drive(() =>
          sim.call({
            service: a.service,
            operation: a.operation,
            account: a.account ?? sim.world.defaultAccount,
            region: a.region ?? sim.world.defaultRegion,
            input: a.input,
          }),
        );
        result = { index: s.index, label: s.label, kind: 'aws', startedAt, seconds: rel() - startedAt, status: 'DONE', ok: true };
      } catch (e) {
        result = {
          index: s.index,
          label: s.label,
          kind: 'aws',
          startedAt,
          seconds: rel() - startedAt,
          status: 'FAILED',
          ok: false,
          error: `${(e as Error).name}: ${(e as Error).message}`,
        };
      }
    } else {
      await sim.clock.drive(() => new Promise<void>((done) => setTimeout(done, step.wait * 1000)));
      result = { index: s.index, label: s.label, kind: 'wait', startedAt, seconds: rel() - startedAt, status: 'DONE', ok: true };
    }
    results.push(result);
    opts.onStep?.(s, 'end', result);
    if (!result.ok) break;
  }
  let ok = results.length === steps.length && results.every((r) => r.ok);
  let worldDifferences: string[] | undefined;
  if (plan.expectWorldUnchanged) {
    worldDifferences = differences(comparableWorld(start), comparableWorld(worldOf(sim).world));
    ok &&= worldDifferences.length === 0;
  }
  return { steps: results, ok, worldDifferences, sim, startedAt: new Date(sim.startedAt).toISOString() };
}

/** The chain on one clock: each step with its phases, in virtual seconds since the rehearsal started. */
export function combinedTimeline(r: RehearsalResult, reportFile: (s: StepResult) => string | undefined) {
  return {
    startedAt: r.startedAt,
    virtualSeconds: Math.round(r.sim.elapsedSeconds() * 100) / 100,
    ok: r.ok,
    ...(r.worldDifferences ? { worldDifferences: r.worldDifferences } : {}),
    steps: r.steps.map((s) => ({
      step: s.index + 1,
      label: s.label,
      kind: s.kind,
      ...(s.workflow ? { workflow: s.workflow } : {}),
      status: s.status,
      ok: s.ok,
      startedAt: Math.round(s.startedAt * 100) / 100,
      seconds: Math.round(s.seconds * 100) / 100,
      ...(s.error ? { error: s.error } : {}),
      ...(s.report
        ? {
            report: reportFile(s),
            error: s.report.error?.name ?? null,
            phases: s.report.phases.map((p) => ({ name: p.name, startedAt: Math.round((s.startedAt + p.startedAt) * 100) / 100, seconds: p.seconds })),
          }
        : {}),
    })),
  };
}

export function readRehearsalFile(file: string): { raw: unknown; baseDir: string } {
  try {
    return { raw: JSON.parse(readFileSync(file, 'utf8')), baseDir: dirname(resolve(file)) };
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
}
