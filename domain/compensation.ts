/**
 * Compensation (rollback) as data. Before each mutating step a workflow records an *intent*: how to
 * find and revert what that step may do, even if the step dies halfway. On failure the intents are
 * expanded into undo steps, newest first, and run one at a time by per-service undo tasks, with
 * Wait states between an undo and its confirmation. Whatever cannot be undone is listed, never hidden.
 */
import { advancePoll, type PollProfile } from './polling';

/**
 * An intent, as written by a Pass state at `$.intents.<key>`.
 * `action` is "<Service>.<Verb>"; with `each`, the intent fans out into one step per element
 * (named `eachAs` in the step's params), skipping elements listed in `except`.
 */
export interface UndoIntent {
  action: string;
  label?: string;
  each?: unknown[];
  eachAs?: string;
  except?: unknown[];
  [param: string]: unknown;
}

export interface UndoStep {
  action: string;
  service: string;
  description: string;
  params: Record<string, unknown>;
}

export interface ActiveUndo extends UndoStep {
  phase: 'apply' | 'check';
  poll?: { attempt: number; startedAt: number };
  progress?: Record<string, unknown>;
}

export interface CompensationState {
  /** The failure that started compensation ({Error, Cause} as Step Functions' Catch gives it). */
  cause: { Error: string; Cause: string };
  pending: UndoStep[];
  current: ActiveUndo | null;
  /** For the ASL's Choice states. */
  hasCurrent: boolean;
  service: string;
  waiting: boolean;
  nextDelaySeconds: number;
  completed: Array<{ description: string; note?: string }>;
  leftovers: Array<{ description: string; action: string; params: Record<string, unknown>; error: string }>;
  leftoverCount: number;
  /** JSON text of what was undone and what is left: the Cause of CompensationIncomplete. */
  summary: string;
}

/** What an undo implementation reports after one apply or check. */
export type UndoProgress = { done: true; note?: string } | { done: false; next: 'apply' | 'check'; profile: PollProfile; progress?: Record<string, unknown> };

function describe(action: string, label: string | undefined, item: unknown): string {
  const base = label ?? action;
  if (item === undefined) return base;
  const shown =
    typeof item === 'string' ? item : ((item as Record<string, unknown>)?.distributionId ?? (item as Record<string, unknown>)?.id ?? JSON.stringify(item));
  return `${base} (${String(shown)})`;
}

export function expandIntent(intent: UndoIntent): UndoStep[] {
  const { action, label, each, eachAs, except, ...params } = intent;
  const service = action.split('.')[0];
  if (!each) return [{ action, service, description: describe(action, label, undefined), params }];
  const skip = new Set((except ?? []).map((e) => JSON.stringify(e)));
  return each
    .filter((item) => !skip.has(JSON.stringify(item)))
    .map((item) => ({ action, service, description: describe(action, label, item), params: { ...params, [eachAs ?? 'item']: item } }))
    .reverse(); // undo the last-done element first
}

/** Undo steps for the intents recorded so far, newest intent first. */
export function planUndo(intents: Record<string, UndoIntent | null | undefined>, order: string[]): UndoStep[] {
  const steps: UndoStep[] = [];
  for (const key of [...order].reverse()) {
    const intent = intents[key];
    if (intent) steps.push(...expandIntent(intent));
  }
  return steps;
}

function summarize(s: Omit<CompensationState, 'summary'>): string {
  return JSON.stringify({
    error: s.cause.Error,
    undone: s.completed.map((c) => c.description),
    leftOver: s.leftovers.map((l) => ({ what: l.description, action: l.action, params: l.params, error: l.error })),
  });
}

function withNext(
  s: Omit<CompensationState, 'current' | 'hasCurrent' | 'service' | 'waiting' | 'nextDelaySeconds' | 'summary' | 'leftoverCount'>,
): CompensationState {
  const [next, ...rest] = s.pending;
  const current: ActiveUndo | null = next ? { ...next, phase: 'apply' } : null;
  const base = {
    ...s,
    pending: rest,
    current,
    hasCurrent: current !== null,
    service: current?.service ?? 'none',
    waiting: false,
    nextDelaySeconds: 0,
    leftoverCount: s.leftovers.length,
  };
  return { ...base, summary: summarize(base) };
}

export function startCompensation(steps: UndoStep[], cause: { Error?: string; Cause?: string }): CompensationState {
  return withNext({ cause: { Error: cause.Error ?? 'States.TaskFailed', Cause: cause.Cause ?? '' }, pending: steps, completed: [], leftovers: [] });
}

/** Applies one undo result: either moves on to the next step or schedules the next apply/check. */
export function advanceCompensation(s: CompensationState, result: UndoProgress, nowMs: number): CompensationState {
  if (!s.current) return s;
  if (result.done) {
    return withNext({ ...s, completed: [...s.completed, { description: s.current.description, note: result.note }] });
  }
  const decision = advancePoll(s.current.poll, nowMs, result.profile, s.current.description);
  const current: ActiveUndo = {
    ...s.current,
    phase: result.next,
    poll: { attempt: decision.attempt, startedAt: decision.startedAt },
    progress: result.progress ?? s.current.progress,
  };
  return { ...s, current, waiting: true, nextDelaySeconds: decision.nextDelaySeconds };
}

/** Gives up on the current step (its task failed for good) and records it as left over. */
export function abandonCurrent(s: CompensationState, error: { Error?: string; Cause?: string }): CompensationState {
  if (!s.current) return s;
  const { description, action, params } = s.current;
  const detail = `${error.Error ?? 'Error'}: ${errorMessage(error.Cause)}`;
  return withNext({ ...s, leftovers: [...s.leftovers, { description, action, params, error: detail }] });
}

/** Lambda failures carry Cause as JSON {errorType, errorMessage, trace}; the local engine as plain text. */
export function errorMessage(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed) return String(parsed.errorMessage);
  } catch {
    // plain text
  }
  return cause;
}
