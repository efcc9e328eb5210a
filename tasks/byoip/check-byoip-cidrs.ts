/**
 * Poll: BYOIP CIDRs reaching advertised (after Advertise) or provisioned (after Withdraw). `withdrawn`
 * also accepts a CIDR that is gone (deprovisioned by an earlier run of a teardown being re-run).
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { byoipCidrs } from '../ipam/ipam-client';

const Event = z.object({ region: z.string(), cidrs: z.array(z.string()).min(1), target: z.enum(['advertised', 'provisioned', 'withdrawn']), ...PollFields });

export const handler = defineTask('CheckByoipCidrs', Event, async (input) => {
  const all = await byoipCidrs(input.region);
  const states: Record<string, string> = {};
  for (const cidr of input.cidrs) {
    const b = all.get(cidr);
    const state = b?.State ?? 'absent';
    states[cidr] = state;
    if (state.startsWith('failed')) throw new WorkflowError(ErrorNames.ResourceFailed, `${cidr} is ${state}: ${b?.StatusMessage ?? 'no message'}`);
    if (state === 'absent' && input.target !== 'withdrawn')
      throw new WorkflowError(ErrorNames.UnexpectedResponse, `${cidr} is not a BYOIP CIDR in ${input.region}`);
  }
  const done = Object.values(states).every((s) => s === input.target || (input.target === 'withdrawn' && (s === 'provisioned' || s === 'absent')));
  return pollResult(input, done, `BYOIP CIDRs becoming ${input.target}`, { states });
});
