/**
 * Poll: is it this execution's turn to write the distribution? Done when another writer already
 * deployed its additions (no write needed), or when nobody holds the distribution's lease (take it
 * and write). A rejected addition fails with the writer's reason.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { ExecutionRef, PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { lockHolder } from '../../platform/state-table';
import { get } from './origin-queue';

const Event = z.object({ distributionId: z.string(), lockResource: z.string(), execution: ExecutionRef, ...PollFields });

export const handler = defineTask('CheckDistributionTurn', Event, async (input) => {
  const item = await get(input.distributionId, input.execution.name);
  if (!item) throw new WorkflowError(ErrorNames.UnexpectedResponse, `the queued additions of ${input.execution.name} for ${input.distributionId} are gone`);
  if (item.state === 'rejected') throw new WorkflowError(ErrorNames.ResourceFailed, `${input.distributionId} cannot take these origins: ${item.reason}`);
  if (item.state === 'deployed')
    return pollResult(input, true, `turn on ${input.distributionId}`, { mustWrite: false, state: item.state, deployedBy: item.appliedBy ?? null });
  const holder = await lockHolder(input.lockResource);
  const free = !holder || holder.owner === input.execution.name;
  return pollResult(input, free, `turn on ${input.distributionId} (held by ${holder?.owner})`, {
    mustWrite: free,
    state: item.state,
    holder: holder?.owner ?? null,
  });
});
