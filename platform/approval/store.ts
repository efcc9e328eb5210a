/**
 * Approvals in the state table. Each approval is one item (pk "APPROVAL#<id>") holding the plan, its
 * hash, who asked, who may decide, and the decision; a second item per pending approval (pk
 * "APPROVALS", sk "PENDING#<id>") lets `byoip approvals` list them with a Query.
 *
 * The gate's task token is kept only sealed (AES-256-GCM under a key derived from the link key, which
 * only the approval tasks can read) and removed once the decision is delivered or the approval closes.
 * It is also, unavoidably, in the execution history as the waiting task's parameter (docs/approvals.md).
 *
 * `decideApproval` is the one way a decision is made: by the approval page, by `byoip approve|reject`
 * (through the page's API, with an STS-proven identity) and by the simulator's --approve policies. A
 * decision is a conditional write (PENDING → APPROVED | REJECTED) carrying a MAC, so a link or a
 * command decides at most once, and a decision written by anything else is never delivered and fails
 * the gate's VerifyApproval.
 */
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  approvalOutput,
  checkDecider,
  confirmationFor,
  decisionMac,
  decisionMacValid,
  eligibleApprovers,
  gateOutcomes,
  openToken,
  outcomePasses,
  planHash,
  rejectionCause,
  sealToken,
  tokenDigest,
  type ApprovalKeys,
  type ApprovalPlan,
  type ApprovalStatus,
  type Decision,
  type DeciderIdentity,
  type Requester,
} from '../../domain/approval';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { client, defaultRegion } from '../aws';
import { logger } from '../logger';
import { toWorkflowError } from '../sdk-errors';
import { queryAll, stateTable, stateTableName } from '../state-table';
import { approvalKeyMaterial } from './config';

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
  /** planHash(plan): what a decision approves; VerifyApproval compares it with the execution's plan. */
  planHash: string;
  /** Who asked for the execution (attested), or null when nobody is known. */
  requester: Requester | null;
  /** Who may decide: the plan's approvers less the requester. */
  approvers: string[];
  /** Distinct approvals needed (2 for the gates in byoip.twoApproverGates). */
  requiredApprovals: number;
  /** Epoch ms. */
  createdAt: number;
  expiresAt: number;
  timeoutSeconds: number;
  heartbeatSeconds: number;
  /** The gate's task token, sealed; removed once delivered or closed. */
  taskTokenSealed?: string;
  taskTokenDigest?: string;
  reminderTokenSealed?: string;
  notifiedAt?: number;
  remindersSent: number;
  /** The decision that ended the approval (the second approval of a two-approver gate). */
  decision?: Decision;
  /** Approvals recorded so far (a two-approver gate keeps the first here while it waits for the second). */
  approvals?: Decision[];
  /** pending → delivered, or failed (retried by the next decision attempt or reminder tick), refused, or gone. */
  delivery?: string;
  closedAt?: number;
  closedReason?: string;
}

/** What may be shown to a person or a log: the record without its tokens. */
export type ApprovalView = Omit<ApprovalRecord, 'taskTokenSealed' | 'taskTokenDigest' | 'reminderTokenSealed'>;

export function toView(r: ApprovalRecord): ApprovalView {
  const { taskTokenSealed: _t, taskTokenDigest: _d, reminderTokenSealed: _r, ...view } = r;
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
const TOKEN_FIELDS = ['taskTokenSealed', 'taskTokenDigest', 'reminderTokenSealed'];

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
    approvalId: r.approvalId,
    round: r.round,
    workflow: r.workflow,
    executionName: r.executionName,
    title: r.plan.title,
    approvers: r.approvers,
    changes: r.plan.changes.length,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
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
  const items = await queryAll<PendingApproval>(
    {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :p)',
      ExpressionAttributeNames: names('pk', 'sk'),
      ExpressionAttributeValues: { ':pk': 'APPROVALS', ':p': 'PENDING#' },
      ConsistentRead: true,
    },
    defaultRegion(),
  );
  return items.sort((a, b) => a.createdAt - b.createdAt);
}

export interface OpenRequest {
  approvalId: string;
  taskToken: string;
  workflow: string;
  execution: { id: string; name: string };
  gate: string;
  plan: ApprovalPlan;
  requester: Requester | null;
  requiredApprovals: number;
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
 * Stores the gate's token (sealed) under the approval id, idempotently: a repeated invocation changes
 * nothing, a retried task (new token) replaces the token of the same request, and a gate entered again
 * after a decision opens a new round (old links then say so).
 */
export async function openApproval(r: OpenRequest): Promise<OpenResult> {
  const keys = await approvalKeyMaterial();
  const digest = tokenDigest(keys, r.taskToken);
  for (let attempt = 0; attempt < 4; attempt++) {
    const cur = await loadApproval(r.approvalId);
    try {
      if (!cur?.status) return await createRound(keys, r, cur, 1, 'created');
      if (cur.status === 'PENDING') {
        if (cur.taskTokenDigest === digest) return { record: cur, action: 'unchanged', notify: !cur.notifiedAt };
        const record: ApprovalRecord = {
          ...cur,
          taskTokenSealed: sealToken(keys, r.taskToken, r.approvalId),
          taskTokenDigest: digest,
          plan: r.plan,
          planHash: planHash(r.plan),
          expiresAt: r.now + r.timeoutSeconds * 1000,
          timeoutSeconds: r.timeoutSeconds,
          heartbeatSeconds: r.heartbeatSeconds,
        };
        await db().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: stateTableName(),
                  Key: approvalKey(r.approvalId),
                  UpdateExpression:
                    'SET #taskTokenSealed = :t, #taskTokenDigest = :d, #plan = :plan, #planHash = :ph, #expiresAt = :exp, #timeoutSeconds = :to, #heartbeatSeconds = :hb',
                  ConditionExpression: '#status = :pending AND #taskTokenDigest = :old',
                  ExpressionAttributeNames: names(
                    'taskTokenSealed',
                    'taskTokenDigest',
                    'plan',
                    'planHash',
                    'expiresAt',
                    'timeoutSeconds',
                    'heartbeatSeconds',
                    'status',
                  ),
                  ExpressionAttributeValues: {
                    ':t': record.taskTokenSealed,
                    ':d': digest,
                    ':plan': record.plan,
                    ':ph': record.planHash,
                    ':exp': record.expiresAt,
                    ':to': r.timeoutSeconds,
                    ':hb': r.heartbeatSeconds,
                    ':pending': 'PENDING',
                    ':old': cur.taskTokenDigest ?? '-',
                  },
                },
              },
              { Put: { TableName: stateTableName(), Item: pendingItem(record) } },
            ],
          }),
        );
        return { record, action: 'token-rotated', notify: !cur.notifiedAt };
      }
      if (cur.taskTokenDigest === digest) return { record: cur, action: 'already-decided', notify: false };
      return await createRound(keys, r, cur, cur.round + 1, 'new-round');
    } catch (e) {
      if (!isConditionFailure(e)) throw e; // someone else changed the record meanwhile: read it again
    }
  }
  throw new WorkflowError(ErrorNames.UnexpectedResponse, `approval ${r.approvalId} kept changing while it was being opened`);
}

async function createRound(
  keys: ApprovalKeys,
  r: OpenRequest,
  cur: ApprovalRecord | undefined,
  round: number,
  action: 'created' | 'new-round',
): Promise<OpenResult> {
  const record: ApprovalRecord = {
    approvalId: r.approvalId,
    round,
    status: 'PENDING',
    workflow: r.workflow,
    executionId: r.execution.id,
    executionName: r.execution.name,
    gate: r.gate,
    plan: r.plan,
    planHash: planHash(r.plan),
    requester: r.requester,
    approvers: eligibleApprovers(r.plan.approvers, r.requester ?? undefined),
    requiredApprovals: r.requiredApprovals,
    createdAt: r.now,
    expiresAt: r.now + r.timeoutSeconds * 1000,
    timeoutSeconds: r.timeoutSeconds,
    heartbeatSeconds: r.heartbeatSeconds,
    taskTokenSealed: sealToken(keys, r.taskToken, r.approvalId),
    taskTokenDigest: tokenDigest(keys, r.taskToken),
    remindersSent: 0,
  };
  const fields: Record<string, unknown> = { ...record, ttl: Math.floor(record.expiresAt / 1000) + KEEP_SECONDS };
  const values: Record<string, unknown> = Object.fromEntries(Object.entries(fields).map(([k, v]) => [`:${k}`, v]));
  const sets = Object.keys(fields).map((k) => `#${k} = :${k}`);
  // A stub (reminder token stored before the request) is kept; an earlier round's decision is cleared.
  const cleared = cur?.status ? ['decision', 'approvals', 'delivery', 'notifiedAt', 'closedAt', 'closedReason', 'reminderTokenSealed'] : [];
  const condition = !cur ? 'attribute_not_exists(#pk)' : !cur.status ? 'attribute_not_exists(#status)' : '#status = :oldStatus AND #round = :oldRound';
  if (cur?.status) Object.assign(values, { ':oldStatus': cur.status, ':oldRound': cur.round });
  const conditionNames = cur ? [] : ['pk'];
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: stateTableName(),
            Key: approvalKey(r.approvalId),
            UpdateExpression: `SET ${sets.join(', ')}${cleared.length ? ` REMOVE ${cleared.map((k) => `#${k}`).join(', ')}` : ''}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names(...Object.keys(fields), ...cleared, ...conditionNames),
            ExpressionAttributeValues: values,
          },
        },
        { Put: { TableName: stateTableName(), Item: pendingItem(record) } },
      ],
    }),
  );
  return { record, action, notify: true };
}

export async function markNotified(approvalId: string, round: number, at: number): Promise<void> {
  await db()
    .send(
      new UpdateCommand({
        TableName: stateTableName(),
        Key: approvalKey(approvalId),
        UpdateExpression: 'SET #notifiedAt = :at',
        ConditionExpression: '#round = :round',
        ExpressionAttributeNames: names('notifiedAt', 'round'),
        ExpressionAttributeValues: { ':at': at, ':round': round },
      }),
    )
    .catch((e) => {
      if (!isConditionFailure(e)) throw e;
    });
}

/** Counts a reminder that was sent; false if another tick already counted it or the approval moved on. */
export async function recordReminder(approvalId: string, round: number, n: number, at: number): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: stateTableName(),
        Key: approvalKey(approvalId),
        UpdateExpression: 'SET #remindersSent = :n, #lastReminderAt = :at',
        ConditionExpression: '#status = :pending AND #round = :round AND #remindersSent < :n',
        ExpressionAttributeNames: names('remindersSent', 'lastReminderAt', 'status', 'round'),
        ExpressionAttributeValues: { ':n': n, ':at': at, ':pending': 'PENDING', ':round': round },
      }),
    );
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/**
 * Stores the reminder loop's sleeping token (sealed) so the decided gate can wake it. False when the
 * approval is already decided (the loop then ends itself). May run before the request exists: it leaves a stub.
 */
export async function armReminder(approvalId: string, token: string): Promise<boolean> {
  const keys = await approvalKeyMaterial();
  try {
    await db().send(
      new UpdateCommand({
        TableName: stateTableName(),
        Key: approvalKey(approvalId),
        UpdateExpression: 'SET #reminderTokenSealed = :t',
        ConditionExpression: 'attribute_not_exists(#status) OR #status = :pending',
        ExpressionAttributeNames: names('reminderTokenSealed', 'status'),
        ExpressionAttributeValues: { ':t': sealToken(keys, token, approvalId), ':pending': 'PENDING' },
      }),
    );
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/** Ends a pending approval without a decision (expired, or the gate failed); false if it was decided meanwhile. The tokens go. */
export async function closePending(
  r: Pick<ApprovalRecord, 'approvalId' | 'round'>,
  status: 'EXPIRED' | 'CLOSED',
  reason: string,
  at: number,
): Promise<boolean> {
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: stateTableName(),
              Key: approvalKey(r.approvalId),
              UpdateExpression: `SET #status = :s, #closedAt = :at, #closedReason = :why REMOVE ${TOKEN_FIELDS.map((f) => `#${f}`).join(', ')}`,
              ConditionExpression: '#status = :pending AND #round = :round',
              ExpressionAttributeNames: names('status', 'closedAt', 'closedReason', 'round', ...TOKEN_FIELDS),
              ExpressionAttributeValues: { ':s': status, ':at': at, ':why': reason, ':pending': 'PENDING', ':round': r.round },
            },
          },
          { Delete: { TableName: stateTableName(), Key: pendingKey(r.approvalId) } },
        ],
      }),
    );
    logger.info('approval closed', { approvalId: r.approvalId, status, reason });
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

async function opened(sealed: string | undefined, approvalId: string): Promise<string | undefined> {
  if (!sealed) return undefined;
  try {
    return openToken(await approvalKeyMaterial(), sealed, approvalId);
  } catch {
    logger.warn('a stored task token does not open with the token key (written by something else?)', { approvalId });
    return undefined;
  }
}

/** Keeps the gate's task alive; false when Step Functions no longer waits on it. */
export async function heartbeat(r: ApprovalRecord): Promise<boolean> {
  const taskToken = await opened(r.taskTokenSealed, r.approvalId);
  if (!taskToken) return false;
  try {
    await sfn().send(new SendTaskHeartbeatCommand({ taskToken }));
    return true;
  } catch (e) {
    if (isDeadToken(e)) return false;
    throw e;
  }
}

/** Wakes the sleeping reminder loop after a decision, so the gate ends now rather than at its next check. */
export async function stopReminders(r: ApprovalRecord): Promise<boolean> {
  const taskToken = await opened(r.reminderTokenSealed, r.approvalId);
  if (!taskToken) return false;
  try {
    await sfn().send(new SendTaskFailureCommand({ taskToken, error: 'RemindersStopped', cause: `approval ${r.approvalId} was decided` }));
    return true;
  } catch (e) {
    if (isDeadToken(e)) return false;
    throw e;
  }
}

export interface DecisionRequest {
  approvalId: string;
  /** One of the gate's outcomes (gateOutcomes): approve | reject, or an operator gate's forward | back | stop. */
  outcome: string;
  /** The decider confirms the statement the outcome needs (confirmationFor): the plan's confirm for approve, the old provider for back. */
  confirmed?: boolean;
  /** Who decides, as an authenticator established it; never a typed-in name. */
  identity: DeciderIdentity | undefined;
  reason: string | undefined;
  /** How the decision arrived: "approval page", "byoip approve", "simulator (--approve auto)". */
  via: string;
  /** The link's round, when the decision comes from a link. */
  round?: number;
  now?: number;
}

export type DecisionOutcome =
  | { kind: 'decided'; view: ApprovalView; decision: Decision }
  | { kind: 'recorded'; view: ApprovalView; decision: Decision; needed: number }
  | { kind: 'not-found' }
  | { kind: 'superseded'; view: ApprovalView }
  | { kind: 'already-decided'; view: ApprovalView }
  | { kind: 'expired'; view: ApprovalView }
  | { kind: 'refused'; view?: ApprovalView; problems: string[] }
  | { kind: 'not-delivered'; view: ApprovalView; error: string };

/** Approvals with a valid MAC from distinct approvers (what a two-approver gate counts). */
export function validApprovals(
  keys: Pick<ApprovalKeys, 'decision'>,
  r: Pick<ApprovalRecord, 'approvalId' | 'round' | 'planHash' | 'approvers' | 'plan'>,
  list: Decision[] | undefined,
): Decision[] {
  const seen = new Set<string>();
  return (list ?? []).filter((d) => {
    const who = d.decidedBy?.toLowerCase();
    const ok =
      outcomePasses(r.plan, d.outcome) &&
      decisionMacValid(keys, r.approvalId, r.round, d) &&
      d.planHash === r.planHash &&
      r.approvers.some((a) => a.toLowerCase() === who) &&
      !seen.has(who);
    if (ok) seen.add(who);
    return ok;
  });
}

/** The one decision path (page, CLI, simulator): record once, signed, then resolve the gate's task. */
export async function decideApproval(req: DecisionRequest): Promise<DecisionOutcome> {
  const now = req.now ?? Date.now();
  const keys = await approvalKeyMaterial();
  const cur = await loadApproval(req.approvalId);
  if (!cur?.status) return { kind: 'not-found' };
  if (req.round !== undefined && req.round !== cur.round) return { kind: 'superseded', view: toView(cur) };
  if (cur.status !== 'PENDING') {
    if (cur.decision && cur.delivery === 'failed') await deliver(keys, cur, cur.decision).catch(() => undefined);
    return { kind: 'already-decided', view: toView((await loadApproval(req.approvalId)) ?? cur) };
  }
  if (now >= cur.expiresAt) return { kind: 'expired', view: toView(cur) };
  const who = checkDecider(cur.approvers, req.identity, req.reason, cur.requester ?? undefined);
  if (!who.ok) return { kind: 'refused', view: toView(cur), problems: who.problems };
  const offered = gateOutcomes(cur.plan);
  if (!offered.includes(req.outcome))
    return { kind: 'refused', view: toView(cur), problems: [`"${req.outcome}" is not a decision of this gate; it offers ${offered.join(', ')}`] };
  const needs = confirmationFor(cur.plan, req.outcome);
  if (needs && req.confirmed !== true) {
    return {
      kind: 'refused',
      view: toView(cur),
      problems: [
        req.outcome === 'back'
          ? 'going back withdraws the prefixes from AWS: first confirm that the old provider announces them again'
          : `approving needs your confirmation: ${needs}`,
      ],
    };
  }
  const passes = outcomePasses(cur.plan, req.outcome);
  const unsigned: Omit<Decision, 'mac'> = {
    outcome: req.outcome,
    approved: req.outcome === 'approve',
    decidedBy: who.approver,
    decidedAt: new Date(now).toISOString(),
    reason: who.reason,
    via: req.via,
    ...(needs ? { confirmed: needs } : {}),
    authenticated: req.identity!.authentication !== 'link',
    authentication: req.identity!.authentication,
    principal: req.identity!.principal,
    planHash: cur.planHash,
  };
  const decision: Decision = { ...unsigned, mac: decisionMac(keys, cur.approvalId, cur.round, unsigned) };
  const earlier = validApprovals(keys, cur, cur.approvals);
  // Two approvers of an operator decision must agree on it: the first one's decision is what the second confirms.
  const other = earlier.find((d) => d.outcome !== req.outcome);
  if (passes && other) {
    return {
      kind: 'refused',
      view: toView(cur),
      problems: [`${other.decidedBy} decided "${other.outcome}"; a second decision must agree (or let this one expire and decide again)`],
    };
  }
  if (passes && earlier.some((d) => d.decidedBy.toLowerCase() === decision.decidedBy.toLowerCase())) {
    return {
      kind: 'refused',
      view: toView(cur),
      problems: [`${decision.decidedBy} has already approved; this change needs ${cur.requiredApprovals} different approvers`],
    };
  }
  const approvals = passes ? [...earlier, decision] : earlier;
  const final = !passes || approvals.length >= (cur.requiredApprovals ?? 1);
  const base = {
    TableName: stateTableName(),
    Key: approvalKey(req.approvalId),
    ConditionExpression: '#status = :pending AND #round = :round AND #count = :count',
  };
  const count = { ':pending': 'PENDING', ':round': cur.round, ':count': (cur.approvals ?? []).length };
  try {
    if (!final) {
      await db().send(
        new UpdateCommand({
          ...base,
          ConditionExpression: '#status = :pending AND #round = :round AND (attribute_not_exists(#approvals) OR size(#approvals) = :count)',
          UpdateExpression: 'SET #approvals = :approvals',
          ExpressionAttributeNames: names('status', 'round', 'approvals'),
          ExpressionAttributeValues: { ...count, ':approvals': approvals },
        }),
      );
      logger.info('approval recorded; another approver is needed', {
        approvalId: req.approvalId,
        decidedBy: decision.decidedBy,
        needed: cur.requiredApprovals,
      });
      const view = toView((await loadApproval(req.approvalId)) ?? cur);
      return { kind: 'recorded', view, decision, needed: cur.requiredApprovals - approvals.length };
    }
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              ...base,
              ConditionExpression: '#status = :pending AND #round = :round AND (attribute_not_exists(#approvals) OR size(#approvals) = :count)',
              UpdateExpression: 'SET #status = :s, #decision = :d, #approvals = :approvals, #delivery = :undelivered',
              ExpressionAttributeNames: names('status', 'decision', 'approvals', 'delivery', 'round'),
              ExpressionAttributeValues: {
                ...count,
                ':s': !passes ? 'REJECTED' : cur.plan.decisions ? 'DECIDED' : 'APPROVED',
                ':d': decision,
                ':approvals': approvals,
                ':undelivered': 'pending',
              },
            },
          },
          { Delete: { TableName: stateTableName(), Key: pendingKey(req.approvalId) } },
        ],
      }),
    );
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    const now2 = await loadApproval(req.approvalId);
    return now2?.status === 'PENDING'
      ? { kind: 'refused', view: toView(now2), problems: ['another decision arrived at the same time; look again'] }
      : { kind: 'already-decided', view: toView(now2 ?? cur) };
  }
  logger.info('approval decided', {
    approvalId: req.approvalId,
    outcome: req.outcome,
    decidedBy: decision.decidedBy,
    authentication: decision.authentication,
    via: req.via,
  });
  const delivered = await deliver(keys, { ...cur, approvals }, decision);
  const view = toView((await loadApproval(req.approvalId)) ?? cur);
  return delivered === 'delivered' ? { kind: 'decided', view, decision } : { kind: 'not-delivered', view, error: delivered };
}

/** Why a stored decision must not reach the gate, or undefined when it may. */
function deliveryRefusal(keys: ApprovalKeys, r: ApprovalRecord, d: Decision): string | undefined {
  if (!decisionMacValid(keys, r.approvalId, r.round, d)) return 'the decision is not signed by the approval tasks';
  if (d.planHash !== r.planHash) return 'the decision is for another plan';
  if (outcomePasses(r.plan, d.outcome) && validApprovals(keys, r, r.approvals).length < (r.requiredApprovals ?? 1))
    return `fewer than ${r.requiredApprovals} valid approvals`;
  return undefined;
}

/**
 * Resolves the gate's task with a recorded decision, after checking its MAC (a record written past the
 * approval tasks is never delivered). A token Step Functions no longer knows closes the approval (the
 * decision came too late); a transient failure is recorded and thrown, to be retried. Once delivered
 * or gone, the sealed tokens are removed.
 */
async function deliver(keys: ApprovalKeys, r: ApprovalRecord, d: Decision): Promise<'delivered' | string> {
  const mark = (fields: Record<string, unknown>, remove: string[] = []) =>
    db().send(
      new UpdateCommand({
        TableName: stateTableName(),
        Key: approvalKey(r.approvalId),
        UpdateExpression: `SET ${Object.keys(fields)
          .map((k) => `#${k} = :${k}`)
          .join(', ')}${remove.length ? ` REMOVE ${remove.map((k) => `#${k}`).join(', ')}` : ''}`,
        ExpressionAttributeNames: names(...Object.keys(fields), ...remove),
        ExpressionAttributeValues: Object.fromEntries(Object.entries(fields).map(([k, v]) => [`:${k}`, v])),
      }),
    );
  const refusal = deliveryRefusal(keys, r, d);
  if (refusal) {
    logger.warn('refusing to deliver an approval decision', { approvalId: r.approvalId, why: refusal });
    await mark({ delivery: `refused: ${refusal}` });
    return `it was not delivered: ${refusal}`;
  }
  const taskToken = await opened(r.taskTokenSealed, r.approvalId);
  try {
    if (!taskToken) throw Object.assign(new Error('no task token is stored'), { name: 'TaskDoesNotExist' });
    if (outcomePasses(r.plan, d.outcome)) await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(approvalOutput(r.approvalId, d)) }));
    else await sfn().send(new SendTaskFailureCommand({ taskToken, error: ErrorNames.ApprovalRejected, cause: rejectionCause(r.approvalId, d) }));
  } catch (e) {
    if (isDeadToken(e)) {
      const why = `the workflow was no longer waiting for this approval (${(e as Error).name})`;
      await mark(
        r.delivery === 'failed'
          ? { delivery: `gone: ${(e as Error).name}` }
          : { delivery: `gone: ${(e as Error).name}`, status: 'CLOSED', closedAt: Date.now(), closedReason: why },
        TOKEN_FIELDS,
      );
      logger.warn('approval decision not delivered', { approvalId: r.approvalId, error: (e as Error).name });
      return why;
    }
    await mark({ delivery: 'failed' });
    throw toWorkflowError(e);
  }
  // The reminder token stays until StopApprovalReminders has used it.
  await mark({ delivery: 'delivered' }, ['taskTokenSealed', 'taskTokenDigest']);
  return 'delivered';
}

/** A decision recorded earlier whose delivery failed: tried again by the reminder loop (after the same checks). */
export async function redeliver(r: ApprovalRecord): Promise<void> {
  if (r.decision && r.delivery === 'failed') await deliver(await approvalKeyMaterial(), r, r.decision);
}
