/**
 * In the networking account: accept the team's RAM invitation (idempotent; an expired one fails clearly).
 * Only an invitation sent by the team's own account, one of byoip.teamAccounts: the sender is read from
 * RAM here, at the moment of accepting, not taken from an earlier state.
 */
import { AcceptResourceShareInvitationCommand } from '@aws-sdk/client-ram';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { clientToken, ExecutionRef } from '../lib/common';
import { deployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';
import { ramHere, shareInvitations } from './clients';

const Event = z.object({ team: z.string(), accountId: z.string(), invitationArn: z.string().nullable(), status: z.string(), execution: ExecutionRef });

export const handler = defineTask('AcceptShareInvitation', Event, async ({ team, accountId, invitationArn, status, execution }) => {
  if (status !== 'PENDING' || !invitationArn) return { accepted: false, status };
  const [invitation] = await shareInvitations(ramHere(), { resourceShareInvitationArns: [invitationArn] });
  const sender = invitation?.senderAccountId;
  if (sender !== accountId || !deployment().teamAccounts.includes(sender)) {
    throw new WorkflowError(
      ErrorNames.SafetyViolation,
      `refusing to accept ${invitationArn}: it was sent by account ${sender ?? 'unknown'}, and only ${team}'s account ${accountId}, one of byoip.teamAccounts, may share into this account`,
    );
  }
  try {
    await ramHere().send(
      new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: invitationArn, clientToken: clientToken(execution, `accept-${team}`) }),
    );
    return { accepted: true, status: 'ACCEPTED' };
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'ResourceShareInvitationAlreadyAcceptedException') return { accepted: false, status: 'ACCEPTED' };
    if (name === 'ResourceShareInvitationExpiredException') {
      throw new WorkflowError(
        ErrorNames.ResourceFailed,
        `the RAM invitation ${invitationArn} for ${team}'s VPC origin expired before it was accepted (12-hour limit); ask the team to share again and run again`,
      );
    }
    throw e;
  }
});
