/**
 * Records the applied syncToken (a newer one already recorded wins: the conditional write never
 * moves the token back), so replays and out-of-order notifications are ignored from now on, with the
 * version's origin-facing ranges: the baseline the next run's additions are capped on.
 */
import * as z from 'zod';
import { ExecutionRef } from '../lib/common';
import { defineTask } from '../lib/handler';
import { recordApplied } from './sync-token-store';

const Event = z.object({
  syncName: z.string(),
  syncToken: z.number(),
  md5: z.string(),
  createDate: z.string(),
  ipv4: z.array(z.string()),
  ipv6: z.array(z.string()),
  execution: ExecutionRef,
});

export const handler = defineTask('RecordSyncToken', Event, async (input) => {
  const out = await recordApplied(input.syncName, {
    syncToken: input.syncToken,
    md5: input.md5,
    createDate: input.createDate,
    appliedAt: Date.now(),
    execution: input.execution.name,
    ranges: { ipv4: input.ipv4, ipv6: input.ipv6 },
  });
  return out.recorded
    ? { recorded: true, syncToken: input.syncToken }
    : {
        recorded: false,
        syncToken: input.syncToken,
        newer: out.current.syncToken,
        warning: `a newer syncToken (${out.current.syncToken}, ${out.current.execution}) was recorded meanwhile; run on demand to converge`,
      };
});
