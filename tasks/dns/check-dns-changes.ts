/** Poll: Route 53 changes reaching INSYNC on every authoritative server. */
import { GetChangeCommand } from '@aws-sdk/client-route-53';
import * as z from 'zod';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { route53 } from './route53-client';

const Event = z.object({ changes: z.array(z.object({ changeId: z.string() }).passthrough()), ...PollFields });

export const handler = defineTask('CheckDnsChanges', Event, async (input) => {
  const statuses: Record<string, string> = {};
  for (const c of input.changes) {
    const out = await route53().send(new GetChangeCommand({ Id: c.changeId }));
    statuses[c.changeId] = out.ChangeInfo?.Status ?? 'UNKNOWN';
  }
  const done = Object.values(statuses).every((s) => s === 'INSYNC');
  return pollResult(input, done, `DNS changes ${Object.keys(statuses).join(', ') || '(none)'}`, { statuses });
});
