/**
 * Step Functions' control plane over the local runner: the byoip state machines as deployed (one per
 * workflow, `byoip-<workflow>`, defined by the committed ASL), StartExecution running that ASL with
 * runner/local-runner on the simulator's virtual clock in the background, and DescribeExecution,
 * GetExecutionHistory (AWS's events, paged, as runner/history.ts writes them), ListExecutions,
 * ListStateMachines, DescribeStateMachine and StopExecution to follow and steer it. `byoip start`,
 * `watch` and `status` use exactly these calls against AWS.
 *
 * The callback API (SendTaskSuccess/Failure/Heartbeat) is served by the platform model's task tokens (sim/services/platform/).
 * An execution started here waits at its approval gate for a person (the approval page or `byoip
 * approve`), as in AWS, and virtual time stands still meanwhile (a person decides in real time); a
 * world may set `stepFunctions.approvals` to "none" (nobody answers: the approval expires) or "auto".
 */
import type * as SFN from '@aws-sdk/client-sfn';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionHistory, ExecutionStatus } from '../../../runner/history';
import type { ApprovalPolicy, ApprovalRequest, RunOptions, RunResult } from '../../../runner/local-runner';
import { workflows } from '../../../workflows';
import { EXECUTION_NAME, STEP_FUNCTIONS_QUOTAS } from '../../../domain/step-functions';
import { stateMachineName } from '../../../workflows/lib/workflow';
import { awsError } from '../../aws-error';
import { page } from '../../paging';
import { VirtualClock } from '../../clock';
import type { SdkServiceModel } from '../../sdk-operations';
import type { OpContext } from '../../simulator';

export const StepFunctionsWorldSection = z
  .object({
    /** Workflows deployed as state machines in the default account and Region (default: all). */
    stateMachines: z.array(z.string()).optional(),
    /**
     * Approval gates of executions started through the API: a person decides while virtual time stands
     * still (hold), nobody decides and the approval expires on virtual time (none), or the simulator approves (auto).
     */
    approvals: z.enum(['hold', 'none', 'auto']).default('hold'),
  })
  .strict();

interface SimStateMachine {
  readonly name: string;
  readonly arn: string;
  readonly workflow: string;
  readonly account: string;
  readonly region: string;
  readonly roleArn: string;
  readonly creationDate: number;
}

interface SimExecution {
  readonly arn: string;
  readonly name: string;
  readonly stateMachine: SimStateMachine;
  readonly input: string;
  readonly startDate: number;
  status: ExecutionStatus;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  history?: ExecutionHistory;
  stop?: () => void;
  /** Settles when the execution has ended (tests and tools can await it). */
  readonly done: Promise<void>;
}

interface StepFunctionsState {
  stateMachines: SimStateMachine[];
  executions: SimExecution[];
}

function machineOf(ctx: OpContext<StepFunctionsState>, arn: unknown): SimStateMachine {
  if (typeof arn !== 'string' || !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/.test(arn))
    throw awsError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
  const sm = ctx.state.stateMachines.find((m) => m.arn === arn && m.account === ctx.account && m.region === ctx.region);
  if (!sm) throw awsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  return sm;
}

/** An execution's state as Step Functions reports it: ended as soon as its history has its last event. */
function current(e: SimExecution): SimExecution {
  const end = e.status === 'RUNNING' ? e.history?.outcome : undefined;
  if (end) Object.assign(e, { status: end.status, stopDate: end.at, output: end.output, error: end.error, cause: end.cause });
  return e;
}

function executionOf(ctx: OpContext<StepFunctionsState>, arn: unknown): SimExecution {
  if (typeof arn !== 'string' || !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn))
    throw awsError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
  const e = ctx.state.executions.find((x) => x.arn === arn && x.stateMachine.account === ctx.account && x.stateMachine.region === ctx.region);
  if (!e) throw awsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  return current(e);
}

/** Pages as Step Functions returns them: at most `maxResults` (default 100, at most 1000) and an opaque token. */
function sfnPage<T>(
  ctx: OpContext<StepFunctionsState>,
  items: T[],
  input: { maxResults?: number; nextToken?: string },
  scope: string,
): { items: T[]; nextToken?: string } {
  const p = page(ctx, items, { max: input.maxResults || undefined, token: input.nextToken, defaultMax: 100, limit: 1000, scope });
  return { items: p.items, nextToken: p.next };
}

function withoutData(e: HistoryEvent): HistoryEvent {
  const visit = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object' || v instanceof Date) return v;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !['input', 'output', 'parameters'].includes(k))
        .map(([k, x]) => [k, visit(x)]),
    );
  };
  return visit(e) as HistoryEvent;
}

/** A person decides in real time: virtual time stands still until the gate's decision token is answered. */
async function holdUntilDecided(req: ApprovalRequest): Promise<void> {
  const release = req.sim.clock.hold();
  try {
    while (req.sim.taskTokens.pending().some((t) => t.token === req.task.token)) await VirtualClock.realDelay(50);
  } finally {
    release();
  }
}

/** Starts the run in the background: the runner is loaded lazily (it depends on the simulator, not the reverse). */
function launch(
  ctx: OpContext<StepFunctionsState>,
  execution: Omit<SimExecution, 'done' | 'status'> & { status?: ExecutionStatus },
  approvals: 'hold' | 'none' | 'auto',
): SimExecution {
  const { runWorkflow } = require('../../../runner/local-runner') as { runWorkflow: (o: RunOptions) => Promise<RunResult> };
  const e = execution as SimExecution;
  e.status = 'RUNNING';
  const run = runWorkflow({
    workflow: e.stateMachine.workflow,
    input: JSON.parse(e.input),
    sim: ctx.sim,
    executionName: e.name,
    approve: (approvals === 'hold' ? holdUntilDecided : approvals) as ApprovalPolicy,
    onStarted: (started) => {
      e.history = started.history;
      e.stop = started.stop;
    },
  });
  (e as { done: Promise<void> }).done = run.then(
    ({ report }) => {
      if (e.status !== 'RUNNING') return; // the history's last event already said how it ended
      // A rehearsal that ended at an unanswered operator decision: the simulated execution stops there.
      e.status = report.status === 'WAITING_FOR_OPERATOR' ? 'ABORTED' : report.status;
      e.stopDate = ctx.sim.clock.now();
      if (report.status === 'SUCCEEDED') e.output = JSON.stringify(report.output);
      else Object.assign(e, { error: report.error?.name, cause: report.error?.cause });
    },
    (err: Error) => {
      if (e.status !== 'RUNNING') return;
      // The simulation itself broke (a stall, a bug): the execution cannot go on, as a failed one.
      Object.assign(e, { status: 'FAILED', stopDate: ctx.sim.clock.now(), error: 'States.Runtime', cause: `simulation failed: ${err.message}` });
    },
  );
  return e;
}

export const stepFunctionsModel: SdkServiceModel<StepFunctionsState, typeof SFN> = {
  key: 'sfn.executions',
  service: 'SFN',
  seed(world) {
    const section = StepFunctionsWorldSection.parse(world.stepFunctions ?? {});
    const deployed = section.stateMachines ?? workflows.map((w) => w.name);
    const created = Date.parse(world.startTime);
    return {
      stateMachines: workflows
        .filter((w) => deployed.includes(w.name))
        .map((w) => {
          const name = stateMachineName(w.name);
          return {
            name,
            workflow: w.name,
            account: world.defaultAccount,
            region: world.defaultRegion,
            arn: `arn:aws:states:${world.defaultRegion}:${world.defaultAccount}:stateMachine:${name}`,
            roleArn: `arn:aws:iam::${world.defaultAccount}:role/byoip-orchestrator-states`,
            creationDate: created,
          };
        }),
      executions: [],
    };
  },
  snapshot: (state) => ({
    stateMachines: state.stateMachines.map((m) => m.name),
    executions: state.executions.map((e) => ({ name: e.name, stateMachine: e.stateMachine.name, status: e.status, historyEvents: e.history?.length ?? 0 })),
  }),
  operations: {
    ListStateMachines(ctx, input) {
      const mine = ctx.state.stateMachines.filter((m) => m.account === ctx.account && m.region === ctx.region);
      const { items, nextToken } = sfnPage(ctx, mine, input, `machines:${ctx.account}:${ctx.region}`);
      return {
        stateMachines: items.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: new Date(m.creationDate) })),
        nextToken,
      };
    },

    DescribeStateMachine(ctx, input) {
      const m = machineOf(ctx, input.stateMachineArn);
      // What CDK deploys: the committed ASL (with its ${Task}Arn placeholders, which AWS shows substituted).
      const definition = readFileSync(join(__dirname, '..', '..', '..', 'asl', `${m.workflow}.asl.json`), 'utf8');
      return {
        stateMachineArn: m.arn,
        name: m.name,
        status: 'ACTIVE',
        definition,
        roleArn: m.roleArn,
        type: 'STANDARD',
        creationDate: new Date(m.creationDate),
      };
    },

    StartExecution(ctx, input) {
      const m = machineOf(ctx, input.stateMachineArn);
      const name = input.name ?? randomUUID();
      if (!EXECUTION_NAME.test(name))
        throw awsError('InvalidName', `Invalid Name: '${name}' (1-80 characters; no whitespace, brackets, wildcards or special characters)`);
      const text = input.input ?? '{}';
      try {
        JSON.parse(text);
      } catch {
        throw awsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not JSON');
      }
      if (Buffer.byteLength(text, 'utf8') > STEP_FUNCTIONS_QUOTAS.payloadBytes)
        throw awsError('InvalidExecutionInput', 'The execution input exceeds the maximum number of bytes service limit.');
      const arn = `arn:aws:states:${m.region}:${m.account}:execution:${m.name}:${name}`;
      const existing = ctx.state.executions.find((e) => e.arn === arn);
      if (existing) {
        // Idempotent while running with the same input; a name is otherwise not reusable (for 90 days, in AWS).
        if (existing.status === 'RUNNING' && existing.input === text) return { executionArn: existing.arn, startDate: new Date(existing.startDate) };
        throw awsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
      }
      const approvals = StepFunctionsWorldSection.parse(ctx.sim.world.stepFunctions ?? {}).approvals;
      const e = launch(ctx, { arn, name, stateMachine: m, input: text, startDate: ctx.now }, approvals);
      ctx.state.executions.push(e);
      return { executionArn: e.arn, startDate: new Date(e.startDate) };
    },

    DescribeExecution(ctx, input) {
      const e = executionOf(ctx, input.executionArn);
      return {
        executionArn: e.arn,
        stateMachineArn: e.stateMachine.arn,
        name: e.name,
        status: e.status,
        startDate: new Date(e.startDate),
        ...(e.stopDate !== undefined ? { stopDate: new Date(e.stopDate) } : {}),
        input: e.input,
        inputDetails: { included: true },
        ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
        ...(e.error !== undefined ? { error: e.error, cause: e.cause } : {}),
      };
    },

    GetExecutionHistory(ctx, input) {
      const e = executionOf(ctx, input.executionArn);
      const all = e.history?.page() ?? [];
      const ordered = input.reverseOrder ? [...all].reverse() : all;
      const { items, nextToken } = sfnPage(ctx, ordered, input, `history:${e.arn}:${input.reverseOrder ? 'rev' : 'fwd'}`);
      return { events: input.includeExecutionData === false ? items.map(withoutData) : items, nextToken };
    },

    ListExecutions(ctx, input) {
      const m = machineOf(ctx, input.stateMachineArn);
      const mine = ctx.state.executions
        .map(current)
        .filter((e) => e.stateMachine === m && (!input.statusFilter || e.status === input.statusFilter))
        .sort((a, b) => b.startDate - a.startDate); // newest first, as AWS lists them
      const { items, nextToken } = sfnPage(ctx, mine, input, `executions:${m.arn}:${input.statusFilter ?? ''}`);
      return {
        executions: items.map((e) => ({
          executionArn: e.arn,
          stateMachineArn: m.arn,
          name: e.name,
          status: e.status,
          startDate: new Date(e.startDate),
          ...(e.stopDate !== undefined ? { stopDate: new Date(e.stopDate) } : {}),
        })),
        nextToken,
      };
    },

    StopExecution(ctx, input) {
      const e = executionOf(ctx, input.executionArn);
      if (e.status === 'RUNNING') e.stop?.();
      return { stopDate: new Date(ctx.now) };
    },
  },
};

/**
 * Resolves once every execution started through the API has finished running (tests wait for it before
 * disconnecting); `stop` first aborts those still running, as StopExecution does.
 */
export function executionsSettled(sim: { state<S>(key: string): S }, opts: { stop?: boolean } = {}): Promise<void> {
  const executions = sim.state<StepFunctionsState>('sfn.executions').executions;
  if (opts.stop) for (const e of executions) if (current(e).status === 'RUNNING') e.stop?.();
  return Promise.all(executions.map((e) => e.done)).then(() => undefined);
}
