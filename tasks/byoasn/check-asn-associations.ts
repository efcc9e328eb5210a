/** Poll: the ASN's association with each CIDR reaching associated, or being gone (disassociated). */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { byoipCidrs } from '../ipam/ipam-client';
import { associationOf } from './byoasn-client';

const Event = z.object({
  region: z.string(),
  asn: z.string(),
  cidrs: z.array(z.string()).min(1),
  target: z.enum(['associated', 'disassociated']),
  ...PollFields,
});

export const handler = defineTask('CheckAsnAssociations', Event, async (input) => {
  const all = await byoipCidrs(input.region);
  const states: Record<string, string> = {};
  for (const cidr of input.cidrs) {
    const a = associationOf(all.get(cidr), input.asn);
    const state = a?.State ?? 'disassociated';
    states[cidr] = state;
    const failed = input.target === 'associated' ? 'failed-association' : 'failed-disassociation';
    if (state === failed)
      throw new WorkflowError(ErrorNames.ResourceFailed, `AS${input.asn} and ${cidr} are ${state}: ${a?.StatusMessage ?? 'no reason given'}`, { cidr, state });
    if (input.target === 'associated' && !all.get(cidr))
      throw new WorkflowError(ErrorNames.UnexpectedResponse, `${cidr} is no longer a BYOIP CIDR in ${input.region}`);
  }
  const done = Object.values(states).every((s) => s === input.target);
  return pollResult(input, done, `AS${input.asn} becoming ${input.target} with ${input.cidrs.join(', ')}`, { states });
});
