/**
 * Lowers the TTL of the records about to be cut over (same values, TTL = cutoverTtl), and says how
 * long resolvers may still cache the old answers: the largest old TTL, which the workflow waits out.
 */
import type { Change } from '@aws-sdk/client-route-53';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { changeByZone, TrackedRecord } from './route53-client';

const ALIAS_TTL = 60; // alias answers carry the target's TTL (60 s for CloudFront and ELB)

const Event = z.object({ records: z.array(TrackedRecord).min(1), cutoverTtl: z.number().int().positive(), migrationId: z.string() });

export const handler = defineTask('LowerDnsTtl', Event, async (input) => {
  const changes: Array<{ hostedZoneId: string; change: Change }> = [];
  let waitSeconds = 0;
  for (const r of input.records) {
    if (!r.before) continue;
    const oldTtl = r.before.AliasTarget ? ALIAS_TTL : (r.before.TTL ?? 0);
    waitSeconds = Math.max(waitSeconds, oldTtl);
    if (r.before.AliasTarget || oldTtl <= input.cutoverTtl) continue;
    changes.push({ hostedZoneId: r.hostedZoneId, change: { Action: 'UPSERT', ResourceRecordSet: { ...r.before, TTL: input.cutoverTtl } as never } });
  }
  const submitted = changes.length ? await changeByZone(changes, `byoip-orchestrator ${input.migrationId}: lower TTL before cutover`) : [];
  return { changes: submitted, lowered: changes.length, waitSeconds };
});
