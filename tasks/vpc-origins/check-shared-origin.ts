/** Poll (networking account): the team's VPC origin is AVAILABLE to this account through RAM. */
import { ListResourcesCommand } from '@aws-sdk/client-ram';
import * as z from 'zod';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { ramHere } from './clients';

const Event = z.object({ vpcOriginArn: z.string(), ...PollFields });

export const handler = defineTask('CheckSharedVpcOrigin', Event, async (input) => {
  const resources = (await ramHere().send(new ListResourcesCommand({ resourceOwner: 'OTHER-ACCOUNTS', resourceArns: [input.vpcOriginArn] }))).resources ?? [];
  const status = resources.find((r) => r.arn === input.vpcOriginArn)?.status ?? 'NOT_SHARED';
  return pollResult(input, status === 'AVAILABLE', `shared VPC origin ${input.vpcOriginArn}`, { status });
});
