/**
 * The approval gate's task (invoked with .waitForTaskToken): stores the token server-side under an
 * opaque approval id and emails the plan with a signed, expiring link. The execution waits until the
 * decision (SendTaskSuccess / SendTaskFailure(ApprovalRejected)) or the task's timeout.
 * The task token is a bearer credential: it is never logged, returned, or put in a link.
 */
import * as z from 'zod';
import { approvalIdFor, ApprovalPlan, GateTiming } from '../../domain/approval';
import { ExecutionRef } from '../lib/common';
import { defineTask, logger } from '../lib/handler';
import { sendApprovalEmail } from './notify';
import { markNotified, openApproval, toView } from './store';

const Event = z.object({
  taskToken: z.string().min(1).max(2048),
  workflow: z.string().min(1),
  execution: ExecutionRef,
  gate: z.string().min(1),
  plan: ApprovalPlan,
}).extend(GateTiming.shape).passthrough();

export const handler = defineTask('RequestApproval', Event, async (input, context) => {
  const approvalId = approvalIdFor(input.execution.id, input.gate);
  const now = Date.now();
  const opened = await openApproval({
    approvalId, taskToken: input.taskToken, workflow: input.workflow, execution: input.execution, gate: input.gate,
    plan: input.plan, timeoutSeconds: input.timeoutSeconds, heartbeatSeconds: input.heartbeatSeconds, now,
  });
  const view = toView(opened.record);
  if (opened.notify) {
    await sendApprovalEmail('request', view, context);
    await markNotified(approvalId, view.round, Date.now());
  }
  logger.info('approval requested', {
    approvalId, round: view.round, action: opened.action, emailed: opened.notify, workflow: input.workflow, execution: input.execution.name,
    title: input.plan.title, approvers: input.plan.approvers, changes: input.plan.changes.length, expiresAt: new Date(view.expiresAt).toISOString(),
  });
  return { approvalId, round: view.round, emailed: opened.notify };
});
