/**
 * Reads the BYOIP CIDRs' advertisement (the baseline compensation restores) and, when `require` is
 * given, checks each is in one of those states.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { byoipCidrs } from '../ipam/ipam-client';

const Event = z.object({
  region: z.string(),
  cidrs: z.array(z.string()),
  require: z.array(z.string()).optional(),
  /** Checking again after the approval: a CIDR in another state means the world changed since the plan (PlanChanged). */
  sinceApproval: z.boolean().default(false),
});

export const handler = defineTask('InspectByoipCidrs', Event, async (input) => {
  const all = await byoipCidrs(input.region);
  const states: Record<string, string> = Object.fromEntries(input.cidrs.map((c) => [c, all.get(c)?.State ?? 'absent']));
  const wrong = input.require ? input.cidrs.filter((c) => !input.require!.includes(states[c])) : [];
  const why = wrong.map((c) => `${c} is ${states[c]} (expected ${input.require!.join(' or ')})`).join('; ');
  if (wrong.length)
    throw new WorkflowError(
      input.sinceApproval ? ErrorNames.PlanChanged : ErrorNames.ResourceFailed,
      input.sinceApproval ? `changed since the plan was approved: ${why}` : why,
    );
  return { states, advertised: input.cidrs.filter((c) => ['advertised', 'pending-advertising'].includes(states[c])) };
});
