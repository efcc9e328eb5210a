/**
 * After the watch period: the CIDRs are still advertised, the records answer with the anycast IPs,
 * and every distribution still uses the list. A failure here rolls the migration back.
 */
import { GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import { z } from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { cloudfront } from '../cloudfront/cloudfront-client';
import { currentRecord } from '../dns/route53-client';
import { byoipCidrs } from '../ipam/ipam-client';

const Event = z.object({
  region: z.string(),
  cidrs: z.array(z.string()),
  anycastIpListId: z.string(),
  anycastIps: z.array(z.string()),
  distributionIds: z.array(z.string()),
  records: z.array(z.object({ hostedZoneId: z.string(), name: z.string(), type: z.string() }).passthrough()),
});

export const handler = defineTask('VerifyCutover', Event, async (input) => {
  const problems: string[] = [];
  const byoip = await byoipCidrs(input.region);
  for (const c of input.cidrs) if (byoip.get(c)?.State !== 'advertised') problems.push(`${c} is ${byoip.get(c)?.State ?? 'gone'}`);
  for (const r of input.records) {
    const now = await currentRecord(r.hostedZoneId, r.name, r.type);
    const values = (now?.ResourceRecords ?? []).map((v) => v.Value).sort();
    if (JSON.stringify(values) !== JSON.stringify([...input.anycastIps].sort())) problems.push(`${r.name} answers ${values.join(', ') || 'nothing'}`);
  }
  for (const id of input.distributionIds) {
    const d = (await cloudfront().send(new GetDistributionCommand({ Id: id }))).Distribution;
    if (d?.DistributionConfig?.AnycastIpListId !== input.anycastIpListId) problems.push(`${id} no longer uses ${input.anycastIpListId}`);
  }
  if (problems.length) throw new WorkflowError(ErrorNames.ResourceFailed, `cutover verification failed: ${problems.join('; ')}`);
  return { verified: true, cidrs: input.cidrs, anycastIps: input.anycastIps };
});
