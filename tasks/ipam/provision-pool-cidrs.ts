/**
 * Provisions CIDRs into a pool, skipping any already provisioned or pending (idempotent).
 * Top-level BYOIP provisioning carries the signed authorization context for each CIDR.
 */
import { ProvisionIpamPoolCidrCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { changeOrConfirm } from '../lib/common';
import { defineTask } from '../lib/handler';
import { ec2, latestByCidr, poolCidrs } from './ipam-client';

const Event = z.object({
  region: z.string(),
  poolId: z.string(),
  cidrs: z.array(z.string()).min(1),
  authorizations: z.array(z.object({ cidr: z.string(), message: z.string(), signature: z.string() })).optional(),
});

export const handler = defineTask('ProvisionPoolCidrs', Event, async (input) => {
  const current = latestByCidr(await poolCidrs(input.region, input.poolId));
  const requested: string[] = [];
  const alreadyThere: string[] = [];
  for (const cidr of input.cidrs) {
    const state = current.get(cidr)?.State;
    if (state === 'provisioned' || state === 'pending-provision') {
      alreadyThere.push(cidr);
      continue;
    }
    const auth = input.authorizations?.find((a) => a.cidr === cidr);
    if (input.authorizations && !auth) throw new WorkflowError(ErrorNames.InputInvalid, `no authorization message for ${cidr}`);
    await changeOrConfirm(
      () => ec2(input.region).send(new ProvisionIpamPoolCidrCommand({
        IpamPoolId: input.poolId,
        Cidr: cidr,
        ...(auth ? { CidrAuthorizationContext: { Message: auth.message, Signature: auth.signature }, VerificationMethod: 'remarks-x509' } : {}),
      })),
      async () => (['pending-provision', 'provisioned'].includes(latestByCidr(await poolCidrs(input.region, input.poolId)).get(cidr)?.State ?? '') ? {} : undefined),
    );
    requested.push(cidr);
  }
  return { poolId: input.poolId, requested, alreadyThere };
});
