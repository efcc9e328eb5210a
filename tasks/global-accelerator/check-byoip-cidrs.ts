/**
 * Poll: GA ranges reaching READY, ADVERTISING, not advertised (withdrawn) or DEPROVISIONED. FAILED_*
 * ends the wait with GA's own reason from the range's events.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { gaCidrProgress } from '../../domain/static-ip';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { gaCidrs, lastEvent } from './ga-client';

const Event = z.object({ cidrs: z.array(z.string()).min(1), target: z.enum(['ready', 'advertising', 'withdrawn', 'deprovisioned']), ...PollFields });

export const handler = defineTask('CheckGaByoipCidrs', Event, async (input) => {
  const all = await gaCidrs();
  const states: Record<string, string> = {};
  let done = true;
  for (const cidr of input.cidrs) {
    const c = all.get(cidr);
    states[cidr] = c?.State ?? 'absent';
    const progress = gaCidrProgress(c?.State, input.target);
    if (progress === 'failed')
      throw new WorkflowError(ErrorNames.ResourceFailed, `${cidr} is ${c?.State} in Global Accelerator (waiting for ${input.target}): ${lastEvent(c)}`, {
        cidr,
        state: c?.State,
      });
    if (progress === 'missing') throw new WorkflowError(ErrorNames.UnexpectedResponse, `${cidr} is not a Global Accelerator BYOIP range in this account`);
    if (progress === 'waiting') done = false;
  }
  return pollResult(input, done, `Global Accelerator ranges becoming ${input.target}`, { states });
});
