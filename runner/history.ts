/**
 * Step Functions' execution history, as AWS writes it, and the quotas AWS enforces on it.
 *
 * The local engine (aws-local-stepfunctions) reports its own coarse events (StateEntered, StateExited,
 * StateFailed, ...). `ExecutionHistory` turns them into the events AWS's GetExecutionHistory returns,
 * one for one, as recorded from AWS (LocalStack's AWS-validated snapshots): a Task whose Resource is a
 * Lambda function ARN writes TaskStateEntered, LambdaFunctionScheduled, LambdaFunctionStarted,
 * LambdaFunctionSucceeded|Failed|TimedOut (the last three again for every retry), TaskStateExited; a
 * `.waitForTaskToken` Task writes TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded|Failed|TimedOut;
 * Pass, Choice, Wait and Succeed write <Type>StateEntered and <Type>StateExited; Fail only
 * FailStateEntered; Map writes MapStateEntered, MapStateStarted, MapIterationStarted and
 * MapIterationSucceeded|Failed|Aborted per item, MapStateSucceeded|Failed, MapStateExited; Parallel
 * writes ParallelStateEntered, ParallelStateStarted, ParallelStateSucceeded|Failed, ParallelStateExited.
 * A state that is caught still exits; a state still running when its Map or Parallel fails is aborted
 * (TaskStateAborted, WaitStateAborted, MapIterationAborted).
 *
 * The quotas (Standard workflows, "Quotas related to state machine executions"):
 *  - 262,144 bytes of UTF-8 JSON for an execution's input and output, each state's input and output and
 *    each task's input and result: beyond it AWS fails the execution with States.DataLimitExceeded, a
 *    terminal error that `States.ALL` does not catch;
 *  - 25,000 history events: the 25,000th event is ExecutionFailed with States.Runtime;
 *  - an inline Map runs at most 40 iterations at once.
 *
 * `readHistory` goes the other way: from AWS's events back to the progress and time breakdown of a
 * rehearsal (`byoip watch` reads a real execution with it).
 */
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import { STEP_FUNCTIONS_QUOTAS } from '../domain/step-functions';
import type { StateRecord, UndoRecord } from './report';

/** What a run (local or read from a real execution's history) reports as it goes: the CLI prints these. */
export interface ProgressEvent {
  readonly kind: 'state-entered' | 'state-exited' | 'state-failed' | 'state-retried' | 'state-caught' | 'approval-requested' | 'undo-step' | 'execution-ended';
  readonly at: number; // virtual seconds since the run started
  readonly state?: string;
  readonly type?: string;
  readonly index?: number;
  readonly detail?: string;
  /** For undo-step: how the step ended. */
  readonly undo?: UndoRecord;
}

export { STEP_FUNCTIONS_QUOTAS };

export const HISTORY_LIMIT_CAUSE = `The execution reached the maximum number of history events (${STEP_FUNCTIONS_QUOTAS.historyEvents}).`;
const CALLBACK_RESOURCE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** Size of a payload as Step Functions counts it: its JSON text in UTF-8. */
export function payloadBytes(value: unknown): number {
  if (value === null || typeof value !== 'object') return Buffer.byteLength(JSON.stringify(value === undefined ? null : value), 'utf8');
  // A state's output is the next state's input (the same object; the engine copies before it changes
  // anything): measured once.
  let bytes = measured.get(value);
  if (bytes === undefined) measured.set(value, (bytes = Buffer.byteLength(JSON.stringify(value), 'utf8')));
  return bytes;
}
const measured = new WeakMap<object, number>();

/** What an execution failed with when a quota stopped it. */
export interface QuotaFailure {
  readonly error: string;
  readonly cause: string;
}

/**
 * States.DataLimitExceeded as the engine must see it: terminal, so neither a `States.ALL` retrier nor a
 * catcher takes it (aws-local-stepfunctions reads `isRetryable` / `isCatchable` from the error).
 */
export class DataLimitExceededError extends Error {
  override name = 'States.DataLimitExceeded';
  readonly isRetryable = false;
  readonly isCatchable = false;
}

export function dataLimitCause(state: string, what: 'result' | 'input' | 'output'): string {
  return what === 'result'
    ? `The state/task '${state}' returned a result with a size exceeding the maximum number of bytes service limit.`
    : `The state/task '${state}' has an ${what} with a size exceeding the maximum number of bytes service limit.`;
}

interface StateInfo {
  readonly type: string;
  /** How a Task calls its function: a Lambda function ARN, or the callback integration. */
  readonly kind?: 'lambda' | 'callback';
  readonly resource?: string;
  /** The Map or Parallel state this state runs in. */
  readonly parent?: string;
  readonly itemsPath?: string;
}

/** Every state of a definition (names are unique across the whole definition, as the builder enforces). */
export function describeStates(definition: { States: Record<string, any> }, lambdaArn: (task: string) => string): Map<string, StateInfo> {
  const out = new Map<string, StateInfo>();
  const visit = (states: Record<string, any>, parent?: string) => {
    for (const [name, s] of Object.entries(states)) {
      let info: StateInfo = { type: s.Type, parent };
      if (s.Type === 'Task') {
        const callback = s.Resource === CALLBACK_RESOURCE;
        const fn = /^\$\{(\w+)Arn\}$/.exec(callback ? (s.Parameters?.FunctionName ?? '') : (s.Resource ?? ''))?.[1];
        info = { ...info, kind: callback ? 'callback' : 'lambda', resource: callback ? CALLBACK_RESOURCE : fn ? lambdaArn(fn) : s.Resource };
      }
      if (s.Type === 'Map') info = { ...info, itemsPath: s.ItemsPath };
      out.set(name, info);
      if (s.Type === 'Map') visit((s.ItemProcessor ?? s.Iterator).States, name);
      if (s.Type === 'Parallel') for (const b of s.Branches) visit(b.States, name);
    }
  };
  visit(definition.States);
  return out;
}

/** `$.a.b` paths only (what the workflows use for ItemsPath). */
function simplePath(value: unknown, path: string | undefined): unknown {
  if (!path || path === '$') return value;
  if (!/^\$(\.[A-Za-z_][\w]*)+$/.test(path)) return undefined;
  return path
    .slice(2)
    .split('.')
    .reduce<any>((v, k) => (v && typeof v === 'object' ? v[k] : undefined), value);
}

interface OpenState {
  readonly name: string;
  readonly input: unknown;
  readonly type: string;
  readonly index?: number;
  /** Id of the latest event of this state instance (the next one's previousEventId). */
  lastEventId: number;
  /** The current attempt failed (a retry clears it; a catch leaves it: the state exits without succeeding). */
  failed: boolean;
}

/** Engine events, as aws-local-stepfunctions dispatches them (the fields the history needs). */
export interface EngineEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: { name: string; type: string; input?: unknown; output?: unknown };
  readonly parentState?: { name: string };
  readonly index?: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly Error?: string;
  readonly Cause?: unknown;
}

export interface LargestPayload {
  bytes: number;
  at: string;
}

/**
 * The AWS-format history of one execution, written from the engine's events as they come, with the
 * quotas enforced: a violation is reported once to `onQuotaExceeded` (the runner stops the execution)
 * and closes the history with the ExecutionFailed AWS would write.
 */
export class ExecutionHistory {
  /** The events so far; their input/output fields hold the values themselves until `page()` serializes them. */
  private readonly events: HistoryEvent[] = [];
  readonly largestPayload: LargestPayload = { bytes: 0, at: 'none' };
  private failure?: QuotaFailure;
  private closed = false;
  private readonly open = new Map<string, OpenState[]>();
  private readonly iterations = new Map<string, Map<number, number>>(); // Map state → iteration index → its started event id
  /** The latest raw result of each task (a Map's iterations share it: the detail is approximate there). */
  private readonly taskResults = new Map<string, unknown>();
  /** The latest effective input (after Parameters) of each task, handed over before the engine's events are read. */
  private readonly taskInputs = new Map<string, unknown>();

  constructor(
    private readonly states: Map<string, StateInfo>,
    private readonly ctx: {
      readonly now: () => number;
      readonly roleArn: string;
      readonly stateMachineArn: string;
      readonly region: string;
      readonly onQuotaExceeded: (failure: QuotaFailure) => void;
    },
  ) {}

  /** The quota failure that ended the execution, if any. */
  get quotaFailure(): QuotaFailure | undefined {
    return this.failure;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Measures a payload against the quota, keeping the largest. Over the quota, the execution fails
   * (once) and false is returned.
   */
  checkPayload(value: unknown, at: string, failure?: () => string): boolean {
    const bytes = payloadBytes(value);
    if (bytes > this.largestPayload.bytes) Object.assign(this.largestPayload, { bytes, at });
    if (bytes <= STEP_FUNCTIONS_QUOTAS.payloadBytes) return true;
    this.fail({
      error: 'States.DataLimitExceeded',
      cause: failure ? failure() : `${at}: ${bytes} bytes, over the ${STEP_FUNCTIONS_QUOTAS.payloadBytes}-byte quota`,
    });
    return false;
  }

  /** The effective input of a task attempt, as the function receives it (call before the engine's events are read). */
  taskInput(state: string, input: unknown): void {
    this.taskInputs.set(state, input);
  }

  /** The raw result of a task attempt (the function's return value, before ResultSelector/ResultPath). */
  taskResult(state: string, result: unknown): void {
    this.taskResults.set(state, result);
  }

  /** How the execution ended, as its last event says (undefined while it runs). */
  get outcome(): { status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED'; at: number; output?: string; error?: string; cause?: string } | undefined {
    const last = this.closed ? this.events[this.events.length - 1] : undefined;
    if (!last) return undefined;
    const at = new Date(last.timestamp!).getTime();
    switch (last.type) {
      case 'ExecutionSucceeded':
        return { status: 'SUCCEEDED', at, output: serialized(last).executionSucceededEventDetails?.output };
      case 'ExecutionFailed':
        return { status: 'FAILED', at, error: last.executionFailedEventDetails?.error, cause: last.executionFailedEventDetails?.cause };
      case 'ExecutionTimedOut':
        return { status: 'TIMED_OUT', at };
      case 'ExecutionAborted':
        return { status: 'ABORTED', at };
      default:
        return undefined;
    }
  }

  /** How many events the history holds. */
  get length(): number {
    return this.events.length;
  }

  /** Events [from, to) as GetExecutionHistory returns them (input and output as JSON text). */
  page(from = 0, to = this.events.length): HistoryEvent[] {
    return this.events.slice(from, to).map(serialized);
  }

  /** Consumes one engine event. */
  record(ev: EngineEvent): void {
    if (this.closed) return;
    const at = ev.timestamp;
    switch (ev.type) {
      case 'ExecutionStarted':
        this.add(at, 'ExecutionStarted', {
          executionStartedEventDetails: {
            input: json(ev.input),
            inputDetails: { truncated: false },
            roleArn: this.ctx.roleArn,
            stateMachineArn: this.ctx.stateMachineArn,
          } as any,
        });
        this.checkPayload(ev.input, 'execution input', () => 'The execution input exceeds the maximum number of bytes service limit.');
        return;
      case 'StateEntered':
        return this.entered(ev);
      case 'StateExited':
        return this.exited(ev);
      case 'StateFailed':
        return this.stateFailed(ev);
      case 'StateRetried':
        return this.retried(ev);
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        return this.iteration(ev);
      case 'ExecutionSucceeded':
        if (!this.checkPayload(ev.output, 'execution output', () => 'The execution output exceeds the maximum number of bytes service limit.')) return;
        this.add(at, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: json(ev.output), outputDetails: { truncated: false } } });
        this.closed = true;
        return;
      case 'ExecutionFailed':
        this.add(at, 'ExecutionFailed', { executionFailedEventDetails: { error: ev.Error, cause: causeText(ev.Cause) } });
        this.closed = true;
        return;
      case 'ExecutionTimeout':
        this.add(at, 'ExecutionTimedOut', { executionTimedOutEventDetails: {} });
        this.closed = true;
        return;
      case 'ExecutionAborted':
        this.add(at, 'ExecutionAborted', { executionAbortedEventDetails: {} });
        this.closed = true;
        return;
      default:
        return; // ParallelBranch* have no counterpart in AWS's history
    }
  }

  /** Closes the history of an execution that ended without an engine event (e.g. the runner gave up). */
  end(status: 'FAILED' | 'ABORTED', error?: QuotaFailure): void {
    if (this.closed) return;
    if (status === 'ABORTED') this.add(this.ctx.now(), 'ExecutionAborted', { executionAbortedEventDetails: {} });
    else this.add(this.ctx.now(), 'ExecutionFailed', { executionFailedEventDetails: { error: error?.error, cause: error?.cause } });
    this.closed = true;
  }

  private fail(failure: QuotaFailure): void {
    if (this.failure || this.closed) return;
    this.failure = failure;
    this.add(this.ctx.now(), 'ExecutionFailed', { executionFailedEventDetails: { error: failure.error, cause: failure.cause } });
    this.closed = true;
    this.ctx.onQuotaExceeded(failure);
  }

  /** Appends an event; the 25,000th is the execution's failure (AWS's cut lands exactly there). */
  private add(at: number, type: HistoryEventType, details: Record<string, unknown>, previous?: number): number {
    const id = this.events.length + 1;
    const terminal = type.startsWith('Execution') && type !== 'ExecutionStarted';
    if (id === STEP_FUNCTIONS_QUOTAS.historyEvents && !terminal) {
      this.failure ??= { error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE };
      this.events.push({
        id,
        previousEventId: id - 1,
        timestamp: new Date(this.ctx.now()),
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE },
      });
      this.closed = true;
      this.ctx.onQuotaExceeded(this.failure);
      return id;
    }
    this.events.push({ id, previousEventId: previous ?? id - 1, timestamp: new Date(at), type, ...details } as HistoryEvent);
    return id;
  }

  private key(name: string, index?: number): string {
    return `${name}#${index ?? ''}`;
  }

  private openOf(name: string, index?: number): OpenState | undefined {
    const list = this.open.get(this.key(name, index));
    return list?.[list.length - 1];
  }

  private entered(ev: EngineEvent): void {
    const { name, type } = ev.state!;
    const info = this.states.get(name);
    if (!this.checkPayload(ev.state!.input, `state ${name} input`, () => dataLimitCause(name, 'input'))) return;
    const parentIteration =
      info?.parent && this.states.get(info.parent)?.type === 'Map' && ev.index !== undefined ? this.iterations.get(info.parent)?.get(ev.index) : undefined;
    const id = this.add(
      ev.timestamp,
      `${type}StateEntered` as HistoryEventType,
      { stateEnteredEventDetails: { name, input: json(ev.state!.input), inputDetails: { truncated: false } } },
      parentIteration,
    );
    if (this.closed) return;
    const open: OpenState = { name, type, input: ev.state!.input, index: ev.index, lastEventId: id, failed: false };
    const key = this.key(name, ev.index);
    this.open.set(key, [...(this.open.get(key) ?? []), open]);
    if (type === 'Task') this.attempt(open, ev.timestamp);
    if (type === 'Map') {
      const items = simplePath(ev.state!.input, info?.itemsPath);
      open.lastEventId = this.add(
        ev.timestamp,
        'MapStateStarted',
        { mapStateStartedEventDetails: Array.isArray(items) ? { length: items.length } : {} },
        open.lastEventId,
      );
      this.iterations.set(name, new Map());
    }
    if (type === 'Parallel') open.lastEventId = this.add(ev.timestamp, 'ParallelStateStarted', {}, open.lastEventId);
  }

  /** A task attempt: scheduled and started (a callback task is also submitted once its function returned). */
  private attempt(open: OpenState, at: number): void {
    const info = this.states.get(open.name);
    // AWS records the input after Parameters. Callback tasks never run in a Map (the builder refuses gates there), so the
    // latest input handed over for the name is this attempt's; inside a Map the state's own input stands in for it.
    const parameters = json(info?.kind === 'callback' && this.taskInputs.has(open.name) ? this.taskInputs.get(open.name) : open.input);
    if (info?.kind === 'callback') {
      const resource = { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' };
      open.lastEventId = this.add(at, 'TaskScheduled', { taskScheduledEventDetails: { ...resource, region: this.ctx.region, parameters } }, open.lastEventId);
      open.lastEventId = this.add(at, 'TaskStarted', { taskStartedEventDetails: resource }, open.lastEventId);
      open.lastEventId = this.add(
        at,
        'TaskSubmitted',
        { taskSubmittedEventDetails: { ...resource, output: '{}', outputDetails: { truncated: false } } },
        open.lastEventId,
      );
    } else {
      open.lastEventId = this.add(
        at,
        'LambdaFunctionScheduled',
        { lambdaFunctionScheduledEventDetails: { resource: info?.resource, input: parameters, inputDetails: { truncated: false } } },
        open.lastEventId,
      );
      open.lastEventId = this.add(at, 'LambdaFunctionStarted', {}, open.lastEventId);
    }
  }

  private exited(ev: EngineEvent): void {
    const { name, type } = ev.state!;
    const open = this.openOf(name, ev.index);
    if (!this.checkPayload(ev.state!.output, `state ${name} output`, () => dataLimitCause(name, 'output'))) return;
    const previous = open?.lastEventId;
    let last = previous;
    if (open && !open.failed) {
      if (type === 'Task') {
        const result = json(this.taskResults.get(name) ?? null);
        last =
          this.states.get(name)?.kind === 'callback'
            ? this.add(
                ev.timestamp,
                'TaskSucceeded',
                {
                  taskSucceededEventDetails: {
                    resourceType: 'lambda',
                    resource: 'invoke.waitForTaskToken',
                    output: result,
                    outputDetails: { truncated: false },
                  },
                },
                last,
              )
            : this.add(
                ev.timestamp,
                'LambdaFunctionSucceeded',
                { lambdaFunctionSucceededEventDetails: { output: result, outputDetails: { truncated: false } } },
                last,
              );
      }
      if (type === 'Map') last = this.add(ev.timestamp, 'MapStateSucceeded', {}, last);
      if (type === 'Parallel') last = this.add(ev.timestamp, 'ParallelStateSucceeded', {}, last);
    }
    this.add(
      ev.timestamp,
      `${type}StateExited` as HistoryEventType,
      { stateExitedEventDetails: { name, output: json(ev.state!.output), outputDetails: { truncated: false } } },
      last,
    );
    this.close(name, ev.index);
  }

  private close(name: string, index?: number): void {
    const key = this.key(name, index);
    const list = this.open.get(key);
    list?.pop();
    if (list && list.length === 0) this.open.delete(key);
  }

  private stateFailed(ev: EngineEvent): void {
    const { name, type } = ev.state!;
    const open = this.openOf(name, ev.index);
    if (!open) return;
    open.failed = true;
    const error = ev.Error ?? 'States.TaskFailed';
    const cause = causeText(ev.Cause);
    const timedOut = /^States\.(Heartbeat)?Timeout$/.test(error);
    if (type === 'Task') {
      if (this.states.get(name)?.kind === 'callback') {
        const resource = { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' };
        open.lastEventId = timedOut
          ? this.add(ev.timestamp, 'TaskTimedOut', { taskTimedOutEventDetails: { ...resource, error, cause } }, open.lastEventId)
          : this.add(ev.timestamp, 'TaskFailed', { taskFailedEventDetails: { ...resource, error, cause } }, open.lastEventId);
      } else {
        open.lastEventId = timedOut
          ? this.add(ev.timestamp, 'LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: { error, cause } }, open.lastEventId)
          : this.add(ev.timestamp, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error, cause } }, open.lastEventId);
      }
    }
    if (type === 'Map' || type === 'Parallel') {
      this.abortInside(name, ev.timestamp);
      open.lastEventId = this.add(ev.timestamp, type === 'Map' ? 'MapStateFailed' : 'ParallelStateFailed', {}, open.lastEventId);
    }
    // A failed Fail/Choice/Pass state adds nothing: the execution's failure (or the catcher's exit) follows.
  }

  /** Everything still running inside a failed Map or Parallel is aborted, as AWS records it. */
  private abortInside(container: string, at: number): void {
    const inside = (name: string): boolean => {
      for (let p = this.states.get(name)?.parent; p; p = this.states.get(p)?.parent) if (p === container) return true;
      return false;
    };
    for (const [key, list] of [...this.open.entries()]) {
      if (!inside(list[0].name)) continue;
      // A state that failed has ended with its failure event; the others were cut short.
      for (const s of list)
        if (!s.failed && ['Task', 'Wait', 'Map', 'Parallel'].includes(s.type)) this.add(at, `${s.type}StateAborted` as HistoryEventType, {}, s.lastEventId);
      this.open.delete(key);
    }
    const iterations = this.iterations.get(container);
    for (const [index, started] of iterations ?? [])
      this.add(at, 'MapIterationAborted', { mapIterationAbortedEventDetails: { name: container, index } }, started);
    iterations?.clear();
  }

  private retried(ev: EngineEvent): void {
    const { name, type } = ev.state!;
    const open = this.openOf(name, ev.index);
    if (!open) return;
    open.failed = false;
    if (type === 'Task') this.attempt(open, ev.timestamp);
    if (type === 'Map') {
      open.lastEventId = this.add(ev.timestamp, 'MapStateStarted', { mapStateStartedEventDetails: {} }, open.lastEventId);
      this.iterations.set(name, new Map());
    }
    if (type === 'Parallel') open.lastEventId = this.add(ev.timestamp, 'ParallelStateStarted', {}, open.lastEventId);
  }

  private iteration(ev: EngineEvent): void {
    const map = ev.parentState!.name;
    const index = ev.index!;
    const started = this.iterations.get(map) ?? new Map<number, number>();
    this.iterations.set(map, started);
    const details = { name: map, index };
    if (ev.type === 'MapIterationStarted') {
      started.set(index, this.add(ev.timestamp, 'MapIterationStarted', { mapIterationStartedEventDetails: details }, this.openOf(map)?.lastEventId));
      return;
    }
    const previous = started.get(index);
    if (previous === undefined) return; // already aborted
    started.delete(index);
    if (ev.type === 'MapIterationSucceeded') this.add(ev.timestamp, 'MapIterationSucceeded', { mapIterationSucceededEventDetails: details }, previous);
    else this.add(ev.timestamp, 'MapIterationFailed', { mapIterationFailedEventDetails: details }, previous);
  }
}

/** A payload kept as the value itself until a reader asks for the history (most are never read). */
class Payload {
  constructor(readonly value: unknown) {}
}

function json(value: unknown): string {
  return new Payload(value === undefined ? null : value) as unknown as string;
}

function serialized(e: HistoryEvent): HistoryEvent {
  const visit = (v: unknown): unknown => {
    if (v instanceof Payload) return JSON.stringify(v.value);
    if (v instanceof Date || v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
  };
  return visit(e) as HistoryEvent;
}

function causeText(cause: unknown): string {
  if (cause === undefined || cause === null) return '';
  return typeof cause === 'string' ? cause : cause instanceof Error ? cause.message : JSON.stringify(cause);
}

// ------------------------------------------------------------------------------------------------
// Reading a history back: what `byoip watch` shows of a real execution.

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface HistoryReading {
  readonly progress: ProgressEvent[];
  /** One record per state visit, as in a rehearsal's report (for the time breakdown). */
  readonly states: StateRecord[];
  readonly status: ExecutionStatus;
  readonly error: { name: string; cause: string } | null;
  /** Seconds from the execution's start to its last event. */
  readonly seconds: number;
  readonly events: number;
}

const ENTERED = /^(\w+)StateEntered$/;
const EXITED = /^(\w+)StateExited$/;
const ATTEMPT_FAILED = new Set([
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'LambdaFunctionScheduleFailed',
  'LambdaFunctionStartFailed',
  'TaskFailed',
  'TaskTimedOut',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'MapStateFailed',
  'ParallelStateFailed',
]);
const ATTEMPT_STARTED = new Set(['LambdaFunctionScheduled', 'TaskScheduled', 'MapStateStarted', 'ParallelStateStarted']);
const END_STATUS: Record<string, ExecutionStatus> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/**
 * Replays a history (all pages so far, oldest first) into the progress events and state records a
 * rehearsal produces. Events that belong to a state are attributed through previousEventId, as AWS
 * links them, so concurrent Map iterations do not mix.
 */
export function readHistory(events: readonly HistoryEvent[]): HistoryReading {
  const progress: ProgressEvent[] = [];
  const states: StateRecord[] = [];
  const start = events[0]?.timestamp ? new Date(events[0].timestamp).getTime() : 0;
  const rel = (e: HistoryEvent) => Math.round((new Date(e.timestamp!).getTime() - start) / 10) / 100;
  const owner = new Map<number, { record: StateRecord; attempts: number; failed: boolean; approval?: string }>();
  let status: ExecutionStatus = 'RUNNING';
  let error: HistoryReading['error'] = null;
  let last = 0;
  for (const e of events) {
    const at = rel(e);
    last = at;
    const type = e.type ?? '';
    const entered = ENTERED.exec(type);
    if (entered) {
      const record: StateRecord = { name: e.stateEnteredEventDetails?.name ?? '?', type: entered[1], enteredAt: at, exitedAt: null, status: 'RUNNING' };
      states.push(record);
      owner.set(e.id!, { record, attempts: 0, failed: false });
      progress.push({ kind: 'state-entered', at, state: record.name, type: record.type });
      continue;
    }
    const mine = e.previousEventId !== undefined ? owner.get(e.previousEventId) : undefined;
    if (END_STATUS[type]) {
      status = END_STATUS[type];
      const d = e.executionFailedEventDetails ?? (e as any).executionTimedOutEventDetails ?? (e as any).executionAbortedEventDetails;
      if (status !== 'SUCCEEDED') error = { name: d?.error ?? (status === 'TIMED_OUT' ? 'States.Timeout' : status), cause: d?.cause ?? '' };
      progress.push({ kind: 'execution-ended', at, detail: status });
      continue;
    }
    if (!mine) continue;
    owner.set(e.id!, mine);
    const { record } = mine;
    if (ATTEMPT_STARTED.has(type)) {
      if (mine.attempts > 0) {
        record.retries = (record.retries ?? 0) + 1;
        progress.push({ kind: 'state-retried', at, state: record.name, detail: `attempt ${mine.attempts + 1}` });
      }
      mine.attempts++;
      mine.failed = false;
      if (type === 'TaskScheduled') mine.approval = approvalTitle(e.taskScheduledEventDetails?.parameters);
      continue;
    }
    if (type === 'TaskSubmitted' && mine.approval !== undefined) {
      progress.push({ kind: 'approval-requested', at, state: record.name, detail: mine.approval });
      continue;
    }
    if (ATTEMPT_FAILED.has(type)) {
      const d = (e as any)[`${type[0].toLowerCase()}${type.slice(1)}EventDetails`] as { error?: string } | undefined;
      mine.failed = true;
      record.error = d?.error ?? type;
      progress.push({ kind: 'state-failed', at, state: record.name, detail: record.error });
      continue;
    }
    if (EXITED.test(type)) {
      record.exitedAt = at;
      record.status = mine.failed ? 'CAUGHT' : 'SUCCEEDED';
      progress.push(mine.failed ? { kind: 'state-caught', at, state: record.name } : { kind: 'state-exited', at, state: record.name, type: record.type });
    }
  }
  return { progress, states, status, error, seconds: last, events: events.length };
}

/** The plan title an approval gate's decision task carries (its parameters hold the plan). */
function approvalTitle(parameters: string | undefined): string | undefined {
  if (!parameters) return undefined;
  try {
    const p = JSON.parse(parameters);
    const payload = p?.Payload ?? p;
    return payload?.plan && typeof payload.gate === 'string' ? String(payload.plan.title ?? payload.gate) : undefined;
  } catch {
    return undefined;
  }
}
