/**
 * Before asking a human: confirm everything is staged (list Deployed and attached, distributions
 * Deployed, CIDRs provisioned and not yet advertised) and write the exact change plan to approve.
 */
import { GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import { z } from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { cloudfront } from '../cloudfront/cloudfront-client';
import { TrackedRecord } from '../dns/route53-client';
import { byoipCidrs } from '../ipam/ipam-client';

const Event = z.object({
  migrationId: z.string(),
  region: z.string(),
  cidrs: z.array(z.string()),
  anycastIpListId: z.string(),
  anycastIps: z.array(z.string()).length(3),
  distributionIds: z.array(z.string()),
  records: z.array(TrackedRecord),
  cutoverTtl: z.number(),
  approvers: z.array(z.string()),
});

export const handler = defineTask('PlanOnboardCutover', Event, async (input) => {
  const problems: string[] = [];
  for (const id of input.distributionIds) {
    const d = (await cloudfront().send(new GetDistributionCommand({ Id: id }))).Distribution;
    if (d?.DistributionConfig?.AnycastIpListId !== input.anycastIpListId) problems.push(`${id} does not use list ${input.anycastIpListId}`);
    if (d?.Status !== 'Deployed') problems.push(`${id} is ${d?.Status}`);
  }
  const byoip = await byoipCidrs(input.region);
  for (const c of input.cidrs) {
    const state = byoip.get(c)?.State;
    if (state !== 'provisioned' && state !== 'advertised') problems.push(`${c} is ${state ?? 'not a BYOIP CIDR'}`);
  }
  if (problems.length) throw new WorkflowError(ErrorNames.ResourceFailed, `not ready to advertise: ${problems.join('; ')}`);
  const values = (r: z.infer<typeof TrackedRecord>) => r.before?.AliasTarget ? `alias ${r.before.AliasTarget.DNSName}` : (r.before?.ResourceRecords ?? []).map((v) => v.Value).join(', ') || '(none)';
  return {
    title: `Advertise ${input.cidrs.join(', ')} from CloudFront and move ${input.records.length} DNS record(s) (${input.migrationId})`,
    approvers: input.approvers,
    changes: [
      ...input.cidrs.map((c) => ({ kind: 'advertise', target: c, from: byoip.get(c)?.State ?? 'provisioned', to: 'advertised by AWS (origin ASN AWS)' })),
      ...input.records.map((r) => ({ kind: 'dns', target: `${r.name} ${r.type} (${r.hostedZoneId})`, from: `${values(r)} TTL ${r.before?.TTL ?? '-'}`, to: `${input.anycastIps.join(', ')} TTL ${input.cutoverTtl}` })),
    ],
    context: { anycastIpListId: input.anycastIpListId, anycastIps: input.anycastIps, distributions: input.distributionIds },
    prerequisite: 'The previous provider must withdraw these prefixes at the same moment AWS starts advertising them.',
  };
});
