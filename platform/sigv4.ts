/**
 * Proving an AWS identity to the orchestrator without giving it credentials: the caller presigns an STS
 * GetCallerIdentity request (SigV4, @smithy/signature-v4, as the SDK signs) with a header that binds it to
 * one decision; the approval page sends that request to STS itself and gets the caller's ARN from STS's
 * answer. The same pattern as Vault's and Kubernetes' AWS IAM authenticators.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, SourceData } from '@smithy/types';

const bytes = (d: SourceData): Buffer =>
  typeof d === 'string' ? Buffer.from(d, 'utf8') : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);

/** The header that binds a presigned GetCallerIdentity to what it is used for (signed, so it cannot be swapped). */
export const BINDING_HEADER = 'x-byoip-binding';
/** How long a proof is good for. */
export const PROOF_SECONDS = 300;

/** SHA-256 (and HMAC-SHA256 with a secret) for the signer, from node:crypto. */
export class Sha256 {
  private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  private readonly secret?: Buffer;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.secret ? createHmac('sha256', this.secret) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.secret ? createHmac('sha256', this.secret) : createHash('sha256');
  }
}

export const stsHost = (region: string) => `sts.${region}.amazonaws.com`;

export interface PresignedRequest {
  hostname: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

/** The presigned GetCallerIdentity request for `binding` (hex), signed with `credentials` at `at`. */
export async function presignCallerIdentity(
  credentials: AwsCredentialIdentity,
  region: string,
  binding: string,
  at: Date,
  expiresIn = PROOF_SECONDS,
  hostname = stsHost(region),
): Promise<PresignedRequest> {
  const signer = new SignatureV4({ service: 'sts', region, credentials, sha256: Sha256 });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, [BINDING_HEADER]: binding },
    },
    { expiresIn, signingDate: at },
  );
  return { hostname, query: signed.query as Record<string, string>, headers: { [BINDING_HEADER]: binding } };
}

export function presignedUrl(p: Pick<PresignedRequest, 'hostname' | 'query'>): string {
  return `https://${p.hostname}/?${new URLSearchParams(p.query).toString()}`;
}
