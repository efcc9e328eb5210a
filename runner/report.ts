/**
 * The simulation report (format documented in docs/simulation.md; keep it stable).
 * All times are virtual seconds from the start of the execution.
 */
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
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
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
  /** Where the virtual time went: top-level phases in order, with their durations. */
  phases: Array<{ name: string; startedAt: number; seconds: number }>;
  /** Evidence from the internet: pre-flight and BGP visibility, one entry per checking state (latest check). */
  internet: InternetEvidence[];
  /**
   * The execution against Step Functions' quotas (runner/history.ts): its history events as AWS counts
   * them (quota 25,000) and its largest payload in bytes of UTF-8 JSON (quota 262,144), with where it was.
   */
  stepFunctions: StepFunctionsFigures;
  /** The simulated world at the end. */
  resources: Record<string, unknown>;
}

const POLL_SUFFIX = /(Init|Done|Wait)$/;

/** Groups top-level states into phases (a poll's Init/Check/Done/Wait states are one phase). */
export function phasesOf(states: StateRecord[], topLevel: Set<string>): SimulationReport['phases'] {
  const phases = new Map<string, { name: string; startedAt: number; endedAt: number }>();
  for (const s of states) {
    if (s.index !== undefined || !topLevel.has(s.name)) continue;
    const base = POLL_SUFFIX.test(s.name) && topLevel.has(s.name.replace(POLL_SUFFIX, '')) ? s.name.replace(POLL_SUFFIX, '') : s.name;
    const end = s.exitedAt ?? s.enteredAt;
    const p = phases.get(base);
    if (!p) phases.set(base, { name: base, startedAt: s.enteredAt, endedAt: end });
    else p.endedAt = Math.max(p.endedAt, end);
  }
  return [...phases.values()].sort((a, b) => a.startedAt - b.startedAt).map((p) => ({ name: p.name, startedAt: p.startedAt, seconds: p.endedAt - p.startedAt }));
}

/** Resource ids and input strings name the same things (pool ids, CIDRs, change and distribution ids). */
function mentions(subject: string, resource: string): boolean {
  const key = resource.includes(':') ? resource.slice(resource.indexOf(':') + 1) : resource;
  const strings = [...subject.matchAll(/"([^"]+)"/g)].map((m) => m[1].replace(/^\/change\//, ''));
  // Short strings match only as an ASN ("64496" is the resource AS64496); others anywhere in the key.
  return strings.some((s) => (s.length >= 6 ? key.includes(s) || s.includes(key) : /^\d+$/.test(s) && new RegExp(`(^|[^0-9])AS${s}($|[^0-9])`).test(key)));
}

/** Groups poll checks into loops and finds when each awaited change actually happened. */
export function pollLoops(checks: PollCheck[], transitions: SimulationReport['transitions']): PollReport[] {
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
      const relevant = transitions.filter((t) => t.at >= loop!.startedAt && t.at <= c.at && mentions(c.subject, t.resource));
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
}): SimulationReport {
  const rel = (t: number) => Math.round((t - r.startedAt) / 10) / 100;
  const tokens = r.sim.taskTokens.issued;
  const virtualSeconds = rel(r.endedAt);
  const awsCalls: AwsCallReport[] = r.sim.calls
    .filter((c) => c.execution === r.executionName)
    .map((c) => ({ at: rel(c.at), state: c.state ?? null, account: c.account, region: c.region, service: c.service, operation: c.operation, input: redactTokens(c.input, tokens), error: c.error ?? null, ...(c.effects ? { effects: c.effects } : {}) }));
  const transitions = r.sim.transitions
    .filter((t) => t.at >= r.startedAt && t.at <= r.endedAt)
    .map((t) => ({ at: rel(t.at), resource: t.resource, from: t.from ?? null, to: t.to }));
  const phases = phasesOf(r.states, new Set(r.topLevelStates));
  const polls = pollLoops(r.pollChecks, transitions);
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

/** "Where the virtual time went", for the terminal. */
export function formatPhases(report: Pick<SimulationReport, 'phases' | 'virtualSeconds'>, limit = 12): string {
  const total = Math.max(report.virtualSeconds, 1);
  const longest = [...report.phases].sort((a, b) => b.seconds - a.seconds).slice(0, limit).filter((p) => p.seconds > 0);
  const top = [...longest, ...report.phases.filter((p) => ALWAYS_SHOWN.has(p.name) && !longest.includes(p))];
  const width = Math.max(...top.map((p) => p.name.length), 10);
  return top
    .map((p) => `  ${p.name.padEnd(width)}  ${formatDuration(p.seconds).padStart(12)}  ${((100 * p.seconds) / total).toFixed(1).padStart(5)} %`)
    .join('\n');
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
  const { historyEvents, largestPayload } = report.stepFunctions;
  const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;
  const { historyEvents: maxEvents, payloadBytes: maxBytes } = STEP_FUNCTIONS_QUOTAS;
  return `Step Functions quotas: ${historyEvents} history events (${pct(historyEvents, maxEvents)} of ${maxEvents.toLocaleString('en')}); largest payload ${largestPayload.bytes} bytes (${pct(largestPayload.bytes, maxBytes)} of ${maxBytes / 1024} KiB) at ${largestPayload.at}`;
}
