/** Points the records at the anycast IPs (A records, TTL = cutoverTtl). */
import type { Change } from '@aws-sdk/client-route-53';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { changeByZone, fqdn, TrackedRecord } from './route53-client';

const Event = z.object({
  records: z.array(TrackedRecord).min(1),
  values: z.array(z.string()).min(1),
  ttl: z.number().int().positive(),
  migrationId: z.string(),
});

export const handler = defineTask('CutoverDnsRecords', Event, async (input) => {
  const changes: Array<{ hostedZoneId: string; change: Change }> = input.records.map((r) => ({
    hostedZoneId: r.hostedZoneId,
    change: {
      Action: 'UPSERT',
      ResourceRecordSet: { Name: fqdn(r.name), Type: 'A', TTL: input.ttl, ResourceRecords: input.values.map((Value) => ({ Value })) },
    },
  }));
  const submitted = await changeByZone(changes, `byoip-orchestrator ${input.migrationId}: cut over to anycast IPs`);
  return { changes: submitted, values: input.values };
});
