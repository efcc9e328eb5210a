/**
 * Reads what the migration will change, before changing anything: each distribution's anycast
 * settings, each DNS record set (values and TTL), and the CIDRs' advertisement. Compensation puts
 * these back. Unknown distributions or zones fail here, at the first AWS call, with a clear message.
 */
import { GetDistributionConfigCommand } from '@aws-sdk/client-cloudfront';
import { z } from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { cloudfront } from '../cloudfront/cloudfront-client';
import { currentRecord } from '../dns/route53-client';
import { byoipCidrs } from '../ipam/ipam-client';

const Event = z.object({
  region: z.string(),
  cidrs: z.array(z.string()),
  distributionIds: z.array(z.string()),
  records: z.array(z.object({ hostedZoneId: z.string(), name: z.string(), type: z.string() })),
});

export const handler = defineTask('CaptureOnboardBaseline', Event, async (input) => {
  const distributions = [];
  for (const [i, id] of input.distributionIds.entries()) {
    try {
      const out = await cloudfront().send(new GetDistributionConfigCommand({ Id: id }));
      const c = out.DistributionConfig!;
      distributions.push({ distributionId: id, before: { AnycastIpListId: c.AnycastIpListId ?? null, PriceClass: c.PriceClass ?? 'PriceClass_All', IsIPV6Enabled: c.IsIPV6Enabled ?? false } });
    } catch (e) {
      if ((e as Error).name === 'NoSuchDistribution') throw new WorkflowError(ErrorNames.InputInvalid, `input.distributionIds[${i}]: distribution ${id} does not exist in this account`);
      throw e;
    }
  }
  const dns = [];
  for (const [i, r] of input.records.entries()) {
    try {
      dns.push({ ...r, before: (await currentRecord(r.hostedZoneId, r.name, r.type)) ?? null });
    } catch (e) {
      if ((e as Error).name === 'NoSuchHostedZone') throw new WorkflowError(ErrorNames.InputInvalid, `input.dns.records[${i}].hostedZoneId: hosted zone ${r.hostedZoneId} does not exist in this account`);
      throw e;
    }
  }
  const byoip = await byoipCidrs(input.region);
  const advertisedBefore = input.cidrs.filter((c) => ['advertised', 'pending-advertising'].includes(byoip.get(c)?.State ?? ''));
  return { distributions, dns, advertisedBefore };
});
