/**
 * Points each team's host (A, and AAAA with IPv6) at the distribution with a Route 53 alias: a new name
 * on the internet, or a DNS cutover when a record points elsewhere; either only with a recorded approval.
 * Records already pointing at the distribution are left alone (a re-run).
 */
import type { Change } from '@aws-sdk/client-route-53';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { CLOUDFRONT_ALIAS_ZONE_ID } from '../../domain/vpc-origins';
import { defineTask } from '../lib/handler';
import { changeByZone, currentRecord, fqdn, TrackedRecord } from '../dns/route53-client';

const Event = z.object({
  records: z.array(TrackedRecord).min(1),
  domainName: z.string(),
  migrationId: z.string(),
  approval: z.object({ approved: z.boolean() }).passthrough(),
});

export const handler = defineTask('UpsertTeamAliases', Event, async (input) => {
  const target = { HostedZoneId: CLOUDFRONT_ALIAS_ZONE_ID, DNSName: fqdn(input.domainName), EvaluateTargetHealth: false };
  const changes: Array<{ hostedZoneId: string; change: Change }> = [];
  for (const r of input.records) {
    const now = await currentRecord(r.hostedZoneId, r.name, r.type);
    if (now?.AliasTarget && now.AliasTarget.HostedZoneId === target.HostedZoneId && fqdn(now.AliasTarget.DNSName ?? '') === target.DNSName) continue;
    if (input.approval.approved !== true) {
      throw new WorkflowError(
        ErrorNames.SafetyViolation,
        now
          ? `${r.name} ${r.type} exists and points elsewhere; changing it is a DNS cutover and needs an approval`
          : `${r.name} ${r.type} would be a new name on the internet; creating it needs an approval`,
      );
    }
    changes.push({
      hostedZoneId: r.hostedZoneId,
      change: { Action: 'UPSERT', ResourceRecordSet: { Name: fqdn(r.name), Type: r.type as 'A', AliasTarget: target } },
    });
  }
  const submitted = changes.length ? await changeByZone(changes, `byoip-orchestrator ${input.migrationId}: team hosts to the shared distribution`) : [];
  return { changes: submitted, upserted: changes.length };
});
