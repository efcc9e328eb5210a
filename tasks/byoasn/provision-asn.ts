/**
 * Provisions the ASN to the IPAM with its signed authorization context, signed here (tasks/lib/signer.ts)
 * so the signature never sits in the execution's state. Idempotent: an ASN already pending-provision or
 * provisioned is left alone (and nothing is signed); a failed-provision one is provisioned again.
 */
import { ProvisionIpamByoasnCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { AsnAuthorization, authorizationMessages, signingAccount } from '../lib/signer';
import { ec2 } from '../ipam/ipam-client';
import { byoasns } from './byoasn-client';

const Event = z.object({
  region: z.string(),
  ipamId: z.string(),
  asn: z.string(),
  /** The account the plan names: checked against this function's own before anything is signed. */
  accountId: z.string().optional(),
  authorization: AsnAuthorization,
});

export const handler = defineTask('ProvisionByoasn', Event, async (input, context) => {
  const state = (await byoasns(input.region, input.ipamId)).get(input.asn)?.State;
  if (state === 'pending-provision' || state === 'provisioned') return { asn: input.asn, state, requested: false };
  const [auth] = await authorizationMessages('asn', [input.asn], input.authorization, signingAccount(context, input.accountId));
  const out = await ec2(input.region).send(
    new ProvisionIpamByoasnCommand({
      IpamId: input.ipamId,
      Asn: input.asn,
      AsnAuthorizationContext: { Message: auth.message, Signature: auth.signature },
    }),
  );
  return { asn: input.asn, state: out.Byoasn?.State ?? 'pending-provision', requested: true };
});
