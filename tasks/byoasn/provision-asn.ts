/**
 * Provisions the ASN to the IPAM with its signed authorization context. Idempotent: an ASN already
 * pending-provision or provisioned is left alone; a failed-provision one is provisioned again.
 */
import { ProvisionIpamByoasnCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { ec2 } from '../ipam/ipam-client';
import { byoasns } from './byoasn-client';

const Event = z.object({
  region: z.string(),
  ipamId: z.string(),
  asn: z.string(),
  authorization: z.object({ message: z.string(), signature: z.string() }),
});

export const handler = defineTask('ProvisionByoasn', Event, async (input) => {
  const state = (await byoasns(input.region, input.ipamId)).get(input.asn)?.State;
  if (state === 'pending-provision' || state === 'provisioned') return { asn: input.asn, state, requested: false };
  const out = await ec2(input.region).send(new ProvisionIpamByoasnCommand({
    IpamId: input.ipamId,
    Asn: input.asn,
    AsnAuthorizationContext: { Message: input.authorization.message, Signature: input.authorization.signature },
  }));
  return { asn: input.asn, state: out.Byoasn?.State ?? 'pending-provision', requested: true };
});
