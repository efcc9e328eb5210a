/**
 * The first teardown step, under the distribution's lock: remove the teams' origins (those pointing at
 * their VPC origins), every behaviour targeting them and their aliases, in one read-modify-write with
 * IfMatch; with "disable", the same change also disables the distribution. Nothing left: no update.
 * Disabling, or removing an alias, changes what the internet sees: only with a recorded approval.
 */
import { GetDistributionConfigCommand, UpdateDistributionCommand, type DistributionConfig } from '@aws-sdk/client-cloudfront';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { removeTeams } from '../../domain/vpc-origins';
import { ChangeAuthority, requireAuthority } from '../lib/change-authority';
import { ExecutionRef, present } from '../lib/common';
import { defineTask } from '../lib/handler';
import { lockHolder } from '../../platform/state-table';
import { cloudfrontHere } from './clients';

const Event = z.object({
  distributionId: z.string(),
  lockResource: z.string(),
  execution: ExecutionRef,
  vpcOriginIds: z.array(z.string()),
  aliases: z.array(z.string()),
  disable: z.boolean(),
  ...ChangeAuthority,
});

export const handler = defineTask('DetachTeamOrigins', Event, async (input) => {
  const holder = await lockHolder(input.lockResource);
  if (holder?.owner !== input.execution.name) throw new WorkflowError(ErrorNames.ResourceLocked, `${input.execution.name} does not hold ${input.lockResource}`);
  const cf = cloudfrontHere();
  const current = await cf.send(new GetDistributionConfigCommand({ Id: input.distributionId }));
  const out = removeTeams(present(current.DistributionConfig, `GetDistributionConfig ${input.distributionId}: DistributionConfig`), [
    { vpcOriginIds: input.vpcOriginIds, aliases: input.aliases },
  ]);
  if (out.blocked.length) throw new WorkflowError(ErrorNames.SafetyViolation, `cannot detach from ${input.distributionId}: ${out.blocked.join('; ')}`);
  const disable = input.disable && out.config.Enabled !== false;
  if (disable) requireAuthority(input, `disable distribution ${input.distributionId}`);
  if (out.removedAliases.length) requireAuthority(input, `remove ${out.removedAliases.join(', ')} from distribution ${input.distributionId}`);
  const next = disable ? { ...out.config, Enabled: false } : out.config;
  if (out.changed || disable) {
    await cf.send(new UpdateDistributionCommand({ Id: input.distributionId, IfMatch: current.ETag, DistributionConfig: next as DistributionConfig }));
  }
  return {
    changed: out.changed || disable,
    removedOrigins: out.removedOrigins,
    removedBehaviors: out.removedBehaviors,
    removedAliases: out.removedAliases,
    disabled: disable,
  };
});
