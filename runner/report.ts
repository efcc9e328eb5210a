/**
 * The simulation report (format documented in docs/simulation.md; keep it stable).
 * All times are virtual seconds from the start of the execution.
 */
import * as z from 'zod';
import { STEP_FUNCTIONS_QUOTAS } from '../domain/step-functions';
import type { Simulator } from '../sim/simulator';
import { PREFLIGHT_STATE, VISIBILITY_STATE } from '../workflows/lib/internet';

export interface StateRecord {
  name: string;
  type: string;
  enteredAt: number;
  exitedAt: number | null;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CAUGHT';
  /** Map iteration index, for states inside a Map. */
  index?: number;
  retries?: number;
  error?: string;
}

export interface AwsCallReport {
  at: number;
  /** The state whose task made the call. */
  state: string | null;
  account: string;
  region: string;
  service: string;
  operation: string;
  input: unknown;
  error: { name: string; message: string; injected?: boolean } | null;
  /** Effects the simulator noted, e.g. "dns-values-changed". */
  effects?: string[];
}

/** One check of a poll loop, as the runner saw it. */
export interface PollCheck {
  state: string;
  at: number;
  /** The check's input without its poll bookkeeping: identifies the loop (e.g. which distribution). */
  subject: string;
  done: boolean;
}

/** One approval gate of the execution. */
export interface ApprovalRecord {
  state: string;
  requestedAt: number;
  decidedAt: number | null;
  approved: boolean;
  decidedBy: string | null;
  /** How the decider was identified (link, link+authorizer, aws-sts, simulator), as the decision records it. */
  authentication?: string | null;
  /** ApprovalRejected, States.Timeout, ... when it did not end approved. */
  error: string | null;
  /** What the approvers were shown (title and changes), when known. */
  plan?: { title?: string; changes?: Array<{ kind?: string; target?: string; from?: string; to?: string }>; prerequisite?: string };
  /** An operator decision (a step failed after the point of no return): the failed step, and what was decided. */
  operator?: { failedState: string; error: string; outcome: string | null; pending: boolean; decisions?: string[] };
}

/** One undo step of a rollback, as the operator reads it. */
export interface UndoRecord {
  description: string;
  /** undone: it changed AWS back; unchanged: nothing to undo (kept, never done, already as before); needs-attention: left over. */
  outcome: 'undone' | 'unchanged' | 'needs-attention';
  note?: string;
  error?: string;
  /** When the step ended (virtual seconds). */
  at?: number;
}

/** The rollback of a failed execution: every undo step in the order it ran. */
export interface CompensationReport {
  /** The error that started the rollback. */
  error: string;
  steps: UndoRecord[];
}

/** A poll loop: when it started, when the awaited change happened, when the loop noticed. */
export interface PollReport {
  state: string;
  subject: string;
  checks: number;
  startedAt: number;
  doneAt: number | null;
  readyAt: number | null;
  lateSeconds: number;
}

/** What the run learned from the internet (RDAP, RPKI, BGP): the pre-flight and the visibility watch. */
export interface InternetEvidence {
  state: string;
  /** Virtual seconds of the latest check. */
  at: number;
  task: string;
  outcome: 'passed' | 'skipped' | 'failed' | 'waiting';
  /** One line per check, as the approval plan shows them. */
  summary: string[];
  /** The error name when the check stopped the execution. */
  error?: string;
}

export interface StepFunctionsFigures {
  historyEvents: number;
  largestPayload: { bytes: number; at: string };
}

export interface SimulationReport {
  workflow: string;
  executionName: string;
  /** WAITING_FOR_OPERATOR: the rehearsal ended at an operator decision nobody answered (in AWS the execution would wait). */
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'WAITING_FOR_OPERATOR';
  error: { name: string; cause: string } | null;
  output: unknown;
  virtualSeconds: number;
  /** Virtual time at which the execution started (ISO 8601). */
  startedAt: string;
  states: StateRecord[];
  awsCalls: AwsCallReport[];
  /** Resource state transitions the simulator observed during the run (e.g. pending-provision → provisioned). */
  transitions: Array<{ at: number; resource: string; from: string | null; to: string }>;
  /** Every poll loop, with its checks and how late it noticed the change it waited for. */
  polls: PollReport[];
  /** AWS calls made by poll checks (what polling costs in requests). */
  pollCalls: number;
  /**
   * The virtual time the run would take if every step started the instant its prerequisite became
   * ready (every poll noticing its change at once). virtualSeconds / lowerBoundSeconds is the overhead.
   */
  lowerBoundSeconds: number;
  approvals: ApprovalRecord[];
  /** Safety invariants checked on this run (docs/simulation.md); violations must be empty. */
  safety: { violations: string[] };
  /**
   * Where the virtual time went: top-level phases in order, with their durations. They partition the
   * run: the seconds add up to virtualSeconds, the last one being AFTER_FAILURE when the run failed.
   */
  phases: Array<{ name: string; startedAt: number; seconds: number }>;
  /** Evidence from the internet: pre-flight and BGP visibility, one entry per checking state (latest check). */
  internet: InternetEvidence[];
  /**
   * The execution against Step Functions' quotas (runner/history.ts): its history events as AWS counts
   * them (quota 25,000) and its largest payload in bytes of UTF-8 JSON (quota 262,144), with where it was.
   */
  stepFunctions: StepFunctionsFigures;
  /** When the run left its normal path for compensation or a stop (virtual seconds); null if it never did. */
  failedAt?: number | null;
  /** The rollback, when compensation ran. */
  compensation?: CompensationReport | null;
  /** The simulated world at the end. */
  resources: Record<string, unknown>;
}

const POLL_SUFFIX = /(Init|Done|Wait)$/;

/** The phase that holds everything from the failure to the end (compensation, or a stop). */
export const AFTER_FAILURE = 'after the failure';

type AslStates = Record<string, { Type?: string; Next?: string; Default?: string; Choices?: Array<{ Next?: string }>; Catch?: Array<{ Next?: string }> }>;

/**
 * Top-level states on a failure path: reached only through a Catch and never leading back to the
 * normal path (compensation, a rejected approval's close, a re-runnable workflow's stop). A caught
 * failure that the workflow tolerates (ReleaseLocksFailed → Summarize) is not one.
 */
export function failurePathStates(definition: { StartAt: string; States: AslStates }): Set<string> {
  const states = definition.States;
  const normal = (name: string) => {
    const s = states[name] ?? {};
    return [s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next)].filter((n): n is string => typeof n === 'string');
  };
  const reach = (from: string[]) => {
    const seen = new Set<string>();
    const todo = [...from];
    while (todo.length) {
      const n = todo.pop()!;
      if (seen.has(n) || !states[n]) continue;
      seen.add(n);
      todo.push(...normal(n));
    }
    return seen;
  };
  const forward = reach([definition.StartAt]);
  const out = new Set<string>();
  for (const name of Object.keys(states)) {
    if (forward.has(name)) continue;
    const ahead = reach([name]);
    if (![...ahead].some((n) => forward.has(n))) out.add(name);
  }
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Groups top-level states into phases (a poll's Init/Check/Done/Wait states are one phase) that
 * partition the run: each state lasts until the next top-level state starts, and everything from the
 * first failure-path state on is one AFTER_FAILURE phase.
 */
export function phasesOf(
  states: StateRecord[],
  topLevel: Set<string>,
  opts: { failurePath?: ReadonlySet<string>; endedAt?: number } = {},
): { phases: SimulationReport['phases']; failedAt: number | null } {
  const top = states.filter((s) => s.index === undefined && topLevel.has(s.name));
  const end = opts.endedAt ?? Math.max(0, ...top.map((s) => s.exitedAt ?? s.enteredAt));
  const failure = top.find((s) => opts.failurePath?.has(s.name));
  const failedAt = failure ? failure.enteredAt : null;
  const forward = failure ? top.slice(0, top.indexOf(failure)) : top;
  const phases = new Map<string, { name: string; startedAt: number; seconds: number }>();
  forward.forEach((s, i) => {
    const base = POLL_SUFFIX.test(s.name) && topLevel.has(s.name.replace(POLL_SUFFIX, '')) ? s.name.replace(POLL_SUFFIX, '') : s.name;
    const until = forward[i + 1]?.enteredAt ?? failedAt ?? end;
    const p = phases.get(base) ?? { name: base, startedAt: s.enteredAt, seconds: 0 };
    p.seconds = round(p.seconds + Math.max(0, until - s.enteredAt));
    phases.set(base, p);
  });
  const list = [...phases.values()].sort((a, b) => a.startedAt - b.startedAt);
  if (failedAt !== null) list.push({ name: AFTER_FAILURE, startedAt: failedAt, seconds: round(Math.max(0, end - failedAt)) });
  return { phases: list, failedAt };
}

/** Every string and number in a poll's input (a check's subject, as JSON): the values it names resources by. */
function namedValues(subject: string): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string' || typeof v === 'number') out.add(String(v));
    else if (v && typeof v === 'object') for (const x of Object.values(v)) visit(x);
  };
  visit(JSON.parse(subject));
  return out;
}

/** A transition is what a poll waited for if the poll names its resource: every value of one of its keys. */
const names = (values: ReadonlySet<string>, t: KeyedTransition) => t.keys.some((key) => key.length > 0 && key.every((v) => values.has(v)));

/** A resource transition with how requests name the resource (sim/resource-ref.ts). */
export type KeyedTransition = SimulationReport['transitions'][number] & { keys: ReadonlyArray<ReadonlyArray<string>> };

/** Groups poll checks into loops and finds when each awaited change actually happened. */
export function pollLoops(checks: PollCheck[], transitions: KeyedTransition[]): PollReport[] {
  const loops: PollReport[] = [];
  const open = new Map<string, PollReport>();
  for (const c of checks) {
    const key = `${c.state} ${c.subject}`;
    let loop = open.get(key);
    if (!loop) {
      loop = { state: c.state, subject: c.subject, checks: 0, startedAt: c.at, doneAt: null, readyAt: null, lateSeconds: 0 };
      loops.push(loop);
      open.set(key, loop);
    }
    loop.checks++;
    if (c.done) {
      loop.doneAt = c.at;
      // A resource created the instant the loop finished was made by the next step, not awaited by this one.
      const values = namedValues(c.subject);
      const relevant = transitions.filter((t) => t.at >= loop!.startedAt && t.at <= c.at && !(t.from === null && t.at === c.at) && names(values, t));
      loop.readyAt = relevant.length ? Math.max(...relevant.map((t) => t.at)) : loop.startedAt;
      loop.lateSeconds = Math.max(0, c.at - loop.readyAt);
      open.delete(key);
    }
  }
  return loops;
}

/**
 * The lower bound: the run's duration minus the time polls spent noticing changes late. Loops inside
 * one top-level Map/Parallel overlap, so only the one that finished last counts there.
 */
export function lowerBound(virtualSeconds: number, loops: PollReport[], phases: SimulationReport['phases']): number {
  let slack = 0;
  const counted = new Set<PollReport>();
  for (const p of phases) {
    const inside = loops.filter((l) => l.doneAt !== null && l.startedAt >= p.startedAt && l.doneAt <= p.startedAt + p.seconds);
    if (inside.length === 0) continue;
    const end = p.startedAt + p.seconds;
    slack += Math.max(0, end - Math.max(...inside.map((l) => Math.max(l.readyAt ?? l.startedAt, l.startedAt))));
    inside.forEach((l) => counted.add(l));
  }
  for (const l of loops) if (!counted.has(l)) slack += l.lateSeconds;
  return Math.max(0, Math.round((virtualSeconds - slack) * 100) / 100);
}

/** Does this call change what the internet routes? A swap back to AWS's own origin ASN is the one exemption. */
function changesRouting(c: AwsCallReport): boolean {
  const effects = c.effects ?? [];
  if (c.operation === 'AdvertiseByoipCidr') return !(effects.length > 0 && effects.every((e) => e === 'origin-asn-to-aws'));
  return effects.includes('dns-values-changed');
}

/**
 * Nothing changes what the internet routes (a new advertisement, an origin swap to a custom ASN, a DNS
 * cutover) before an approval given earlier in the same execution. Compensation (Undo* states)
 * restores and is exempt; so is a swap back to the AWS ASN, which announces nothing new (the emergency
 * retreat from a custom origin must stay immediate).
 */
export function safetyViolations(calls: AwsCallReport[], approvals: ApprovalRecord[]): string[] {
  const approvedAt = approvals.filter((a) => a.approved && a.decidedAt !== null).map((a) => a.decidedAt!);
  const firstApproval = approvedAt.length ? Math.min(...approvedAt) : Number.POSITIVE_INFINITY;
  return calls
    .filter((c) => !c.error && !/^Undo/.test(c.state ?? ''))
    .filter(changesRouting)
    .filter((c) => c.at < firstApproval)
    .map((c) => `${c.service} ${c.operation} at ${c.at} s (state ${c.state ?? '?'}) before any approval`);
}

/** Replaces every task token in `value` (a report is shared; the tokens are credentials). */
function redactTokens<T>(value: T, tokens: ReadonlySet<string>): T {
  if (tokens.size === 0) return value;
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v;
      if (out.includes('AQB')) for (const t of tokens) if (out.includes(t)) out = out.split(t).join('<task token>');
      return out;
    }
    if (Array.isArray(v)) return v.map(visit);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
    return v;
  };
  return visit(value) as T;
}

export function buildReport(r: {
  workflow: string;
  executionName: string;
  status: SimulationReport['status'];
  error: SimulationReport['error'];
  output: unknown;
  startedAt: number;
  endedAt: number;
  sim: Simulator;
  states: StateRecord[];
  topLevelStates: string[];
  pollChecks: PollCheck[];
  approvals: ApprovalRecord[];
  internet?: InternetEvidence[];
  stepFunctions: StepFunctionsFigures;
  /** failurePathStates() of the definition. */
  failurePath?: string[];
  compensation?: CompensationReport | null;
}): SimulationReport {
  const rel = (t: number) => Math.round((t - r.startedAt) / 10) / 100;
  const tokens = r.sim.taskTokens.issued;
  const virtualSeconds = rel(r.endedAt);
  const awsCalls: AwsCallReport[] = r.sim.calls
    .filter((c) => c.execution === r.executionName)
    .map((c) => ({
      at: rel(c.at),
      state: c.state ?? null,
      account: c.account,
      region: c.region,
      service: c.service,
      operation: c.operation,
      input: redactTokens(c.input, tokens),
      error: c.error ?? null,
      ...(c.effects ? { effects: c.effects } : {}),
    }));
  const keyed: KeyedTransition[] = r.sim.transitions
    .filter((t) => t.at >= r.startedAt && t.at <= r.endedAt)
    .map((t) => ({ at: rel(t.at), resource: t.resource, from: t.from ?? null, to: t.to, keys: t.keys }));
  const transitions = keyed.map(({ keys: _keys, ...t }) => t);
  const { phases, failedAt } = phasesOf(r.states, new Set(r.topLevelStates), { failurePath: new Set(r.failurePath ?? []), endedAt: virtualSeconds });
  const polls = pollLoops(r.pollChecks, keyed);
  const pollStates = new Set(r.pollChecks.map((c) => c.state));
  return {
    workflow: r.workflow,
    executionName: r.executionName,
    status: r.status,
    error: r.error,
    output: r.output,
    virtualSeconds,
    startedAt: new Date(r.startedAt).toISOString(),
    states: r.states,
    awsCalls,
    transitions,
    polls,
    pollCalls: awsCalls.filter((c) => c.state !== null && pollStates.has(c.state)).length,
    lowerBoundSeconds: lowerBound(virtualSeconds, polls, phases),
    approvals: r.approvals,
    safety: { violations: safetyViolations(awsCalls, r.approvals) },
    phases,
    internet: r.internet ?? [],
    stepFunctions: r.stepFunctions,
    failedAt,
    compensation: r.compensation ?? null,
    resources: redactTokens(r.sim.snapshot(), tokens),
  };
}

/** The tasks whose results are internet evidence. */
export const EVIDENCE_TASKS = new Set(['PreflightInternetChecks', 'CheckBgpVisibility']);

/** Turns a task's output (or its failure) into the report's evidence entry. */
export function evidenceOf(state: string, task: string, at: number, output: unknown, error?: { name: string; message: string }): InternetEvidence {
  if (error) return { state, task, at, outcome: 'failed', error: error.name, summary: error.message.split('\n').filter((l) => l.trim()) };
  const o = (output ?? {}) as { skipped?: boolean; done?: boolean; summary?: string[] };
  const outcome = o.skipped ? 'skipped' : o.done === false ? 'waiting' : 'passed';
  return { state, task, at, outcome, summary: o.summary ?? [] };
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const hms = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  return d > 0 ? `${d}d ${hms}` : hms;
}

/** Phases the breakdown always lists, however short: the internet checks (the visibility wait is the migration's proof). */
const ALWAYS_SHOWN = new Set([PREFLIGHT_STATE, VISIBILITY_STATE]);

/**
 * Shares of a whole in tenths of a percent that add up to exactly 100.0 (largest remainder), so the
 * breakdown an operator reads sums to 100 %.
 */
export function percentShares(values: number[]): number[] {
  const total = values.reduce((a, b) => a + b, 0);
  if (total <= 0) return values.map(() => 0);
  const raw = values.map((v) => (1000 * v) / total);
  const tenths = raw.map(Math.floor);
  let left = 1000 - tenths.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac);
  for (const { i } of order) {
    if (left <= 0) break;
    tenths[i]++;
    left--;
  }
  return tenths.map((t) => t / 10);
}

/** The rows of "where the virtual time went": the longest phases, the rest as one line, the time after a failure last. */
export function timeBreakdown(
  report: Pick<SimulationReport, 'phases' | 'compensation'>,
  limit = 12,
): Array<{ label: string; seconds: number; percent: number }> {
  const forward = report.phases.filter((p) => p.name !== AFTER_FAILURE && (p.seconds > 0 || ALWAYS_SHOWN.has(p.name))).sort((a, b) => b.seconds - a.seconds);
  const after = report.phases.find((p) => p.name === AFTER_FAILURE);
  const shown = [...forward.slice(0, limit), ...forward.slice(limit).filter((p) => ALWAYS_SHOWN.has(p.name))];
  const rest = forward.slice(limit).filter((p) => !ALWAYS_SHOWN.has(p.name));
  const rows = shown.map((p) => ({ label: p.name, seconds: p.seconds }));
  if (rest.length) rows.push({ label: `${rest.length} other phase${rest.length === 1 ? '' : 's'}`, seconds: rest.reduce((a, p) => a + p.seconds, 0) });
  if (after) rows.push({ label: report.compensation ? `${AFTER_FAILURE} (rollback)` : AFTER_FAILURE, seconds: after.seconds });
  const shares = percentShares(rows.map((r) => r.seconds));
  return rows.map((r, i) => ({ ...r, percent: shares[i] }));
}

/** "Where the virtual time went", for the terminal: sums to 100 %, with a line for the time after a failure. */
export function formatPhases(report: Pick<SimulationReport, 'phases' | 'compensation' | 'virtualSeconds'>, limit = 12): string {
  const rows = timeBreakdown(report, limit);
  const width = Math.max(...rows.map((r) => r.label.length), 10);
  const line = (label: string, seconds: number, percent: number) =>
    `  ${label.padEnd(width)}  ${formatDuration(seconds).padStart(12)}  ${percent.toFixed(1).padStart(5)} %`;
  return [...rows.map((r) => line(r.label, r.seconds, r.percent)), line('total', report.virtualSeconds, rows.length ? 100 : 0)].join('\n');
}

const ReportFileSchema = z
  .object({
    workflow: z.string().min(1),
    executionName: z.string().default('(unknown execution)'),
    status: z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'RUNNING']),
    error: z
      .object({ name: z.string(), cause: z.string().default('') })
      .nullable()
      .default(null),
    virtualSeconds: z.number().nonnegative(),
    startedAt: z.string().default(''),
    states: z.array(
      z
        .object({
          name: z.string(),
          type: z.string(),
          enteredAt: z.number(),
          exitedAt: z.number().nullable(),
          status: z.string(),
          index: z.number().optional(),
        })
        .passthrough(),
    ),
    awsCalls: z.array(z.unknown()).default([]),
    transitions: z.array(z.object({ at: z.number(), resource: z.string(), from: z.string().nullable(), to: z.string() })).default([]),
    polls: z.array(z.unknown()).default([]),
    pollCalls: z.number().default(0),
    approvals: z.array(z.unknown()).default([]),
    safety: z.object({ violations: z.array(z.string()) }).default({ violations: [] }),
    phases: z.array(z.object({ name: z.string(), startedAt: z.number(), seconds: z.number() })).default([]),
    internet: z.array(z.unknown()).default([]),
    resources: z.record(z.string(), z.unknown()).default({}),
  })
  .passthrough();

/**
 * Any SimulationReport (this version's, an older one, or one built from an execution's history) made
 * complete for reading: missing lists default to empty, and phases from before the failure-path split
 * are recomputed from the states when the workflow's definition is at hand.
 */
export function completeReport(
  raw: unknown,
  definitionOf?: (workflow: string) => { StartAt: string; States: Record<string, any> } | undefined,
): SimulationReport {
  const parsed = ReportFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`not a byoip report:\n${parsed.error.issues.map((i) => `  report.${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const r = parsed.data as unknown as SimulationReport & { lowerBoundSeconds?: number };
  r.lowerBoundSeconds ??= r.virtualSeconds;
  if (r.failedAt === undefined) {
    const definition = definitionOf?.(r.workflow);
    if (definition) {
      const { phases, failedAt } = phasesOf(r.states, new Set(Object.keys(definition.States)), {
        failurePath: failurePathStates(definition),
        endedAt: r.virtualSeconds,
      });
      Object.assign(r, { phases, failedAt });
    } else {
      r.failedAt = null;
    }
  }
  r.compensation ??= null;
  return r;
}

/** The internet evidence, for the terminal. */
export function formatInternetEvidence(report: SimulationReport): string {
  if (!report.internet?.length) return '';
  return report.internet
    .map((e) => `  ${e.state}: ${e.outcome.toUpperCase()}${e.error ? ` (${e.error})` : ''}\n${e.summary.map((l) => `    ${l}`).join('\n')}`)
    .join('\n');
}

/** The execution against Step Functions' quotas, for the terminal (the report's `stepFunctions`). */
export function formatStepFunctionsFigures(report: Pick<SimulationReport, 'stepFunctions'>): string {
  if (!report.stepFunctions) return 'Step Functions quotas: not in this report';
  const { historyEvents, largestPayload } = report.stepFunctions;
  const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;
  const { historyEvents: maxEvents, payloadBytes: maxBytes } = STEP_FUNCTIONS_QUOTAS;
  return `Step Functions quotas: ${historyEvents} history events (${pct(historyEvents, maxEvents)} of ${maxEvents.toLocaleString('en')}); largest payload ${largestPayload.bytes} bytes (${pct(largestPayload.bytes, maxBytes)} of ${maxBytes / 1024} KiB) at ${largestPayload.at}`;
}
