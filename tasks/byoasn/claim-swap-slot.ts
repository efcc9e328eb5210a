/**
 * Poll check of the swap guard: claims the CIDR's once-per-hour AWS→custom slot with a conditional
 * write. Granted: the workflow advertises. Taken: the result carries `retryAt`, the earliest allowed
 * time, and the workflow waits in a Wait state (TimestampPath) until then and claims again.
 */
import * as z from 'zod';
import { waitTimestamp } from '../../domain/byoasn';
import { ExecutionRef, PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { claimSwapSlot } from './swap-guard';

const Event = z.object({ accountId: z.string(), region: z.string(), cidr: z.string(), asn: z.string(), execution: ExecutionRef, ...PollFields });

export const handler = defineTask('ClaimAsnSwapSlot', Event, async (input) => {
  const now = Date.now();
  const claim = await claimSwapSlot({ accountId: input.accountId, region: input.region, cidr: input.cidr }, input.asn, input.execution.name, now);
  const what = `the once-per-hour AWS→custom ASN slot of ${input.cidr}`;
  if (claim.granted) {
    const last = claim.previous.lastCustomChange;
    return pollResult(input, true, what, {
      granted: true,
      retryAt: waitTimestamp(now),
      claimedAt: new Date(now).toISOString(),
      previousCustomChange: last ? { asn: last.asn, at: new Date(last.at).toISOString(), by: last.by } : null,
    });
  }
  return pollResult(input, false, what, {
    granted: false,
    retryAt: waitTimestamp(claim.allowedAt),
    heldBy: claim.holder ?? 'unknown',
    lastCustomAt: new Date(claim.lastCustomAt).toISOString(),
  });
});
