/**
 * Compares the notification's synctoken with the last applied one (durable, in the state table):
 * a replayed or out-of-order notification stops here, before anything is fetched or changed.
 */
import * as z from 'zod';
import { tokenVerdict } from '../../domain/origin-ranges';
import { defineTask } from '../lib/handler';
import { lastApplied } from './sync-token-store';

const Event = z.object({
  syncName: z.string(),
  trigger: z.union([
    z.object({ kind: z.literal('notification'), notification: z.object({ syncToken: z.number() }).passthrough() }),
    z.object({ kind: z.literal('on-demand') }),
  ]),
});

export const handler = defineTask('CheckSyncToken', Event, async (input) => {
  const last = await lastApplied(input.syncName);
  const token = input.trigger.kind === 'notification' ? input.trigger.notification.syncToken : null;
  const verdict = tokenVerdict(input.trigger, token, last?.syncToken ?? null);
  return { lastApplied: last?.syncToken ?? null, lastAppliedAt: last ? new Date(last.appliedAt).toISOString() : null, skip: !verdict.apply, reason: verdict.reason };
});
