/** Poll (team account): no share holds the VPC origin any more (every association DISASSOCIATED). */
import * as z from 'zod';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { ramAs, shareAssociations } from './clients';

const Event = z.object({ roleArn: z.string(), vpcOriginArn: z.string().nullable(), ...PollFields });

export const handler = defineTask('CheckVpcOriginShareRevoked', Event, async (input) => {
  const associations = input.vpcOriginArn
    ? await shareAssociations(ramAs(input.roleArn), { associationType: 'RESOURCE', resourceArn: input.vpcOriginArn })
    : [];
  const remaining = associations.filter((a) => !['DISASSOCIATED', 'FAILED'].includes(a.status ?? ''));
  return pollResult(input, remaining.length === 0, `unsharing ${input.vpcOriginArn}`, { remaining: remaining.map((a) => `${a.resourceShareArn} ${a.status}`) });
});
