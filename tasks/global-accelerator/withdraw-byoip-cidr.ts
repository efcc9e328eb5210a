/** Withdraws one GA range's advertisement (GA allows one withdrawal per 10 s); a range not advertised is left alone. */
import { WithdrawByoipCidrCommand } from '@aws-sdk/client-global-accelerator';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { ga, gaCidrs } from './ga-client';

const Event = z.object({ cidr: z.string() });

export const handler = defineTask('WithdrawGaByoipCidr', Event, async (input) => {
  const state = (await gaCidrs()).get(input.cidr)?.State;
  if (state !== 'ADVERTISING' && state !== 'FAILED_WITHDRAW') return { cidr: input.cidr, state: state ?? 'absent', skipped: true };
  const out = await ga().send(new WithdrawByoipCidrCommand({ Cidr: input.cidr }));
  return { cidr: input.cidr, state: out.ByoipCidr?.State ?? 'PENDING_WITHDRAWING', skipped: false };
});
