/**
 * The approval page's side of `byoip approve|reject`: the caller sends a presigned STS GetCallerIdentity
 * request (platform/sigv4.ts) bound to its decision; this sends it to STS and reads the caller's ARN from
 * STS's answer. Only STS's own hosts are asked (a proof pointing anywhere else is refused, so nobody can
 * answer for STS), only GetCallerIdentity, only fresh proofs, and only with the binding of this decision.
 */
import { canonicalJson } from '../../domain/approval';
import { createHash } from 'node:crypto';
import { httpRequest } from '../http';
import { BINDING_HEADER, PROOF_SECONDS } from '../sigv4';

const STS_HOST = /^sts(\.[a-z]{2}(-gov)?-[a-z]+-\d)?\.amazonaws\.com$/;

/** What a proof is bound to: this approval, this round, this outcome and reason. */
export function decisionBinding(d: { approvalId: string; round: number; outcome: string; reason: string; confirmed?: boolean }): string {
  return createHash('sha256')
    .update(canonicalJson({ use: 'byoip-decision', ...d }))
    .digest('hex');
}

export class IdentityRefused extends Error {
  override name = 'IdentityRefused';
}

function amzDate(text: string): number {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(text);
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

/** The caller's ARN, as STS answers the presigned request `url` sent with `binding`; throws IdentityRefused. */
export async function provenPrincipal(url: string, binding: string, nowMs: number): Promise<string> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new IdentityRefused('the identity proof is not a URL');
  }
  const q = u.searchParams;
  if (u.protocol !== 'https:' || !STS_HOST.test(u.hostname) || u.port || u.pathname !== '/')
    throw new IdentityRefused('the identity proof does not go to AWS STS');
  if (q.get('Action') !== 'GetCallerIdentity' || q.get('Version') !== '2011-06-15' || q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256')
    throw new IdentityRefused('the identity proof is not a signed GetCallerIdentity');
  if (!(q.get('X-Amz-SignedHeaders') ?? '').split(';').includes(BINDING_HEADER))
    throw new IdentityRefused(`the identity proof does not sign ${BINDING_HEADER}`);
  const signedAt = amzDate(q.get('X-Amz-Date') ?? '');
  const expires = Number(q.get('X-Amz-Expires'));
  if (!Number.isFinite(signedAt) || !(expires > 0 && expires <= PROOF_SECONDS) || Math.abs(nowMs - signedAt) > PROOF_SECONDS * 1000) {
    throw new IdentityRefused('the identity proof is stale: sign it again');
  }
  const res = await httpRequest({ url: u.toString(), method: 'GET', headers: { [BINDING_HEADER]: binding }, timeoutMs: 5000 });
  if (res.status !== 200) {
    const code = /<Code>([^<]+)<\/Code>/.exec(res.body)?.[1] ?? `HTTP ${res.status}`;
    throw new IdentityRefused(`AWS STS did not confirm the identity (${code})`);
  }
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(res.body)?.[1];
  if (!arn) throw new IdentityRefused('AWS STS answered without an ARN');
  return arn;
}
