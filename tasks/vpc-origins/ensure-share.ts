/**
 * In the team's account: a RAM share of the VPC origin with the networking account (us-east-1, as
 * CloudFront's resources are global). A share that already holds the origin for that account is
 * reused, whoever made it; otherwise one is created, idempotent by client token and tagged.
 */
import { CreateResourceShareCommand } from '@aws-sdk/client-ram';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { clientToken, ExecutionRef, orchestratorTags } from '../lib/common';
import { defineTask } from '../lib/handler';
import { principalAssociations, ramAs, sharesHolding, TeamRef } from './clients';

const Event = z.object({
  team: TeamRef.extend({ shareName: z.string() }),
  vpcOriginArn: z.string(),
  networkingAccountId: z.string(),
  migrationId: z.string(),
  execution: ExecutionRef,
});

export const handler = defineTask('EnsureVpcOriginShare', Event, async ({ team, vpcOriginArn, networkingAccountId, migrationId, execution }) => {
  const ram = ramAs(team.roleArn);
  const holding = await sharesHolding(ram, vpcOriginArn);
  const withPrincipal = await principalAssociations(ram, holding, networkingAccountId);
  if (withPrincipal[0]) return { shareArn: withPrincipal[0].resourceShareArn!, created: false };
  const out = await ram.send(
    new CreateResourceShareCommand({
      name: team.shareName,
      resourceArns: [vpcOriginArn],
      principals: [networkingAccountId],
      // The networking account may sit outside the team's organization; RAM then sends an invitation.
      allowExternalPrincipals: true,
      clientToken: clientToken(execution, `share-${team.name}`),
      tags: orchestratorTags(execution, 'vpc-origin-share', migrationId).map((t) => ({ key: t.Key, value: t.Value })),
    }),
  );
  if (!out.resourceShare?.resourceShareArn) throw new WorkflowError(ErrorNames.UnexpectedResponse, 'CreateResourceShare returned no share');
  return { shareArn: out.resourceShare.resourceShareArn, created: true };
});
