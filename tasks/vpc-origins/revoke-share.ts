/**
 * In the team's account: revoke the RAM sharing of the VPC origin: delete a share that holds only this
 * origin, otherwise take the origin out of it. Refuses while any distribution still uses the origin
 * (CloudFront would keep serving it, but that distribution could no longer be edited).
 */
import { DeleteResourceShareCommand, DisassociateResourceShareCommand } from '@aws-sdk/client-ram';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { clientToken, ExecutionRef, changeOrConfirm } from '../lib/common';
import { defineTask } from '../lib/handler';
import { cloudfrontAs, distributionsUsing, ramAs, shareAssociations, sharesHolding } from './clients';

const Event = z.object({ team: z.string(), roleArn: z.string(), vpcOriginArn: z.string().nullable(), execution: ExecutionRef });

export const handler = defineTask('RevokeVpcOriginShare', Event, async ({ team, roleArn, vpcOriginArn, execution }) => {
  if (!vpcOriginArn) return { revoked: [] };
  const users = await distributionsUsing(cloudfrontAs(roleArn), vpcOriginArn);
  if (users.length) {
    throw new WorkflowError(
      ErrorNames.SafetyViolation,
      `refusing to unshare ${team}'s VPC origin: still used by ${users.map((u) => `${u.DistributionId} (account ${u.OwnerAccountId})`).join(', ')}`,
    );
  }
  const ram = ramAs(roleArn);
  const revoked = [];
  for (const shareArn of await sharesHolding(ram, vpcOriginArn)) {
    const resources = await shareAssociations(ram, { associationType: 'RESOURCE', resourceShareArns: [shareArn] });
    const others = resources.filter((r) => r.associatedEntity !== vpcOriginArn && ['ASSOCIATING', 'ASSOCIATED'].includes(r.status ?? ''));
    if (others.length === 0) {
      await changeOrConfirm(
        () => ram.send(new DeleteResourceShareCommand({ resourceShareArn: shareArn, clientToken: clientToken(execution, `unshare-${team}`) })),
        async () => ((await sharesHolding(ram, vpcOriginArn)).includes(shareArn) ? undefined : {}),
      );
      revoked.push({ shareArn, action: 'deleted share' });
    } else {
      await ram.send(
        new DisassociateResourceShareCommand({
          resourceShareArn: shareArn,
          resourceArns: [vpcOriginArn],
          clientToken: clientToken(execution, `unshare-${team}`),
        }),
      );
      revoked.push({ shareArn, action: 'removed the origin from the share' });
    }
  }
  return { revoked };
});
