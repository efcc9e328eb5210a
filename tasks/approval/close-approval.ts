/**
 * The gate ended without a decision reaching it (it expired, its heartbeat stopped, or its task
 * failed): closes the stored approval so its link says so, tells the approvers when it expired, and
 * names the failure the execution ends with. Expiry and a lost heartbeat take the rejection path:
 * ApprovalRejected, then compensation.
 */
import * as z from 'zod';
import { approvalIdFor, gateFailure, GateTiming } from '../../domain/approval';
import { ExecutionRef } from '../lib/common';
import { defineTask } from '../lib/handler';
import { logger } from '../../platform/logger';
import { sendApprovalEmail } from './notify';
import { closePending, loadApproval, toView } from '../../platform/approval/store';

const Event = z
  .object({
    execution: ExecutionRef,
    gate: z.string().min(1),
    failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).passthrough(),
  })
  .extend(GateTiming.shape);

export const handler = defineTask('CloseApproval', Event, async (input, context) => {
  const approvalId = approvalIdFor(input.execution.id, input.gate);
  const failure = gateFailure(approvalId, input.failure, input);
  const record = await loadApproval(approvalId);
  if (record?.status === 'PENDING') {
    const expired = input.failure.Error === 'States.Timeout';
    const closed = await closePending(record, expired ? 'EXPIRED' : 'CLOSED', failure.Cause || failure.Error, Date.now());
    if (closed && expired) {
      try {
        await sendApprovalEmail('expired', toView(record), context);
      } catch (e) {
        // The rollback matters more than the notice.
        logger.warn('could not send the expiry notice', { approvalId, error: (e as Error).name });
      }
    }
  }
  return failure;
});
