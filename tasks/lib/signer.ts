/**
 * The one place an authorization message is signed with the customer's RIR key (BYOIP CIDRs and BYOASN
 * alike). It runs inside the task that provisions, so the signature never appears in a state's input or
 * output, and it signs only:
 *  - for this function's own account (from its invocation context; an input naming another one is a
 *    SafetyViolation naming both),
 *  - prefixes and ASNs the deployment lists (byoip.signing), with the configured key secret (exactly its ARN),
 *  - for at most byoip.signing.maxAuthorizationDays.
 * Messages given in the input are used as they are, after the same account and resource checks.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { formatAuthorizationMessage, parseAuthorizationMessage, signAuthorizationMessage, yyyymmdd } from '../../domain/authorization';
import { maySignAsn, maySignPrefix, signingKeySecret } from '../../domain/deployment';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { client } from '../../platform/aws';
import { deployment, ownAccount } from '../../platform/deployment';

export const SigningKeyRef = z.object({ signingKeySecretId: z.string().min(1), expiresInDays: z.number().int().positive() });
const Signed = z.object({ cidr: z.string(), message: z.string(), signature: z.string() });
/** What a provisioning task receives: signed messages per CIDR, or the key to sign with here. */
export const CidrAuthorization = z.union([z.object({ messages: z.array(Signed) }), SigningKeyRef]);
export const AsnAuthorization = z.union([z.object({ message: z.string(), signature: z.string() }), SigningKeyRef]);

export interface SignedMessage {
  resource: string;
  message: string;
  signature: string;
}

const refuse = (message: string) => new WorkflowError(ErrorNames.SafetyViolation, `refusing to sign: ${message}`);

/** Checks that the task's account and the plan's agree; both are named when they do not. */
export function signingAccount(context: Pick<Context, 'invokedFunctionArn'>, planAccount: string | undefined): string {
  const account = ownAccount(context);
  if (planAccount !== undefined && planAccount !== account) {
    throw refuse(`the plan names account ${planAccount}, but this deployment runs in account ${account}; the RIR key signs only for its own account`);
  }
  return account;
}

async function privateKey(secretArn: string): Promise<string> {
  const region = secretArn.split(':')[3];
  const secret = await client(SecretsManagerClient, { region }).send(new GetSecretValueCommand({ SecretId: secretArn }));
  const pem = secret.SecretString;
  if (!pem?.includes('PRIVATE KEY')) throw new WorkflowError(ErrorNames.ConfigurationInvalid, `secret ${secretArn} does not hold a PEM private key`);
  return pem;
}

/**
 * The messages for `resources` (canonical CIDRs, or one ASN as digits): the input's, checked, or signed
 * here. `kind` says which; `account` is this function's own (signingAccount).
 */
export async function authorizationMessages(
  kind: 'cidr' | 'asn',
  resources: string[],
  authorization: z.infer<typeof CidrAuthorization> | z.infer<typeof AsnAuthorization>,
  account: string,
): Promise<SignedMessage[]> {
  if (!('signingKeySecretId' in authorization)) {
    const given =
      'messages' in authorization
        ? authorization.messages.map((m) => ({ resource: m.cidr, message: m.message, signature: m.signature }))
        : [{ resource: resources[0], message: authorization.message, signature: authorization.signature }];
    for (const m of given) {
      const parsed = parseAuthorizationMessage(m.message, kind);
      if (parsed.account !== account)
        throw new WorkflowError(
          ErrorNames.SafetyViolation,
          `refusing to provision ${m.resource}: its message authorizes account ${parsed.account}, but this deployment runs in account ${account}`,
        );
    }
    return given;
  }
  const config = deployment();
  const secretArn = signingKeySecret(config, authorization.signingKeySecretId);
  if (!secretArn) throw refuse(`${authorization.signingKeySecretId} is not a signing key this deployment may use (byoip.signing.keySecretArns)`);
  const outside = resources.filter((r) => (kind === 'cidr' ? !maySignPrefix(config, r) : !maySignAsn(config, r)));
  if (outside.length) {
    throw refuse(
      `${outside.map((r) => (kind === 'asn' ? `AS${r}` : r)).join(', ')} ${outside.length === 1 ? 'is' : 'are'} not in this deployment's ${kind === 'cidr' ? 'byoip.signing.prefixes' : 'byoip.signing.asns'}`,
    );
  }
  const max = config.signing.maxAuthorizationDays;
  if (authorization.expiresInDays > max)
    throw refuse(`a validity of ${authorization.expiresInDays} days is longer than byoip.signing.maxAuthorizationDays (${max})`);
  const pem = await privateKey(secretArn);
  const expiry = yyyymmdd(new Date(Date.now() + authorization.expiresInDays * 86_400_000));
  return resources.map((resource) => {
    const message = formatAuthorizationMessage({ account, resource, expiry });
    return { resource, message, signature: signAuthorizationMessage(message, pem) };
  });
}
