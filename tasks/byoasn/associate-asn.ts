/**
 * Associates the ASN with each CIDR (AssociateIpamByoasn), skipping CIDRs already associated or
 * pending; a failed association is tried again.
 */
import { AssociateIpamByoasnCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { byoipCidrs, ec2 } from '../ipam/ipam-client';
import { associationOf } from './byoasn-client';

const Event = z.object({ region: z.string(), asn: z.string(), cidrs: z.array(z.string()).min(1) });

export const handler = defineTask('AssociateByoasn', Event, async (input) => {
  const all = await byoipCidrs(input.region);
  const requested: string[] = [];
  for (const cidr of input.cidrs) {
    const state = associationOf(all.get(cidr), input.asn)?.State;
    if (state === 'associated' || state === 'pending-association') continue;
    await ec2(input.region).send(new AssociateIpamByoasnCommand({ Asn: input.asn, Cidr: cidr }));
    requested.push(cidr);
  }
  return { asn: input.asn, requested };
});
