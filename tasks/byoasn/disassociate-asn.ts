/**
 * Disassociates the ASN from each CIDR, skipping CIDRs without the association or already on
 * their way out (re-runnable). AWS refuses while the CIDR is advertised with the ASN; teardown
 * reverts or withdraws first.
 */
import { DisassociateIpamByoasnCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { byoipCidrs, ec2 } from '../ipam/ipam-client';
import { associationOf } from './byoasn-client';

const Event = z.object({ region: z.string(), asn: z.string(), cidrs: z.array(z.string()).min(1) });

const TO_DISASSOCIATE = new Set(['associated', 'failed-association', 'failed-disassociation']);

export const handler = defineTask('DisassociateByoasn', Event, async (input) => {
  const all = await byoipCidrs(input.region);
  const requested: string[] = [];
  for (const cidr of input.cidrs) {
    if (!TO_DISASSOCIATE.has(associationOf(all.get(cidr), input.asn)?.State ?? '')) continue;
    await ec2(input.region).send(new DisassociateIpamByoasnCommand({ Asn: input.asn, Cidr: cidr }));
    requested.push(cidr);
  }
  return { asn: input.asn, requested };
});
