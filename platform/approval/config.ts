/**
 * Where the approval gate's pieces live. In AWS, infra/approval-construct.ts sets the environment;
 * in the simulator the defaults name what the simulated AWS creates (and the local approval server
 * sets APPROVAL_BASE_URL when it serves the page).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { APPROVAL_KEY_SECRET_NAME, APPROVAL_TOPIC_NAME, approvalKeys, MIN_KEY_LENGTH, PLACEHOLDER_BASE_URL, type ApprovalKeys } from '../../domain/approval';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { client, defaultRegion } from '../aws';

export function approvalBaseUrl(): string {
  return process.env.APPROVAL_BASE_URL || PLACEHOLDER_BASE_URL;
}

/** The topic's ARN from the environment, else the default topic in the function's own account. */
export function approvalTopicArn(context?: Pick<Context, 'invokedFunctionArn'>): string {
  if (process.env.APPROVAL_TOPIC_ARN) return process.env.APPROVAL_TOPIC_ARN;
  const account = context?.invokedFunctionArn?.split(':')[4];
  if (!account) throw new WorkflowError(ErrorNames.UnexpectedResponse, 'APPROVAL_TOPIC_ARN is not set and the account is unknown');
  return `arn:aws:sns:${defaultRegion()}:${account}:${APPROVAL_TOPIC_NAME}`;
}

/** The link-signing key. Read per request, not cached: approvals are rare and a rotated key applies at once. */
export async function linkKey(): Promise<string> {
  const secretId = process.env.APPROVAL_KEY_SECRET_ID || APPROVAL_KEY_SECRET_NAME;
  const out = await client(SecretsManagerClient, { region: defaultRegion() }).send(new GetSecretValueCommand({ SecretId: secretId }));
  const key = out.SecretString ?? '';
  if (key.length < MIN_KEY_LENGTH)
    throw new WorkflowError(ErrorNames.UnexpectedResponse, `secret ${secretId} must hold at least ${MIN_KEY_LENGTH} characters of key material`);
  return key;
}

/** The keys derived from the link key (domain/approval.ts approvalKeys): links, forms, decisions, tokens, requesters. */
export async function approvalKeyMaterial(): Promise<ApprovalKeys> {
  return approvalKeys(await linkKey());
}
