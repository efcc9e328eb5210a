/** Route 53 helpers shared by the DNS tasks and their undo steps. */
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client, type Change, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import * as z from 'zod';
import { client } from '../../platform/aws';

export const route53 = () => client(Route53Client, { region: 'us-east-1' });

export const RRSetSchema = z
  .object({
    Name: z.string(),
    Type: z.string(),
    TTL: z.number().optional(),
    SetIdentifier: z.string().optional(),
    ResourceRecords: z.array(z.object({ Value: z.string() })).optional(),
    AliasTarget: z.object({ HostedZoneId: z.string(), DNSName: z.string(), EvaluateTargetHealth: z.boolean() }).optional(),
  })
  .passthrough();

/** A record the workflow changes, with its record set before the migration (null: it did not exist). */
export const TrackedRecord = z.object({ hostedZoneId: z.string(), name: z.string(), type: z.string(), before: RRSetSchema.nullable() });
export type TrackedRecord = z.infer<typeof TrackedRecord>;

// One definition of a record's name and answers, in the domain; the DNS tasks use them from here.
import { answersOf, fqdn } from '../../domain/names';
export { answersOf, fqdn };

/** The current record set for name/type (simple routing: no SetIdentifier), or null. */
export async function currentRecord(hostedZoneId: string, name: string, type: string): Promise<ResourceRecordSet | null> {
  const out = await route53().send(
    new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, StartRecordName: fqdn(name), StartRecordType: type as never, MaxItems: 1 }),
  );
  const r = out.ResourceRecordSets?.[0];
  return r && fqdn(r.Name ?? '') === fqdn(name) && r.Type === type && !r.SetIdentifier ? r : null;
}

/** Every record set's name and type in a zone, all pages (for "closest existing names" in errors). */
export async function zoneRecordNames(hostedZoneId: string): Promise<Array<{ name: string; type: string }>> {
  const out: Array<{ name: string; type: string }> = [];
  let start: { StartRecordName?: string; StartRecordType?: string; StartRecordIdentifier?: string } = {};
  for (let page = 0; page < 100; page++) {
    const r = await route53().send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, ...(start as object) }));
    for (const s of r.ResourceRecordSets ?? []) out.push({ name: fqdn(s.Name ?? ''), type: s.Type ?? '' });
    if (!r.IsTruncated) break;
    start = { StartRecordName: r.NextRecordName, StartRecordType: r.NextRecordType, StartRecordIdentifier: r.NextRecordIdentifier };
  }
  return out;
}

/** Applies changes zone by zone (each zone's batch is atomic); returns the change ids. */
export async function changeByZone(changes: Array<{ hostedZoneId: string; change: Change }>, comment: string) {
  const zones = [...new Set(changes.map((c) => c.hostedZoneId))];
  const out: Array<{ hostedZoneId: string; changeId: string }> = [];
  for (const zone of zones) {
    const batch = changes.filter((c) => c.hostedZoneId === zone).map((c) => c.change);
    const res = await route53().send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone, ChangeBatch: { Comment: comment, Changes: batch } }));
    out.push({ hostedZoneId: zone, changeId: res.ChangeInfo!.Id! });
  }
  return out;
}
