/**
 * What byoasn-teardown has left to do (a re-run after a partial teardown finds less): the ASN's
 * state, each CIDR's advertisement, association and pool. Refuses when the ASN is also associated
 * with CIDRs the input does not name: deprovisioning needs every association gone, and teardown
 * does not touch CIDRs nobody listed.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { ADVERTISE_SPACING_SECONDS } from '../../domain/byoasn';
import { defineTask } from '../lib/handler';
import { byoipCidrs } from '../ipam/ipam-client';
import { associationOf, byoasns } from './byoasn-client';

const Event = z.object({ region: z.string(), ipamId: z.string(), asn: z.string(), cidrs: z.array(z.string()).min(1) });

export const handler = defineTask('CaptureByoasnTeardownState', Event, async (input) => {
  const all = await byoipCidrs(input.region);
  // A failed association holds nothing (AWS ignores it when deprovisioning); any other one blocks.
  const others = [...all.values()]
    .filter((b) => b.Cidr && !input.cidrs.includes(b.Cidr) && ![undefined, 'failed-association'].includes(associationOf(b, input.asn)?.State))
    .map((b) => b.Cidr!);
  if (others.length) {
    throw new WorkflowError(
      ErrorNames.SafetyViolation,
      `AS${input.asn} is also associated with ${others.join(', ')}; add them to cidrs (their advertisement changes too) or disassociate them first`,
    );
  }
  const cidrs = input.cidrs.map((cidr) => {
    const b = all.get(cidr);
    return { cidr, state: b?.State ?? 'absent', association: associationOf(b, input.asn)?.State ?? 'none', poolId: b?.IpamPoolId ?? null };
  });
  const advertised = cidrs.filter((c) => c.state === 'advertised' || c.state === 'pending-advertising').map((c) => c.cidr);
  const byPool = new Map<string, string[]>();
  for (const c of cidrs) if (c.poolId && c.state !== 'absent') byPool.set(c.poolId, [...(byPool.get(c.poolId) ?? []), c.cidr]);
  const asn = (await byoasns(input.region, input.ipamId)).get(input.asn);
  return {
    asnState: asn?.State ?? 'absent',
    cidrs,
    /** The CIDRs present here (absent ones were already deprovisioned by an earlier run). */
    present: cidrs.filter((c) => c.state !== 'absent').map((c) => c.cidr),
    originItems: advertised.map((cidr, i) => ({ cidr, waitSeconds: i === 0 ? 0 : ADVERTISE_SPACING_SECONDS })),
    poolCidrs: [...byPool.entries()].map(([poolId, list]) => ({ poolId, cidrs: list })),
  };
});
