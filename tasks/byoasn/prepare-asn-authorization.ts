/**
 * The signed authorization message for the ASN: given in the input, or signed here with the
 * customer's key from Secrets Manager (the key never leaves this task; only the signature does).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { formatAuthorizationMessage, signAuthorizationMessage, yyyymmdd } from '../../domain/authorization';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { client } from '../lib/aws';
import { defineTask } from '../lib/handler';

const Event = z.object({
  region: z.string(),
  accountId: z.string(),
  asn: z.string(),
  authorization: z.union([
    z.object({ message: z.string(), signature: z.string() }),
    z.object({ signingKeySecretId: z.string(), expiresInDays: z.number().int().positive() }),
  ]),
});

export const handler = defineTask('PrepareAsnAuthorization', Event, async (input) => {
  if ('message' in input.authorization) return { message: input.authorization.message, signature: input.authorization.signature };
  const secret = await client(SecretsManagerClient, { region: input.region }).send(new GetSecretValueCommand({ SecretId: input.authorization.signingKeySecretId }));
  const pem = secret.SecretString;
  if (!pem || !pem.includes('PRIVATE KEY')) {
    throw new WorkflowError(ErrorNames.InputInvalid, `secret ${input.authorization.signingKeySecretId} does not hold a PEM private key`);
  }
  const expiry = yyyymmdd(new Date(Date.now() + input.authorization.expiresInDays * 86_400_000));
  const message = formatAuthorizationMessage({ account: input.accountId, resource: input.asn, expiry });
  return { message, signature: signAuthorizationMessage(message, pem) };
});
