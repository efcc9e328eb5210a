/**
 * Reads the record sets a workflow will change (values and TTLs: the baseline compensation restores),
 * or checks them: that they answer exactly `expectValues`, or that none answers any of `forbidValues`.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { nearestNames } from '../../domain/names';
import { answersOf, currentRecord, fqdn, zoneRecordNames, type TrackedRecord } from './route53-client';

const Event = z.object({
  records: z.array(z.object({ hostedZoneId: z.string(), name: z.string(), type: z.string(), create: z.boolean().optional() }).passthrough()),
  inputPath: z.string().default('dns.records'),
  /** Every record must exist with its type unless it says `create: true` (a misspelt name must not become a new record). */
  requireExisting: z.boolean().default(false),
  expectValues: z.array(z.string()).optional(),
  forbidValues: z.array(z.string()).optional(),
  /**
   * After the approval: each record must still answer what it answered when the plan was made (the TTL
   * may be the lowered one), else the world changed since the plan (PlanChanged).
   */
  unchangedFrom: z.array(z.object({ name: z.string(), type: z.string(), before: z.any() }).passthrough()).optional(),
});

export const handler = defineTask('InspectDnsRecords', Event, async (input) => {
  const records: Array<Omit<TrackedRecord, 'before'> & { before: Awaited<ReturnType<typeof currentRecord>> }> = [];
  const problems: string[] = [];
  const missing: Array<{ i: number; r: (typeof input.records)[number] }> = [];
  for (const [i, r] of input.records.entries()) {
    let before;
    try {
      before = (await currentRecord(r.hostedZoneId, r.name, r.type)) ?? null;
    } catch (e) {
      if ((e as Error).name === 'NoSuchHostedZone')
        throw new WorkflowError(
          ErrorNames.InputInvalid,
          `input.${input.inputPath}[${i}].hostedZoneId: hosted zone ${r.hostedZoneId} does not exist in this account`,
        );
      throw e;
    }
    if (before === null && input.requireExisting && !r.create) missing.push({ i, r });
    records.push({ hostedZoneId: r.hostedZoneId, name: r.name, type: r.type, before });
    const values = (before?.ResourceRecords ?? []).map((v) => v.Value!).sort();
    if (input.expectValues && JSON.stringify(values) !== JSON.stringify([...input.expectValues].sort()))
      problems.push(`${r.name} answers ${values.join(', ') || 'nothing'}`);
    const still = values.filter((v) => input.forbidValues?.includes(v));
    if (still.length) {
      throw new WorkflowError(ErrorNames.SafetyViolation, `${r.name} still answers ${still.join(', ')}; move DNS away before going on`);
    }
  }
  if (input.unchangedFrom) {
    const changed = input.unchangedFrom.flatMap((was) => {
      const now = records.find((r) => fqdn(r.name) === fqdn(was.name) && r.type === was.type);
      return answersOf(now?.before) === answersOf(was.before)
        ? []
        : [`${fqdn(was.name)} ${was.type} now answers ${answersOf(now?.before)} (the plan had ${answersOf(was.before)})`];
    });
    if (changed.length) throw new WorkflowError(ErrorNames.PlanChanged, `changed since the plan was approved: ${changed.join('; ')}`);
  }
  if (missing.length) {
    const zones = new Map<string, Array<{ name: string; type: string }>>();
    for (const { r } of missing) if (!zones.has(r.hostedZoneId)) zones.set(r.hostedZoneId, await zoneRecordNames(r.hostedZoneId));
    const lines = missing.map(({ i, r }) => {
      const inZone = zones.get(r.hostedZoneId)!;
      const otherTypes = inZone.filter((x) => x.name === fqdn(r.name)).map((x) => x.type);
      if (otherTypes.length)
        return `input.${input.inputPath}[${i}]: ${fqdn(r.name)} has no ${r.type} record in zone ${r.hostedZoneId} (it has ${otherTypes.join(', ')})`;
      const closest = nearestNames(
        fqdn(r.name),
        inZone.filter((x) => x.type === r.type).map((x) => x.name),
      );
      return `input.${input.inputPath}[${i}].name: ${fqdn(r.name)} does not exist in zone ${r.hostedZoneId}${closest.length ? `; closest ${r.type} records: ${closest.join(', ')}` : ''}`;
    });
    throw new WorkflowError(
      ErrorNames.InputInvalid,
      `${lines.join('; ')} (nothing was changed; a new name is created only when its record says "create": true)`,
    );
  }
  if (problems.length) throw new WorkflowError(ErrorNames.ResourceFailed, problems.join('; '));
  return { records };
});
