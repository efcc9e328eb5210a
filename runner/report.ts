/**
 * The simulation report (format documented in docs/simulation.md; keep it stable).
 * All times are virtual seconds from the start of the execution.
 */
import type { Simulator } from '../sim/simulator';

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
  account: string;
  region: string;
  service: string;
  operation: string;
  input: unknown;
  error: { name: string; message: string; injected?: boolean } | null;
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
  /** Where the virtual time went: top-level phases in order, with their durations. */
  phases: Array<{ name: string; startedAt: number; seconds: number }>;
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
}): SimulationReport {
  const rel = (t: number) => Math.round((t - r.startedAt) / 10) / 100;
  const tokens = r.sim.taskTokens.issued;
  return {
    workflow: r.workflow,
    executionName: r.executionName,
    status: r.status,
    error: r.error,
    output: r.output,
    virtualSeconds: rel(r.endedAt),
    startedAt: new Date(r.startedAt).toISOString(),
    states: r.states,
    awsCalls: r.sim.calls
      .filter((c) => c.at >= r.startedAt && c.at <= r.endedAt)
      .map((c) => ({ at: rel(c.at), account: c.account, region: c.region, service: c.service, operation: c.operation, input: redactTokens(c.input, tokens), error: c.error ?? null })),
    transitions: r.sim.transitions
      .filter((t) => t.at >= r.startedAt && t.at <= r.endedAt)
      .map((t) => ({ at: rel(t.at), resource: t.resource, from: t.from ?? null, to: t.to })),
    phases: phasesOf(r.states, new Set(r.topLevelStates)),
    resources: redactTokens(r.sim.snapshot(), tokens),
  };
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

/** "Where the virtual time went", for the terminal. */
export function formatPhases(report: SimulationReport, limit = 12): string {
  const total = Math.max(report.virtualSeconds, 1);
  const top = [...report.phases].sort((a, b) => b.seconds - a.seconds).slice(0, limit).filter((p) => p.seconds > 0);
  const width = Math.max(...top.map((p) => p.name.length), 10);
  return top
    .map((p) => `  ${p.name.padEnd(width)}  ${formatDuration(p.seconds).padStart(12)}  ${((100 * p.seconds) / total).toFixed(1).padStart(5)} %`)
    .join('\n');
}
