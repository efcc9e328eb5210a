/** After the decision: wakes the gate's sleeping reminder loop so the gate ends now, not at its next tick. */
import * as z from 'zod';
import { approvalIdFor } from '../../domain/approval';
import { ExecutionRef } from '../lib/common';
import { defineTask } from '../lib/handler';
import { loadApproval, stopReminders } from '../../platform/approval/store';

const Event = z.object({ execution: ExecutionRef, gate: z.string().min(1) });

export const handler = defineTask('StopApprovalReminders', Event, async (input) => {
  const approvalId = approvalIdFor(input.execution.id, input.gate);
  const record = await loadApproval(approvalId);
  return { approvalId, stopped: record ? await stopReminders(record) : false };
});
