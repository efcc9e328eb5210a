/**
 * The approval emails, through the SNS topic (KMS-encrypted, TLS-only). Message attributes let an
 * approver's subscription filter on its own address. The email carries the signed link, never the token.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { approvalEmail, approvalUrl, type ApprovalSummary } from '../../domain/approval';
import { client, defaultRegion } from '../lib/aws';
import { approvalBaseUrl, approvalTopicArn, linkKey } from './config';
import type { ApprovalView } from './store';

export function summaryOf(v: ApprovalView): ApprovalSummary {
  return { approvalId: v.approvalId, round: v.round, workflow: v.workflow, executionName: v.executionName, plan: v.plan, createdAt: v.createdAt, expiresAt: v.expiresAt };
}

export async function approvalLink(v: ApprovalView): Promise<string> {
  return approvalUrl(approvalBaseUrl(), await linkKey(), { approvalId: v.approvalId, round: v.round, expiresAt: v.expiresAt });
}

export async function sendApprovalEmail(kind: 'request' | 'reminder' | 'expired', v: ApprovalView, context: Pick<Context, 'invokedFunctionArn'>): Promise<string | undefined> {
  const link = kind === 'expired' ? undefined : await approvalLink(v);
  const email = approvalEmail(kind, summaryOf(v), link, Date.now());
  const out = await client(SNSClient, { region: defaultRegion() }).send(new PublishCommand({
    TopicArn: approvalTopicArn(context),
    Subject: email.subject,
    Message: email.body,
    MessageAttributes: {
      kind: { DataType: 'String', StringValue: `approval-${kind}` },
      approvalId: { DataType: 'String', StringValue: v.approvalId },
      workflow: { DataType: 'String', StringValue: v.workflow },
      approvers: { DataType: 'String.Array', StringValue: JSON.stringify(v.plan.approvers) },
    },
  }));
  return out.MessageId;
}
