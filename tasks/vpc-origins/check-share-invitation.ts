/**
 * Poll (networking account): the RAM invitation for the share arriving. An invitation for a CloudFront
 * VPC origin must be accepted within 12 hours; an EXPIRED one (or a PENDING one older than that, as
 * RAM may still show) or a REJECTED one fails with what to do. An origin already available (accepted
 * before, or shared inside an organization without invitations) needs no invitation.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { INVITATION_VALID_SECONDS } from '../../domain/vpc-origins';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { ramHere, shareInvitations, sharedResources } from './clients';

const Event = z.object({ team: z.string(), accountId: z.string(), shareArn: z.string(), vpcOriginArn: z.string(), ...PollFields });

export const handler = defineTask('CheckShareInvitation', Event, async (input) => {
  const ram = ramHere();
  const invitations = await shareInvitations(ram, { resourceShareArns: [input.shareArn] });
  const latest = [...invitations].sort((a, b) => (b.invitationTimestamp?.getTime() ?? 0) - (a.invitationTimestamp?.getTime() ?? 0))[0];
  if (!latest) {
    const available = await sharedResources(ram, { resourceOwner: 'OTHER-ACCOUNTS', resourceArns: [input.vpcOriginArn] });
    const ready = available.some((r) => r.status === 'AVAILABLE');
    return pollResult(input, ready, `RAM invitation for ${input.shareArn}`, { status: ready ? 'NOT_NEEDED' : 'NONE', invitationArn: null });
  }
  const sent = latest.invitationTimestamp?.getTime() ?? Date.now();
  const expiresAt = new Date(sent + INVITATION_VALID_SECONDS * 1000).toISOString();
  const expired = latest.status === 'EXPIRED' || (latest.status === 'PENDING' && Date.now() >= sent + INVITATION_VALID_SECONDS * 1000);
  if (expired) {
    throw new WorkflowError(
      ErrorNames.ResourceFailed,
      `the RAM invitation to share ${input.team}'s VPC origin (${input.shareArn}, from account ${latest.senderAccountId}) expired at ${expiresAt}: ` +
        'invitations for CloudFront VPC origins must be accepted within 12 hours. Ask the team to share again (a new share, or re-associate this account) and run again.',
    );
  }
  if (latest.senderAccountId !== input.accountId) {
    throw new WorkflowError(
      ErrorNames.SafetyViolation,
      `the RAM invitation for ${input.shareArn} was sent by account ${latest.senderAccountId}, not ${input.team}'s account ${input.accountId}; it is not accepted`,
    );
  }
  if (latest.status === 'REJECTED')
    throw new WorkflowError(ErrorNames.ResourceFailed, `the RAM invitation for ${input.shareArn} was rejected; ask ${input.team} to share again`);
  return pollResult(input, true, `RAM invitation for ${input.shareArn}`, {
    status: latest.status ?? 'PENDING',
    invitationArn: latest.resourceShareInvitationArn ?? null,
    expiresAt,
  });
});
