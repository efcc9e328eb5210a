/**
 * The plan a human approves before CIDRs are advertised with a custom origin ASN: each CIDR's
 * current state, what it will be, and when the once-per-hour rule next allows the change.
 */
import * as z from 'zod';
import { nextCustomSwapAt } from '../../domain/byoasn';
import { PreflightEvidence, withPreflightEvidence } from '../../domain/internet/evidence';
import { defineTask } from '../lib/handler';
import { byoipCidrs } from '../ipam/ipam-client';
import { readGuard } from './swap-guard';

const Event = z.object({
  workflow: z.string(),
  migrationId: z.string(),
  accountId: z.string(),
  region: z.string(),
  asn: z.string(),
  cidrs: z.array(z.string()).min(1),
  approvers: z.array(z.string()).min(1),
  /** byoasn-onboard's $.preflight: its evidence (or its skip) goes into the plan the approvers read. */
  preflight: PreflightEvidence.optional(),
});

export const handler = defineTask('PlanAsnOrigin', Event, async (input) => {
  const all = await byoipCidrs(input.region);
  const now = Date.now();
  const changes = [];
  const slots = [];
  for (const cidr of input.cidrs) {
    const state = all.get(cidr)?.State ?? 'absent';
    const guard = await readGuard({ accountId: input.accountId, region: input.region, cidr });
    const origin = guard.originAsn ? (guard.originAsn === 'AWS' ? 'the AWS ASN' : `AS${guard.originAsn}`) : 'the AWS ASN (no change recorded by this tool)';
    changes.push({
      kind: 'asn-origin',
      target: cidr,
      from: state === 'advertised' ? `advertised from ${origin}` : `${state}, not advertised`,
      to: `advertised from AS${input.asn}`,
    });
    const allowedAt = guard.lastCustomAt !== undefined ? nextCustomSwapAt(guard.lastCustomAt) : now;
    slots.push({ cidr, nextCustomChangeAllowedAt: new Date(Math.max(now, allowedAt)).toISOString() });
  }
  const waits = slots.filter((s) => Date.parse(s.nextCustomChangeAllowedAt) > now);
  return withPreflightEvidence(
    {
      title: `Advertise ${input.cidrs.join(', ')} from AS${input.asn} (${input.migrationId})`,
      approvers: input.approvers,
      changes,
      context: { workflow: input.workflow, slots },
      prerequisite:
        `The ROA of each prefix authorizes AS${input.asn} as well as Amazon's ASNs, and AS${input.asn}'s upstream filters accept the prefixes.` +
        (waits.length
          ? ` AWS allows one change to a custom ASN per CIDR per hour: ${waits.map((w) => `${w.cidr} waits until ${w.nextCustomChangeAllowedAt}`).join('; ')}.`
          : ''),
    },
    input.preflight,
  );
});
