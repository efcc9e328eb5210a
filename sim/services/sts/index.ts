/**
 * AWS STS, for one purpose: answering a presigned GetCallerIdentity (https://sts[.<region>].amazonaws.com),
 * which is how `byoip approve|reject` proves its caller's identity to the approval page. The signature is
 * checked as STS checks it (SigV4 with the principal's secret key, on the virtual clock), and the answer is
 * STS's XML. The world lists the principals and their access keys:
 *   "sts": { "principals": [{ "arn": "arn:aws:sts::111122223333:assumed-role/byoip-approver/alice", "accessKeyId": "ASIA...", "secretAccessKey": "..." }] }
 */
import type * as STS from '@aws-sdk/client-sts';
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { HttpRequest, HttpResponse } from '../../../platform/http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../../../platform/sigv4';
import type { SdkServiceModel } from '../../sdk-operations';
import type { Simulator } from '../../simulator';

const PrincipalSeed = z
  .object({
    arn: z.string().regex(/^arn:aws:(iam|sts)::\d{12}:.+$/),
    accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/),
    secretAccessKey: z.string().min(16),
  })
  .strict();
export const StsWorldSection = z.object({ description: z.string().optional(), principals: z.array(PrincipalSeed).default([]) }).strict();
export interface StsState {
  principals: Array<z.infer<typeof PrincipalSeed>>;
  answered: Array<{ at: number; arn: string | null; error?: string }>;
}

const HOST = /^sts(\.([a-z]{2}(-gov)?-[a-z]+-\d))?\.amazonaws\.com$/;

function error(status: number, code: string, message: string): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

function amzDate(text: string): number {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(text);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

async function answer(req: HttpRequest, sim: Simulator): Promise<HttpResponse> {
  const state = sim.state<StsState>('sts');
  const u = new URL(req.url);
  const q = Object.fromEntries(u.searchParams);
  const done = (arn: string | null, res: HttpResponse, err?: string) => {
    state.answered.push({ at: sim.clock.now(), arn, error: err });
    return res;
  };
  if (q.Action !== 'GetCallerIdentity') return done(null, error(400, 'InvalidAction', 'only GetCallerIdentity is simulated'), 'InvalidAction');
  const [accessKeyId, day, region, service] = (q['X-Amz-Credential'] ?? '').split('/');
  const principal = state.principals.find((p) => p.accessKeyId === accessKeyId);
  if (!principal) return done(null, error(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.'), 'InvalidClientTokenId');
  const signedAt = amzDate(q['X-Amz-Date'] ?? '');
  const expires = Number(q['X-Amz-Expires']);
  if (
    !Number.isFinite(signedAt) ||
    !(expires > 0) ||
    sim.clock.now() > signedAt + expires * 1000 ||
    q['X-Amz-Date']?.slice(0, 8) !== day ||
    service !== 'sts'
  ) {
    return done(null, error(403, 'ExpiredToken', 'Signature expired or malformed'), 'ExpiredToken');
  }
  const signedHeaders = (q['X-Amz-SignedHeaders'] ?? '').split(';').filter((h) => h !== 'host');
  const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if (signedHeaders.some((h) => headers[h] === undefined))
    return done(null, error(403, 'SignatureDoesNotMatch', 'a signed header is missing'), 'SignatureDoesNotMatch');
  // Sign the same request again with the principal's secret: STS's own check.
  const signer = new SignatureV4({ service: 'sts', region, credentials: principal, sha256: Sha256 });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: u.hostname,
      path: '/',
      query: Object.fromEntries(Object.entries(q).filter(([k]) => !k.startsWith('X-Amz-'))),
      headers: { host: u.hostname, ...Object.fromEntries(signedHeaders.map((h) => [h, headers[h]])) },
    },
    { expiresIn: expires, signingDate: new Date(signedAt) },
  );
  const expected = (signed.query as Record<string, string>)['X-Amz-Signature'];
  if (expected !== q['X-Amz-Signature'])
    return done(
      null,
      error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'),
      'SignatureDoesNotMatch',
    );
  const account = principal.arn.split(':')[4];
  return done(principal.arn, {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${principal.arn}</Arn><UserId>${principal.accessKeyId}:${principal.arn.split('/').pop()}</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  });
}

export const stsModel: SdkServiceModel<StsState, typeof STS> = {
  key: 'sts',
  service: 'STS',
  seed(world, sim) {
    sim.addHttpHost({
      matches: (req) => {
        try {
          const u = new URL(req.url);
          return u.protocol === 'https:' && HOST.test(u.hostname);
        } catch {
          return false;
        }
      },
      handle: answer,
    });
    return { principals: StsWorldSection.parse(world.sts ?? {}).principals, answered: [] };
  },
  // Never put secret keys into reports.
  snapshot: (s) => ({ principals: s.principals.map((p) => p.arn), answered: s.answered.map((a) => ({ ...a, at: new Date(a.at).toISOString() })) }),
  operations: {
    /** Through an SDK client (what `byoip snapshot` asks first): who the simulated caller is. */
    GetCallerIdentity(ctx) {
      return { Account: ctx.account, Arn: `arn:aws:sts::${ctx.account}:assumed-role/byoip-operator/simulated`, UserId: 'AROASIMULATED:simulated' };
    },
  },
  // Simulated credentials only (the world's own); a snapshot of a real account never reads them.
  toWorld: (s) => (s.principals.length ? { sts: { principals: s.principals } } : {}),
};
