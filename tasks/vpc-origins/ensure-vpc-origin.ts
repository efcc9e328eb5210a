/**
 * In the team's account: the VPC origin for the team's internal ALB, HTTPS only. A re-run (or a
 * team that made it already) finds the one for the ALB; one with the same name for another ALB, or
 * with other protocols, is a conflict, not a reuse. Created origins carry the execution's tags.
 */
import { CreateVpcOriginCommand } from '@aws-sdk/client-cloudfront';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { ExecutionRef, orchestratorTags } from '../lib/common';
import { defineTask } from '../lib/handler';
import { cloudfrontAs, findTeamVpcOrigin, getVpcOrigin, TeamRef } from './clients';

const Event = z.object({
  team: TeamRef.extend({ albArn: z.string(), httpsPort: z.number().int() }),
  migrationId: z.string(),
  execution: ExecutionRef,
});

export const handler = defineTask('EnsureVpcOrigin', Event, async ({ team, migrationId, execution }) => {
  const cf = cloudfrontAs(team.roleArn);
  const reuse = async () => {
    const found = await findTeamVpcOrigin(cf, team);
    if (!found) return undefined;
    const full = (await getVpcOrigin(cf, found.Id!))?.VpcOrigin;
    const cfg = full?.VpcOriginEndpointConfig;
    if (cfg?.Arn !== team.albArn) {
      throw new WorkflowError(
        ErrorNames.InputInvalid,
        `${team.name}: VPC origin ${found.Id} is named ${team.vpcOriginName} but points at ${cfg?.Arn}, not ${team.albArn}; choose another vpcOriginName`,
      );
    }
    if (cfg.OriginProtocolPolicy !== 'https-only' || cfg.HTTPSPort !== team.httpsPort) {
      throw new WorkflowError(
        ErrorNames.InputInvalid,
        `${team.name}: the ALB already has VPC origin ${found.Id} with ${cfg.OriginProtocolPolicy} on port ${cfg.HTTPSPort}; this workflow shares HTTPS-only origins on ${team.httpsPort}`,
      );
    }
    return { vpcOriginId: found.Id!, vpcOriginArn: found.Arn!, created: false, status: found.Status };
  };
  const existing = await reuse();
  if (existing) return existing;
  try {
    const out = await cf.send(
      new CreateVpcOriginCommand({
        VpcOriginEndpointConfig: {
          Name: team.vpcOriginName,
          Arn: team.albArn,
          HTTPPort: 80,
          HTTPSPort: team.httpsPort,
          OriginProtocolPolicy: 'https-only',
          OriginSslProtocols: { Quantity: 1, Items: ['TLSv1.2'] },
        },
        Tags: { Items: orchestratorTags(execution, 'vpc-origin', migrationId) },
      }),
    );
    const v = out.VpcOrigin;
    if (!v?.Id || !v.Arn) throw new WorkflowError(ErrorNames.UnexpectedResponse, 'CreateVpcOrigin returned no VPC origin');
    return { vpcOriginId: v.Id, vpcOriginArn: v.Arn, created: true, status: v.Status };
  } catch (e) {
    // An earlier attempt whose response was lost created it: find that one.
    if ((e as Error).name === 'EntityAlreadyExists') {
      const again = await reuse();
      if (again) return { ...again, created: true };
    }
    throw e;
  }
});
