/**
 * Approvals in the state table. The task token lives only here (pk "APPROVAL#<id>"), next to the
 * plan and the decision; a second item per pending approval (pk "APPROVALS", sk "PENDING#<id>")
 * lets `byoip approvals` list them with a Query.
 *
 * `decideApproval` is the one way a decision is made: by the approval page, by `byoip approve|reject`
 * and by the simulator's --approve policies. A decision is a conditional write (PENDING → APPROVED |
 * REJECTED), so a link or a command decides at most once; the token is then used once and never shown.
 */
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  approvalOutput, checkDecider, rejectionCause, type ApprovalPlan, type ApprovalStatus, type Decision,
} from '../../domain/approval';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { client, defaultRegion } from '../lib/aws';
import { logger, toWorkflowError } from '../lib/handler';
import { stateTable, stateTableName } from '../lib/state-table';

export interface ApprovalRecord {
  approvalId: string;
  /** Bumped when the gate is entered again after a decision (a redriven execution). */
  round: number;
  status: ApprovalStatus;
  workflow: string;
  executionId: string;
  executionName: string;
  gate: string;
  plan: ApprovalPlan;
  /** Epoch ms. */
  createdAt: number;
  expiresAt: number;
  timeoutSeconds: number;
  heartbeatSeconds: number;
  taskToken?: string;
  reminderToken?: string;
  notifiedAt?: number;
  remindersSent: number;
  decision?: Decision;
  /** pending → delivered, or failed (retried by the next decision attempt or reminder tick), or gone. */
  delivery?: string;
  closedAt?: number;
  closedReason?: string;
}

/** What may be shown to a person or a log: the record without its tokens. */
export type ApprovalView = Omit<ApprovalRecord, 'taskToken' | 'reminderToken'>;

export function toView(r: ApprovalRecord): ApprovalView {
  const { taskToken: _t, reminderToken: _r, ...view } = r;
  return view;
}

export interface PendingApproval {
  approvalId: string;
  round: number;
  workflow: string;
  executionName: string;
  title: string;
  approvers: string[];
  changes: number;
  createdAt: number;
  expiresAt: number;
}

const KEEP_SECONDS = 400 * 86_400; // audit trail; DynamoDB TTL removes the item afterwards

export const approvalKey = (id: string) => ({ pk: `APPROVAL#${id}`, sk: 'APPROVAL' });
export const pendingKey = (id: string) => ({ pk: 'APPROVALS', sk: `PENDING#${id}` });

const db = () => stateTable(defaultRegion());

/** Placeholders for attribute names: `#name` for each (DynamoDB reserves hundreds of words, "status" among them). */
function names(...attrs: string[]): Record<string, string> {
  return Object.fromEntries(attrs.map((a) => [`#${a}`, a]));
}
const sfn = () => client(SFNClient, { region: defaultRegion() });

function pendingItem(r: ApprovalRecord) {
  const entry: PendingApproval = {
    approvalId: r.approvalId, round: r.round, workflow: r.workflow, executionName: r.executionName, title: r.plan.title,
    approvers: r.plan.approvers, changes: r.plan.changes.length, createdAt: r.createdAt, expiresAt: r.expiresAt,
  };
  return { ...pendingKey(r.approvalId), ...entry, ttl: Math.floor(r.expiresAt / 1000) + KEEP_SECONDS };
}

export function isConditionFailure(e: unknown): boolean {
  const name = (e as Error)?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
}

const DEAD_TOKEN = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Step Functions no longer waits on this token: the task timed out, finished, or its execution ended. */
export function isDeadToken(e: unknown): boolean {
  return DEAD_TOKEN.has((e as Error)?.name);
}

export async function loadApproval(approvalId: string): Promise<ApprovalRecord | undefined> {
  const out = await db().send(new GetCommand({ TableName: stateTableName(), Key: approvalKey(approvalId), ConsistentRead: true }));
  return out.Item as ApprovalRecord | undefined;
}

export async function listPending(): Promise<PendingApproval[]> {
  const items: PendingApproval[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await db().send(new QueryCommand({
      TableName: stateTableName(), KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :p)', ExpressionAttributeNames: names('pk', 'sk'),
      ExpressionAttributeValues: { ':pk': 'APPROVALS', ':p': 'PENDING#' }, ConsistentRead: true, ExclusiveStartKey,
    }));
    items.push(...((out.Items ?? []) as PendingApproval[]));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.sort((a, b) => a.createdAt - b.createdAt);
}

export interface OpenRequest {
  approvalId: string;
  taskToken: string;
  workflow: string;
  execution: { id: string; name: string };
  gate: string;
  plan: ApprovalPlan;
  timeoutSeconds: number;
  heartbeatSeconds: number;
  now: number;
}

export interface OpenResult {
  record: ApprovalRecord;
  /** created / new-round: a new request; token-rotated: the gate's task was retried; unchanged: the same invocation again. */
  action: 'created' | 'new-round' | 'token-rotated' | 'unchanged' | 'already-decided';
  /** Whether the approvers still have to be emailed. */
  notify: boolean;
}

/**
 * Stores the gate's token under the approval id, idempotently: a repeated invocation changes nothing,
 * a retried task (new token) replaces the token of the same request, and a gate entered again after a
 * decision opens a new round (old links then say so).
 */
export async function openApproval(r: OpenRequest): Promise<OpenResult> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const cur = await loadApproval(r.approvalId);
    try {
      if (!cur?.status) return await createRound(r, cur, 1, 'created');
      if (cur.status === 'PENDING') {
        if (cur.taskToken === r.taskToken) return { record: cur, action: 'unchanged', notify: !cur.notifiedAt };
        const record: ApprovalRecord = { ...cur, taskToken: r.taskToken, expiresAt: r.now + r.timeoutSeconds * 1000, timeoutSeconds: r.timeoutSeconds, heartbeatSeconds: r.heartbeatSeconds };
        await db().send(new TransactWriteCommand({ TransactItems: [
          { Update: {
            TableName: stateTableName(), Key: approvalKey(r.approvalId),
            UpdateExpression: 'SET #taskToken = :t, #expiresAt = :exp, #timeoutSeconds = :to, #heartbeatSeconds = :hb',
            ConditionExpression: '#status = :pending AND #taskToken = :old',
            ExpressionAttributeNames: names('taskToken', 'expiresAt', 'timeoutSeconds', 'heartbeatSeconds', 'status'),
            ExpressionAttributeValues: { ':t': r.taskToken, ':exp': record.expiresAt, ':to': r.timeoutSeconds, ':hb': r.heartbeatSeconds, ':pending': 'PENDING', ':old': cur.taskToken },
          } },
          { Put: { TableName: stateTableName(), Item: pendingItem(record) } },
        ] }));
        return { record, action: 'token-rotated', notify: !cur.notifiedAt };
      }
      if (cur.taskToken === r.taskToken) return { record: cur, action: 'already-decided', notify: false };
      return await createRound(r, cur, cur.round + 1, 'new-round');
    } catch (e) {
      if (!isConditionFailure(e)) throw e; // someone else changed the record meanwhile: read it again
    }
  }
  throw new WorkflowError(ErrorNames.UnexpectedResponse, `approval ${r.approvalId} kept changing while it was being opened`);
}

async function createRound(r: OpenRequest, cur: ApprovalRecord | undefined, round: number, action: 'created' | 'new-round'): Promise<OpenResult> {
  const record: ApprovalRecord = {
    approvalId: r.approvalId, round, status: 'PENDING', workflow: r.workflow, executionId: r.execution.id, executionName: r.execution.name,
    gate: r.gate, plan: r.plan, createdAt: r.now, expiresAt: r.now + r.timeoutSeconds * 1000, timeoutSeconds: r.timeoutSeconds,
    heartbeatSeconds: r.heartbeatSeconds, taskToken: r.taskToken, remindersSent: 0,
  };
  const fields: Record<string, unknown> = { ...record, ttl: Math.floor(record.expiresAt / 1000) + KEEP_SECONDS };
  const values: Record<string, unknown> = Object.fromEntries(Object.entries(fields).map(([k, v]) => [`:${k}`, v]));
  const sets = Object.keys(fields).map((k) => `#${k} = :${k}`);
  // A stub (reminder token stored before the request) is kept; an earlier round's decision is cleared.
  const cleared = cur?.status ? ['decision', 'delivery', 'notifiedAt', 'closedAt', 'closedReason', 'reminderToken'] : [];
  const condition = !cur ? 'attribute_not_exists(#pk)' : !cur.status ? 'attribute_not_exists(#status)' : '#status = :oldStatus AND #round = :oldRound';
  if (cur?.status) Object.assign(values, { ':oldStatus': cur.status, ':oldRound': cur.round });
  const conditionNames = cur ? [] : ['pk'];
  await db().send(new TransactWriteCommand({ TransactItems: [
    { Update: {
      TableName: stateTableName(), Key: approvalKey(r.approvalId),
      UpdateExpression: `SET ${sets.join(', ')}${cleared.length ? ` REMOVE ${cleared.map((k) => `#${k}`).join(', ')}` : ''}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names(...Object.keys(fields), ...cleared, ...conditionNames),
      ExpressionAttributeValues: values,
    } },
    { Put: { TableName: stateTableName(), Item: pendingItem(record) } },
  ] }));
  return { record, action, notify: true };
}

export async function markNotified(approvalId: string, round: number, at: number): Promise<void> {
  await db().send(new UpdateCommand({
    TableName: stateTableName(), Key: approvalKey(approvalId), UpdateExpression: 'SET #notifiedAt = :at',
    ConditionExpression: '#round = :round', ExpressionAttributeNames: names('notifiedAt', 'round'), ExpressionAttributeValues: { ':at': at, ':round': round },
  })).catch((e) => { if (!isConditionFailure(e)) throw e; });
}

/** Counts a reminder that was sent; false if another tick already counted it or the approval moved on. */
export async function recordReminder(approvalId: string, round: number, n: number, at: number): Promise<boolean> {
  try {
    await db().send(new UpdateCommand({
      TableName: stateTableName(), Key: approvalKey(approvalId), UpdateExpression: 'SET #remindersSent = :n, #lastReminderAt = :at',
      ConditionExpression: '#status = :pending AND #round = :round AND #remindersSent < :n',
      ExpressionAttributeNames: names('remindersSent', 'lastReminderAt', 'status', 'round'), ExpressionAttributeValues: { ':n': n, ':at': at, ':pending': 'PENDING', ':round': round },
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/**
 * Stores the reminder loop's sleeping token so the decided gate can wake it. False when the approval
 * is already decided (the loop then ends itself). May run before the request exists: it leaves a stub.
 */
export async function armReminder(approvalId: string, token: string): Promise<boolean> {
  try {
    await db().send(new UpdateCommand({
      TableName: stateTableName(), Key: approvalKey(approvalId), UpdateExpression: 'SET #reminderToken = :t',
      ConditionExpression: 'attribute_not_exists(#status) OR #status = :pending',
      ExpressionAttributeNames: names('reminderToken', 'status'), ExpressionAttributeValues: { ':t': token, ':pending': 'PENDING' },
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/** Ends a pending approval without a decision (expired, or the gate failed); false if it was decided meanwhile. */
export async function closePending(r: ApprovalRecord, status: 'EXPIRED' | 'CLOSED', reason: string, at: number): Promise<boolean> {
  try {
    await db().send(new TransactWriteCommand({ TransactItems: [
      { Update: {
        TableName: stateTableName(), Key: approvalKey(r.approvalId), UpdateExpression: 'SET #status = :s, #closedAt = :at, #closedReason = :why',
        ConditionExpression: '#status = :pending AND #round = :round',
        ExpressionAttributeNames: names('status', 'closedAt', 'closedReason', 'round'),
        ExpressionAttributeValues: { ':s': status, ':at': at, ':why': reason, ':pending': 'PENDING', ':round': r.round },
      } },
      { Delete: { TableName: stateTableName(), Key: pendingKey(r.approvalId) } },
    ] }));
    logger.info('approval closed', { approvalId: r.approvalId, status, reason });
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/** Keeps the gate's task alive; false when Step Functions no longer waits on it. */
export async function heartbeat(r: ApprovalRecord): Promise<boolean> {
  if (!r.taskToken) return false;
  try {
    await sfn().send(new SendTaskHeartbeatCommand({ taskToken: r.taskToken }));
    return true;
  } catch (e) {
    if (isDeadToken(e)) return false;
    throw e;
  }
}

/** Wakes the sleeping reminder loop after a decision, so the gate ends now rather than at its next check. */
export async function stopReminders(r: ApprovalRecord): Promise<boolean> {
  if (!r.reminderToken) return false;
  try {
    await sfn().send(new SendTaskFailureCommand({ taskToken: r.reminderToken, error: 'RemindersStopped', cause: `approval ${r.approvalId} was decided` }));
    return true;
  } catch (e) {
    if (isDeadToken(e)) return false;
    throw e;
  }
}

export interface DecisionRequest {
  approvalId: string;
  approve: boolean;
  /** Who decides: an approver's email (from an authenticator, a form field, or the CLI's --as). */
  identity: string | undefined;
  reason: string | undefined;
  /** How the decision arrived: "approval page", "byoip approve", "simulator (--approve auto)". */
  via: string;
  authenticated?: boolean;
  /** The link's round, when the decision comes from a link. */
  round?: number;
  now?: number;
}

export type DecisionOutcome =
  | { kind: 'decided'; view: ApprovalView; decision: Decision }
  | { kind: 'not-found' }
  | { kind: 'superseded'; view: ApprovalView }
  | { kind: 'already-decided'; view: ApprovalView }
  | { kind: 'expired'; view: ApprovalView }
  | { kind: 'refused'; view: ApprovalView; problems: string[] }
  | { kind: 'not-delivered'; view: ApprovalView; error: string };

/** The one decision path (page, CLI, simulator): record once, then resolve the gate's task. */
export async function decideApproval(req: DecisionRequest): Promise<DecisionOutcome> {
  const now = req.now ?? Date.now();
  const cur = await loadApproval(req.approvalId);
  if (!cur?.status) return { kind: 'not-found' };
  if (req.round !== undefined && req.round !== cur.round) return { kind: 'superseded', view: toView(cur) };
  if (cur.status !== 'PENDING') {
    if (cur.decision && cur.delivery === 'failed') await deliver(cur, cur.decision).catch(() => undefined);
    return { kind: 'already-decided', view: toView((await loadApproval(req.approvalId)) ?? cur) };
  }
  if (now >= cur.expiresAt) return { kind: 'expired', view: toView(cur) };
  const who = checkDecider(cur.plan, req.identity, req.reason);
  if (!who.ok) return { kind: 'refused', view: toView(cur), problems: who.problems };
  const decision: Decision = {
    approved: req.approve, decidedBy: who.approver, decidedAt: new Date(now).toISOString(), reason: who.reason, via: req.via, authenticated: req.authenticated ?? false,
  };
  try {
    await db().send(new TransactWriteCommand({ TransactItems: [
      { Update: {
        TableName: stateTableName(), Key: approvalKey(req.approvalId), UpdateExpression: 'SET #status = :s, #decision = :d, #delivery = :undelivered',
        ConditionExpression: '#status = :pending AND #round = :round',
        ExpressionAttributeNames: names('status', 'decision', 'delivery', 'round'),
        ExpressionAttributeValues: { ':s': req.approve ? 'APPROVED' : 'REJECTED', ':d': decision, ':undelivered': 'pending', ':pending': 'PENDING', ':round': cur.round },
      } },
      { Delete: { TableName: stateTableName(), Key: pendingKey(req.approvalId) } },
    ] }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    const now2 = await loadApproval(req.approvalId);
    return { kind: 'already-decided', view: toView(now2 ?? cur) };
  }
  logger.info('approval decided', { approvalId: req.approvalId, approved: req.approve, decidedBy: decision.decidedBy, via: req.via });
  const delivered = await deliver(cur, decision);
  const view = toView((await loadApproval(req.approvalId)) ?? cur);
  return delivered === 'delivered' ? { kind: 'decided', view, decision } : { kind: 'not-delivered', view, error: delivered };
}

/**
 * Resolves the gate's task with a recorded decision. A token Step Functions no longer knows closes the
 * approval (the decision came too late); a transient failure is recorded and thrown, to be retried.
 */
async function deliver(r: ApprovalRecord, d: Decision): Promise<'delivered' | string> {
  const mark = (fields: Record<string, unknown>) => db().send(new UpdateCommand({
    TableName: stateTableName(), Key: approvalKey(r.approvalId),
    UpdateExpression: `SET ${Object.keys(fields).map((k) => `#${k} = :${k}`).join(', ')}`,
    ExpressionAttributeNames: names(...Object.keys(fields)),
    ExpressionAttributeValues: Object.fromEntries(Object.entries(fields).map(([k, v]) => [`:${k}`, v])),
  }));
  try {
    if (d.approved) await sfn().send(new SendTaskSuccessCommand({ taskToken: r.taskToken, output: JSON.stringify(approvalOutput(r.approvalId, d)) }));
    else await sfn().send(new SendTaskFailureCommand({ taskToken: r.taskToken, error: ErrorNames.ApprovalRejected, cause: rejectionCause(r.approvalId, d) }));
  } catch (e) {
    if (isDeadToken(e)) {
      const why = `the workflow was no longer waiting for this approval (${(e as Error).name})`;
      await mark(r.delivery === 'failed' ? { delivery: `gone: ${(e as Error).name}` } : { delivery: `gone: ${(e as Error).name}`, status: 'CLOSED', closedAt: Date.now(), closedReason: why });
      logger.warn('approval decision not delivered', { approvalId: r.approvalId, error: (e as Error).name });
      return why;
    }
    await mark({ delivery: 'failed' });
    throw toWorkflowError(e);
  }
  await mark({ delivery: 'delivered' });
  return 'delivered';
}

/** A decision recorded earlier whose delivery failed: tried again by the reminder loop. */
export async function redeliver(r: ApprovalRecord): Promise<void> {
  if (r.decision && r.delivery === 'failed') await deliver(r, r.decision);
}
