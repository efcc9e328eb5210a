/**
 * Withdraws one GA range's advertisement (GA allows one withdrawal per 10 s); a range not advertised is
 * left alone. Only with an approval (the teardown's gate) or as compensation (tasks/lib/change-authority.ts).
 */
import { WithdrawByoipCidrCommand } from '@aws-sdk/client-global-accelerator';
import * as z from 'zod';
import { ChangeAuthority, requireAuthority } from '../lib/change-authority';
import { defineTask } from '../lib/handler';
import { ga, gaCidrs } from './ga-client';

const Event = z.object({ cidr: z.string(), ...ChangeAuthority });

export const handler = defineTask('WithdrawGaByoipCidr', Event, async (input) => {
  requireAuthority(input, `withdraw ${input.cidr} from Global Accelerator`);
  const state = (await gaCidrs()).get(input.cidr)?.State;
  if (state !== 'ADVERTISING' && state !== 'FAILED_WITHDRAW') return { cidr: input.cidr, state: state ?? 'absent', skipped: true };
  const out = await ga().send(new WithdrawByoipCidrCommand({ Cidr: input.cidr }));
  return { cidr: input.cidr, state: out.ByoipCidr?.State ?? 'PENDING_WITHDRAWING', skipped: false };
});
