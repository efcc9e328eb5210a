/** Poll (team account): a VPC origin reaching Deployed, or being gone after a delete. Failed is terminal. */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { cloudfrontAs, getVpcOrigin } from './clients';

const Event = z.object({ roleArn: z.string(), vpcOriginId: z.string().nullable(), target: z.enum(['Deployed', 'deleted']), ...PollFields });

export const handler = defineTask('CheckVpcOrigin', Event, async (input) => {
  const out = input.vpcOriginId ? await getVpcOrigin(cloudfrontAs(input.roleArn), input.vpcOriginId) : undefined;
  const status = out?.VpcOrigin?.Status ?? 'deleted';
  if (status === 'Failed' && input.target === 'Deployed') {
    throw new WorkflowError(
      ErrorNames.ResourceFailed,
      `VPC origin ${input.vpcOriginId} failed to deploy: check that the load balancer is internal and active and that its subnets have free IP addresses`,
    );
  }
  if (input.target === 'Deployed' && status === 'deleted')
    throw new WorkflowError(ErrorNames.UnexpectedResponse, `VPC origin ${input.vpcOriginId} disappeared`);
  return pollResult(input, status === input.target, `VPC origin ${input.vpcOriginId}`, { status });
});
