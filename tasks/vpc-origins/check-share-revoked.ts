/** Poll (team account): no share holds the VPC origin any more (every association DISASSOCIATED). */
import { GetResourceShareAssociationsCommand } from '@aws-sdk/client-ram';
import * as z from 'zod';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { ramAs } from './clients';

const Event = z.object({ roleArn: z.string(), vpcOriginArn: z.string().nullable(), ...PollFields });

export const handler = defineTask('CheckVpcOriginShareRevoked', Event, async (input) => {
  const associations = input.vpcOriginArn
    ? (await ramAs(input.roleArn).send(new GetResourceShareAssociationsCommand({ associationType: 'RESOURCE', resourceArn: input.vpcOriginArn }))).resourceShareAssociations ?? []
    : [];
  const remaining = associations.filter((a) => !['DISASSOCIATED', 'FAILED'].includes(a.status ?? ''));
  return pollResult(input, remaining.length === 0, `unsharing ${input.vpcOriginArn}`, { remaining: remaining.map((a) => `${a.resourceShareArn} ${a.status}`) });
});
