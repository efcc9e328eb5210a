/**
 * Advertises a BYOIP CIDR with an origin ASN: "AWS" or a custom BYOASN. If the CIDR is already
 * advertised this swaps the origin without a withdrawal.
 *  - A custom ASN needs a recorded approval and this execution's swap-guard claim (the guard's time
 *    is moved to the send time right before the call, under the claim's condition).
 *  - The AWS ASN without an approval only re-origins a CIDR that is advertised at that moment: it never
 *    announces a withdrawn (provisioned) one.
 *  - A retry after a lost response recognises its own change in flight (pending marker) instead of
 *    tripping over AWS's IncorrectState.
 */
import { AdvertiseByoipCidrCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { AWS_ASN } from '../../domain/byoasn';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { ExecutionRef } from '../lib/common';
import { defineTask } from '../lib/handler';
import { byoipCidrs, ec2 } from '../ipam/ipam-client';
import { associationOf } from './byoasn-client';
import { markPending, readGuard, recordOrigin } from './swap-guard';

const Event = z.object({
  accountId: z.string(),
  region: z.string(),
  cidr: z.string(),
  asn: z.string(),
  execution: ExecutionRef,
  approval: z.object({ approved: z.boolean() }).passthrough().optional(),
});

export const handler = defineTask('AdvertiseWithAsn', Event, async (input) => {
  const custom = input.asn !== AWS_ASN;
  const ref = { accountId: input.accountId, region: input.region, cidr: input.cidr };
  const owner = input.execution.name;
  if (custom && input.approval?.approved !== true) {
    throw new WorkflowError(ErrorNames.SafetyViolation, `refusing to advertise ${input.cidr} with AS${input.asn}: no approval is recorded for this execution`);
  }
  const current = (await byoipCidrs(input.region)).get(input.cidr);
  if (!current) throw new WorkflowError(ErrorNames.UnexpectedResponse, `${input.cidr} is not a BYOIP CIDR in ${input.region}`);
  const guard = await readGuard(ref);
  const previousCustomChange = guard.lastCustomChange ? { ...guard.lastCustomChange, at: new Date(guard.lastCustomChange.at).toISOString() } : null;
  const ours = guard.pendingBy === owner && guard.pendingAsn === input.asn;
  if (current.State === 'pending-advertising') {
    if (ours)
      return {
        cidr: input.cidr,
        asn: input.asn,
        state: current.State,
        skipped: true,
        changedAt: new Date(guard.pendingAt!).toISOString(),
        previousCustomChange,
      };
    throw new WorkflowError(
      ErrorNames.UnexpectedResponse,
      `${input.cidr} is pending-advertising: another change is in flight; run again once it is advertised`,
    );
  }
  if (current.State !== 'provisioned' && current.State !== 'advertised') {
    throw new WorkflowError(ErrorNames.UnexpectedResponse, `${input.cidr} is ${current.State}; only a provisioned or advertised CIDR can be advertised`);
  }
  if (!custom && current.State !== 'advertised' && input.approval?.approved !== true) {
    throw new WorkflowError(
      ErrorNames.SafetyViolation,
      `refusing to advertise ${input.cidr} from the AWS ASN: it is ${current.State}, not advertised, and announcing it again needs an approval`,
    );
  }
  if (custom) {
    const association = associationOf(current, input.asn);
    if (association?.State !== 'associated') {
      throw new WorkflowError(
        ErrorNames.ResourceFailed,
        `AS${input.asn} is not associated with ${input.cidr} (${association?.State ?? 'no association'}); associate it first (byoasn-onboard)`,
      );
    }
  }
  const now = Date.now();
  await markPending(ref, input.asn, custom, owner, now);
  try {
    await ec2(input.region).send(new AdvertiseByoipCidrCommand({ Cidr: input.cidr, Asn: input.asn }));
  } catch (e) {
    // The SDK retried a call whose first response was lost: the change in flight is ours.
    const after = (await byoipCidrs(input.region)).get(input.cidr);
    if (!((e as Error).name === 'IncorrectState' && after?.State === 'pending-advertising')) throw e;
  }
  await recordOrigin(ref, input.asn, custom, owner, Date.now());
  return { cidr: input.cidr, asn: input.asn, state: 'pending-advertising', skipped: false, changedAt: new Date(now).toISOString(), previousCustomChange };
});
