/**
 * Pre-flight, before any changing AWS call: the RDAP record of each resource carries an unexpired
 * certificate of the signing key, a validated ROA authorizes each required origin for each /24, and
 * whoever announces the prefixes today is authorized too; the current routes are recorded as the
 * "before". A failed check stops the execution (PreflightCheckFailed) naming the prefix or ASN, the
 * registry, the fix and how long it takes.
 *
 * The signing key: pre-signed messages are verified against the certificate; with a key in Secrets
 * Manager, this task reads it and compares its public part with the certificate's public key (SPKI).
 * Nothing is signed here and the key never leaves the task.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { signingKeySecret } from '../../domain/deployment';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { InternetChecksInputSchema, NO_SKIP, preflightFailureMessage, skippedPreflight } from '../../domain/internet/evidence';
import { parseRdapResource, signerFromPrivateKey, type Signer } from '../../domain/internet/rdap';
import { client } from '../../platform/aws';
import { deployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';
import { gatherPreflight } from '../../platform/internet/evidence';

const Signed = z.object({ cidr: z.string(), message: z.string(), signature: z.string() });

const Event = z.object({
  workflow: z.string(),
  region: z.string(),
  /** Records that must carry the certificate: the CIDRs provisioned with a message, or "AS<n>". */
  rdapResources: z.array(z.string()).min(1),
  /** Prefixes AWS will announce. */
  prefixes: z.array(z.string()).min(1),
  requiredOrigins: z.array(z.number().int()).min(1),
  /** BYOASN: the customer's ASN, required as an origin too. */
  customerAsn: z.union([z.string(), z.number()]).transform(Number).optional(),
  authorization: z.union([
    z.object({ messages: z.array(Signed) }),
    z.object({ message: z.string(), signature: z.string() }),
    z.object({ signingKeySecretId: z.string() }),
  ]),
  internetChecks: InternetChecksInputSchema.optional(),
});

async function signerFor(input: z.infer<typeof Event>): Promise<Signer> {
  const auth = input.authorization;
  if ('messages' in auth)
    return {
      kind: 'signed-messages',
      messages: auth.messages.map((m) => ({ resource: parseRdapResource(m.cidr).text, message: m.message, signature: m.signature })),
    };
  if ('message' in auth)
    return {
      kind: 'signed-messages',
      messages: input.rdapResources.map((resource) => ({ resource: parseRdapResource(resource).text, message: auth.message, signature: auth.signature })),
    };
  // Only a key this deployment signs with (byoip.signing.keySecretArns), as the signer reads it; only its public part is used.
  const secretArn = signingKeySecret(deployment(), auth.signingKeySecretId);
  if (!secretArn)
    throw new WorkflowError(
      ErrorNames.InputInvalid,
      `input.authorization.signingKeySecretId: ${auth.signingKeySecretId} is not a signing key this deployment may use (byoip.signing.keySecretArns)`,
    );
  const secret = await client(SecretsManagerClient, { region: input.region }).send(new GetSecretValueCommand({ SecretId: secretArn }));
  const pem = secret.SecretString;
  if (!pem?.includes('PRIVATE KEY')) throw new WorkflowError(ErrorNames.InputInvalid, `secret ${auth.signingKeySecretId} does not hold a PEM private key`);
  try {
    return signerFromPrivateKey(pem, `in secret ${auth.signingKeySecretId}`);
  } catch (e) {
    throw new WorkflowError(ErrorNames.InputInvalid, `secret ${auth.signingKeySecretId}: the private key does not load (${(e as Error).message})`);
  }
}

export const handler = defineTask('PreflightInternetChecks', Event, async (input) => {
  const cfg = deployment().internet;
  const now = new Date();
  const checks = input.internetChecks ?? NO_SKIP;
  if (checks.skipPreflight) return skippedPreflight(`requested in the input (internetChecks.skipPreflight): ${checks.reason}`, now);
  if (cfg.checks === 'off') return skippedPreflight('the deployment\'s internet checks are off (deployment config internet.checks = "off")', now);
  const required = [...new Set([...(input.customerAsn !== undefined ? [input.customerAsn] : []), ...input.requiredOrigins])];
  const signer = await signerFor(input);
  let result;
  try {
    result = await gatherPreflight(cfg, { rdapResources: input.rdapResources, prefixes: input.prefixes, requiredOrigins: required, signer }, now);
  } catch (e) {
    const err = e as Error;
    if (err.name !== ErrorNames.InternetServiceUnavailable && err.name !== ErrorNames.InternetResponseInvalid) throw e;
    throw new WorkflowError(
      err.name as typeof ErrorNames.InternetServiceUnavailable,
      `${err.message}. Pre-flight could not check the registries; nothing was changed in AWS. ` +
        'If this network cannot reach RDAP and RIPEstat, run again with internetChecks: {skipPreflight: true, reason: "..."} (byoip simulate --skip-preflight); the approvers see the skip.',
    );
  }
  if (!result.passed) throw new WorkflowError(ErrorNames.PreflightCheckFailed, preflightFailureMessage(result), { workflow: input.workflow });
  return result;
});
