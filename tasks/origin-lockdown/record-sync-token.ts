/**
 * Records the applied syncToken (a newer one already recorded wins: the conditional write never
 * moves the token back), so replays and out-of-order notifications are ignored from now on.
 */
import * as z from 'zod';
import { ExecutionRef } from '../lib/common';
import { defineTask } from '../lib/handler';
import { recordApplied } from './sync-token-store';

const Event = z.object({ syncName: z.string(), syncToken: z.number(), md5: z.string(), createDate: z.string(), execution: ExecutionRef });

export const handler = defineTask('RecordSyncToken', Event, async (input) => {
  const out = await recordApplied(input.syncName, {
    syncToken: input.syncToken, md5: input.md5, createDate: input.createDate, appliedAt: Date.now(), execution: input.execution.name,
  });
  return out.recorded
    ? { recorded: true, syncToken: input.syncToken }
    : { recorded: false, syncToken: input.syncToken, newer: out.current.syncToken, warning: `a newer syncToken (${out.current.syncToken}, ${out.current.execution}) was recorded meanwhile; run on demand to converge` };
});
