/**
 * Queues this execution's ready origin additions for the distribution's next writer (state table). A
 * team not attached before is a new origin on the shared distribution: only with this execution's approval.
 */
import * as z from 'zod';
import { ChangeAuthority, requireAuthority } from '../lib/change-authority';
import { ExecutionRef } from '../lib/common';
import { defineTask } from '../lib/handler';
import { PreparedTeam, toAddition } from './additions';
import { enqueue } from './origin-queue';

const QUEUE_TTL_SECONDS = 2 * 86_400;

const Event = z.object({
  distributionId: z.string(),
  teams: z.array(PreparedTeam).min(1),
  execution: ExecutionRef,
  attachedBefore: z.array(z.string()).default([]),
  ...ChangeAuthority,
});

export const handler = defineTask('EnqueueOriginAdditions', Event, async (input) => {
  const { distributionId, teams, execution } = input;
  const fresh = teams.filter((t) => !input.attachedBefore.includes(t.team));
  if (fresh.length) requireAuthority(input, `add ${fresh.map((t) => t.team).join(', ')} to distribution ${distributionId}`);
  const state = await enqueue(distributionId, execution.name, teams.map(toAddition), QUEUE_TTL_SECONDS);
  return { state, teams: teams.length };
});
