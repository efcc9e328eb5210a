/**
 * Provisions CIDRs into a pool, skipping any already provisioned or pending (idempotent).
 * Top-level BYOIP provisioning carries the signed authorization context for each CIDR, made here
 * (tasks/lib/signer.ts) for exactly the CIDRs requested, so no signature sits in the execution's state.
 */
import { ProvisionIpamPoolCidrCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { changeOrConfirm } from '../lib/common';
import { defineTask } from '../lib/handler';
import { authorizationMessages, CidrAuthorization, signingAccount } from '../lib/signer';
import { ec2, latestByCidr, poolCidrs } from './ipam-client';

const Event = z.object({
  region: z.string(),
  poolId: z.string(),
  cidrs: z.array(z.string()).min(1),
  /** The account the plan names: checked against this function's own before anything is signed. */
  accountId: z.string().optional(),
  authorization: CidrAuthorization.optional(),
});

export const handler = defineTask('ProvisionPoolCidrs', Event, async (input, context) => {
  const current = latestByCidr(await poolCidrs(input.region, input.poolId));
  const alreadyThere = input.cidrs.filter((cidr) => ['provisioned', 'pending-provision'].includes(current.get(cidr)?.State ?? ''));
  const todo = input.cidrs.filter((cidr) => !alreadyThere.includes(cidr));
  const signed =
    input.authorization && todo.length ? await authorizationMessages('cidr', todo, input.authorization, signingAccount(context, input.accountId)) : undefined;
  for (const cidr of todo) {
    const auth = signed?.find((a) => a.resource === cidr);
    if (signed && !auth) throw new WorkflowError(ErrorNames.InputInvalid, `no authorization message for ${cidr}`);
    await changeOrConfirm(
      () =>
        ec2(input.region).send(
          new ProvisionIpamPoolCidrCommand({
            IpamPoolId: input.poolId,
            Cidr: cidr,
            ...(auth ? { CidrAuthorizationContext: { Message: auth.message, Signature: auth.signature }, VerificationMethod: 'remarks-x509' } : {}),
          }),
        ),
      async () =>
        ['pending-provision', 'provisioned'].includes(latestByCidr(await poolCidrs(input.region, input.poolId)).get(cidr)?.State ?? '') ? {} : undefined,
    );
  }
  return { poolId: input.poolId, requested: todo, alreadyThere };
});
