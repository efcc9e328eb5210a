/**
 * Before asking a human: confirm the ranges are provisioned (READY, or already ADVERTISING) and write
 * the exact plan to approve: what AWS starts announcing, and which addresses the accelerator takes.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PreflightEvidence, withPreflightEvidence } from '../../domain/internet/evidence';
import { staticIpCutoverPlan } from '../../domain/static-ip';
import { defineTask } from '../lib/handler';
import { gaCidrs } from '../global-accelerator/ga-client';

const Event = z.object({
  migrationId: z.string(),
  cidrs: z.array(z.string()),
  approvers: z.array(z.string()),
  accelerator: z.object({
    mode: z.enum(['create', 'update']),
    arn: z.string(),
    name: z.string(),
    ipAddresses: z.array(z.string()),
    ensureRouting: z.boolean(),
    listener: z.object({ protocol: z.string(), portRanges: z.array(z.object({ fromPort: z.number(), toPort: z.number() })) }),
    endpointGroup: z.object({ region: z.string(), endpoints: z.array(z.object({ albArn: z.string() })) }),
  }),
  baseline: z.object({ found: z.boolean(), ipAddresses: z.array(z.string()) }),
  /** $.preflight: its evidence (or its skip) goes into the plan the approvers read. */
  preflight: PreflightEvidence.optional(),
});

export const handler = defineTask('PlanStaticIpCutover', Event, async (input) => {
  const ranges = await gaCidrs();
  const problems = input.cidrs
    .filter((c) => !['READY', 'ADVERTISING'].includes(ranges.get(c)?.State ?? ''))
    .map((c) => `${c} is ${ranges.get(c)?.State ?? 'not provisioned'}`);
  if (problems.length) throw new WorkflowError(ErrorNames.ResourceFailed, `not ready to advertise: ${problems.join('; ')}`);
  return withPreflightEvidence(
    staticIpCutoverPlan({ ...input, rangeStates: Object.fromEntries(input.cidrs.map((c) => [c, ranges.get(c)?.State ?? 'READY'])) }),
    input.preflight,
  );
});
