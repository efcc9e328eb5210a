/** The last teardown check (team account): no distribution of any account references the VPC origin. */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { cloudfrontAs, distributionsUsing } from './clients';

const Event = z.object({ team: z.string(), roleArn: z.string(), vpcOriginArn: z.string().nullable() });

export const handler = defineTask('ConfirmVpcOriginUnreferenced', Event, async ({ team, roleArn, vpcOriginArn }) => {
  const users = vpcOriginArn ? await distributionsUsing(cloudfrontAs(roleArn), vpcOriginArn) : [];
  if (users.length)
    throw new WorkflowError(
      ErrorNames.ResourceFailed,
      `${team}'s VPC origin ${vpcOriginArn} is still referenced by ${users.map((u) => u.DistributionId).join(', ')}`,
    );
  return { team, vpcOriginArn, references: 0 };
});
