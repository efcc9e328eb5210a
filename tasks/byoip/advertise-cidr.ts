/**
 * Advertises one BYOIP CIDR (AdvertiseByoipCidr; there is no "advertise-ipam-byoip-cidr").
 * Refuses without a recorded approval: nothing is announced to the internet unless a human said so.
 * Idempotent: an already advertised CIDR (with the same ASN) is left alone.
 */
import { AdvertiseByoipCidrCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { changeOrConfirm } from '../lib/common';
import { defineTask } from '../lib/handler';
import { byoipCidrs, ec2 } from '../ipam/ipam-client';

const Event = z.object({
  region: z.string(),
  cidr: z.string(),
  asn: z.string().optional(),
  approval: z.object({ approved: z.literal(true), approvalId: z.string().optional(), decidedBy: z.string().optional() }).passthrough(),
});

export const handler = defineTask('AdvertiseCidr', z.unknown(), async (raw) => {
  const parsed = Event.safeParse(raw);
  if (!parsed.success) {
    throw new WorkflowError(ErrorNames.SafetyViolation, 'refusing to advertise: no approval is recorded for this execution');
  }
  const input = parsed.data;
  const current = (await byoipCidrs(input.region)).get(input.cidr);
  if (!current) throw new WorkflowError(ErrorNames.UnexpectedResponse, `${input.cidr} is not a provisioned BYOIP CIDR in ${input.region}`);
  if (current.State === 'advertised' || current.State === 'pending-advertising') {
    return { cidr: input.cidr, state: current.State, skipped: true };
  }
  const state = await changeOrConfirm(
    async () =>
      (await ec2(input.region).send(new AdvertiseByoipCidrCommand({ Cidr: input.cidr, ...(input.asn ? { Asn: input.asn } : {}) }))).ByoipCidr?.State ??
      'pending-advertising',
    async () => {
      const now = (await byoipCidrs(input.region)).get(input.cidr)?.State;
      return now === 'advertised' || now === 'pending-advertising' ? now : undefined;
    },
  );
  return { cidr: input.cidr, state, skipped: false };
});
