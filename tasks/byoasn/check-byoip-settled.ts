/**
 * Poll: the CIDRs' advertisement settling. "settled": no Advertise/Withdraw in flight (before a
 * teardown changes them, and after a revert to the AWS ASN). "withdrawn": back to provisioned.
 * Absent CIDRs count as done (an earlier run already deprovisioned them).
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { byoipCidrs } from '../ipam/ipam-client';

const Event = z.object({ region: z.string(), cidrs: z.array(z.string()), target: z.enum(['settled', 'withdrawn']), ...PollFields });

export const handler = defineTask('CheckByoipSettled', Event, async (input) => {
  const all = await byoipCidrs(input.region);
  const states: Record<string, string> = {};
  for (const cidr of input.cidrs) {
    const b = all.get(cidr);
    const state = b?.State ?? 'absent';
    states[cidr] = state;
    if (state.startsWith('failed')) throw new WorkflowError(ErrorNames.ResourceFailed, `${cidr} is ${state}: ${b?.StatusMessage ?? 'no message'}`);
  }
  const done = Object.values(states).every((s) => s === 'absent' || (input.target === 'withdrawn' ? s === 'provisioned' : !s.startsWith('pending-')));
  return pollResult(input, done, `BYOIP CIDRs becoming ${input.target}`, { states });
});
