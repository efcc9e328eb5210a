/**
 * The approval emails, through the SNS topic (KMS-encrypted, TLS-only): one message per approver, with
 * a link signed for that approver only, and an `approver` attribute each approver's subscription filters
 * on (infra subscribes byoip.approvers that way), so nobody receives another approver's link.
 * The email carries the signed link, never the token.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { approvalEmail, approvalUrl, type ApprovalKeys, type ApprovalSummary } from '../../domain/approval';
import { client, defaultRegion } from '../../platform/aws';
import { approvalBaseUrl, approvalKeyMaterial, approvalTopicArn } from '../../platform/approval/config';
import type { ApprovalView } from '../../platform/approval/store';

export function summaryOf(v: ApprovalView, to?: string): ApprovalSummary {
  return {
    approvalId: v.approvalId,
    round: v.round,
    workflow: v.workflow,
    executionName: v.executionName,
    plan: { ...v.plan, approvers: v.approvers },
    createdAt: v.createdAt,
    expiresAt: v.expiresAt,
    to,
  };
}

export function approvalLink(keys: ApprovalKeys, v: ApprovalView, approver: string): string {
  return approvalUrl(approvalBaseUrl(), keys, { approvalId: v.approvalId, round: v.round, approver, expiresAt: v.expiresAt });
}

/** Emails every approver who may still decide (their own link each); returns the message ids. */
export async function sendApprovalEmail(
  kind: 'request' | 'reminder' | 'expired',
  v: ApprovalView,
  context: Pick<Context, 'invokedFunctionArn'>,
): Promise<string[]> {
  const keys = kind === 'expired' ? undefined : await approvalKeyMaterial();
  const sns = client(SNSClient, { region: defaultRegion() });
  const ids: string[] = [];
  // A two-approver gate does not remind whoever has approved already.
  const done = new Set((v.approvals ?? []).map((d) => d.decidedBy.toLowerCase()));
  for (const approver of v.approvers.filter((a) => kind !== 'reminder' || !done.has(a.toLowerCase()))) {
    const email = approvalEmail(kind, summaryOf(v, approver), keys ? approvalLink(keys, v, approver) : undefined, Date.now());
    const out = await sns.send(
      new PublishCommand({
        TopicArn: approvalTopicArn(context),
        Subject: email.subject,
        Message: email.body,
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: `approval-${kind}` },
          approvalId: { DataType: 'String', StringValue: v.approvalId },
          workflow: { DataType: 'String', StringValue: v.workflow },
          approver: { DataType: 'String', StringValue: approver.toLowerCase() },
        },
      }),
    );
    if (out.MessageId) ids.push(out.MessageId);
  }
  return ids;
}
