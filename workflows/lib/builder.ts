/**
 * A small builder for the workflows' ASL (JSONPath only: the local engine cannot run JSONata or
 * variables). States are appended in order and wired automatically; every Task gets the standard
 * Retry policy and a Catch into compensation. Fragments:
 *  - poll():     Check task → Choice(done?) → Wait(SecondsPath) → Check ...  (no sleeping Lambdas)
 *  - intent():   a Pass recording how to undo the next mutation, before it happens
 *  - approval(): a .waitForTaskToken gate with timeout, heartbeat and a reminder loop, then VerifyApproval
 *  - map():      an inline Map over items with its own sub-chain
 * Task resources are "${<Task>Arn}" placeholders, substituted by CDK and by the local runner.
 */
import { APPROVAL_HEARTBEAT_SECONDS, REMINDER_RETRY_SECONDS } from '../../domain/approval';
import { COMPENSATION_RESERVE_SECONDS, PollProfiles, type PollProfile } from '../../domain/polling';
import type { TaskName } from '../../tasks/catalog';
import { OPERATOR_DECISION_SECONDS } from '../../domain/pivots';
import { MAX_APPROVAL_SECONDS } from '../../domain/validation';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
// biome-ignore lint/suspicious/noExplicitAny: a state is ASL's JSON (asl-validator and the ASL tests check its shape)
export type AslState = Record<string, any>;

export const LAMBDA_TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
];

export const STANDARD_RETRY = [
  { ErrorEquals: LAMBDA_TRANSIENT, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' },
  { ErrorEquals: ['AwsThrottled'], IntervalSeconds: 5, MaxAttempts: 8, BackoffRate: 2, MaxDelaySeconds: 120, JitterStrategy: 'FULL' },
  { ErrorEquals: ['AwsUnavailable'], IntervalSeconds: 5, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 120, JitterStrategy: 'FULL' },
];

/** AdvertiseByoipCidr and WithdrawByoipCidr allow one call per 10 s per account: back off past that window. */
export const ADVERTISE_RETRY = { ErrorEquals: ['AwsThrottled'], IntervalSeconds: 11, MaxAttempts: 6, BackoffRate: 1.5, JitterStrategy: 'FULL' };

export const PRECONDITION_RETRY = {
  ErrorEquals: ['PreconditionFailed'],
  IntervalSeconds: 1,
  MaxAttempts: 6,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};

export const COMPENSATE = 'Compensate';
/** Where a gate's rejection goes in a workflow that parks (ChainBuilder.parking). */
export const PARK = 'ParkOrUndo';
/** The failures that park rather than undo everything: nobody said yes, or what they said yes to changed. */
const PARKED_ERRORS = ['ApprovalRejected', 'PlanChanged'];
/** After a pivot: the operator gate's states (docs/runbook.md "Operator decisions"). */
export const OPERATOR_PLAN = 'PlanOperatorDecision';
export const OPERATOR_GATE = 'AwaitOperator';
export const HELD_FOR_OPERATOR = 'HeldForOperator';
export const STOPPED_BY_OPERATOR = 'StoppedByOperator';

interface PivotOpts {
  /** What passing it means, e.g. "the first advertisement". */
  label: string;
  /** What "back" needs at the old provider first, in an approver's words (workflows that offer back). */
  backNeeds?: string;
  /** Who may decide: the plan's approvers. */
  approversPath: string;
  workflow: string;
  /** The decisions offered; "back" needs the workflow's compensation. */
  decisions?: Array<'forward' | 'back' | 'stop'>;
}

interface LeaseOpts {
  /** JSONPath of the lease names (domain/leases.ts leaseName) this execution takes. */
  resourcesPath: string;
  /** Shown to whoever finds the lease taken. */
  purpose: string | { path: string };
  leaseSeconds: number | { path: string };
  /** JSONPath of a boolean: true waits for the holder in Wait states instead of failing with ResourceLocked. */
  waitPath?: string;
  /** Extra retriers (e.g. ResourceLocked for a while: a short queue of teams on one distribution). */
  retry?: AslState[];
  name?: string;
  comment?: string;
}

/** A section lease (sectionLease): where its names are. */
export interface SectionLease {
  readonly resourcesPath: string;
}

export function taskArn(task: TaskName): string {
  return `\${${task}Arn}`;
}

interface TaskOpts {
  /** Task name in tasks/catalog.ts. */
  fn: TaskName;
  parameters?: Record<string, Json>;
  resultPath?: string | null;
  resultSelector?: Record<string, Json>;
  /** Extra retriers before the standard ones. */
  retry?: AslState[];
  /** Where failures go: compensation (default), a state name, or none (let the execution fail). */
  catchTo?: string | null;
  timeoutSeconds?: number;
  comment?: string;
}

interface PollOpts {
  fn: TaskName;
  parameters: Record<string, Json>;
  profile: PollProfile;
  /** Where the check results live, e.g. "$.wait.topLevelCidrs". Must be under $.wait. */
  resultPath: string;
  /** Wait until the RFC 3339 time in this result field (TimestampPath) instead of nextDelaySeconds. */
  until?: string;
  comment?: string;
  /** Extra retriers of the check task, before the standard ones. */
  retry?: AslState[];
  /** Where the check task's failures go (see TaskOpts.catchTo). */
  catchTo?: string | null;
}

export class ChainBuilder {
  readonly states: Record<string, AslState> = {};
  private startAt?: string;
  /** Setters that point dangling "Next"s at the next appended state. */
  private open: Array<(next: string) => void> = [];
  private readonly intentKeys: string[] = [];
  private readonly undoServices = new Set<string>();

  /** Where Task failures go unless a task says otherwise: compensation, or e.g. a Fail state for re-runnable workflows. */
  private defaultCatch: string = COMPENSATE;
  /** Where this chain's failures go, ahead of the pivot and the default (the operator gate's own states). */
  private catchOverride?: string;
  /** Set once the chain has passed its point of no return (root builder only): failures go to an operator. */
  private pivotAt?: PivotOpts & { held: string[] };
  /** The leases this execution holds (holdLeases; root builder only), given back on every way out. */
  private leases?: { resourcesPath: string; released: boolean };

  constructor(
    private readonly nested = false,
    private readonly root?: ChainBuilder,
  ) {}

  /** Sends failures to `stateName` instead of compensation (for teardowns, which are re-run rather than rolled back). */
  catchFailuresAt(stateName: string): this {
    this.defaultCatch = stateName;
    return this;
  }

  /** A Fail state for re-runnable workflows: nothing is rolled back, and the execution ends with the original error. */
  stopWithoutRollback(name: string, comment = 'Nothing is rolled back: fix the cause and run the same input again; finished steps are skipped.'): this {
    this.states[name] = { Type: 'Fail', Comment: comment, ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' };
    return this;
  }

  get start(): string {
    if (!this.startAt) throw new Error('empty chain');
    return this.startAt;
  }

  private rootBuilder(): ChainBuilder {
    return this.root ?? this;
  }

  private add(name: string, state: AslState, chained = true): void {
    const all = this.rootBuilder().allNames();
    if (all.has(name) || this.states[name]) throw new Error(`duplicate state name ${name}`);
    this.rootBuilder().names.add(name);
    this.states[name] = state;
    if (!chained) return;
    if (!this.startAt) this.startAt = name;
    for (const set of this.open) set(name);
    this.open = [];
    if (state.Type !== 'Choice' && state.Type !== 'Succeed' && state.Type !== 'Fail') {
      this.open.push((next) => {
        state.Next = next;
      });
    }
  }

  private readonly names = new Set<string>();
  private allNames(): Set<string> {
    return this.names;
  }
  /** Poll check states and approval gates, for the execution deadline of each wait (root builder only). */
  private readonly polls: string[] = [];
  private readonly gates: Array<{ name: string; maxSeconds: number }> = [];

  /**
   * Every poll waits at most until the execution's deadline: MAX_EXECUTION_SECONDS after its start,
   * minus the longest timeouts of the approval gates after it and the compensation reserve. So no
   * combination of waits (a lock, a week of provisioning, an approval) reaches the state machine's
   * timeout, which would end the execution with nothing undone. States are named in build order, so
   * the order of `names` is the chain's (a Map's states come just before the Map).
   */
  private deadlines(): void {
    const order = [...this.names];
    const position = (n: string) => order.indexOf(n);
    for (const poll of this.polls) {
      const state = this.find(poll);
      const after = this.gates.filter((g) => position(g.name) > position(poll)).reduce((sum, g) => sum + g.maxSeconds, 0);
      state.Parameters.deadline.reserveSeconds = after + COMPENSATION_RESERVE_SECONDS;
    }
  }

  private find(name: string): AslState {
    const visit = (states: Record<string, AslState>): AslState | undefined => {
      for (const [n, st] of Object.entries(states)) {
        if (n === name) return st;
        const nested = st.Type === 'Map' ? [st.ItemProcessor] : st.Type === 'Parallel' ? st.Branches : [];
        for (const b of nested) {
          const found = visit(b.States);
          if (found) return found;
        }
      }
      return undefined;
    };
    const found = visit(this.states);
    if (!found) throw new Error(`state ${name} not found`);
    return found;
  }

  private catchers(catchTo: string | null | undefined, stateName?: string): AslState[] | undefined {
    const root = this.rootBuilder();
    const target =
      catchTo !== undefined ? catchTo : this.nested ? null : (this.catchOverride ?? (root.pivotAt && stateName ? root.holdFor(stateName) : root.defaultCatch));
    return target ? [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: target }] : undefined;
  }

  /** A failure of `stateName` after the pivot: note which state failed (forward runs it again), then ask the operator. */
  private holdFor(stateName: string): string {
    const held = `${stateName}Held`;
    if (!this.states[held]) {
      this.add(
        held,
        {
          Type: 'Pass',
          Comment: 'Past the point of no return: nothing is undone; an operator decides.',
          Result: { state: stateName },
          ResultPath: '$.held',
          Next: OPERATOR_PLAN,
        },
        false,
      );
      this.pivotAt!.held.push(stateName);
    }
    return held;
  }

  /** True once the chain has passed its point of no return. */
  get pastPivot(): boolean {
    return this.rootBuilder().pivotAt !== undefined;
  }

  /**
   * The point of no return (issue #16): from here on, a failed step is never rolled back by itself. The
   * execution raises the alarm and waits for an operator decision through the approval gate: forward
   * (run the failed step again), back (compensate, once the old provider announces the prefixes again)
   * or stop (leave everything as it is). Steps before this keep compensating.
   */
  pivot(o: PivotOpts): this {
    // A branch of when() may hold it (e.g. only when the input asks to advertise); not a Map iteration.
    if (this.nested) throw new Error("the point of no return belongs on the workflow's main chain or a when() branch");
    const root = this.rootBuilder();
    if (root.pivotAt) throw new Error('a workflow has one point of no return');
    this.pass('PointOfNoReturn', {
      Comment: `Past this state (${o.label}) failures wait for an operator decision instead of rolling back.`,
      Result: { label: o.label, backNeeds: o.backNeeds ?? 'nothing (this workflow offers no back)', decisionTimeoutSeconds: OPERATOR_DECISION_SECONDS },
      ResultPath: '$.pivot',
    });
    root.pivotAt = { ...o, held: [] };
    return this;
  }

  /**
   * A way out that gives this execution's leases back before `next` (a stop, a failure): others (a
   * teardown, a re-run) may then work on these resources. A failed release is not the execution's
   * failure: the lease expires on its own. The one way a workflow releases leases outside its main chain.
   */
  releaseLeasesThen(name: string, o: { locksPath: string; next: string; comment?: string }): string {
    this.add(
      name,
      {
        Type: 'Task',
        Comment: o.comment ?? 'Others may now work on these resources (a teardown, a new run).',
        Resource: taskArn('ReleaseLock'),
        Parameters: { 'resources.$': o.locksPath, 'owner.$': '$.execution.name' },
        ResultPath: null,
        TimeoutSeconds: 60,
        Retry: STANDARD_RETRY,
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: o.next }],
        Next: o.next,
      },
      false,
    );
    return name;
  }

  /**
   * One writer per resource (lease names from domain/leases.ts, shared by every workflow): takes this
   * execution's leases here, and the builder gives them back on every way out it builds — the end
   * (releaseLeases), compensation (an intent), a stop without rollback, the operator's endings — so no
   * workflow writes a release state by hand. Another holder fails the step with ResourceLocked, or,
   * with `waitPath` true, the execution waits for it in Wait states.
   */
  holdLeases(o: LeaseOpts): this {
    const root = this.rootBuilder();
    if (this.nested) throw new Error("leases are taken on the workflow's main chain, not in a Map");
    if (root.leases) throw new Error('a workflow takes its leases once');
    if (root.pivotAt) throw new Error('leases are taken before the point of no return');
    root.leases = { resourcesPath: o.resourcesPath, released: false };
    if (root.defaultCatch === COMPENSATE) {
      this.intent('locks', {
        action: 'DynamoDB.ReleaseLocks',
        label: 'release the leases this execution took',
        'resources.$': o.resourcesPath,
        'owner.$': '$.execution.name',
      });
    } else {
      // A workflow that stops instead of rolling back: from here its stop gives the leases back first.
      const stop = root.defaultCatch;
      root.defaultCatch = this.releaseLeasesThen(`${stop}ReleaseLocks`, { locksPath: o.resourcesPath, next: stop });
    }
    const parameters: Record<string, Json> = {
      'resources.$': o.resourcesPath,
      'owner.$': '$.execution.name',
      ...(typeof o.purpose === 'string' ? { purpose: o.purpose } : { 'purpose.$': o.purpose.path }),
      ...(typeof o.leaseSeconds === 'number' ? { leaseSeconds: o.leaseSeconds } : { 'leaseSeconds.$': o.leaseSeconds.path }),
    };
    const name = o.name ?? 'AcquireLocks';
    if (o.waitPath) {
      return this.poll(name, {
        fn: 'AcquireLock',
        comment: o.comment ?? 'Another execution holds one of these: fail with ResourceLocked, or wait if the input says so.',
        parameters: { ...parameters, 'wait.$': o.waitPath },
        profile: PollProfiles.lockWait,
        resultPath: '$.wait.locks',
      });
    }
    return this.task(name, {
      fn: 'AcquireLock',
      comment: o.comment ?? 'Another execution holds one of these: fail fast with ResourceLocked, before any change.',
      parameters,
      retry: o.retry,
      resultPath: '$.locks',
    });
  }

  /**
   * A lease for one section of the run — the writer of a resource others share (vpc-origin-share's
   * distribution), where holdLeases holds them for the whole run. The release intent is recorded here, so
   * compensation gives the lease back only after undoing what intents recorded after this one did (the
   * distribution's own undo takes the lease again). The section itself is `underLease`.
   */
  sectionLease(o: { key: string; resourcesPath: string; label: string }): SectionLease {
    const root = this.rootBuilder();
    if (root.defaultCatch !== COMPENSATE) throw new Error('a section lease is given back by compensation; this workflow does not compensate');
    this.intent(o.key, { action: 'DynamoDB.ReleaseLocks', label: o.label, 'resources.$': o.resourcesPath, 'owner.$': '$.execution.name' });
    return { resourcesPath: o.resourcesPath };
  }

  /**
   * Takes a section lease (failing with ResourceLocked, or retrying with `retry`), builds the section, and
   * gives the lease back after it. A failed release is a warning: what the section did stands, and the
   * lease expires on its own.
   */
  underLease(
    lease: SectionLease,
    o: Omit<LeaseOpts, 'resourcesPath' | 'waitPath'> & { name: string; releaseName: string; warningPath: string },
    build: (chain: ChainBuilder) => void,
  ): this {
    this.task(o.name, {
      fn: 'AcquireLock',
      comment: o.comment,
      retry: o.retry,
      resultPath: '$.lock',
      parameters: {
        'resources.$': lease.resourcesPath,
        'owner.$': '$.execution.name',
        ...(typeof o.leaseSeconds === 'number' ? { leaseSeconds: o.leaseSeconds } : { 'leaseSeconds.$': o.leaseSeconds.path }),
        ...(typeof o.purpose === 'string' ? { purpose: o.purpose } : { 'purpose.$': o.purpose.path }),
      },
    });
    build(this);
    this.task(o.releaseName, {
      fn: 'ReleaseLock',
      comment: 'Others may write now.',
      parameters: { 'resources.$': lease.resourcesPath, 'owner.$': '$.execution.name' },
      resultPath: null,
      catchTo: null,
    });
    return this.tolerateFailure(o.releaseName, o.warningPath, 'The lease expires on its own; what this section did stands.');
  }

  /**
   * A Fail state off the main chain for a named failure (e.g. a step caught with catchTo: name). With leases
   * held, `name` gives them back first and `error` is the Fail state's name.
   */
  ending(name: string, o: { error: string; comment: string; cause?: string; causePath?: string }): this {
    const fail = prune({ Type: 'Fail', Comment: o.comment, Error: o.error, Cause: o.cause, CausePath: o.causePath });
    const leases = this.rootBuilder().leases;
    if (!leases) {
      this.add(name, fail, false);
      return this;
    }
    this.add(o.error, fail, false);
    this.releaseLeasesThen(name, { locksPath: leases.resourcesPath, next: o.error });
    return this;
  }

  /**
   * The way to success: the leases given back (if the chain has not yet), the run's summary as the
   * execution's output (a Summarize state), then `endName` (a Succeed state).
   */
  finish(endName: string, summary: Record<string, Json>, summaryState = 'Summarize'): this {
    const leases = this.rootBuilder().leases;
    if (leases && !leases.released) this.releaseLeases();
    this.pass(summaryState, { Parameters: summary });
    return this.succeed(endName);
  }

  /** Gives the leases back on the way to success; a failed release is a warning (the lease expires on its own). */
  releaseLeases(name = 'ReleaseLocks'): this {
    const leases = this.rootBuilder().leases;
    if (!leases) throw new Error('releaseLeases without holdLeases');
    leases.released = true;
    this.task(name, {
      fn: 'ReleaseLock',
      comment: 'Done: others may now work on these resources.',
      parameters: { 'resources.$': leases.resourcesPath, 'owner.$': '$.execution.name' },
      resultPath: null,
      catchTo: null,
    });
    return this.tolerateFailure(name, '$.warnings.locks', 'The leases expire on their own; release them by hand to unblock sooner (docs/runbook.md).');
  }

  /** The operator gate and its outcomes, built once every post-pivot state is known. */
  private operatorDecision(): void {
    const p = this.pivotAt!;
    const decisions = p.decisions ?? ['forward', 'back', 'stop'];
    // Each ending first releases the workflow's leases (others may then work on these resources), then fails.
    const ending = (name: string, fail: AslState): string => {
      this.add(name, fail, false);
      return this.leases ? this.releaseLeasesThen(`${name}ReleaseLocks`, { locksPath: this.leases.resourcesPath, next: name }) : name;
    };
    const stopped = ending(STOPPED_BY_OPERATOR, {
      Type: 'Fail',
      Error: 'StoppedByOperator',
      Comment: 'An operator chose to stop after the point of no return: everything stays as it is (the decision record says who and why).',
      Cause: 'An operator decided to stop after the point of no return; nothing was undone (docs/runbook.md "Operator decisions").',
    });
    const held = ending(HELD_FOR_OPERATOR, {
      Type: 'Fail',
      Error: 'HeldForOperator',
      Comment: 'No valid operator decision: nothing was undone; the resources stay as they are (docs/runbook.md "Operator decisions").',
      Cause: 'A step failed after the point of no return and no operator decision arrived; nothing was undone (docs/runbook.md "Operator decisions").',
    });
    const sub = new ChainBuilder(false, this);
    sub.catchOverride = held;
    sub.task(OPERATOR_PLAN, {
      fn: 'PlanOperatorDecision',
      comment: 'What the operator decides on: the failed step, its error, and what each decision does (back: the undo list).',
      parameters: {
        workflow: p.workflow,
        'pivot.$': '$.pivot',
        'held.$': '$.held',
        'failure.$': '$.failure',
        'approvers.$': p.approversPath,
        decisions,
        'intents.$': '$.intents',
        order: this.intentKeys,
      },
      resultPath: '$.operatorPlan',
      timeoutSeconds: 60,
    });
    sub.approval(OPERATOR_GATE, {
      fn: 'RequestApproval',
      payload: { workflow: p.workflow, 'execution.$': '$.execution', 'plan.$': '$.operatorPlan', 'timeoutSeconds.$': '$.pivot.decisionTimeoutSeconds' },
      timeoutSecondsPath: '$.pivot.decisionTimeoutSeconds',
      // No time is kept for it before the pivot: an execution that times out while an operator decides
      // has undone nothing, which is what stop and HeldForOperator do too.
      maxTimeoutSeconds: 0,
      resultPath: '$.operator',
    });
    const forward = 'OperatorForward';
    // The decision is verified against the plan's hash; the plan (its undo list can be long) would only weigh on what follows.
    sub.pass('ForgetOperatorPlan', {
      Comment: 'The verified decision carries the plan hash; the plan text is not needed further.',
      Result: {},
      ResultPath: '$.operatorPlan',
    });
    sub.add('OperatorDecided', {
      Type: 'Choice',
      Comment: 'The verified decision: forward runs the failed step again, back compensates, stop ends here.',
      Choices: [
        ...(decisions.includes('forward') ? [{ Variable: '$.operator.outcome', StringEquals: 'forward', Next: forward }] : []),
        ...(decisions.includes('back') ? [{ Variable: '$.operator.outcome', StringEquals: 'back', Next: COMPENSATE }] : []),
        ...(decisions.includes('stop') ? [{ Variable: '$.operator.outcome', StringEquals: 'stop', Next: stopped }] : []),
      ],
      Default: held,
    });
    Object.assign(this.states, sub.states);
    this.add(
      forward,
      {
        Type: 'Choice',
        Choices: p.held.map((state) => ({ Variable: '$.held.state', StringEquals: state, Next: state })),
        Default: held,
      },
      false,
    );
  }

  pass(name: string, state: Omit<AslState, 'Type' | 'Next' | 'End'>): this {
    this.add(name, { Type: 'Pass', ...state });
    return this;
  }

  task(name: string, o: TaskOpts): this {
    const catchers = this.catchers(o.catchTo, name);
    const state: AslState = {
      Type: 'Task',
      Comment: o.comment,
      Resource: taskArn(o.fn),
      Parameters: o.parameters,
      ResultSelector: o.resultSelector,
      // "$" is ASL's default (result replaces input); written out, aws-local-stepfunctions mishandles it.
      ResultPath: o.resultPath === undefined ? null : o.resultPath === '$' ? undefined : o.resultPath,
      TimeoutSeconds: o.timeoutSeconds ?? 120,
      Retry: [...(o.retry ?? []), ...STANDARD_RETRY],
      Catch: catchers,
    };
    this.add(name, prune(state));
    return this;
  }

  /** A poll loop: <name>Init → <name> (check) → <name>Done? → <name>Wait → <name> ... */
  poll(name: string, o: PollOpts): this {
    if (!o.resultPath.startsWith('$.wait.')) throw new Error(`poll ${name}: resultPath must be under $.wait`);
    this.pass(`${name}Init`, { Result: { attempt: 0 }, ResultPath: o.resultPath });
    this.task(name, {
      fn: o.fn,
      comment: o.comment,
      // reserveSeconds is set by build(): what must still fit after this wait (see deadlines()).
      parameters: {
        ...o.parameters,
        'poll.$': o.resultPath,
        profile: o.profile as unknown as Json,
        deadline: { 'executionStartTime.$': '$$.Execution.StartTime', reserveSeconds: 0 },
      },
      resultPath: o.resultPath,
      retry: o.retry,
      catchTo: o.catchTo,
    });
    this.rootBuilder().polls.push(name);
    const waitName = `${name}Wait`;
    const choice: AslState = { Type: 'Choice', Choices: [{ Variable: `${o.resultPath}.done`, BooleanEquals: true, Next: '' }], Default: waitName };
    this.add(`${name}Done`, choice);
    this.open.push((next) => {
      choice.Choices[0].Next = next;
    });
    const delay = o.until ? { TimestampPath: `${o.resultPath}.${o.until}` } : { SecondsPath: `${o.resultPath}.nextDelaySeconds` };
    this.add(waitName, { Type: 'Wait', ...delay, Next: name }, false);
    return this;
  }

  wait(name: string, o: { seconds?: number; secondsPath?: string; timestampPath?: string; comment?: string }): this {
    this.add(name, prune({ Type: 'Wait', Comment: o.comment, Seconds: o.seconds, SecondsPath: o.secondsPath, TimestampPath: o.timestampPath }));
    return this;
  }

  /**
   * Records how to undo what the following steps may do, before they do it. `action` is
   * "<Service>.<Verb>"; the matching undo task runs it if the execution later fails.
   */
  intent(key: string, intent: Record<string, Json> & { action: string; label: string }): this {
    if (this.nested) throw new Error('intents must be recorded outside Map iterations (their state is discarded on failure)');
    if (this.intentKeys.includes(key)) throw new Error(`duplicate intent ${key}`);
    this.intentKeys.push(key);
    this.undoServices.add(intent.action.split('.')[0]);
    return this.pass(`Intent${key[0].toUpperCase()}${key.slice(1)}`, { Parameters: intent, ResultPath: `$.intents.${key}` });
  }

  /**
   * The gate before every change to what the internet sees: the plan task writes what the approvers will
   * see ($.approvalPlan), then the approval gate asks them (its timeout from the input, by default
   * $.plan.approval.timeoutSeconds) and leaves the verified decision at `resultPath` ($.approval).
   */
  planAndApprove(o: {
    workflow: string;
    planState: string;
    planFn: TaskName;
    planParameters: Record<string, Json>;
    comment?: string;
    timeoutSecondsPath?: string;
    resultPath?: string;
    maxTimeoutSeconds?: number;
    rejectTo?: string;
  }): this {
    const timeoutSecondsPath = o.timeoutSecondsPath ?? '$.plan.approval.timeoutSeconds';
    this.task(o.planState, { fn: o.planFn, comment: o.comment, parameters: o.planParameters, resultPath: '$.approvalPlan' });
    return this.approval('AwaitApproval', {
      fn: 'RequestApproval',
      payload: { workflow: o.workflow, 'execution.$': '$.execution', 'plan.$': '$.approvalPlan', 'timeoutSeconds.$': timeoutSecondsPath },
      timeoutSecondsPath,
      resultPath: o.resultPath ?? '$.approval',
      maxTimeoutSeconds: o.maxTimeoutSeconds,
      rejectTo: o.rejectTo,
    });
  }

  /**
   * A human approval gate (docs/approvals.md): a Parallel of
   *  - the decision: `fn` gets a task token (stored server-side, never in a URL or log) and the state
   *    waits for SendTaskSuccess / SendTaskFailure(ApprovalRejected), up to the timeout, with a heartbeat;
   *  - the reminder loop: heartbeats and reminders, sleeping in a callback state the decision wakes.
   * What SendTaskSuccess delivered is discarded: `<name>Verified` (VerifyApproval) re-reads the stored,
   * signed decision and checks it against this execution's plan and requester; its result at `resultPath`
   * is {approved, approvalId, decidedBy, decidedAt, reason, via, authentication, principal, ...}. Any failure
   * (rejection, expiry, lost heartbeat) closes the stored approval first, then goes where Task failures
   * go; expiry and a lost heartbeat end as ApprovalRejected; a decision that does not verify, SafetyViolation.
   */
  approval(
    name: string,
    o: {
      fn: TaskName;
      payload: Record<string, Json>;
      timeoutSecondsPath: string;
      heartbeatSecondsPath?: string;
      resultPath: string;
      /** Where a rejection or an expiry goes instead of where task failures go (e.g. parking(): keep what was provisioned). */
      rejectTo?: string;
      /** The longest timeout the input may set at `timeoutSecondsPath` (its schema's maximum): waits before the gate keep it free. */
      maxTimeoutSeconds?: number;
    },
  ): this {
    if (this.nested) throw new Error('approval gates belong outside Map iterations');
    this.rootBuilder().gates.push({ name, maxSeconds: o.maxTimeoutSeconds ?? MAX_APPROVAL_SECONDS });
    const n = (suffix: string) => `${name}${suffix}`;
    const fields = [...new Set([...Object.keys(o.payload).map((k) => k.replace(/\.\$$/, '')), 'gate', 'timeoutSeconds', 'heartbeatSeconds', 'requester'])];
    const forward = (keys: string[]) => Object.fromEntries(keys.map((k) => [`${k}.$`, `$.${k}`]));
    const executionPath = o.payload['execution.$'];
    if (typeof executionPath !== 'string') throw new Error(`approval ${name}: the payload needs 'execution.$'`);
    const planPath = o.payload['plan.$'];
    if (typeof planPath !== 'string') throw new Error(`approval ${name}: the payload needs 'plan.$'`);
    const decision = {
      StartAt: n('Decision'),
      States: {
        [n('Decision')]: {
          Type: 'Task',
          Comment: 'Waits for the human decision. The token goes only to the approval task, which stores it server-side.',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: taskArn(o.fn), Payload: { ...forward(fields), 'taskToken.$': '$$.Task.Token' } },
          TimeoutSecondsPath: '$.timeoutSeconds',
          HeartbeatSecondsPath: '$.heartbeatSeconds',
          ResultPath: '$.decision',
          Retry: STANDARD_RETRY,
          Next: n('StopReminders'),
        },
        [n('StopReminders')]: {
          Type: 'Task',
          Comment: 'Wakes the reminder loop so the gate ends now; if this fails, the loop ends at its next check.',
          Resource: taskArn('StopApprovalReminders'),
          Parameters: forward(['execution', 'gate']),
          ResultPath: null,
          TimeoutSeconds: 60,
          Retry: STANDARD_RETRY,
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.stopRemindersError', Next: n('Granted') }],
          Next: n('Granted'),
        },
        [n('Granted')]: { Type: 'Succeed', OutputPath: '$.decision' },
      },
    };
    const reminders = {
      StartAt: n('RemindersStart'),
      States: {
        [n('RemindersStart')]: { Type: 'Wait', Comment: 'Lets the decision branch store the request first.', Seconds: 10, Next: n('Remind') },
        [n('Remind')]: {
          Type: 'Task',
          Comment: 'Heartbeat for the waiting decision; reminders half-way and near the end.',
          Resource: taskArn('RemindApprovers'),
          Parameters: { ...forward(['workflow', 'execution', 'gate', 'timeoutSeconds', 'heartbeatSeconds']), 'reminder.$': '$.reminder' },
          ResultPath: '$.reminder',
          TimeoutSeconds: 120,
          Retry: STANDARD_RETRY,
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.reminderError', Next: n('RemindRetry') }],
          Next: n('RemindDone'),
        },
        [n('RemindDone')]: {
          Type: 'Choice',
          Choices: [{ Variable: '$.reminder.done', BooleanEquals: true, Next: n('RemindersOver') }],
          Default: n('ReminderSleep'),
        },
        [n('ReminderSleep')]: {
          Type: 'Task',
          Comment: 'Sleeps until the next check (its timeout) unless the decision wakes it first.',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: taskArn('ArmApprovalReminder'), Payload: { ...forward(['execution', 'gate']), 'taskToken.$': '$$.Task.Token' } },
          TimeoutSecondsPath: '$.reminder.nextDelaySeconds',
          ResultPath: null,
          Retry: STANDARD_RETRY,
          Catch: [
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.sleep', Next: n('Remind') },
            { ErrorEquals: ['RemindersStopped'], ResultPath: '$.sleep', Next: n('RemindersOver') },
            { ErrorEquals: ['States.ALL'], ResultPath: '$.reminderError', Next: n('RemindRetry') },
          ],
          Next: n('RemindersOver'),
        },
        [n('RemindRetry')]: {
          Type: 'Wait',
          Comment: 'A failed check is tried again; if checks keep failing, the heartbeat timeout ends the gate.',
          Seconds: REMINDER_RETRY_SECONDS,
          Next: n('Remind'),
        },
        [n('RemindersOver')]: { Type: 'Succeed' },
      },
    };
    const root = this.rootBuilder();
    for (const branch of [decision, reminders]) {
      for (const state of Object.keys(branch.States)) {
        if (root.names.has(state)) throw new Error(`duplicate state name ${state}`);
        root.names.add(state);
      }
    }
    this.add(name, {
      Type: 'Parallel',
      Comment: 'Approval gate: nothing past this point happens without a recorded human decision.',
      Parameters: {
        ...o.payload,
        gate: name,
        'requester.$': '$.requester',
        'timeoutSeconds.$': o.timeoutSecondsPath,
        ...(o.heartbeatSecondsPath ? { 'heartbeatSeconds.$': o.heartbeatSecondsPath } : { heartbeatSeconds: APPROVAL_HEARTBEAT_SECONDS }),
        reminder: { attempt: 0 },
      },
      Branches: [decision, reminders],
      // Whatever SendTaskSuccess said is not trusted: the next state reads the signed record.
      ResultPath: null,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: n('Closed') }],
    });
    this.task(n('Verified'), {
      fn: 'VerifyApproval',
      comment: 'Re-reads the stored decision: APPROVED, signed by the approval tasks, for this plan, by an allowed approver who is not the requester.',
      parameters: { 'execution.$': executionPath, gate: name, 'plan.$': planPath, 'requester.$': '$.requester' },
      resultPath: o.resultPath,
      timeoutSeconds: 60,
    });
    const target = o.rejectTo ?? (this.catchers(undefined, name)?.[0]?.Next as string);
    this.add(
      n('Closed'),
      {
        Type: 'Task',
        Comment: 'Closes the stored approval (its link then says why) and names the failure: expiry and a lost heartbeat become ApprovalRejected.',
        Resource: taskArn('CloseApproval'),
        Parameters: {
          'execution.$': executionPath,
          gate: name,
          'timeoutSeconds.$': o.timeoutSecondsPath,
          ...(o.heartbeatSecondsPath ? { 'heartbeatSeconds.$': o.heartbeatSecondsPath } : { heartbeatSeconds: APPROVAL_HEARTBEAT_SECONDS }),
          'failure.$': '$.failure',
        },
        ResultPath: '$.failure',
        TimeoutSeconds: 60,
        Retry: STANDARD_RETRY,
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.approvalCloseError', Next: target }],
        Next: target,
      },
      false,
    );
    return this;
  }

  /**
   * The task just added may fail without undoing anything: its error becomes a warning at
   * `warningPath` (under $.warnings) and the chain goes on. For steps after the point of no return.
   */
  tolerateFailure(taskName: string, warningPath: string, comment: string): this {
    const task = this.states[taskName];
    if (task?.Type !== 'Task') throw new Error(`tolerateFailure: ${taskName} is not a task of this chain`);
    task.Catch = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: `${taskName}Failed` }];
    const pass: AslState = { Type: 'Pass', Comment: comment, Parameters: { 'error.$': '$.failure' }, ResultPath: warningPath };
    this.add(`${taskName}Failed`, pass, false);
    this.open.push((next) => {
      pass.Next = next;
    });
    return this;
  }

  /** Runs `build` only when the boolean at `variable` is true. */
  when(name: string, variable: string, build: (chain: ChainBuilder) => void): this {
    const choice: AslState = { Type: 'Choice', Choices: [{ Variable: variable, BooleanEquals: true, Next: '' }], Default: '' };
    this.add(name, choice);
    const sub = new ChainBuilder(this.nested, this.rootBuilder());
    build(sub);
    Object.assign(this.states, sub.states);
    choice.Choices[0].Next = sub.start;
    this.open.push((next) => {
      choice.Default = next;
    });
    this.open.push(...sub.open);
    return this;
  }

  /**
   * One CIDR at a time, each call at least 10 s after the one before (the items carry `waitSeconds`: AWS
   * allows one Advertise or Withdraw per 10 s per account), the call backing off past that window.
   */
  spacedCidrCalls(
    name: string,
    o: {
      itemsPath: string;
      itemSelector: Record<string, Json>;
      spacing: string;
      spacingComment?: string;
      task: string;
      fn: TaskName;
      parameters: Record<string, Json>;
      resultPath: string;
      after?: (m: ChainBuilder) => void;
    },
  ): this {
    return this.map(name, {
      itemsPath: o.itemsPath,
      maxConcurrency: 1,
      resultPath: null,
      itemSelector: o.itemSelector,
      build: (m) => {
        m.wait(o.spacing, { secondsPath: '$.waitSeconds', comment: o.spacingComment });
        m.task(o.task, { fn: o.fn, parameters: o.parameters, resultPath: o.resultPath, retry: [ADVERTISE_RETRY] });
        o.after?.(m);
      },
    });
  }

  map(
    name: string,
    o: {
      itemsPath: string;
      itemSelector: Record<string, Json>;
      maxConcurrency: number;
      resultPath: string | null;
      build: (chain: ChainBuilder) => void;
      comment?: string;
    },
  ): this {
    const sub = new ChainBuilder(true, this.rootBuilder());
    o.build(sub);
    // Choices can't End, so an iteration that finishes on a poll or a Pass ends in a Succeed.
    if (sub.open.length > 0) sub.succeed(`${name}ItemDone`);
    this.add(
      name,
      prune({
        Type: 'Map',
        Comment: o.comment,
        ItemsPath: o.itemsPath,
        ItemSelector: o.itemSelector,
        MaxConcurrency: o.maxConcurrency,
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: sub.start, States: sub.states },
        ResultPath: o.resultPath,
        Retry: [{ ErrorEquals: LAMBDA_TRANSIENT, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
        Catch: this.catchers(undefined, name),
      }),
    );
    return this;
  }

  /**
   * Runs independent chains at once (e.g. one read per AWS service); the branch results come back as
   * an array, which `resultSelector` usually names. Branch tasks retry; failures are caught here.
   */
  parallel(
    name: string,
    o: { branches: Array<(chain: ChainBuilder) => void>; resultSelector?: Record<string, Json>; resultPath: string | null; comment?: string; catchTo?: string },
  ): this {
    const branches = o.branches.map((build) => {
      const sub = new ChainBuilder(true, this.rootBuilder());
      build(sub);
      if (sub.open.length > 0) sub.succeed(`${sub.start}Done`);
      return { StartAt: sub.start, States: sub.states };
    });
    this.add(
      name,
      prune({
        Type: 'Parallel',
        Comment: o.comment,
        Branches: branches,
        ResultSelector: o.resultSelector,
        ResultPath: o.resultPath,
        Catch: this.catchers(o.catchTo, name),
      }),
    );
    return this;
  }

  succeed(name: string, outputPath?: string): this {
    this.add(name, prune({ Type: 'Succeed', OutputPath: outputPath }));
    return this;
  }

  /** Set by parking(): the intents a parked migration keeps. */
  private parked?: { keep: string[]; outputParameters: Record<string, Json> };

  /**
   * Rejection parks (issue #16): a gate with `rejectTo: PARK` sends a rejection or an expiry here. When
   * `onRejectPath` says "park", only the intents not in `keep` are undone (what is cheap to redo) and the
   * execution ends `Parked` (succeeded, its output saying what was kept); otherwise everything is undone.
   * Call before compensation(), whose undo loop it shares.
   */
  parking(o: { onRejectPath: string; keep: string[]; outputParameters: Record<string, Json> }): this {
    for (const k of o.keep) if (!this.intentKeys.includes(k)) throw new Error(`parking: no intent ${k}`);
    this.parked = { keep: o.keep, outputParameters: o.outputParameters };
    const loose = (name: string, state: AslState) => this.add(name, prune(state), false);
    loose(PARK, {
      Type: 'Choice',
      Comment:
        'A rejection, an expiry or a plan that changed while it waited, with onReject "park": keep what took long to provision; otherwise undo everything.',
      Choices: [
        {
          And: [{ Variable: o.onRejectPath, StringEquals: 'park' }, { Or: PARKED_ERRORS.map((e) => ({ Variable: '$.failure.Error', StringEquals: e })) }],
          Next: 'ParkMigration',
        },
      ],
      Default: COMPENSATE,
    });
    loose('ParkMigration', {
      Type: 'Pass',
      Comment: 'Remembers that this rollback parks: the undo loop ends in Parked.',
      Result: { keeps: o.keep },
      ResultPath: '$.parked',
      Next: 'PlanParking',
    });
    loose('PlanParking', {
      Type: 'Task',
      Comment: 'Undo, newest first, only what is cheap to redo.',
      Resource: taskArn('PlanCompensation'),
      Parameters: { 'intents.$': '$.intents', order: this.intentKeys.filter((k) => !o.keep.includes(k)), 'failure.$': '$.failure' },
      ResultPath: '$.compensation',
      TimeoutSeconds: 60,
      Retry: STANDARD_RETRY,
      Next: 'NextUndo',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.compensationError', Next: 'CompensationNotPlanned' }],
    });
    loose('Parked', {
      Type: 'Pass',
      Comment: 'Parked: the rejection is recorded; the provisioned pools and CIDRs stay for a later run.',
      Parameters: o.outputParameters,
      Next: 'ParkedDone',
    });
    loose('ParkedDone', { Type: 'Succeed' });
    return this;
  }

  /** The shared compensation fragment (see domain/compensation.ts): plan, undo loop, final Fail. */
  compensation(undoTasks: Record<string, TaskName>): this {
    for (const service of this.undoServices) {
      if (!undoTasks[service]) throw new Error(`intents use ${service} but no undo task is given for it`);
    }
    const loose = (name: string, state: AslState) => this.add(name, prune(state), false);
    const transient = [
      {
        ErrorEquals: [...LAMBDA_TRANSIENT, 'AwsThrottled', 'AwsUnavailable'],
        IntervalSeconds: 5,
        MaxAttempts: 8,
        BackoffRate: 2,
        MaxDelaySeconds: 300,
        JitterStrategy: 'FULL',
      },
    ];
    loose(COMPENSATE, {
      Type: 'Task',
      Comment: 'Undo, newest first, what this execution recorded intents for; nothing else.',
      Resource: taskArn('PlanCompensation'),
      Parameters: { 'intents.$': '$.intents', order: this.intentKeys, 'failure.$': '$.failure' },
      ResultPath: '$.compensation',
      TimeoutSeconds: 60,
      Retry: transient,
      Next: 'NextUndo',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.compensationError', Next: 'CompensationNotPlanned' }],
    });
    const services = Object.keys(undoTasks).filter((s) => this.undoServices.has(s));
    loose('NextUndo', {
      Type: 'Choice',
      Choices: [
        { Variable: '$.compensation.hasCurrent', BooleanEquals: false, Next: 'CompensationFinished' },
        ...services.map((s) => ({ Variable: '$.compensation.service', StringEquals: s, Next: `Undo${s}` })),
      ],
      Default: 'UndoServiceUnknown',
    });
    for (const s of services) {
      loose(`Undo${s}`, {
        Type: 'Task',
        Resource: taskArn(undoTasks[s]),
        Parameters: { 'compensation.$': '$.compensation' },
        ResultPath: '$.compensation',
        TimeoutSeconds: 120,
        Retry: transient,
        Next: 'UndoWaiting',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.undoError', Next: 'AbandonUndo' }],
      });
    }
    loose('UndoServiceUnknown', {
      Type: 'Pass',
      Result: { Error: 'UnexpectedResponse', Cause: 'no undo task for this service' },
      ResultPath: '$.undoError',
      Next: 'AbandonUndo',
    });
    loose('UndoWaiting', { Type: 'Choice', Choices: [{ Variable: '$.compensation.waiting', BooleanEquals: true, Next: 'UndoWait' }], Default: 'NextUndo' });
    loose('UndoWait', { Type: 'Wait', SecondsPath: '$.compensation.nextDelaySeconds', Next: 'NextUndo' });
    loose('AbandonUndo', {
      Type: 'Task',
      Resource: taskArn('AbandonUndo'),
      Parameters: { 'compensation.$': '$.compensation', 'error.$': '$.undoError' },
      ResultPath: '$.compensation',
      TimeoutSeconds: 60,
      Retry: transient,
      Next: 'NextUndo',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.compensationError', Next: 'CompensationNotPlanned' }],
    });
    loose('CompensationFinished', {
      Type: 'Choice',
      Choices: [
        { Variable: '$.compensation.leftoverCount', NumericGreaterThan: 0, Next: 'CompensationIncomplete' },
        ...(this.parked ? [{ Variable: '$.parked', IsPresent: true, Next: 'Parked' }] : []),
      ],
      Default: 'RolledBack',
    });
    loose('CompensationIncomplete', { Type: 'Fail', Error: 'CompensationIncomplete', CausePath: '$.compensation.summary' });
    loose('CompensationNotPlanned', {
      Type: 'Fail',
      Error: 'CompensationIncomplete',
      Cause: 'compensation could not run; inspect the execution history and the intents in its state',
    });
    loose('RolledBack', {
      Type: 'Fail',
      Comment: 'Everything this execution did was undone; fail with the original error.',
      ErrorPath: '$.failure.Error',
      CausePath: '$.failure.Cause',
    });
    return this;
  }

  /** The finished state machine definition. */
  build(comment: string, timeoutSeconds?: number): AslState {
    if (this.open.length > 0) throw new Error('the chain does not end in a Succeed or Fail state');
    if (this.leases && !this.leases.released) throw new Error('holdLeases without releaseLeases on the way to success');
    if (this.pivotAt) {
      const offersBack = (this.pivotAt.decisions ?? ['back']).includes('back');
      if (offersBack && !this.states[COMPENSATE]) throw new Error('a pivot offering "back" needs the workflow\'s compensation');
      if (offersBack && !this.pivotAt.backNeeds) throw new Error('a pivot offering "back" says what it needs first (backNeeds)');
      this.operatorDecision();
    }
    this.deadlines();
    return prune({ Comment: comment, StartAt: this.start, TimeoutSeconds: timeoutSeconds, States: this.states });
  }
}

/** Drops undefined fields so the JSON stays clean and stable. */
function prune<T extends AslState>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** The standard first state: keep the input, and set up execution identity, intents and wait slots. */
export function initialize(chain: ChainBuilder): ChainBuilder {
  return chain.pass('Initialize', {
    Comment: 'Keeps the raw input and starts the intent log that compensation reads.',
    Parameters: {
      'input.$': '$',
      execution: { 'id.$': '$$.Execution.Id', 'name.$': '$$.Execution.Name', 'startTime.$': '$$.Execution.StartTime' },
      intents: {},
      wait: {},
      warnings: {},
    },
  });
}

/**
 * For every workflow with an approval gate, right after ValidateInput (which names input mistakes
 * before any AWS call): who asked, as the starter attested it (docs/approvals.md). An execution not
 * started through a starter (StartExecution by hand) ends here, before any change.
 */
export function verifyRequester(chain: ChainBuilder, o: { catchTo?: string } = {}): ChainBuilder {
  return chain.task('VerifyRequester', {
    fn: 'VerifyRequester',
    comment: "Who asked for this execution, attested by the starter with a MAC over this execution's name and input; nobody decides their own request.",
    parameters: { 'input.$': '$.input', 'execution.$': '$.execution', 'stateMachine.$': '$$.StateMachine.Name' },
    resultPath: '$.requester',
    catchTo: o.catchTo,
    timeoutSeconds: 60,
  });
}

/**
 * For a workflow that AWS or a schedule starts (no person asks): the requester is the system that
 * started it (a principal no approver has), so any configured approver may decide. Says why, in the
 * ASL, where verifyRequester() would stand.
 */
export function noRequester(chain: ChainBuilder, o: { principal: string; why: string }): ChainBuilder {
  return chain.pass('NoRequester', {
    Comment: o.why,
    Parameters: { principal: o.principal, approver: null, via: 'started by AWS or a schedule, not by a person', 'at.$': '$$.Execution.StartTime' },
    ResultPath: '$.requester',
  });
}

/**
 * An approval gate only when the boolean at `when` is true (a plan with changes to what the internet
 * sees); otherwise `resultPath` holds {approved: false, required: false} and the chain goes on. The plan
 * task builds the ApprovalPlan from `planParameters`.
 */
export function approvalWhen(
  chain: ChainBuilder,
  o: {
    workflow: string;
    when: string;
    comment: string;
    planFn: TaskName;
    planParameters: Record<string, Json>;
    timeoutSecondsPath: string;
    resultPath: string;
    /** Where the proposed changes the plan was built from live; forgotten once the decision is verified (they can be long). */
    proposalPath?: string;
  },
): ChainBuilder {
  chain.pass('NoApprovalNeeded', { Comment: o.comment, Result: { approved: false, required: false }, ResultPath: o.resultPath });
  return chain.when('ApprovalRequired', o.when, (b) => {
    b.planAndApprove({
      workflow: o.workflow,
      planState: 'PlanApproval',
      planFn: o.planFn,
      planParameters: o.planParameters,
      timeoutSecondsPath: o.timeoutSecondsPath,
      resultPath: o.resultPath,
    });
    // The verified decision carries the plan's hash; the plan itself would only weigh on every later state's payload.
    b.pass('ForgetApprovalPlan', {
      Comment: 'The decision is verified against the plan hash; the plan text is not needed further.',
      Result: {},
      ResultPath: '$.approvalPlan',
    });
    if (o.proposalPath)
      b.pass('ForgetProposedChanges', {
        Comment: 'The approved changes are in the decision record; this copy is not needed further.',
        Result: { required: true },
        ResultPath: o.proposalPath,
      });
  });
}
