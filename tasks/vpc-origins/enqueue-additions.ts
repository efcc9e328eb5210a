/** Queues this execution's ready origin additions for the distribution's next writer (state table). */
import * as z from 'zod';
import { ExecutionRef } from '../lib/common';
import { defineTask } from '../lib/handler';
import { PreparedTeam, toAddition } from './additions';
import { enqueue } from './origin-queue';

const QUEUE_TTL_SECONDS = 2 * 86_400;

const Event = z.object({ distributionId: z.string(), teams: z.array(PreparedTeam).min(1), execution: ExecutionRef });

export const handler = defineTask('EnqueueOriginAdditions', Event, async ({ distributionId, teams, execution }) => {
  const state = await enqueue(distributionId, execution.name, teams.map(toAddition), QUEUE_TTL_SECONDS);
  return { state, teams: teams.length };
});
