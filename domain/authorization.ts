/**
 * BYOIP / BYOASN authorization context: "1|aws|ACCOUNT|RESOURCE|YYYYMMDD|SHA256|RSAPSS", signed with
 * the key whose X.509 certificate sits in the RIR's RDAP record. Same format for a CIDR or an ASN.
 * Signature = RSA-PSS/SHA-256 (salt length = digest), base64 with "+=/" → "-_~" and no newlines,
 * exactly what `openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:-1 | openssl base64 | tr`
 * produces.
 */
import { constants, createPublicKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { canonicalCidr, type CidrError } from './cidr';

export interface AuthorizationMessage {
  readonly account: string;
  /** A canonical CIDR, or bare ASN digits. */
  readonly resource: string;
  /** Expiry date, YYYYMMDD (UTC). */
  readonly expiry: string;
}

export class AuthorizationError extends Error {
  override name = 'AuthorizationInvalid';
}

const ACCOUNT_RE = /^\d{12}$/;

export function formatAuthorizationMessage(m: AuthorizationMessage): string {
  return `1|aws|${m.account}|${m.resource}|${m.expiry}|SHA256|RSAPSS`;
}

/** The YYYYMMDD of a date (UTC). */
export function yyyymmdd(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

/** End of the given YYYYMMDD day (UTC): a message dated today is still valid today. */
export function expiryInstant(expiry: string): Date {
  const y = Number(expiry.slice(0, 4));
  const mo = Number(expiry.slice(4, 6));
  const d = Number(expiry.slice(6, 8));
  const date = new Date(Date.UTC(y, mo - 1, d, 23, 59, 59));
  if (!/^\d{8}$/.test(expiry) || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    throw new AuthorizationError(`expiry "${expiry}" is not a calendar date in YYYYMMDD form`);
  }
  return date;
}

/**
 * Parses and checks the message's shape. `kind` says whether the resource must be a CIDR or an ASN;
 * `now` (when given) rejects expired messages.
 */
export function parseAuthorizationMessage(text: string, kind: 'cidr' | 'asn', now?: Date): AuthorizationMessage {
  if (typeof text !== 'string' || text.length === 0) throw new AuthorizationError('message is empty');
  if (/\s/.test(text)) throw new AuthorizationError('message contains whitespace or a newline');
  const parts = text.split('|');
  if (parts.length !== 7) {
    throw new AuthorizationError(`message has ${parts.length} fields; expected 7: 1|aws|ACCOUNT|${kind === 'cidr' ? 'CIDR' : 'ASN'}|YYYYMMDD|SHA256|RSAPSS`);
  }
  const [version, partition, account, resource, expiry, hash, algorithm] = parts;
  if (version !== '1') throw new AuthorizationError(`message version is "${version}"; expected "1"`);
  if (partition !== 'aws') throw new AuthorizationError(`message partition is "${partition}"; expected "aws"`);
  if (!ACCOUNT_RE.test(account)) throw new AuthorizationError(`message account "${account}" is not a 12-digit AWS account id`);
  if (hash !== 'SHA256') throw new AuthorizationError(`message hash is "${hash}"; expected "SHA256"`);
  if (algorithm !== 'RSAPSS') throw new AuthorizationError(`message signature algorithm is "${algorithm}"; expected "RSAPSS"`);
  let canonical: string;
  if (kind === 'cidr') {
    try {
      canonical = canonicalCidr(resource);
    } catch (e) {
      throw new AuthorizationError(`message CIDR "${resource}" is invalid: ${(e as CidrError).message}`);
    }
    if (canonical !== resource) throw new AuthorizationError(`message CIDR "${resource}" is not canonical (expected ${canonical})`);
  } else {
    if (!/^\d{1,10}$/.test(resource)) throw new AuthorizationError(`message ASN "${resource}" must be bare digits (no "AS" prefix)`);
    canonical = String(Number(resource));
  }
  const expires = expiryInstant(expiry);
  if (now && expires.getTime() < now.getTime()) {
    throw new AuthorizationError(`message expired on ${expiry} (now ${yyyymmdd(now)})`);
  }
  return { account, resource: canonical, expiry };
}

export function encodeSignature(raw: Buffer): string {
  return raw.toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
}

export function decodeSignature(text: string): Buffer {
  if (!/^[A-Za-z0-9\-_~]+$/.test(text)) {
    throw new AuthorizationError('signature must be base64 with "+=/" replaced by "-_~" and no newlines');
  }
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');
}

export function signAuthorizationMessage(message: string, privateKeyPem: string, passphrase?: string): string {
  const raw = sign('sha256', Buffer.from(message, 'utf8'), {
    key: privateKeyPem,
    passphrase,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  });
  return encodeSignature(raw);
}

function publicKeyOf(pem: string): KeyObject {
  return pem.includes('CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

/** True when `signature` is a valid RSA-PSS signature of `message` by the certificate's (or public key's) key. */
export function verifyAuthorizationSignature(message: string, signature: string, certificateOrPublicKeyPem: string): boolean {
  let raw: Buffer;
  try {
    raw = decodeSignature(signature);
  } catch {
    return false;
  }
  return verify(
    'sha256',
    Buffer.from(message, 'utf8'),
    {
      key: publicKeyOf(certificateOrPublicKeyPem),
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_AUTO,
    },
    raw,
  );
}
