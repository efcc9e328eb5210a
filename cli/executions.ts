/**
 * Real executions, with the operator's credentials: `byoip start` (StartExecution of the deployed
 * state machine), `byoip watch` (the live progress and time breakdown of a rehearsal, read from
 * GetExecutionHistory) and `byoip status` (recent executions per workflow, pending approvals).
 * Every AWS call goes through platform/aws, so the simulator's Step Functions API answers them in tests.
 */
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  type ExecutionListItem,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { EXECUTION_NAME } from '../domain/step-functions';
import { client, defaultRegion } from '../platform/aws';
import { readHistory } from '../runner/history';
import type { ProgressEvent } from '../runner/history';
import { loadTaskHandler } from '../runner/local-runner';
import { formatDuration, formatPhases, phasesOf } from '../runner/report';
import { workflowByName, workflows } from '../workflows';
import { stateMachineName } from '../workflows/lib/workflow';
import { formatPending, pendingApprovals, type Target } from './approvals';
import { progressPrinter } from './progress';

/** Captured before any simulation fakes the timers: a watch waits in real time. */
const realSetTimeout = globalThis.setTimeout;
const sleep = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

export interface Where {
  region?: string;
}

const sfn = (w: Where) => client(SFNClient, { region: w.region });

/** The deployed state machine of a workflow (`byoip-<workflow>`), found by listing this Region's machines. */
export async function findStateMachine(workflow: string, where: Where): Promise<string> {
  workflowByName(workflow);
  const wanted = stateMachineName(workflow);
  let nextToken: string | undefined;
  do {
    const page = await sfn(where).send(new ListStateMachinesCommand({ maxResults: 1000, nextToken }));
    const found = page.stateMachines?.find((m) => m.name === wanted);
    if (found?.stateMachineArn) return found.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  throw new Error(
    `state machine ${wanted} is not deployed in ${where.region ?? defaultRegion()}: deploy the stack (docs/deploy.md) or pass --region; \`byoip doctor\` checks the deployment`,
  );
}

/**
 * The input mistakes the workflow's own ValidateInput task would name, found on this machine before
 * any AWS call. Only a refusal (InputInvalid) stops the start; a validator that needs AWS is left to the run.
 */
export async function preValidate(workflow: string, input: unknown): Promise<void> {
  const definition = workflowByName(workflow).build() as { States: Record<string, { Resource?: string; Type: string }> };
  const task = /^\$\{(\w+)Arn\}$/.exec(definition.States.ValidateInput?.Resource ?? '')?.[1];
  if (!task) return;
  try {
    await loadTaskHandler(task)({ input }, { awsRequestId: 'byoip-start-validation', getRemainingTimeInMillis: () => 60_000 } as never);
  } catch (e) {
    if ((e as Error).name === 'InputInvalid') throw e;
  }
}

export interface Started {
  readonly executionArn: string;
  readonly startDate: Date;
  readonly stateMachineArn: string;
}

/**
 * Starts an execution of a workflow's deployed state machine: the one StartExecution of the CLI (the
 * place to record who started it, and why, before the call).
 */
export async function startExecution(o: { workflow: string; input: unknown; name?: string } & Where): Promise<Started> {
  if (o.name !== undefined && !EXECUTION_NAME.test(o.name)) {
    throw new Error(`--name "${o.name}": execution names are 1-80 characters without whitespace, brackets, wildcards or any of : ; , \\ | ^ ~ $ # % & \` " /`);
  }
  await preValidate(o.workflow, o.input);
  const stateMachineArn = await findStateMachine(o.workflow, o);
  const out = await sfn(o).send(new StartExecutionCommand({ stateMachineArn, name: o.name, input: JSON.stringify(o.input) }));
  return { executionArn: out.executionArn!, startDate: out.startDate!, stateMachineArn };
}

/** An execution ARN, or `<workflow>/<name>` (the name `byoip start --name` gave it). */
export async function resolveExecution(ref: string, where: Where): Promise<string> {
  if (ref.startsWith('arn:')) return ref;
  const slash = ref.indexOf('/');
  if (slash <= 0) throw new Error(`"${ref}" is neither an execution ARN nor <workflow>/<execution name>`);
  const stateMachineArn = await findStateMachine(ref.slice(0, slash), where);
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${ref.slice(slash + 1)}`;
}

/** The events after `afterId`, oldest first: read newest-first until a known one (one call while following). */
async function newEvents(executionArn: string, afterId: number, where: Where): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn(where).send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1000, nextToken }));
    for (const e of page.events ?? []) {
      if ((e.id ?? 0) <= afterId) return fresh.reverse();
      fresh.push(e);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return fresh.reverse();
}

export interface WatchOptions extends Where {
  readonly executionArn: string;
  /** Keep reading until the execution ends (default), or print what there is and stop. */
  readonly follow?: boolean;
  readonly intervalMs?: number;
  readonly out?: NodeJS.WriteStream;
}

/**
 * Follows an execution from its history, printing what `byoip simulate` prints for a rehearsal: the
 * phases as they start, poll loops as one line, retries, approvals; then where the time went.
 * Returns the execution's status (RUNNING when not following and it has not ended).
 */
export async function watchExecution(o: WatchOptions): Promise<{ status: string; error: { name: string; cause: string } | null }> {
  const out = o.out ?? process.stderr;
  const described = await sfn(o).send(new DescribeExecutionCommand({ executionArn: o.executionArn }));
  const machine = await sfn(o).send(new DescribeStateMachineCommand({ stateMachineArn: described.stateMachineArn }));
  const topLevel = new Set(Object.keys((JSON.parse(machine.definition ?? '{}') as { States?: object }).States ?? {}));
  out.write(`${described.name} (${machine.name}), started ${described.startDate?.toISOString()}\n`);
  const print = progressPrinter(out, topLevel);
  const events: HistoryEvent[] = [];
  let printed = 0;
  for (;;) {
    events.push(...(await newEvents(o.executionArn, events.length ? (events[events.length - 1].id ?? 0) : 0, o)));
    const reading = readHistory(events);
    reading.progress.slice(printed).forEach((p: ProgressEvent) => print(p));
    printed = reading.progress.length;
    if (reading.status !== 'RUNNING' || o.follow === false) {
      if (reading.status === 'RUNNING') {
        out.write(`\n${described.name}: RUNNING for ${formatDuration(reading.seconds)} so far (${reading.events} history events)\n`);
      } else {
        out.write(`\n${described.name}: ${reading.status} after ${formatDuration(reading.seconds)} (${reading.events} history events)\n`);
        if (reading.error) out.write(`  error: ${reading.error.name}: ${reading.error.cause}\n`);
      }
      out.write(
        `where the time went:\n${formatPhases({ ...phasesOf(reading.states, topLevel, { endedAt: reading.seconds }), compensation: null, virtualSeconds: reading.seconds })}\n`,
      );
      return { status: reading.status, error: reading.error };
    }
    await sleep(o.intervalMs ?? 10_000);
  }
}

export interface StatusOptions extends Where, Target {
  /** Executions shown per workflow. */
  readonly limit?: number;
}

/** Recent executions of every workflow and the approvals waiting for a decision. */
export async function statusReport(o: StatusOptions): Promise<string> {
  const lines: string[] = [];
  const deployed = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await sfn(o).send(new ListStateMachinesCommand({ maxResults: 1000, nextToken }));
    for (const m of page.stateMachines ?? []) if (m.name && m.stateMachineArn) deployed.set(m.name, m.stateMachineArn);
    nextToken = page.nextToken;
  } while (nextToken);
  const iso = (d?: Date) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '');
  for (const w of workflows) {
    const arn = deployed.get(stateMachineName(w.name));
    if (!arn) {
      lines.push(`${w.name}: not deployed`);
      continue;
    }
    const page = await sfn(o).send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: o.limit ?? 5 }));
    const executions: ExecutionListItem[] = page.executions ?? [];
    lines.push(`${w.name}: ${executions.length === 0 ? 'no executions' : ''}`.trimEnd());
    for (const e of executions) {
      const took = e.stopDate && e.startDate ? ` after ${formatDuration((e.stopDate.getTime() - e.startDate.getTime()) / 1000)}` : '';
      lines.push(`  ${(e.status ?? '').padEnd(9)} ${e.name}  started ${iso(e.startDate)}${e.stopDate ? `, ended ${iso(e.stopDate)}${took}` : ''}`);
    }
  }
  const { pending, now } = await pendingApprovals(o);
  lines.push(
    '',
    'pending approvals:',
    formatPending(pending, now)
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  return `${lines.join('\n')}\n`;
}
