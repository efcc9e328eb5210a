/**
 * One tick of the gate's reminder loop (the gate's second branch): keeps the waiting task alive with
 * a heartbeat, reminds the approvers half-way and near the end, and says when to check next. The
 * loop waits between ticks in a callback state the decision wakes, so an approved gate ends at once.
 * If the ticks stop, the gate's HeartbeatSeconds fails it rather than leaving it waiting unseen.
 */
import * as z from 'zod';
import { approvalIdFor, GateTiming, reminderTick } from '../../domain/approval';
import { ExecutionRef } from '../lib/common';
import { defineTask } from '../lib/handler';
import { logger } from '../../platform/logger';
import { sendApprovalEmail } from './notify';
import { heartbeat, loadApproval, recordReminder, redeliver, toView } from '../../platform/approval/store';

const Event = z
  .object({
    execution: ExecutionRef,
    gate: z.string().min(1),
    reminder: z.object({ attempt: z.number().int().nonnegative() }).passthrough(),
  })
  .extend(GateTiming.shape)
  .passthrough();

export const handler = defineTask('RemindApprovers', Event, async (input, context) => {
  const approvalId = approvalIdFor(input.execution.id, input.gate);
  const attempt = input.reminder.attempt + 1;
  const now = Date.now();
  const record = await loadApproval(approvalId);
  if (!record?.status) {
    // The request is still being stored by the other branch: check again on the normal schedule.
    const tick = reminderTick({ createdAt: now, timeoutSeconds: input.timeoutSeconds, heartbeatSeconds: input.heartbeatSeconds, remindersSent: 0 }, now);
    return { done: false, attempt, remindersSent: 0, nextDelaySeconds: tick.nextDelaySeconds };
  }
  if (record.status !== 'PENDING') {
    await redeliver(record);
    return { done: true, attempt, remindersSent: record.remindersSent ?? 0, nextDelaySeconds: 0 };
  }
  if (!(await heartbeat(record))) {
    // The gate's task is gone (timed out, or the execution ended): nothing left to remind about.
    return { done: true, attempt, remindersSent: record.remindersSent ?? 0, nextDelaySeconds: 0 };
  }
  const tick = reminderTick(
    { createdAt: record.createdAt, timeoutSeconds: record.timeoutSeconds, heartbeatSeconds: record.heartbeatSeconds, remindersSent: record.remindersSent ?? 0 },
    now,
  );
  let remindersSent = record.remindersSent ?? 0;
  if (tick.remind) {
    // Sent before it is counted: a retried tick may remind twice, never zero times.
    await sendApprovalEmail('reminder', toView(record), context);
    if (await recordReminder(approvalId, record.round, tick.reminderNumber, now)) remindersSent = tick.reminderNumber;
    logger.info('approvers reminded', { approvalId, reminder: tick.reminderNumber, expiresAt: new Date(record.expiresAt).toISOString() });
  }
  return { done: false, attempt, remindersSent, nextDelaySeconds: tick.nextDelaySeconds };
});
