/**
 * Reads the record sets a workflow will change (values and TTLs: the baseline compensation restores),
 * or checks them: that they answer exactly `expectValues`, or that none answers any of `forbidValues`.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { currentRecord } from './route53-client';

const Event = z.object({
  records: z.array(z.object({ hostedZoneId: z.string(), name: z.string(), type: z.string() }).passthrough()),
  inputPath: z.string().default('dns.records'),
  expectValues: z.array(z.string()).optional(),
  forbidValues: z.array(z.string()).optional(),
});

export const handler = defineTask('InspectDnsRecords', Event, async (input) => {
  const records = [];
  const problems: string[] = [];
  for (const [i, r] of input.records.entries()) {
    let before;
    try {
      before = (await currentRecord(r.hostedZoneId, r.name, r.type)) ?? null;
    } catch (e) {
      if ((e as Error).name === 'NoSuchHostedZone') throw new WorkflowError(ErrorNames.InputInvalid, `input.${input.inputPath}[${i}].hostedZoneId: hosted zone ${r.hostedZoneId} does not exist in this account`);
      throw e;
    }
    records.push({ hostedZoneId: r.hostedZoneId, name: r.name, type: r.type, before });
    const values = (before?.ResourceRecords ?? []).map((v) => v.Value!).sort();
    if (input.expectValues && JSON.stringify(values) !== JSON.stringify([...input.expectValues].sort())) problems.push(`${r.name} answers ${values.join(', ') || 'nothing'}`);
    const still = values.filter((v) => input.forbidValues?.includes(v));
    if (still.length) {
      throw new WorkflowError(ErrorNames.SafetyViolation, `${r.name} still answers ${still.join(', ')}; move DNS away before going on`);
    }
  }
  if (problems.length) throw new WorkflowError(ErrorNames.ResourceFailed, problems.join('; '));
  return { records };
});
