/** Poll: BYOIP CIDRs reaching advertised (after Advertise) or provisioned (after Withdraw). */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { byoipCidrs } from '../ipam/ipam-client';

const Event = z.object({ region: z.string(), cidrs: z.array(z.string()).min(1), target: z.enum(['advertised', 'provisioned']), ...PollFields });

export const handler = defineTask('CheckByoipCidrs', Event, async (input) => {
  const all = await byoipCidrs(input.region);
  const states: Record<string, string> = {};
  for (const cidr of input.cidrs) {
    const b = all.get(cidr);
    const state = b?.State ?? 'absent';
    states[cidr] = state;
    if (state.startsWith('failed')) throw new WorkflowError(ErrorNames.ResourceFailed, `${cidr} is ${state}: ${b?.StatusMessage ?? 'no message'}`);
    if (state === 'absent') throw new WorkflowError(ErrorNames.UnexpectedResponse, `${cidr} is not a BYOIP CIDR in ${input.region}`);
  }
  const done = Object.values(states).every((s) => s === input.target);
  return pollResult(input, done, `BYOIP CIDRs becoming ${input.target}`, { states });
});
