/** After the watch period, puts the records' original TTL back (keeping the new values). */
import type { Change } from '@aws-sdk/client-route-53';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { changeByZone, currentRecord, fqdn, TrackedRecord } from './route53-client';

const Event = z.object({ records: z.array(TrackedRecord).min(1), migrationId: z.string() });

export const handler = defineTask('RestoreDnsTtl', Event, async (input) => {
  const changes: Array<{ hostedZoneId: string; change: Change }> = [];
  for (const r of input.records) {
    const originalTtl = r.before?.TTL;
    if (!originalTtl) continue;
    const now = await currentRecord(r.hostedZoneId, r.name, r.type);
    if (!now || now.AliasTarget || now.TTL === originalTtl) continue;
    changes.push({ hostedZoneId: r.hostedZoneId, change: { Action: 'UPSERT', ResourceRecordSet: { ...now, Name: fqdn(r.name), TTL: originalTtl } } });
  }
  const submitted = changes.length ? await changeByZone(changes, `byoip-orchestrator ${input.migrationId}: restore TTL`) : [];
  return { changes: submitted, restored: changes.length };
});
