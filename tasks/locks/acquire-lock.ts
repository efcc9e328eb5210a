/**
 * Takes a lease on resources (CIDRs, a distribution, an ASN) for this execution: one writer at a time,
 * by a conditional write, not by luck. Another holder → ResourceLocked (fail fast). As a poll check
 * (with `wait: true` and poll fields) it instead reports "not yet" until the holder lets go, so the
 * workflow waits in a Wait state.
 */
import * as z from 'zod';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { acquireLock, releaseLock } from '../../platform/state-table';

const Event = z.object({
  resources: z.array(z.string().min(1)).min(1),
  owner: z.string().min(1),
  leaseSeconds: z
    .number()
    .int()
    .positive()
    .max(30 * 86_400),
  purpose: z.string().optional(),
  wait: z.boolean().default(false),
  poll: PollFields.poll.optional(),
  profile: PollFields.profile.optional(),
});

export const handler = defineTask('AcquireLock', Event, async (input) => {
  const held = [];
  try {
    // Always in the same order, so two executions wanting overlapping sets can't deadlock.
    for (const resource of [...input.resources].sort())
      held.push({ resource, ...(await acquireLock(resource, input.owner, input.leaseSeconds, input.purpose)) });
  } catch (e) {
    if ((e as Error).name !== 'ResourceLocked' || !input.wait || !input.poll || !input.profile) throw e;
    // Give back what this attempt took, so the holder of the rest isn't blocked by us.
    for (const h of held) await releaseLock(h.resource, input.owner);
    return pollResult({ poll: input.poll, profile: input.profile }, false, `locks on ${input.resources.join(', ')}`, {
      locks: [],
      blockedBy: (e as Error).message,
    });
  }
  if (input.poll && input.profile) return pollResult({ poll: input.poll, profile: input.profile }, true, 'locks', { locks: held, blockedBy: null });
  return { locks: held };
});
