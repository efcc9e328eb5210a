/**
 * Poll: every CIDR of a pool reaching the target state. failed-provision ends the wait with AWS's
 * own reason, so the operator sees e.g. "The ROA for ... does not authorize Amazon ASN 16509".
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { latestByCidr, poolCidrs } from './ipam-client';

const Event = z.object({
  region: z.string(),
  poolId: z.string(),
  cidrs: z.array(z.string()).min(1),
  target: z.enum(['provisioned', 'deprovisioned']),
  ...PollFields,
});

export const handler = defineTask('CheckPoolCidrs', Event, async (input) => {
  const current = latestByCidr(await poolCidrs(input.region, input.poolId));
  const states: Record<string, string> = {};
  for (const cidr of input.cidrs) {
    const record = current.get(cidr);
    const state = record?.State ?? (input.target === 'deprovisioned' ? 'deprovisioned' : 'missing');
    states[cidr] = state;
    if (state === 'failed-provision' || state === 'failed-deprovision') {
      const reason = record?.FailureReason;
      throw new WorkflowError(
        ErrorNames.ResourceFailed,
        `${cidr} in pool ${input.poolId} is ${state}: ${reason?.Message ?? 'no reason given'}${reason?.Code ? ` (${reason.Code})` : ''}`,
        { cidr, state },
      );
    }
    if (state === 'missing') throw new WorkflowError(ErrorNames.UnexpectedResponse, `${cidr} is not in pool ${input.poolId}; it was never provisioned`);
  }
  const done = Object.values(states).every((s) => s === input.target);
  return pollResult(input, done, `CIDRs ${input.cidrs.join(', ')} in ${input.poolId}`, { states });
});
