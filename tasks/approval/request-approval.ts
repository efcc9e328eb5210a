/**
 * The approval gate's task (invoked with .waitForTaskToken): announces the plan to the approvers.
 * The execution waits until SendTaskSuccess / SendTaskFailure(ApprovalRejected), or times out.
 * The task token is a bearer credential: it is never logged or returned.
 */
import * as z from 'zod';
import { defineTask, logger } from '../lib/handler';

const Event = z.object({
  taskToken: z.string().min(1),
  workflow: z.string(),
  execution: z.object({ name: z.string(), id: z.string() }),
  timeoutSeconds: z.number().int().positive(),
  plan: z.object({ title: z.string(), approvers: z.array(z.string()).min(1), changes: z.array(z.unknown()) }).passthrough(),
});

export const handler = defineTask('RequestApproval', Event, async (input) => {
  logger.info('approval requested', { workflow: input.workflow, execution: input.execution.name, title: input.plan.title, approvers: input.plan.approvers, changes: input.plan.changes.length });
  return { requested: true };
});
