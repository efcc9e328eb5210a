/**
 * Takes a lease on a resource (a CIDR, a distribution, an ASN) for this execution: one writer at a
 * time, by a conditional write, not by luck. Fails with ResourceLocked when another execution holds it;
 * a workflow either fails fast on that or waits and retries (its choice, in the ASL).
 */
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { acquireLock } from '../lib/state-table';

const Event = z.object({
  resources: z.array(z.string().min(1)).min(1),
  owner: z.string().min(1),
  leaseSeconds: z.number().int().positive().max(30 * 86_400),
  purpose: z.string().optional(),
});

export const handler = defineTask('AcquireLock', Event, async (input) => {
  const held = [];
  // Always in the same order, so two executions wanting the same set can't deadlock.
  for (const resource of [...input.resources].sort()) held.push({ resource, ...(await acquireLock(resource, input.owner, input.leaseSeconds, input.purpose)) });
  return { locks: held };
});
