/**
 * Compares the notification's synctoken with the last applied one (durable, in the state table):
 * a replayed or out-of-order notification stops here, before anything is fetched or changed. The
 * notification's md5 is recorded for its token first, so an on-demand run of that version checks the
 * document against it too.
 */
import * as z from 'zod';
import { tokenVerdict } from '../../domain/origin-ranges';
import { defineTask } from '../lib/handler';
import { lastApplied, recordNotified } from './sync-token-store';

const Event = z.object({
  syncName: z.string(),
  trigger: z.union([
    z.object({ kind: z.literal('notification'), notification: z.object({ syncToken: z.number(), md5: z.string(), messageId: z.string() }).passthrough() }),
    z.object({ kind: z.literal('on-demand') }),
  ]),
});

export const handler = defineTask('CheckSyncToken', Event, async (input) => {
  if (input.trigger.kind === 'notification') {
    const n = input.trigger.notification;
    await recordNotified(input.syncName, { syncToken: n.syncToken, md5: n.md5, messageId: n.messageId, notifiedAt: Date.now() });
  }
  const last = await lastApplied(input.syncName);
  const token = input.trigger.kind === 'notification' ? input.trigger.notification.syncToken : null;
  const verdict = tokenVerdict(input.trigger, token, last?.syncToken ?? null);
  return {
    lastApplied: last?.syncToken ?? null,
    lastAppliedMd5: last?.md5 ?? null,
    lastAppliedAt: last ? new Date(last.appliedAt).toISOString() : null,
    lastAppliedRanges: last?.ranges ?? null,
    skip: !verdict.apply,
    reason: verdict.reason,
  };
});
