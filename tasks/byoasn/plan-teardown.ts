/** The exact plan a human approves before byoasn-teardown changes how the CIDRs are advertised. */
import * as z from 'zod';
import { defineTask } from '../lib/handler';

const Event = z.object({
  migrationId: z.string(),
  asn: z.string(),
  ipamId: z.string(),
  origin: z.enum(['revert-to-aws', 'withdraw']),
  deprovisionPoolCidrs: z.boolean(),
  approvers: z.array(z.string()).min(1),
  state: z.object({
    asnState: z.string(),
    cidrs: z.array(z.object({ cidr: z.string(), state: z.string(), association: z.string(), poolId: z.string().nullable() })),
  }),
});

export const handler = defineTask('PlanByoasnTeardown', Event, async (input) => {
  const s = input.state;
  const changes = [
    ...s.cidrs
      .filter((c) => c.state === 'advertised' || c.state === 'pending-advertising')
      .map((c) => ({
        kind: input.origin === 'withdraw' ? 'withdraw' : 'asn-origin',
        target: c.cidr,
        from: 'advertised (origin may be a custom ASN)',
        to: input.origin === 'withdraw' ? 'not advertised by AWS' : 'advertised from the AWS ASN',
      })),
    ...s.cidrs
      .filter((c) => c.association !== 'none' && c.association !== 'pending-disassociation')
      .map((c) => ({ kind: 'asn-association', target: c.cidr, from: `AS${input.asn} ${c.association}`, to: 'disassociated' })),
    ...(['provisioned', 'failed-deprovision'].includes(s.asnState)
      ? [{ kind: 'byoasn', target: `AS${input.asn}`, from: `${s.asnState} in ${input.ipamId}`, to: 'deprovisioned' }]
      : []),
    ...(input.deprovisionPoolCidrs
      ? s.cidrs
          .filter((c) => c.poolId && c.state !== 'absent')
          .map((c) => ({ kind: 'deprovision', target: c.cidr, from: `pool ${c.poolId}`, to: 'deprovisioned' }))
      : []),
  ];
  return {
    title: `Tear down AS${input.asn} on ${s.cidrs.map((c) => c.cidr).join(', ')} (${input.migrationId})`,
    approvers: input.approvers,
    changes,
    prerequisite:
      input.origin === 'withdraw'
        ? 'Whoever advertises these prefixes next is ready: withdrawing stops AWS announcing them.'
        : 'Partners that allow-list by origin ASN accept the AWS ASN for these prefixes.',
  };
});
