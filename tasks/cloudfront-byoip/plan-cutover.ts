/**
 * The exact plan a human approves before anything is advertised, from what the workflow staged and
 * verified (no AWS calls: the Inspect tasks just checked readiness).
 */
import * as z from 'zod';
import { PreflightEvidence, withPreflightEvidence } from '../../domain/internet/evidence';
import { defineTask } from '../lib/handler';
import { TrackedRecord } from '../dns/route53-client';

const Event = z.object({
  migrationId: z.string(),
  cidrs: z.array(z.string()),
  cidrStates: z.record(z.string(), z.string()),
  anycastIpListId: z.string(),
  anycastIps: z.array(z.string()).length(3),
  distributionIds: z.array(z.string()),
  records: z.array(TrackedRecord),
  /** $.baseline.distributions: each distribution's settings before this execution staged the anycast list. */
  distributions: z.array(z.object({
    distributionId: z.string(),
    before: z.object({ AnycastIpListId: z.string().nullable(), PriceClass: z.string(), IsIPV6Enabled: z.boolean() }),
  })).default([]),
  cutoverTtl: z.number(),
  approvers: z.array(z.string()),
  /** $.preflight: its evidence (or its skip) goes into the plan the approvers read. */
  preflight: PreflightEvidence.optional(),
});

export const handler = defineTask('PlanOnboardCutover', Event, async (input) => {
  const values = (r: z.infer<typeof TrackedRecord>) => r.before?.AliasTarget ? `alias ${r.before.AliasTarget.DNSName}` : (r.before?.ResourceRecords ?? []).map((v) => v.Value).join(', ') || '(none)';
  return withPreflightEvidence({
    title: `Advertise ${input.cidrs.join(', ')} from CloudFront and move ${input.records.length} DNS record(s) (${input.migrationId})`,
    approvers: input.approvers,
    changes: [
      ...input.cidrs.map((c) => ({ kind: 'advertise', target: c, from: input.cidrStates[c] ?? 'provisioned', to: 'advertised by AWS (origin ASN AWS)' })),
      // Staged before this gate (a rejection or an expiry puts them back); CloudFront requires them with an IPv4 anycast list.
      ...input.distributions.flatMap(({ distributionId: id, before: b }) => [
        { kind: 'distribution', target: `${id} anycast IP list`, from: b.AnycastIpListId ?? 'none', to: input.anycastIpListId },
        ...(b.PriceClass !== 'PriceClass_All' ? [{ kind: 'distribution', target: `${id} price class`, from: b.PriceClass, to: 'PriceClass_All' }] : []),
        ...(b.IsIPV6Enabled ? [{ kind: 'distribution', target: `${id} IPv6`, from: 'on', to: 'off (AAAA answers stop)' }] : []),
      ]),
      ...input.records.map((r) => ({ kind: 'dns', target: `${r.name} ${r.type} (${r.hostedZoneId})`, from: `${values(r)} TTL ${r.before?.TTL ?? '-'}`, to: `${input.anycastIps.join(', ')} TTL ${input.cutoverTtl}` })),
    ],
    context: { anycastIpListId: input.anycastIpListId, anycastIps: input.anycastIps, distributions: input.distributionIds },
    prerequisite: 'The previous provider must withdraw these prefixes at the same moment AWS starts advertising them.',
    // The approver confirms it (recorded, signed, with the time): after the advertisement nothing is withdrawn on its own.
    confirm: `the previous provider withdraws ${input.cidrs.join(', ')} at the moment AWS starts advertising them, right after this approval`,
  }, input.preflight);
});
