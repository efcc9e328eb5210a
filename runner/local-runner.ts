/**
 * Runs a workflow's committed ASL (the same file CDK deploys) on this machine: aws-local-stepfunctions
 * is the engine, Task states call the real middy handlers, the handlers' SDK clients reach the
 * simulator, and Wait/Retry timers run on the simulator's virtual clock.
 */
import { cloneData } from '../sim/clone';
import 'promise.withresolvers/auto'; // aws-local-stepfunctions 3 calls Promise.withResolvers (Node 22+)
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Context } from 'aws-lambda';
import {
  APPROVAL_KEY_SECRET_NAME,
  approvalIdFor,
  approvalKeys,
  attestRequester,
  eligibleApprovers,
  type OperatorDecision,
  type Requester,
} from '../domain/approval';
import { approverOfPrincipal } from '../domain/deployment';
import { decideApproval, type DecisionOutcome } from '../platform/approval/store';
import { taskCatalog } from '../tasks/catalog';
import { stateMachineName } from '../workflows/lib/workflow';
import type { Simulator } from '../sim/simulator';
import type { PendingTask } from '../sim/task-tokens';
import { connectSimulator, httpConfigurer } from '../sim/transport';
import { startEndpoint } from '../sim/http/endpoint';
import { hostApprovalApi } from './approval-server';
import {
  DataLimitExceededError,
  dataLimitCause,
  describeStates,
  ExecutionHistory,
  STEP_FUNCTIONS_QUOTAS,
  type ProgressEvent,
  type QuotaFailure,
} from './history';
import { isMutating } from '../sim/simulator';
import {
  buildReport,
  EVIDENCE_TASKS,
  evidenceOf,
  failurePathStates,
  type ApprovalRecord,
  type CompensationReport,
  type InternetEvidence,
  type PollCheck,
  type SimulationReport,
  type StateRecord,
  type UndoRecord,
} from './report';

export const ROOT = resolve(__dirname, '..');

/**
 * The engine as patches/aws-local-stepfunctions+3.0.0.patch corrects it (applied by `npm ci`'s
 * postinstall, patch-package): a Map or Parallel starts no further iteration once one failed, as in
 * AWS. Without it a rehearsal could advertise a /24 after the execution failed, so it does not run.
 */
function assertEngineCorrected(): void {
  const source = readFileSync(require.resolve('aws-local-stepfunctions'), 'utf8');
  if (!source.includes('function stoppingLimit(concurrency)'))
    throw new Error('aws-local-stepfunctions is installed without patches/aws-local-stepfunctions+3.0.0.patch: run `npm ci` (its postinstall applies it)');
}
assertEngineCorrected();

/** How the approval gate is answered in a simulation. */
export type ApprovalPolicy = 'auto' | 'reject' | 'none' | ((request: ApprovalRequest) => Promise<void> | void);

export interface ApprovalRequest {
  readonly task: PendingTask;
  readonly payload: Record<string, any>;
  readonly sim: Simulator;
  /** The stored approval (docs/approvals.md); the email and the page name it. */
  readonly approvalId: string;
  /** The link in the latest approval email (what an approver clicks). */
  link(): string | undefined;
  /**
   * Decide through the same code path as the approval page and `byoip approve|reject`, authenticated as
   * "simulator". `by` should be one of the approvers; without it, the first approver who is not the requester.
   */
  approve(by?: string, reason?: string): Promise<DecisionOutcome>;
  reject(by?: string, reason?: string): Promise<DecisionOutcome>;
  /** An operator gate's decision (forward, back or stop); "back" is sent with the old provider's confirmation. */
  decide(outcome: OperatorDecision, by?: string, reason?: string): Promise<DecisionOutcome>;
}

export interface RunOptions {
  readonly workflow: string;
  readonly input: unknown;
  readonly sim: Simulator;
  readonly approve?: ApprovalPolicy;
  /** How tasks reach the simulator: in-process (default), or over HTTP through `byoip serve`'s endpoint. */
  readonly transport?: 'in-process' | 'http';
  /**
   * The answer to the first operator decision (a step failed after the point of no return). Without it
   * (and without a function policy) the rehearsal ends there, WAITING_FOR_OPERATOR, as the execution
   * would wait in AWS; a later operator decision in the same run is left waiting too.
   */
  readonly operator?: OperatorDecision | readonly OperatorDecision[];
  /** Virtual seconds an auto/reject decision takes (a human reading the plan). */
  readonly decisionDelaySeconds?: number;
  readonly executionName?: string;
  readonly onProgress?: (e: ProgressEvent) => void;
  /** Read the ASL from this file instead of asl/<workflow>.asl.json. */
  readonly aslFile?: string;
  /** Use this definition instead of reading a file (benchmarks compare variants). */
  readonly definition?: Record<string, unknown>;
  /**
   * Who asks for the execution: the runner attests it as the event starter does (domain/approval.ts
   * attestRequester). Default: the rehearsing operator, arn:aws:sts::<account>:assumed-role/byoip-operator/rehearsal.
   * `false`: pass the input as it is (to rehearse a StartExecution by hand).
   */
  readonly requester?: { principal: string; approver?: string | null } | false;
  /** Called once the execution has started, with its AWS-format history (the simulated Step Functions API serves it). */
  readonly onStarted?: (execution: { readonly history: ExecutionHistory; readonly executionArn: string; readonly stop: () => void }) => void;
}

/**
 * The runner plays the starter (StartWorkflow in AWS), which is not part of the execution: it reads the
 * simulated link key directly, so its read is neither in the report's AWS calls nor hit by injected faults.
 */
function starterKeys(sim: Simulator) {
  const secret = sim
    .state<{ secrets: Array<{ name: string; account: string; value: string }> }>('secretsmanager')
    .secrets.find((s) => s.name === APPROVAL_KEY_SECRET_NAME && s.account === sim.world.defaultAccount);
  if (!secret) throw new Error(`the simulated account ${sim.world.defaultAccount} has no ${APPROVAL_KEY_SECRET_NAME}`);
  return approvalKeys(secret.value);
}

/** Who a rehearsal runs as unless told otherwise. */
export function rehearsalRequester(sim: Simulator): { principal: string; approver?: string | null } {
  return { principal: `arn:aws:sts::${sim.world.defaultAccount}:assumed-role/byoip-operator/rehearsal` };
}

export interface RunResult {
  readonly report: SimulationReport;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;
const handlerCache = new Map<string, Handler>();

export function loadTaskHandler(task: string): Handler {
  const cached = handlerCache.get(task);
  if (cached) return cached;
  const entry = (taskCatalog as Record<string, string>)[task];
  if (!entry) throw new Error(`task ${task} is not in tasks/catalog.ts`);
  const mod = require(join(ROOT, entry));
  if (typeof mod.handler !== 'function') throw new Error(`${entry} does not export a handler`);
  handlerCache.set(task, mod.handler);
  return mod.handler;
}

function placeholderTask(resource: unknown): string | undefined {
  const m = typeof resource === 'string' ? /^\$\{(\w+)Arn\}$/.exec(resource) : null;
  return m?.[1];
}

function lambdaContext(task: string, sim: Simulator): Context {
  return taskContext(task, sim.world.defaultAccount, sim.world.defaultRegion);
}

/** The Lambda context a task handler runs with outside Lambda (rehearsals, `byoip plan`'s reads). */
export function taskContext(task: string, account: string, region: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `byoip-${task}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:byoip-${task}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/byoip-${task}`,
    logStreamName: 'simulated',
    getRemainingTimeInMillis: () => 120_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Which execution and state a task invocation belongs to, so the simulator can attribute AWS calls. */
/** Who is calling AWS: the execution, its state, and the task function whose role AWS would evaluate (test/infra/iam-calls). */
export const invocationContext = new AsyncLocalStorage<{ execution: string; state: string; task?: string }>();

/** What the runner records about one execution while it runs. */
interface RunLog {
  execution: string;
  startedAt: number;
  pollChecks: PollCheck[];
  approvals: ApprovalRecord[];
  /** Latest internet evidence per state. */
  internet: Map<string, InternetEvidence>;
  history: ExecutionHistory;
  /** The latest compensation state (domain/compensation.ts) an undo task returned. */
  compensation?: CompensationShape;
  /** Undo steps whose tasks changed something in AWS (a successful mutating call). */
  undoMutated: Set<string>;
  /** When each undo step ended (virtual seconds since the start). */
  undoEndedAt: Map<string, number>;
}

/**
 * What Step Functions checks around a function call: the input it schedules and the result it gets
 * back, each within the payload quota (else States.DataLimitExceeded, which no `States.ALL` catches).
 */
async function withinQuotas(log: RunLog, state: string, input: unknown, call: () => Promise<unknown>): Promise<unknown> {
  log.history.taskInput(state, input);
  // The engine's events are read a few microtasks behind it: a quota crossed by the state just before
  // this one can be noticed only after this call was scheduled (the execution fails all the same).
  const stopped = log.history.quotaFailure;
  if (stopped) throw Object.assign(new DataLimitExceededError(stopped.cause), { name: stopped.error });
  if (!log.history.checkPayload(input, `task ${state} input`, () => dataLimitCause(state, 'input')))
    throw new DataLimitExceededError(dataLimitCause(state, 'input'));
  const result = await call();
  if (!log.history.checkPayload(result, `task ${state} result`, () => dataLimitCause(state, 'result')))
    throw new DataLimitExceededError(dataLimitCause(state, 'result'));
  log.history.taskResult(state, result);
  return result;
}

interface CompensationShape {
  cause: { Error: string };
  current: { description: string } | null;
  pending: Array<{ description: string }>;
  completed: Array<{ description: string; note?: string }>;
  leftovers: Array<{ description: string; error: string }>;
}

function isCompensationState(v: any): v is CompensationShape {
  return !!v && typeof v === 'object' && Array.isArray(v.completed) && Array.isArray(v.leftovers) && Array.isArray(v.pending) && typeof v.cause === 'object';
}

/** The rollback in the operator's words: what was undone, what was left as it was, what needs attention. */
function compensationReport(log: RunLog): CompensationReport | null {
  const c = log.compensation;
  if (!c) return null;
  const at = (d: string) => (log.undoEndedAt.has(d) ? { at: log.undoEndedAt.get(d)! } : {});
  const steps: UndoRecord[] = [
    ...c.completed.map(
      (s): UndoRecord => ({
        description: s.description,
        outcome: log.undoMutated.has(s.description) ? 'undone' : 'unchanged',
        ...(s.note ? { note: s.note } : {}),
        ...at(s.description),
      }),
    ),
    ...c.leftovers.map((s): UndoRecord => ({ description: s.description, outcome: 'needs-attention', error: s.error, ...at(s.description) })),
    ...[...(c.current ? [c.current] : []), ...c.pending].map(
      (s): UndoRecord => ({ description: s.description, outcome: 'needs-attention', error: 'not attempted: the rollback stopped before this step' }),
    ),
  ];
  return { error: c.cause.Error, steps };
}

/**
 * Invokes a handler as Lambda would: JSON in, JSON out, and on failure an error whose name is the
 * errorType and whose message is Lambda's Cause JSON ({errorType, errorMessage, trace}).
 */
async function invokeLikeLambda(task: string, event: unknown, sim: Simulator): Promise<unknown> {
  const handler = loadTaskHandler(task);
  const done = sim.clock.busy();
  const started = performance.now();
  try {
    const out = await handler(JSON.parse(JSON.stringify(event ?? null)), lambdaContext(task, sim));
    return out === undefined ? null : JSON.parse(JSON.stringify(out));
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    sim.taskErrors.push({ at: sim.clock.now(), task, errorType: err.name, message: err.message });
    const surfaced = new Error(JSON.stringify({ errorType: err.name, errorMessage: err.message, trace: [] }));
    surfaced.name = err.name;
    throw surfaced;
  } finally {
    done();
    sim.taskRuns.push({ task, ms: performance.now() - started });
  }
}

/** The errorMessage inside the Cause JSON invokeLikeLambda surfaces. */
function lambdaErrorMessage(e: Error): string {
  try {
    return String(JSON.parse(e.message).errorMessage);
  } catch {
    return e.message;
  }
}

const TIMEOUT_FIELD = '__byoipTimeoutSeconds';
const HEARTBEAT_FIELD = '__byoipHeartbeatSeconds';

/**
 * Engine shim: aws-local-stepfunctions evaluates TimeoutSecondsPath against the input *after*
 * Parameters (AWS uses the state input) and ignores heartbeats. For callback states the runner moves
 * those paths into hidden Parameters fields and lets the token broker enforce them on the virtual clock.
 */
function shimCallbackTimeouts(state: any): { timeoutSeconds?: number; heartbeatSeconds?: number } {
  const params = (state.Parameters ??= {});
  if (state.TimeoutSecondsPath) params[`${TIMEOUT_FIELD}.$`] = state.TimeoutSecondsPath;
  if (state.HeartbeatSecondsPath) params[`${HEARTBEAT_FIELD}.$`] = state.HeartbeatSecondsPath;
  const fixed = { timeoutSeconds: state.TimeoutSeconds as number | undefined, heartbeatSeconds: state.HeartbeatSeconds as number | undefined };
  delete state.TimeoutSecondsPath;
  delete state.HeartbeatSecondsPath;
  delete state.HeartbeatSeconds;
  // The broker times the callback out; the engine's own timer only has to stay out of the way.
  state.TimeoutSeconds = 2_000_000;
  return fixed;
}

/** Every Task state (including those inside Map/Parallel) gets a local handler keyed by its name. */
function localHandlers(
  definition: any,
  sim: Simulator,
  executionId: string,
  log: RunLog,
  approval: (task: PendingTask, payload: any) => void,
  onUndo: (before: CompensationShape | undefined, after: CompensationShape) => void,
) {
  const handlers: Record<string, (input: any) => Promise<any>> = {};
  // Same rounding as the report's times, so "before" and "after" compare exactly.
  const rel = () => Math.round((sim.clock.now() - log.startedAt) / 10) / 100;
  const visit = (states: Record<string, any>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Map') visit((state.ItemProcessor ?? state.Iterator).States);
      if (state.Type === 'Parallel') for (const b of state.Branches) visit(b.States);
      if (state.Type !== 'Task') continue;
      const direct = placeholderTask(state.Resource);
      // A poll's check task: the builder names the loop <name>Init / <name> / <name>Done / <name>Wait.
      const isPollCheck = states[`${name}Init`]?.Type === 'Pass' && states[`${name}Done`]?.Type === 'Choice';
      if (direct) {
        handlers[name] = (input) =>
          invocationContext.run({ execution: log.execution, state: name, task: direct }, async () => {
            const at = rel();
            const callsBefore = sim.calls.length;
            let output: any;
            try {
              output = await withinQuotas(log, name, input, () => invokeLikeLambda(direct, input, sim));
            } catch (e) {
              if (EVIDENCE_TASKS.has(direct))
                log.internet.set(name, evidenceOf(name, direct, at, undefined, { name: (e as Error).name, message: lambdaErrorMessage(e as Error) }));
              throw e;
            }
            if (EVIDENCE_TASKS.has(direct)) log.internet.set(name, evidenceOf(name, direct, at, output));
            if (isCompensationState(output)) {
              const step = input?.compensation?.current?.description;
              if (typeof step === 'string' && sim.calls.slice(callsBefore).some((c) => c.execution === log.execution && !c.error && isMutating(c.operation)))
                log.undoMutated.add(step);
              const before = log.compensation;
              log.compensation = output;
              onUndo(before, output);
            }
            if (isPollCheck) {
              const { poll: _poll, profile: _profile, ...subject } = input ?? {};
              log.pollChecks.push({ state: name, at, subject: JSON.stringify(subject), done: output?.done === true });
            }
            return output;
          });
      } else if (state.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
        const fn = placeholderTask(state.Parameters?.FunctionName);
        if (!fn) throw new Error(`${name}: waitForTaskToken needs FunctionName "\${<Task>Arn}"`);
        const timing = shimCallbackTimeouts(state);
        handlers[name] = (input) =>
          invocationContext.run({ execution: log.execution, state: name, task: fn }, () =>
            withinQuotas(log, name, input, async () => {
              const { [TIMEOUT_FIELD]: timeoutSeconds, [HEARTBEAT_FIELD]: heartbeatSeconds, ...rest } = input ?? {};
              const task = sim.taskTokens.issue(name, executionId);
              const payload = { ...(rest.Payload ?? {}), taskToken: task.token };
              // The broker enforces the state's timeout and heartbeat; afterwards the token answers TaskTimedOut, as in AWS.
              const waiting = sim.taskTokens.wait(task, {
                timeoutSeconds: timeoutSeconds ?? timing.timeoutSeconds,
                heartbeatSeconds: heartbeatSeconds ?? timing.heartbeatSeconds,
              });
              // Only the gate's decision task is an approval; its reminder loop waits on tokens too.
              if (payload.plan && typeof payload.gate === 'string') {
                const plan = payload.plan as ApprovalRecord['plan'] & { approvers?: unknown };
                const operatorGate = Array.isArray((plan as { decisions?: unknown }).decisions);
                const failed = plan?.changes?.[0] as { target?: string; from?: string } | undefined;
                const record: ApprovalRecord = {
                  state: name,
                  requestedAt: rel(),
                  decidedAt: null,
                  approved: false,
                  decidedBy: null,
                  error: null,
                  plan: { title: plan?.title, changes: plan?.changes, ...(plan?.prerequisite ? { prerequisite: plan.prerequisite } : {}) },
                  ...(operatorGate
                    ? {
                        operator: {
                          failedState: String(failed?.target ?? ''),
                          error: String(failed?.from ?? ''),
                          outcome: null,
                          pending: true,
                          decisions: (plan as { decisions: string[] }).decisions,
                        },
                      }
                    : {}),
                };
                log.approvals.push(record);
                waiting.then(
                  (out: any) =>
                    Object.assign(record, {
                      decidedAt: rel(),
                      approved: out?.approved === true && !operatorGate,
                      decidedBy: out?.decidedBy ?? null,
                      authentication: out?.authentication ?? null,
                      ...(record.operator ? { operator: { ...record.operator, outcome: out?.outcome ?? null, pending: false } } : {}),
                    }),
                  (err: Error) => Object.assign(record, { decidedAt: rel(), error: err.name }),
                );
              }
              await invokeLikeLambda(fn, payload, sim);
              approval(task, payload);
              return waiting;
            }),
          );
      } else {
        throw new Error(`${name}: the local runner cannot run resource ${state.Resource}`);
      }
    }
  };
  visit(definition.States);
  return handlers;
}

/** The link in the newest approval email for `approvalId` (the simulated SNS topic keeps every message). */
export function approvalLink(sim: Simulator, approvalId: string): string | undefined {
  const messages = sim.state<{ messages: Array<{ message: string; attributes: Record<string, string> }> }>('sns').messages;
  const latest = [...messages].reverse().find((m) => m.attributes.approvalId === approvalId && m.attributes.kind !== 'approval-expired');
  return latest?.message.match(/^(https?:\/\/\S+\/approvals\/\S+)$/m)?.[1];
}

function answerer(
  policy: ApprovalPolicy,
  operator: { answer?: OperatorDecision | readonly OperatorDecision[]; hold: () => void },
  sim: Simulator,
  delaySeconds: number,
  emit: (e: ProgressEvent) => void,
  sinceStart: () => number,
) {
  return (task: PendingTask, payload: Record<string, any>) => {
    // Only the gate's decision task is an approval; the gate's reminder loop also waits on tokens.
    if (!payload?.plan || typeof payload.gate !== 'string' || !payload.execution?.id) return;
    const approvalId = approvalIdFor(payload.execution.id, payload.gate);
    const approvers = eligibleApprovers(payload.plan.approvers ?? [], payload.requester ?? undefined);
    const label = typeof policy === 'string' ? `simulator (--approve ${policy})` : 'simulator';
    const decide = (outcome: string, by: string | undefined, reason: string) =>
      decideApproval({
        // The simulator confirms what a decision needs (the old provider's withdrawal, or its announcing again for back).
        approvalId,
        outcome,
        reason,
        via: label,
        confirmed: true,
        identity: { approver: by ?? approvers[0] ?? '', principal: 'simulator', authentication: 'simulator' },
      });
    const request: ApprovalRequest = {
      task,
      payload,
      sim,
      approvalId,
      link: () => approvalLink(sim, approvalId),
      approve: (by, reason) => decide('approve', by, reason ?? 'approved'),
      reject: (by, reason) => decide('reject', by, reason ?? 'rejected'),
      decide: (outcome, by, reason) => decide(outcome, by, reason ?? `rehearsal: ${outcome}`),
    };
    const isOperatorGate = Array.isArray(payload.plan.decisions);
    emit({ kind: 'approval-requested', at: sinceStart(), state: task.stateName, detail: payload.plan?.title });
    if (isOperatorGate && typeof policy !== 'function') {
      // A list: the first decision the gate offers (a teardown offers no "back").
      const offered = payload.plan.decisions as string[];
      const answer = (Array.isArray(operator.answer) ? operator.answer : [operator.answer]).find((d): d is OperatorDecision => !!d && offered.includes(d));
      if (!answer) {
        operator.hold();
        return;
      }
      operator.answer = undefined; // one answer per run: a second failure after a forward waits
      const context = invocationContext.getStore();
      setTimeout(
        () =>
          invocationContext.run({ ...context!, task: 'ApprovalPage' }, () => {
            void request.decide(answer, undefined, `rehearsal (--operator ${answer})`).catch(() => undefined);
          }),
        delaySeconds * 1000,
      );
      return;
    }
    if (policy === 'none') return;
    if (typeof policy === 'function') {
      void Promise.resolve(policy(request)).catch(() => undefined);
      return;
    }
    const context = invocationContext.getStore();
    // Fake timers don't carry the async context: re-enter it so the decision is attributed to this execution.
    // The decision is the approval page's work in AWS (its function's role), not the gate task's.
    setTimeout(
      () =>
        invocationContext.run({ ...context!, task: 'ApprovalPage' }, () => {
          const decided = policy === 'auto' ? request.approve(undefined, 'rehearsal') : request.reject(undefined, 'rehearsal of a rejected change');
          void decided.catch(() => undefined); // a timed-out task refuses late answers, as in AWS
        }),
      delaySeconds * 1000,
    );
  };
}

/** An inline Map runs at most 40 iterations at once in AWS, whatever MaxConcurrency says (0 means "as many as possible"). */
function capInlineMapConcurrency(definition: any): void {
  const visit = (states: Record<string, any>) => {
    for (const state of Object.values(states)) {
      if (state.Type === 'Map') {
        const max = STEP_FUNCTIONS_QUOTAS.inlineMapConcurrency;
        if (!state.MaxConcurrency || state.MaxConcurrency > max) state.MaxConcurrency = max;
        visit((state.ItemProcessor ?? state.Iterator).States);
      }
      if (state.Type === 'Parallel') for (const b of state.Branches) visit(b.States);
    }
  };
  visit(definition.States);
}

export function loadDefinition(workflow: string, aslFile?: string): Record<string, unknown> {
  const file = aslFile ?? join(ROOT, 'asl', `${workflow}.asl.json`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Runs one execution to its end on the simulator's virtual clock and returns its report. */
export async function runWorkflow(opts: RunOptions): Promise<RunResult> {
  const { sim } = opts;
  const definition = cloneData(opts.definition ?? loadDefinition(opts.workflow, opts.aslFile)) as unknown as StateMachineDefinition;
  const executionName = opts.executionName ?? `sim-${opts.workflow}-${randomUUID().slice(0, 8)}`;
  const account = sim.world.defaultAccount;
  const region = sim.world.defaultRegion;
  const stateMachineArn = `arn:aws:states:${region}:${account}:stateMachine:${stateMachineName(opts.workflow)}`;
  const executionId = `arn:aws:states:${region}:${account}:execution:${stateMachineName(opts.workflow)}:${executionName}`;
  // Over HTTP: every task's client talks to `byoip serve`'s endpoint (full serialization, signing and HTTP).
  const endpoint = opts.transport === 'http' ? await startEndpoint(sim, { speed: 0 }) : undefined;
  if (endpoint) sim.clock.waitForSockets = true;
  const disconnect = connectSimulator(sim, endpoint ? httpConfigurer(sim, endpoint.url) : undefined);
  hostApprovalApi(sim);
  const startedAt = sim.clock.now();
  const rel = (t: number) => (t - startedAt) / 1000;
  const emit = (e: ProgressEvent) => opts.onProgress?.(e);
  const records: StateRecord[] = [];
  capInlineMapConcurrency(definition);
  let stopForQuota: (failure: QuotaFailure) => void = () => undefined;
  const history = new ExecutionHistory(
    describeStates(definition, (task) => `arn:aws:lambda:${region}:${account}:function:byoip-${task}`),
    {
      now: () => sim.clock.now(),
      roleArn: `arn:aws:iam::${account}:role/byoip-orchestrator-states`,
      stateMachineArn,
      region,
      onQuotaExceeded: (failure) => stopForQuota(failure),
    },
  );
  const log: RunLog = {
    execution: executionName,
    startedAt,
    pollChecks: [],
    approvals: [],
    internet: new Map(),
    history,
    undoMutated: new Set(),
    undoEndedAt: new Map(),
  };
  // One progress line per finished undo step, instead of the undo loop's states.
  const onUndo = (before: CompensationShape | undefined, after: CompensationShape) => {
    const fresh: CompensationShape = {
      ...after,
      current: null,
      pending: [],
      completed: after.completed.slice(before?.completed.length ?? 0),
      leftovers: after.leftovers.slice(before?.leftovers.length ?? 0),
    };
    const at = Math.round(rel(sim.clock.now()) * 100) / 100;
    for (const d of [...fresh.completed, ...fresh.leftovers]) log.undoEndedAt.set(d.description, at);
    for (const undo of compensationReport({ ...log, compensation: fresh })?.steps ?? []) emit({ kind: 'undo-step', at, detail: undo.description, undo });
  };
  sim.attribution = () => invocationContext.getStore();
  const open = new Map<string, StateRecord>();
  const key = (name: string, index?: number) => `${name}#${index ?? ''}`;

  try {
    return await sim.clock.drive(async () => {
      let input = opts.input;
      // Only workflows that check who asked (a VerifyRequester state) take an attested input.
      if (opts.requester !== false && (definition.States as Record<string, unknown>).VerifyRequester) {
        const who = opts.requester ?? rehearsalRequester(sim);
        const requester: Requester = {
          principal: who.principal,
          approver: who.approver !== undefined ? who.approver : (approverOfPrincipal(sim.world.deployment, who.principal) ?? null),
          via: 'simulator',
          at: new Date(sim.clock.now()).toISOString(),
        };
        input = attestRequester(starterKeys(sim), { stateMachine: `byoip-${opts.workflow}`, executionName, input: opts.input, requester });
      }
      // Validation is done by our own tests with asl-validator 4; the engine's bundled 3.x would mutate the definition.
      const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
      // An operator decision nobody answers ends the rehearsal there (in AWS the execution would wait for it).
      let heldForOperator = false;
      let stopExecution: () => void = () => undefined;
      const operator = {
        answer: opts.operator,
        hold: () => {
          heldForOperator = true;
          stopExecution();
        },
      };
      const handlers = localHandlers(
        definition,
        sim,
        executionId,
        log,
        answerer(opts.approve ?? 'auto', operator, sim, opts.decisionDelaySeconds ?? 60, emit, () => rel(sim.clock.now())),
        onUndo,
      );
      const execution = machine.run(input as never, {
        overrides: { taskResourceLocalHandlers: handlers },
        context: {
          Execution: { Id: executionId, Name: executionName, RoleArn: `arn:aws:iam::${account}:role/byoip-orchestrator-states` },
          StateMachine: { Id: stateMachineArn, Name: stateMachineName(opts.workflow) },
          Task: { Token: 'replaced-per-callback' },
        },
      });
      // A quota stops the execution as AWS does: failed, with nothing after it (no catch, no compensation).
      const stop = () => {
        execution.abort();
        sim.taskTokens.failAll(executionId);
      };
      stopForQuota = stop;
      // Stopped from inside the gate's task handler: let it return first.
      stopExecution = () => setImmediate(stop);
      opts.onStarted?.({ history, executionArn: executionId, stop: () => execution.abort() });
      const collect = (async () => {
        for await (const ev of execution.eventLogs as AsyncGenerator<any>) {
          history.record(ev);
          const at = rel(ev.timestamp);
          const name: string | undefined = ev.state?.name;
          switch (ev.type) {
            case 'StateEntered': {
              const r: StateRecord = { name: name!, type: ev.state.type, enteredAt: at, exitedAt: null, status: 'RUNNING', index: ev.index };
              records.push(r);
              open.set(key(name!, ev.index), r);
              emit({ kind: 'state-entered', at, state: name, type: ev.state.type, index: ev.index });
              break;
            }
            case 'StateExited': {
              const r = open.get(key(name!, ev.index));
              if (r) {
                r.exitedAt = at;
                r.status = 'SUCCEEDED';
                open.delete(key(name!, ev.index));
              }
              emit({ kind: 'state-exited', at, state: name, type: ev.state.type, index: ev.index });
              break;
            }
            case 'StateFailed': {
              const r = open.get(key(name!, ev.index));
              if (r) {
                r.exitedAt = at;
                r.status = 'FAILED';
                r.error = ev.Error;
                open.delete(key(name!, ev.index));
              }
              emit({ kind: 'state-failed', at, state: name, index: ev.index, detail: `${ev.Error}` });
              break;
            }
            case 'StateRetried': {
              const r = [...records].reverse().find((x) => x.name === name && x.index === ev.index);
              if (r) r.retries = (r.retries ?? 0) + 1;
              emit({ kind: 'state-retried', at, state: name, index: ev.index, detail: `attempt ${ev.retry?.attempt}` });
              break;
            }
            case 'StateCaught': {
              const r = [...records].reverse().find((x) => x.name === name && x.index === ev.index);
              if (r) r.status = 'CAUGHT';
              emit({ kind: 'state-caught', at, state: name, index: ev.index });
              break;
            }
            default:
              break;
          }
        }
      })();
      let status: SimulationReport['status'] = 'SUCCEEDED';
      let output: unknown = null;
      let error: SimulationReport['error'] = null;
      try {
        output = await execution.result;
      } catch (e) {
        const err = e as Error & { cause?: any };
        status = err.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : err.name === 'ExecutionAbortedError' ? 'ABORTED' : 'FAILED';
        const failed = err.cause as { name?: string; message?: string } | undefined;
        error = { name: failed?.name ?? err.name, cause: failed?.message ?? err.message };
      }
      await collect;
      if (heldForOperator && status === 'ABORTED') {
        status = 'WAITING_FOR_OPERATOR';
        const pending = [...log.approvals].reverse().find((a) => a.operator?.pending);
        error = {
          name: 'WaitingForOperator',
          cause: `a step failed after the point of no return (${pending?.operator?.failedState ?? '?'}: ${pending?.operator?.error ?? '?'}); nothing was undone. Answer with --operator ${(pending?.operator?.decisions ?? ['forward', 'back', 'stop']).join('|')} (docs/runbook.md "Operator decisions")`,
        };
      }
      const quota = history.quotaFailure;
      if (quota) {
        status = 'FAILED';
        error = { name: quota.error, cause: quota.cause };
        output = null;
      }
      history.end(status === 'ABORTED' ? 'ABORTED' : 'FAILED', error ? { error: error.name, cause: error.cause } : undefined);
      sim.taskTokens.failAll(executionId);
      const endedAt = sim.clock.now();
      for (const r of open.values()) r.exitedAt = rel(endedAt);
      emit({ kind: 'execution-ended', at: rel(endedAt), detail: status });
      return {
        report: buildReport({
          workflow: opts.workflow,
          executionName,
          status,
          error,
          output,
          startedAt,
          endedAt,
          sim,
          states: records,
          topLevelStates: Object.keys(definition.States),
          pollChecks: log.pollChecks,
          approvals: log.approvals,
          internet: [...log.internet.values()],
          stepFunctions: { historyEvents: history.length, largestPayload: { ...history.largestPayload } },
          failurePath: [...failurePathStates(definition as never)],
          compensation: compensationReport(log),
        }),
      };
    });
  } finally {
    disconnect();
    if (endpoint) {
      sim.clock.waitForSockets = false;
      await endpoint.close();
    }
  }
}
