/**
 * asn-swap's first AWS reads: the CIDR must be advertised here (a swap moves the origin of a live
 * advertisement), and a custom target ASN must already be associated with it. Mismatches fail here,
 * named by the input field, before anything changes.
 */
import * as z from 'zod';
import { AWS_ASN, nextCustomSwapAt } from '../../domain/byoasn';
import { inputInvalid } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { byoipCidrs } from '../ipam/ipam-client';
import { associationOf } from './byoasn-client';
import { readGuard } from './swap-guard';

const Event = z.object({ accountId: z.string(), region: z.string(), cidr: z.string(), to: z.string() });

export const handler = defineTask('CaptureAsnSwapState', Event, async (input) => {
  const current = (await byoipCidrs(input.region)).get(input.cidr);
  if (!current) throw inputInvalid(`input.cidr: ${input.cidr} is not a BYOIP CIDR of account ${input.accountId} in ${input.region}`);
  if (current.State !== 'advertised') {
    throw inputInvalid(
      `input.cidr: ${input.cidr} is ${current.State}, not advertised; asn-swap moves the origin of an advertised CIDR (byoasn-onboard advertises one)`,
    );
  }
  const associations = (current.AsnAssociations ?? []).filter((a) => a.State !== 'disassociated').map((a) => ({ asn: a.Asn!, state: a.State! }));
  if (input.to !== AWS_ASN && associationOf(current, input.to)?.State !== 'associated') {
    const have = associations.map((a) => `AS${a.asn} (${a.state})`).join(', ') || 'none';
    throw inputInvalid(`input.to: AS${input.to} is not associated with ${input.cidr} (associations: ${have}); run byoasn-onboard for it first`);
  }
  const guard = await readGuard({ accountId: input.accountId, region: input.region, cidr: input.cidr });
  return {
    state: current.State,
    associations,
    recordedOrigin: guard.originAsn ?? null,
    lastCustomChange: guard.lastCustomChange ? { ...guard.lastCustomChange, at: new Date(guard.lastCustomChange.at).toISOString() } : null,
    nextCustomChangeAllowedAt: guard.lastCustomAt !== undefined ? new Date(nextCustomSwapAt(guard.lastCustomAt)).toISOString() : null,
  };
});
