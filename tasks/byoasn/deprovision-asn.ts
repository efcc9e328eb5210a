/**
 * Deprovisions the ASN from the IPAM; an ASN that is absent, failed-provision or already on its way
 * out is left alone (re-runnable). AWS refuses while any CIDR is still associated with it.
 */
import { DeprovisionIpamByoasnCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { ec2 } from '../ipam/ipam-client';
import { byoasns } from './byoasn-client';

const Event = z.object({ region: z.string(), ipamId: z.string(), asn: z.string() });

export const handler = defineTask('DeprovisionByoasn', Event, async (input) => {
  const state = (await byoasns(input.region, input.ipamId)).get(input.asn)?.State ?? 'absent';
  if (state !== 'provisioned' && state !== 'failed-deprovision') return { asn: input.asn, state, requested: false };
  const out = await ec2(input.region).send(new DeprovisionIpamByoasnCommand({ IpamId: input.ipamId, Asn: input.asn }));
  return { asn: input.asn, state: out.Byoasn?.State ?? 'pending-deprovision', requested: true };
});
