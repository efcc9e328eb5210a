/**
 * Before asking a human: confirm the ranges are provisioned (READY, or already ADVERTISING) and write
 * the exact plan to approve: what AWS starts announcing, and which addresses the accelerator takes.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PreflightEvidence, withPreflightEvidence } from '../../domain/internet/evidence';
import { defineTask } from '../lib/handler';
import { gaCidrs } from '../global-accelerator/ga-client';

const Event = z.object({
  migrationId: z.string(),
  cidrs: z.array(z.string()),
  approvers: z.array(z.string()),
  accelerator: z.object({
    mode: z.enum(['create', 'update']), arn: z.string(), name: z.string(), ipAddresses: z.array(z.string()), ensureRouting: z.boolean(),
    listener: z.object({ protocol: z.string(), portRanges: z.array(z.object({ fromPort: z.number(), toPort: z.number() })) }),
    endpointGroup: z.object({ region: z.string(), endpoints: z.array(z.object({ albArn: z.string() })) }),
  }),
  baseline: z.object({ found: z.boolean(), ipAddresses: z.array(z.string()) }),
  /** $.preflight: its evidence (or its skip) goes into the plan the approvers read. */
  preflight: PreflightEvidence.optional(),
});

export const handler = defineTask('PlanStaticIpCutover', Event, async (input) => {
  const ranges = await gaCidrs();
  const problems = input.cidrs.filter((c) => !['READY', 'ADVERTISING'].includes(ranges.get(c)?.State ?? '')).map((c) => `${c} is ${ranges.get(c)?.State ?? 'not provisioned'}`);
  if (problems.length) throw new WorkflowError(ErrorNames.ResourceFailed, `not ready to advertise: ${problems.join('; ')}`);
  const a = input.accelerator;
  const target = a.mode === 'update' ? a.arn : `new accelerator "${a.name}"`;
  const amazonNote = a.ipAddresses.length === 1 ? ' (+ one address Global Accelerator assigns from Amazon\'s pool)' : '';
  const ports = a.listener.portRanges.map((p) => (p.fromPort === p.toPort ? `${p.fromPort}` : `${p.fromPort}-${p.toPort}`)).join(',');
  return withPreflightEvidence({
    title: `Advertise ${input.cidrs.join(', ')} from Global Accelerator and serve ${a.ipAddresses.join(', ')} (${input.migrationId})`,
    approvers: input.approvers,
    changes: [
      ...input.cidrs.map((c) => ({ kind: 'advertise', target: c, from: ranges.get(c)?.State ?? 'READY', to: 'advertised by AWS (AS16509) from Global Accelerator edge locations' })),
      { kind: 'accelerator', target, from: input.baseline.found ? input.baseline.ipAddresses.join(', ') : 'does not exist', to: `${a.ipAddresses.join(', ')}${amazonNote}` },
      ...(a.ensureRouting ? [{ kind: 'routing', target: `${a.listener.protocol} ${ports}`, from: 'as is', to: `endpoint group ${a.endpointGroup.region}: ${a.endpointGroup.endpoints.map((e) => e.albArn).join(', ')}` }] : []),
    ],
    prerequisite: 'Whoever announces these prefixes today must stop before AWS starts: a prefix announced from two places may not reach AWS.',
    confirm: `whoever announces ${input.cidrs.join(', ')} today stops when AWS starts advertising them, right after this approval`,
  }, input.preflight);
});
