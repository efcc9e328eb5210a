import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeSignature,
  formatAuthorizationMessage,
  parseAuthorizationMessage,
  signAuthorizationMessage,
  verifyAuthorizationSignature,
} from '../../domain/authorization';
import { CERTIFICATE, SIGNING_KEY, WRONG_KEY } from '../support/world';

const NOW = new Date('2026-12-01T08:00:00Z');
const MESSAGE = '1|aws|111122223333|198.18.0.0/22|20261231|SHA256|RSAPSS';

describe('BYOIP authorization messages', () => {
  it('formats the documented message', () => {
    expect(formatAuthorizationMessage({ account: '111122223333', resource: '198.18.0.0/22', expiry: '20261231' })).toBe(MESSAGE);
  });

  it('signs with RSA-PSS/SHA-256 in the "-_~" base64 alphabet and verifies against the certificate', () => {
    const sig = signAuthorizationMessage(MESSAGE, SIGNING_KEY);
    expect(sig).toMatch(/^[A-Za-z0-9\-_~]+$/);
    expect(decodeSignature(sig)).toHaveLength(256);
    expect(verifyAuthorizationSignature(MESSAGE, sig, CERTIFICATE)).toBe(true);
    expect(verifyAuthorizationSignature(MESSAGE.replace('20261231', '20271231'), sig, CERTIFICATE)).toBe(false);
    expect(verifyAuthorizationSignature(MESSAGE, signAuthorizationMessage(MESSAGE, WRONG_KEY), CERTIFICATE)).toBe(false);
  });

  it('verifies a signature made by the openssl pipeline from the AWS docs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'byoip-'));
    writeFileSync(join(dir, 'key.pem'), SIGNING_KEY);
    const sig = execFileSync('sh', [
      '-c',
      `printf '%s' '${MESSAGE}' | openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:-1 -sign ${join(dir, 'key.pem')} -keyform PEM | openssl base64 | tr -- '+=/' '-_~' | tr -d "\\n"`,
    ]).toString();
    expect(verifyAuthorizationSignature(MESSAGE, sig, CERTIFICATE)).toBe(true);
  });

  it.each([
    ['2|aws|111122223333|198.18.0.0/22|20261231|SHA256|RSAPSS', /version/],
    ['1|aws-cn|111122223333|198.18.0.0/22|20261231|SHA256|RSAPSS', /partition/],
    ['1|aws|1111222233|198.18.0.0/22|20261231|SHA256|RSAPSS', /12-digit/],
    ['1|aws|111122223333|198.18.0.1/22|20261231|SHA256|RSAPSS', /not canonical \(expected 198.18.0.0\/22\)/],
    ['1|aws|111122223333|198.18.0.0/22|20261331|SHA256|RSAPSS', /calendar date/],
    ['1|aws|111122223333|198.18.0.0/22|20261130|SHA256|RSAPSS', /expired on 20261130/],
    ['1|aws|111122223333|198.18.0.0/22|20261231|SHA1|RSAPSS', /hash/],
    ['1|aws|111122223333|198.18.0.0/22|20261231|SHA256', /7/],
    [`${MESSAGE}\n`, /whitespace/],
  ])('rejects %s', (text, why) => {
    expect(() => parseAuthorizationMessage(text, 'cidr', NOW)).toThrow(why);
  });

  it('parses an ASN message with bare digits only', () => {
    expect(parseAuthorizationMessage('1|aws|111122223333|64496|20261231|SHA256|RSAPSS', 'asn', NOW).resource).toBe('64496');
    expect(() => parseAuthorizationMessage('1|aws|111122223333|AS64496|20261231|SHA256|RSAPSS', 'asn', NOW)).toThrow(/bare digits/);
  });
});
