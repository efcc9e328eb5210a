/** Poll (networking account): the team's VPC origin is AVAILABLE to this account through RAM. */
import * as z from 'zod';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { ramHere, sharedResources } from './clients';

const Event = z.object({ vpcOriginArn: z.string(), ...PollFields });

export const handler = defineTask('CheckSharedVpcOrigin', Event, async (input) => {
  const resources = await sharedResources(ramHere(), { resourceOwner: 'OTHER-ACCOUNTS', resourceArns: [input.vpcOriginArn] });
  const status = resources.find((r) => r.arn === input.vpcOriginArn)?.status ?? 'NOT_SHARED';
  return pollResult(input, status === 'AVAILABLE', `shared VPC origin ${input.vpcOriginArn}`, { status });
});
