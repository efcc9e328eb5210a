/**
 * After a workflow's point of no return, a failed step is not rolled back: this task builds the plan of
 * the operator gate (domain/pivots.ts) from the failure, the pivot and the intents recorded so far.
 */
import * as z from 'zod';
import { OPERATOR_DECISIONS } from '../../domain/approval';
import type { UndoIntent } from '../../domain/compensation';
import { operatorDecisionPlan } from '../../domain/pivots';
import { defineTask } from '../lib/handler';
import { logger } from '../../platform/logger';

const Event = z.object({
  workflow: z.string().min(1),
  pivot: z.object({ label: z.string().min(1), backNeeds: z.string().min(1) }).passthrough(),
  held: z.object({ state: z.string().min(1) }),
  failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).passthrough(),
  approvers: z.array(z.string()).min(1),
  decisions: z.array(z.enum(OPERATOR_DECISIONS)).min(1),
  intents: z.record(z.string(), z.any()).optional(),
  order: z.array(z.string()).optional(),
});

export const handler = defineTask('PlanOperatorDecision', Event, async (input) => {
  // The byoip-operator-decision alarm counts this line (infra/alarms.ts).
  logger.warn('operator decision requested', {
    workflow: input.workflow,
    failedState: input.held.state,
    error: input.failure.Error ?? null,
    pivot: input.pivot.label,
  });
  return operatorDecisionPlan({
    workflow: input.workflow,
    pivot: input.pivot,
    failedState: input.held.state,
    failure: input.failure,
    approvers: input.approvers,
    decisions: input.decisions,
    intents: input.intents as Record<string, UndoIntent> | undefined,
    order: input.order,
  });
});
