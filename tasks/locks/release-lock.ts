/** Releases this execution's leases (no-op for leases it no longer holds). */
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { releaseLock } from '../../platform/state-table';

const Event = z.object({ resources: z.array(z.string().min(1)), owner: z.string().min(1) });

export const handler = defineTask('ReleaseLock', Event, async (input) => {
  const released: string[] = [];
  for (const resource of input.resources) if (await releaseLock(resource, input.owner)) released.push(resource);
  return { released };
});
