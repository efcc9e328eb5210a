/**
 * The signed authorization message per top-level CIDR: given in the input, or signed here with the
 * customer's key from Secrets Manager (the key never leaves this task; only signatures do).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { formatAuthorizationMessage, signAuthorizationMessage, yyyymmdd } from '../../domain/authorization';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { client } from '../lib/aws';
import { defineTask } from '../lib/handler';

const Signed = z.object({ cidr: z.string(), message: z.string(), signature: z.string() });
const Event = z.object({
  region: z.string(),
  accountId: z.string(),
  cidrs: z.array(z.string()).min(1),
  authorization: z.union([
    z.object({ messages: z.array(Signed) }),
    z.object({ signingKeySecretId: z.string(), expiresInDays: z.number().int().positive() }),
  ]),
});

export const handler = defineTask('PrepareAuthorizations', Event, async (input) => {
  if ('messages' in input.authorization) return { authorizations: input.authorization.messages };
  const secret = await client(SecretsManagerClient, { region: input.region }).send(new GetSecretValueCommand({ SecretId: input.authorization.signingKeySecretId }));
  const pem = secret.SecretString;
  if (!pem || !pem.includes('PRIVATE KEY')) {
    throw new WorkflowError(ErrorNames.InputInvalid, `secret ${input.authorization.signingKeySecretId} does not hold a PEM private key`);
  }
  const expiry = yyyymmdd(new Date(Date.now() + input.authorization.expiresInDays * 86_400_000));
  const authorizations = input.cidrs.map((cidr) => {
    const message = formatAuthorizationMessage({ account: input.accountId, resource: cidr, expiry });
    return { cidr, message, signature: signAuthorizationMessage(message, pem) };
  });
  return { authorizations };
});
