/**
 * Advertises the ranges from Global Accelerator. Refuses without a recorded approval: nothing is
 * announced to the internet unless a human said so. Already advertised ranges are left alone.
 */
import { AdvertiseByoipCidrCommand } from '@aws-sdk/client-global-accelerator';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { ga, gaCidrs } from './ga-client';

const Event = z.object({
  cidrs: z.array(z.string()).min(1),
  approval: z.object({ approved: z.literal(true) }).passthrough(),
});

export const handler = defineTask('AdvertiseGaByoipCidrs', z.unknown(), async (raw) => {
  const parsed = Event.safeParse(raw);
  if (!parsed.success) throw new WorkflowError(ErrorNames.SafetyViolation, 'refusing to advertise: no approval is recorded for this execution');
  const current = await gaCidrs();
  const requested: string[] = [];
  for (const cidr of parsed.data.cidrs) {
    const state = current.get(cidr)?.State;
    if (state === 'ADVERTISING' || state === 'PENDING_ADVERTISING') continue;
    if (!state) throw new WorkflowError(ErrorNames.UnexpectedResponse, `${cidr} is not a Global Accelerator BYOIP range in this account`);
    await ga().send(new AdvertiseByoipCidrCommand({ Cidr: cidr }));
    requested.push(cidr);
  }
  return { requested };
});
