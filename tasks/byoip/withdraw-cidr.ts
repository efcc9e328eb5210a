/**
 * Withdraws one BYOIP CIDR's advertisement; a CIDR that is not advertised is left alone. Only with an
 * approval (a teardown's gate) or as compensation (tasks/lib/change-authority.ts).
 */
import { WithdrawByoipCidrCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { ChangeAuthority, requireAuthority } from '../lib/change-authority';
import { defineTask } from '../lib/handler';
import { byoipCidrs, ec2 } from '../ipam/ipam-client';

const Event = z.object({ region: z.string(), cidr: z.string(), ...ChangeAuthority });

export const handler = defineTask('WithdrawCidr', Event, async (input) => {
  requireAuthority(input, `withdraw ${input.cidr}`);
  const current = (await byoipCidrs(input.region)).get(input.cidr);
  if (!current || (current.State !== 'advertised' && current.State !== 'pending-advertising')) {
    return { cidr: input.cidr, state: current?.State ?? 'absent', skipped: true };
  }
  const out = await ec2(input.region).send(new WithdrawByoipCidrCommand({ Cidr: input.cidr }));
  return { cidr: input.cidr, state: out.ByoipCidr?.State ?? 'pending-withdrawal', skipped: false };
});
