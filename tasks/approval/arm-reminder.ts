/**
 * The reminder loop's sleep (invoked with .waitForTaskToken, TimeoutSeconds = time to the next tick):
 * stores this sleep's token with the approval so the decided gate can wake the loop and end at once.
 * If the approval was already decided, the loop ends itself right away.
 */
import { SendTaskFailureCommand, SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { approvalIdFor } from '../../domain/approval';
import { client, defaultRegion } from '../../platform/aws';
import { ExecutionRef } from '../lib/common';
import { defineTask } from '../lib/handler';
import { armReminder } from '../../platform/approval/store';

const Event = z.object({ taskToken: z.string().min(1).max(2048), execution: ExecutionRef, gate: z.string().min(1) });

export const handler = defineTask('ArmApprovalReminder', Event, async (input) => {
  const approvalId = approvalIdFor(input.execution.id, input.gate);
  const armed = await armReminder(approvalId, input.taskToken);
  if (!armed) {
    await client(SFNClient, { region: defaultRegion() }).send(
      new SendTaskFailureCommand({
        taskToken: input.taskToken,
        error: 'RemindersStopped',
        cause: `approval ${approvalId} is already decided`,
      }),
    );
  }
  return { approvalId, armed };
});
