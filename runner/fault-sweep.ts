/**
 * The reliability sweep: for a workflow's rehearsal scenario, every AWS operation each of its steps
 * calls (found from a clean run, not listed by hand) fails in three ways, each in a fresh world:
 *   throttle  — the service's throttling error 3 times (more than the SDK's own retries),
 *   server    — a 5xx once,
 *   permanent — an access-denied error (not retried),
 *   lost      — a change takes effect and its response is lost (5xx after the effect), like a crash
 *               between the call and the step's end: the retry or redrive must not duplicate anything,
 *   garbage   — a read answers an empty 200 (missing fields, an empty page): handled (a named failure,
 *               or a read the workflow tolerates), never a crash (TypeError and friends).
 * Throttling and 5xx must end SUCCEEDED with the same world as the clean run. A permanent error must
 * end as the workflow promises (WorkflowDefinition.recovery): `compensate` → the world as before the
 * run, or CompensationIncomplete whose output lists what is left; `rerun` → the same input run again
 * finishes with the clean run's world; `forward` → no target lost an allowed range, and a re-run
 * converges. A best-effort finishing step (lease release, TTL restore) that fails leaves the migration
 * done: `warned`, with what stayed behind. Past a workflow's point of no return a permanent error must
 * stop for an operator with nothing undone (`held`): the sweep then answers "back" (the old provider
 * confirmed) and expects the world as before, every undo after that decision. Anything else, or a safety
 * violation, is `unexpected`.
 */
import { ErrorNames } from '../domain/errors';
import { GARBAGE, isMutating, throttlingErrorFor } from '../sim/simulator';
import { workflows } from '../workflows';
import { runWorkflow } from './local-runner';
import type { SimulationReport } from './report';
import { prepareScenario, scenarioFor, type Scenario } from './scenarios';
import { ConformanceLog } from '../sim/conformance';
import { isLease, operatorView, viewDifferences, type WorldView } from './world-view';

type Json = any;

export type FaultKind = 'throttle' | 'server' | 'permanent' | 'lost' | 'garbage';
export const FAULT_KINDS: FaultKind[] = ['throttle', 'server', 'permanent', 'lost', 'garbage'];

/** Kinds that apply to a call: a lost response only to changes, garbage only to reads. */
export function kindsFor(operation: string, kinds: FaultKind[] = FAULT_KINDS): FaultKind[] {
  return kinds.filter((k) => (k === 'lost' ? isMutating(operation) : k === 'garbage' ? !isMutating(operation) : true));
}

export interface FaultPoint {
  /** The state whose task makes the call. */
  readonly state: string;
  readonly service: string;
  readonly operation: string;
  /** Calls of this service and operation the run makes before this state's first one. */
  readonly skip: number;
}

export type Outcome = 'recovered' | 'compensated' | 'held' | 'rerun-completed' | 'warned' | 'handled' | 'left-over' | 'unexpected';

export interface FaultResult {
  readonly workflow: string;
  readonly point: FaultPoint;
  readonly kind: FaultKind;
  readonly error: string;
  readonly outcome: Outcome;
  /** How the execution ended (and the error name). */
  readonly status: string;
  /** For left-over: what CompensationIncomplete says is left. For unexpected: why. */
  readonly detail: string[];
}

const ACCESS_DENIED: Record<string, string> = {
  EC2: 'UnauthorizedOperation',
  SNS: 'AuthorizationError',
  DynamoDB: 'AccessDeniedException',
  RAM: 'AccessDeniedException',
  GlobalAccelerator: 'AccessDeniedException',
  SecretsManager: 'AccessDeniedException',
  SFN: 'AccessDeniedException',
};

export function faultError(service: string, kind: FaultKind): { error: string; times: number } {
  if (kind === 'throttle') return { error: throttlingErrorFor(service), times: 3 };
  if (kind === 'server') return { error: 'InternalError', times: 1 };
  if (kind === 'garbage') return { error: GARBAGE, times: 1 };
  if (kind === 'lost') return { error: 'InternalError', times: 1 };
  return { error: ACCESS_DENIED[service] ?? 'AccessDenied', times: 1 };
}

/** The steps' calls in a clean run: one point per (state, service, operation), compensation excluded. */
export function faultPoints(report: SimulationReport): FaultPoint[] {
  const seen = new Map<string, FaultPoint>();
  const count = new Map<string, number>();
  for (const call of report.awsCalls) {
    const op = `${call.service}:${call.operation}`;
    const before = count.get(op) ?? 0;
    count.set(op, before + 1);
    if (!call.state || /^Undo/.test(call.state)) continue;
    const key = `${call.state}|${op}`;
    if (!seen.has(key)) seen.set(key, { state: call.state, service: call.service, operation: call.operation, skip: before });
  }
  return [...seen.values()];
}

/** Differences a tolerated finishing step may leave: leases (they expire) and a TTL left at the cutover value. */
function bestEffortLeftovers(clean: WorldView, after: WorldView): string[] | undefined {
  const left: string[] = [];
  for (const section of viewDifferences(clean, after)) {
    if (section === 'stateItems') {
      const extra = after.stateItems.filter((k) => !clean.stateItems.includes(k));
      if (extra.some((k) => !isLease(k)) || clean.stateItems.some((k) => !after.stateItems.includes(k))) return undefined;
      left.push(...extra.map((k) => `lease ${k} left to expire`));
    } else if (section === 'dns') {
      const withoutTtl = (v: WorldView) => JSON.stringify(v.dns.map((z: Json) => z.records.map((r: Json) => ({ ...r, TTL: undefined }))));
      if (withoutTtl(clean) !== withoutTtl(after)) return undefined;
      left.push('a DNS TTL left at its cutover value');
    } else {
      return undefined;
    }
  }
  return left;
}

/** Allowed ranges per security group and prefix list, as "target range" strings. */
function allowedRanges(view: WorldView): Set<string> {
  const out = new Set<string>();
  for (const g of view.securityGroups ?? []) {
    for (const p of JSON.parse(g.rules ?? '[]')) {
      for (const r of [
        ...(p.IpRanges ?? []).map((x: Json) => x.CidrIp),
        ...(p.Ipv6Ranges ?? []).map((x: Json) => x.CidrIpv6),
        ...(p.PrefixListIds ?? []).map((x: Json) => x.PrefixListId),
      ]) {
        out.add(`${g.name} ${p.IpProtocol}:${p.FromPort}-${p.ToPort} ${r}`);
      }
    }
  }
  for (const l of view.prefixLists ?? []) for (const e of JSON.parse(l.entries ?? '[]')) out.add(`${l.name} ${e.Cidr ?? e.cidr ?? JSON.stringify(e)}`);
  return out;
}

function conformanceFindings(sim: Json): string[] {
  return ((sim.conformance as ConformanceLog | undefined)?.findings ?? []).map((f) => `${f.service}:${f.operation} ${f.kind} ${f.problem}`);
}

/** Error names a task fails with on purpose; anything else (TypeError, ...) is a crash. */
const HANDLED = new Set<string>(Object.values(ErrorNames));

let runCounter = 0;
const executionName = (workflow: string, tag: string) => `sweep-${workflow}-${tag}-${++runCounter}`.slice(0, 80);

async function execute(scenario: Scenario, tag: string, setup?: (sim: Json) => void) {
  const { sim, input } = await prepareScenario(scenario);
  const before = operatorView(sim);
  // Every call under every fault is held to the SDK's models too (a finding is an unexpected outcome).
  sim.conformance = new ConformanceLog();
  setup?.(sim);
  // An operator decision (a failure past the point of no return) is answered "back": everything is undone.
  // An operator decision (a failure past the point of no return) is answered "back" where the workflow offers
  // it (everything is undone), else "stop" (a teardown: then run again).
  const { report } = await runWorkflow({
    workflow: scenario.workflow,
    input,
    sim,
    approve: 'auto',
    operator: ['back', 'stop'],
    executionName: executionName(scenario.workflow, tag),
  });
  return { sim, input, before, report, after: operatorView(sim) };
}

export interface CleanRun {
  readonly scenario: Scenario;
  readonly points: FaultPoint[];
  readonly end: WorldView;
}

/** The clean run the sweep is measured against; it must succeed. */
export async function cleanRun(workflow: string): Promise<CleanRun> {
  const scenario = scenarioFor(workflow);
  const { report, after, sim } = await execute(scenario, 'clean');
  if (report.status !== 'SUCCEEDED') throw new Error(`${workflow}: the clean run ended ${report.status} (${report.error?.name}); fix that before sweeping`);
  const findings = conformanceFindings(sim);
  if (findings.length) throw new Error(`${workflow}: the clean run's calls do not conform to the SDK's models:\n  ${findings.join('\n  ')}`);
  return { scenario, points: faultPoints(report), end: after };
}

function leftOverOf(report: SimulationReport): string[] {
  try {
    const cause = JSON.parse(String(report.error?.cause ?? '{}'));
    return (cause.leftOver ?? []).map((l: Json) => `${l.what} (${l.action}: ${l.error})`);
  } catch {
    return [String(report.error?.cause ?? '')];
  }
}

export async function injectFault(clean: CleanRun, point: FaultPoint, kind: FaultKind): Promise<FaultResult> {
  const workflow = clean.scenario.workflow;
  const { error, times } = faultError(point.service, kind);
  const tag = `${point.state}-${kind}`.replace(/[^A-Za-z0-9-]/g, '');
  const run = await execute(clean.scenario, tag, (sim) =>
    sim.faults.add({
      service: point.service,
      operation: point.operation,
      error,
      times,
      phase: kind === 'lost' ? 'after' : 'before',
      skip: point.skip,
      message: `injected by the reliability sweep: ${point.service} ${point.operation} from ${point.state} fails with ${error}`,
    }),
  );
  const status = run.report.status === 'SUCCEEDED' ? 'SUCCEEDED' : `${run.report.status} ${run.report.error?.name ?? ''}`.trim();
  const result = (outcome: Outcome, detail: string[] = []): FaultResult => ({ workflow, point, kind, error, outcome, status, detail });
  const violations = run.report.safety.violations;
  if (violations.length)
    return result(
      'unexpected',
      violations.map((v) => `safety: ${v}`),
    );
  const findings = conformanceFindings(run.sim);
  if (findings.length)
    return result(
      'unexpected',
      findings.map((f) => `conformance: ${f}`),
    );
  const crashes = run.sim.taskErrors.filter((e: Json) => !HANDLED.has(e.errorType));
  if (crashes.length)
    return result(
      'unexpected',
      crashes.map((e: Json) => `${e.task} crashed: ${e.errorType}: ${e.message.slice(0, 200)}`),
    );
  const endsLikeClean = viewDifferences(clean.end, run.after);
  if (kind === 'garbage') {
    // An empty page is a legal answer, so the world may differ; a crash or an unsafe change may not.
    return result('handled', endsLikeClean.length ? [`ended differently from the clean run in: ${endsLikeClean.join(', ')}`] : []);
  }

  if (run.report.status === 'SUCCEEDED') {
    if (!endsLikeClean.length) return result('recovered');
    const left = kind === 'permanent' ? bestEffortLeftovers(clean.end, run.after) : undefined;
    return left ? result('warned', left) : result('unexpected', [`succeeded but differs from the clean run in: ${endsLikeClean.join(', ')}`]);
  }
  if (kind !== 'permanent') return result('unexpected', [`a ${kind} fault should be retried to success`]);

  const definition = workflows.find((w) => w.name === workflow)!;
  const held = run.report.approvals.find((a) => a.operator);
  if (held) {
    // Nothing undone before the operator's decision; after "back", everything; after "stop", a re-run finishes.
    const early = run.report.awsCalls.filter((c) => c.state && /^Undo/.test(c.state) && held.decidedAt !== null && c.at < held.decidedAt);
    const outcome = held.operator?.outcome;
    if ((outcome !== 'back' && outcome !== 'stop') || early.length) {
      return result('unexpected', [
        early.length ? `undid ${early.length} thing(s) before the operator decided` : `the operator decision ended ${outcome ?? 'unanswered'}`,
      ]);
    }
    if (outcome === 'stop') {
      const rerun = await rerunToClean(clean, run, tag);
      return rerun.length ? result('unexpected', rerun) : result('held', [`held at ${held.operator?.failedState}, then stop and a re-run`]);
    }
    if (run.report.error?.name === 'CompensationIncomplete') {
      const left = leftOverOf(run.report);
      return left.length ? result('left-over', left) : result('unexpected', ['CompensationIncomplete without a list of what is left']);
    }
    const changed = viewDifferences(run.before, run.after);
    return changed.length
      ? result('unexpected', [`held, then back, but ${changed.join(', ')} changed`])
      : result('held', [`held at ${held.operator?.failedState}, then back`]);
  }
  if (definition.recovery === 'compensate') {
    if (run.report.error?.name === 'CompensationIncomplete') {
      const left = leftOverOf(run.report);
      return left.length ? result('left-over', left) : result('unexpected', ['CompensationIncomplete without a list of what is left']);
    }
    const changed = viewDifferences(run.before, run.after);
    return changed.length ? result('unexpected', [`failed without compensating: ${changed.join(', ')} changed`]) : result('compensated');
  }

  if (definition.recovery === 'forward') {
    const before = allowedRanges(run.before);
    const after = allowedRanges(run.after);
    const lost = [...before].filter((r) => !after.has(r));
    if (lost.length) return result('unexpected', [`a failed run took allowed ranges away: ${lost.slice(0, 5).join(', ')}`]);
  }

  const rerun = await rerunToClean(clean, run, tag);
  return rerun.length ? result('unexpected', rerun) : result('rerun-completed');
}

/** The same input again, faults gone, a while later (an operator looked first): it must finish the job. What went wrong, if anything. */
async function rerunToClean(clean: CleanRun, run: { sim: Json; input: Json }, tag: string): Promise<string[]> {
  const workflow = clean.scenario.workflow;
  run.sim.faults.clear();
  run.sim.clock.advance(15 * 60 * 1000);
  const again = await runWorkflow({ workflow, input: run.input, sim: run.sim, approve: 'auto', executionName: executionName(workflow, `${tag}-rerun`) });
  if (again.report.status !== 'SUCCEEDED') return [`re-run ended ${again.report.status} ${again.report.error?.name ?? ''}`];
  const rerunEnd = viewDifferences(clean.end, operatorView(run.sim));
  return rerunEnd.length ? [`re-run succeeded but differs from the clean run in: ${rerunEnd.join(', ')}`] : [];
}

export async function sweepWorkflow(workflow: string, kinds: FaultKind[] = FAULT_KINDS, onResult?: (r: FaultResult) => void): Promise<FaultResult[]> {
  const clean = await cleanRun(workflow);
  const results: FaultResult[] = [];
  for (const point of clean.points) {
    for (const kind of kindsFor(point.operation, kinds)) {
      const r = await injectFault(clean, point, kind);
      onResult?.(r);
      results.push(r);
    }
  }
  return results;
}

export interface SweepSummary {
  faultPoints: number;
  recovered: number;
  compensated: number;
  heldForOperator: number;
  rerunCompleted: number;
  warned: number;
  handled: number;
  leftOver: number;
  unexpected: number;
}

export function summarize(results: FaultResult[]): SweepSummary {
  const n = (o: Outcome) => results.filter((r) => r.outcome === o).length;
  return {
    faultPoints: results.length,
    recovered: n('recovered'),
    compensated: n('compensated'),
    heldForOperator: n('held'),
    rerunCompleted: n('rerun-completed'),
    warned: n('warned'),
    handled: n('handled'),
    leftOver: n('left-over'),
    unexpected: n('unexpected'),
  };
}

export function summaryLine(s: SweepSummary): string {
  return `${s.faultPoints} fault points, ${s.recovered} recovered, ${s.compensated} compensated, ${s.heldForOperator} held for an operator (then back, or stop and a re-run), ${s.rerunCompleted} completed by re-run, ${s.warned} succeeded with a warning, ${s.handled} garbage reads handled, ${s.leftOver} left-over (listed), ${s.unexpected} unexpected`;
}
