/**
 * This execution's additions are deployed (by itself or another writer) and still in the config:
 * each team's origin (its VPC origin), its behaviour, its host. Then its queue item is removed.
 */
import { GetDistributionConfigCommand } from '@aws-sdk/client-cloudfront';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { teamAttached } from '../../domain/vpc-origins';
import { ExecutionRef, present } from '../lib/common';
import { defineTask } from '../lib/handler';
import { PreparedTeam } from './additions';
import { cloudfrontHere } from './clients';
import { get, remove } from './origin-queue';

const Event = z.object({ distributionId: z.string(), teams: z.array(PreparedTeam), execution: ExecutionRef });

export const handler = defineTask('ConfirmOriginsAttached', Event, async ({ distributionId, teams, execution }) => {
  const item = await get(distributionId, execution.name);
  if (item && item.state !== 'deployed')
    throw new WorkflowError(
      ErrorNames.UnexpectedResponse,
      `the additions of ${execution.name} are ${item.state}${item.reason ? `: ${item.reason}` : ''}, not deployed`,
    );
  const config = present(
    (await cloudfrontHere().send(new GetDistributionConfigCommand({ Id: distributionId }))).DistributionConfig,
    `GetDistributionConfig ${distributionId}: DistributionConfig`,
  );
  const missing = teams.filter((t) => !teamAttached(config, t)).map((t) => t.team);
  if (missing.length)
    throw new WorkflowError(
      ErrorNames.ResourceFailed,
      `${distributionId} no longer routes ${missing.join(', ')} (changed by someone else after the deployment?)`,
    );
  if (item) await remove(distributionId, execution.name);
  return { attached: teams.map((t) => t.team), deployedBy: item?.appliedBy ?? null };
});
