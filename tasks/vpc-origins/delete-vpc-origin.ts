/** In the team's account: delete the VPC origin (IfMatch) once nothing uses it; already gone is fine. */
import { DeleteVpcOriginCommand } from '@aws-sdk/client-cloudfront';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { changeOrConfirm } from '../lib/common';
import { defineTask } from '../lib/handler';
import { cloudfrontAs, distributionsUsing, getVpcOrigin } from './clients';

const Event = z.object({ team: z.string(), roleArn: z.string(), vpcOriginId: z.string().nullable() });

export const handler = defineTask('DeleteVpcOrigin', Event, async ({ team, roleArn, vpcOriginId }) => {
  const cf = cloudfrontAs(roleArn);
  const current = vpcOriginId ? await getVpcOrigin(cf, vpcOriginId) : undefined;
  if (!current?.VpcOrigin || current.VpcOrigin.Status === 'Deleting') return { vpcOriginId, deleted: false, alreadyGone: true };
  const users = await distributionsUsing(cf, current.VpcOrigin.Arn!);
  if (users.length)
    throw new WorkflowError(
      ErrorNames.SafetyViolation,
      `${team}'s VPC origin ${vpcOriginId} is still used by ${users.map((u) => u.DistributionId).join(', ')}`,
    );
  await changeOrConfirm(
    () => cf.send(new DeleteVpcOriginCommand({ Id: vpcOriginId!, IfMatch: current.ETag })),
    async () => {
      const now = await getVpcOrigin(cf, vpcOriginId!);
      return !now?.VpcOrigin || now.VpcOrigin.Status === 'Deleting' ? {} : undefined;
    },
  );
  return { vpcOriginId, deleted: true, alreadyGone: false };
});
