/** Poll: an IPAM pool reaching create-complete (or, for deletes, being gone). */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { describePool } from './ipam-client';

const Event = z.object({ region: z.string(), poolId: z.string(), target: z.enum(['create-complete', 'deleted']).default('create-complete'), ...PollFields });

export const handler = defineTask('CheckIpamPool', Event, async (input) => {
  const pool = await describePool(input.region, input.poolId);
  const state = pool?.State ?? 'deleted';
  if (state === 'create-failed' || state === 'delete-failed') {
    throw new WorkflowError(ErrorNames.ResourceFailed, `IPAM pool ${input.poolId} is ${state}: ${pool?.StateMessage ?? 'no message'}`);
  }
  const done = input.target === 'deleted' ? state === 'deleted' || state === 'delete-complete' : state === 'create-complete';
  return pollResult(input, done, `IPAM pool ${input.poolId}`, { state });
});
