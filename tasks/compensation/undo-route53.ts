/**
 * Undo step for Route 53: put the tracked records back exactly as they were (values and TTL), but only
 * records that still answer what they answered before or what this execution set (`ours`): a record
 * someone else changed meanwhile is theirs now, and is left as it is (said in the undo's note).
 */
import { GetChangeCommand, type Change, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { PollProfiles } from '../../domain/polling';
import { defineUndoTask, type UndoImpl } from '../lib/undo';
import { answersOf, changeByZone, currentRecord, fqdn, route53, type TrackedRecord } from '../dns/route53-client';

/** A record as Route 53 answers it or as the baseline tracked it (its type a plain string there). */
type RecordLike = (Omit<Partial<ResourceRecordSet>, 'Type'> & { Type?: string }) | null | undefined;
function same(a: RecordLike, b: RecordLike): boolean {
  const norm = (r: RecordLike) =>
    r && JSON.stringify({ Name: fqdn(r.Name ?? ''), Type: r.Type, TTL: r.TTL, ResourceRecords: r.ResourceRecords, AliasTarget: r.AliasTarget });
  return norm(a) === norm(b);
}

const restoreRecords: UndoImpl = {
  async apply({ records, migrationId, ours }: { records: TrackedRecord[]; migrationId: string; ours?: string[] }) {
    const changes: Array<{ hostedZoneId: string; change: Change }> = [];
    const theirs: string[] = [];
    // A record is this execution's to restore when it answers what it did before, or only values (or the alias) this execution sets.
    const setByUs = (now: NonNullable<Awaited<ReturnType<typeof currentRecord>>>) => {
      const values = now.AliasTarget ? [answersOf(now)] : (now.ResourceRecords ?? []).map((v) => v.Value ?? '');
      return values.length > 0 && values.every((v) => ours!.includes(v));
    };
    for (const r of records) {
      const now = await currentRecord(r.hostedZoneId, r.name, r.type);
      if (same(now, r.before)) continue;
      if (ours && now && answersOf(now) !== answersOf(r.before) && !setByUs(now)) {
        theirs.push(`${fqdn(r.name)} ${r.type} (now ${answersOf(now)})`);
        continue;
      }
      if (!r.before) changes.push({ hostedZoneId: r.hostedZoneId, change: { Action: 'DELETE', ResourceRecordSet: now! } });
      else changes.push({ hostedZoneId: r.hostedZoneId, change: { Action: 'UPSERT', ResourceRecordSet: r.before as never } });
    }
    const left = theirs.length ? `; changed by someone else meanwhile, left as it is: ${theirs.join(', ')}` : '';
    if (changes.length === 0) return { done: true, note: `records already as before${left}` };
    const submitted = await changeByZone(changes, `byoip-orchestrator ${migrationId}: roll back DNS`);
    return {
      done: false,
      next: 'check',
      profile: PollProfiles.dnsChange,
      progress: { changeIds: submitted.map((s) => s.changeId), ...(left ? { left } : {}) },
    };
  },
  async check(_params: unknown, progress) {
    for (const id of (progress?.changeIds as string[]) ?? []) {
      const out = await route53().send(new GetChangeCommand({ Id: id }));
      if (out.ChangeInfo?.Status !== 'INSYNC') return { done: false, next: 'check', profile: PollProfiles.dnsChange, progress };
    }
    return { done: true, note: `INSYNC${(progress?.left as string | undefined) ?? ''}` };
  },
};

/** The undo actions this task implements (intents in the workflows name them). */
export const undoActions: Record<string, UndoImpl> = { 'Route53.RestoreRecords': restoreRecords };

export const handler = defineUndoTask('UndoRoute53', 'Route53', undoActions);
