/**
 * The exact plan a human approves before anything is advertised, from what the workflow staged and
 * verified (no AWS calls: the Inspect tasks just checked readiness). The plan itself is
 * domain/cloudfront-byoip.ts onboardCutoverPlan, which `byoip plan` shows before anything changes.
 */
import * as z from 'zod';
import { onboardCutoverPlan } from '../../domain/cloudfront-byoip';
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
  distributions: z
    .array(
      z.object({
        distributionId: z.string(),
        before: z.object({ AnycastIpListId: z.string().nullable(), PriceClass: z.string(), IsIPV6Enabled: z.boolean() }),
      }),
    )
    .default([]),
  cutoverTtl: z.number(),
  approvers: z.array(z.string()),
  /** $.preflight: its evidence (or its skip) goes into the plan the approvers read. */
  preflight: PreflightEvidence.optional(),
});

export const handler = defineTask('PlanOnboardCutover', Event, async (input) => withPreflightEvidence(onboardCutoverPlan(input), input.preflight));
