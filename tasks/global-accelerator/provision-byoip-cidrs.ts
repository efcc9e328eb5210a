/**
 * Provisions each range to Global Accelerator (GA's own ProvisionByoipCidr, not EC2/IPAM's), with its
 * signed authorization, signed here (tasks/lib/signer.ts) for exactly the ranges requested. Idempotent: a range already provisioned (or on its way) is left alone; a
 * FAILED_PROVISION one is tried again.
 */
import { ProvisionByoipCidrCommand } from '@aws-sdk/client-global-accelerator';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { changeOrConfirm } from '../lib/common';
import { defineTask } from '../lib/handler';
import { authorizationMessages, CidrAuthorization, signingAccount } from '../lib/signer';
import { ga, gaCidrs } from './ga-client';

const Event = z.object({
  cidrs: z.array(z.string()).min(1),
  /** The account the plan names: checked against this function's own before anything is signed. */
  accountId: z.string().optional(),
  authorization: CidrAuthorization,
});

const START = new Set(['absent', 'DEPROVISIONED', 'FAILED_PROVISION']);

export const handler = defineTask('ProvisionGaByoipCidrs', Event, async (input, context) => {
  const current = await gaCidrs();
  const requested: string[] = [];
  const alreadyThere: string[] = [];
  const todo: string[] = [];
  for (const cidr of input.cidrs) {
    const state = current.get(cidr)?.State ?? 'absent';
    if (state === 'PENDING_DEPROVISIONING')
      throw new WorkflowError(ErrorNames.ResourceFailed, `${cidr} is being deprovisioned from Global Accelerator; run again once it is DEPROVISIONED`);
    if (!START.has(state)) alreadyThere.push(cidr);
    else todo.push(cidr);
  }
  const signed = todo.length ? await authorizationMessages('cidr', todo, input.authorization, signingAccount(context, input.accountId)) : [];
  for (const cidr of todo) {
    const auth = signed.find((a) => a.resource === cidr);
    if (!auth) throw new WorkflowError(ErrorNames.InputInvalid, `no authorization message for ${cidr}`);
    try {
      await changeOrConfirm(
        () => ga().send(new ProvisionByoipCidrCommand({ Cidr: cidr, CidrAuthorizationContext: { Message: auth.message, Signature: auth.signature } })),
        async () => (START.has((await gaCidrs()).get(cidr)?.State ?? 'absent') ? undefined : {}),
      );
    } catch (e) {
      // The SDK classes LimitExceededException as throttling; for this call it is the per-account range quota.
      if ((e as Error).name === 'LimitExceededException') throw new WorkflowError(ErrorNames.QuotaExceeded, `${cidr}: ${(e as Error).message}`);
      throw e;
    }
    requested.push(cidr);
  }
  return { requested, alreadyThere };
});
