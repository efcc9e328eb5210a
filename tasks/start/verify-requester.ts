/**
 * Right after Initialize in every workflow with an approval gate: who asked for this execution, as its
 * starter attested it (domain/approval.ts attestRequester: a MAC over the state machine, the execution's
 * name and its input, under a key only the starters and the approval tasks derive). An execution started
 * any other way (StartExecution by hand with a made-up or copied `requestedBy`) ends here, before any AWS change.
 */
import * as z from 'zod';
import { verifyRequester } from '../../domain/approval';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { approvalKeyMaterial } from '../../platform/approval/config';
import { ExecutionRef } from '../lib/common';
import { defineTask } from '../lib/handler';
import { logger } from '../../platform/logger';

const Event = z.object({ input: z.unknown(), execution: ExecutionRef, stateMachine: z.string().min(1) });

export const handler = defineTask('VerifyRequester', Event, async (event) => {
  const checked = verifyRequester(await approvalKeyMaterial(), { stateMachine: event.stateMachine, executionName: event.execution.name, input: event.input });
  if (!checked.ok) throw new WorkflowError(ErrorNames.SafetyViolation, `refusing to run ${event.execution.name}: ${checked.problem}`);
  logger.info('requester verified', {
    execution: event.execution.name,
    principal: checked.requester.principal,
    approver: checked.requester.approver,
    via: checked.requester.via,
  });
  return checked.requester;
});
