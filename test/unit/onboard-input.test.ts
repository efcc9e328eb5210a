/**
 * Malformed onboarding inputs are rejected before any AWS call, each mistake named by its field.
 * (The workflow tests also run some of these through the engine and assert zero AWS calls.)
 */
import { planOnboarding, planTeardown } from '../../domain/cloudfront-byoip';
import { ACCOUNT, exampleInput, signedMessages, WRONG_KEY, CERTIFICATE, validateAsRehearsal } from '../support/world';

validateAsRehearsal();

const NOW = new Date('2026-12-01T08:00:00Z');
const base = () => exampleInput();
const withAuth = (patch: object) => ({ ...base(), topLevelCidrs: undefined, ...patch });

const cases: Array<[string, () => unknown, RegExp]> = [
  ['not an object', () => 'onboard please', /input: /],
  ['unknown field', () => ({ ...base(), cidr: '198.18.0.0/24' }), /input: unknown field\(s\) "cidr"/],
  ['missing accountId', () => ({ ...base(), accountId: undefined }), /input\.accountId: /],
  ['account id too short', () => ({ ...base(), accountId: '1234' }), /input\.accountId: must be a 12-digit AWS account id/],
  ['bad region', () => ({ ...base(), region: 'virginia' }), /input\.region: must be an AWS region/],
  ['bad IPAM id', () => ({ ...base(), ipamId: 'my-ipam' }), /input\.ipamId: must be an IPAM id/],
  ['two /24s', () => ({ ...base(), cidrs: ['198.18.0.0/24', '198.18.1.0/24'] }), /input\.cidrs: CloudFront BYOIP needs exactly three \/24 blocks/],
  [
    'prefix longer than /24',
    () => ({ ...base(), cidrs: ['198.18.0.0/25', '198.18.1.0/24', '198.18.2.0/24'] }),
    /input\.cidrs\[0\]: "198\.18\.0\.0\/25" is a \/25; CloudFront needs whole \/24 blocks/,
  ],
  [
    'private range',
    () => ({ ...base(), cidrs: ['10.0.0.0/24', '198.18.1.0/24', '198.18.2.0/24'], topLevelCidrs: undefined }),
    /input\.cidrs\[0\]: "10\.0\.0\.0\/24" overlaps 10\.0\.0\.0\/8, private-use \(RFC 1918\)/,
  ],
  ['host bits set', () => ({ ...base(), cidrs: ['198.18.0.7/24', '198.18.1.0/24', '198.18.2.0/24'] }), /host bits set \(did you mean 198\.18\.0\.0\/24\?\)/],
  [
    'IPv6 where IPv4 is required',
    () => ({ ...base(), cidrs: ['2001:db8::/48', '198.18.1.0/24', '198.18.2.0/24'] }),
    /is IPv6; CloudFront BYOIP takes IPv4 \/24s here/,
  ],
  ['duplicate /24', () => ({ ...base(), cidrs: ['198.18.0.0/24', '198.18.0.0/24', '198.18.2.0/24'] }), /input\.cidrs\[1\]: repeats 198\.18\.0\.0\/24/],
  [
    '/24 outside the top-level block',
    () => ({ ...base(), cidrs: ['198.18.0.0/24', '198.18.1.0/24', '198.18.9.0/24'] }),
    /input\.cidrs\[2\]: 198\.18\.9\.0\/24 is not inside any of topLevelCidrs/,
  ],
  [
    'overlapping top-level CIDRs',
    () => ({ ...base(), topLevelCidrs: ['198.18.0.0/22', '198.18.0.0/23'] }),
    /input\.topLevelCidrs\[1\]: overlaps topLevelCidrs\[0\]/,
  ],
  ['neither messages nor signing key', () => ({ ...base(), authorization: {} }), /input\.authorization: /],
  [
    'message for the wrong account',
    () => withAuth({ authorization: { messages: signedMessages(['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/24'], NOW, { account: '999988887777' }) } }),
    /input\.authorization\.messages\[0\]\.message: names account 999988887777, but accountId is 111122223333/,
  ],
  [
    'expired message',
    () =>
      withAuth({
        authorization: { messages: signedMessages(['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/24'], new Date('2026-10-01T00:00:00Z'), { days: 30 }) },
      }),
    /expired on 20261031/,
  ],
  [
    'message missing for a CIDR',
    () => withAuth({ authorization: { messages: signedMessages(['198.18.0.0/24', '198.18.1.0/24'], NOW) } }),
    /input\.authorization\.messages: has no message for 198\.18\.2\.0\/24/,
  ],
  [
    'signature from the wrong key (certificate given)',
    () =>
      withAuth({
        authorization: { certificatePem: CERTIFICATE, messages: signedMessages(['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/24'], NOW, { key: WRONG_KEY }) },
      }),
    /signature: does not verify against certificatePem/,
  ],
  [
    'signature with newlines / standard base64',
    () =>
      withAuth({
        authorization: {
          messages: signedMessages(['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/24'], NOW).map((m) => ({
            ...m,
            signature: `${m.signature.slice(0, 60)}+/=\n${m.signature.slice(60)}`,
          })),
        },
      }),
    /signature: signature must be base64 with "\+=\/" replaced by "-_~"/,
  ],
  [
    'unknown distribution id format',
    () => ({ ...base(), distributionIds: ['my-distribution'] }),
    /input\.distributionIds\[0\]: must be a CloudFront distribution id/,
  ],
  ['no distributions', () => ({ ...base(), distributionIds: [] }), /input\.distributionIds: needs at least one distribution/],
  [
    'duplicate distribution',
    () => ({ ...base(), distributionIds: ['E1EXAMPLEAPI01', 'E1EXAMPLEAPI01'] }),
    /input\.distributionIds: lists a distribution twice/,
  ],
  ['TTL out of range', () => ({ ...base(), dns: { ...base().dns, cutoverTtl: 3600 } }), /input\.dns\.cutoverTtl: must be at most 300 seconds/],
  ['TTL zero', () => ({ ...base(), dns: { ...base().dns, cutoverTtl: 0 } }), /input\.dns\.cutoverTtl: must be at least 1 second/],
  [
    'AAAA record to an IPv4 list',
    () => ({ ...base(), dns: { ...base().dns, records: [{ hostedZoneId: 'Z0EXAMPLE000001', name: 'api.example.com', type: 'AAAA' }] } }),
    /input\.dns\.records\[0\]\.type: only A records/,
  ],
  [
    'bad DNS name',
    () => ({ ...base(), dns: { ...base().dns, records: [{ hostedZoneId: 'Z0EXAMPLE000001', name: 'api_example', type: 'A' }] } }),
    /input\.dns\.records\[0\]\.name: must be a fully qualified DNS name/,
  ],
  [
    'bad hosted zone id',
    () => ({ ...base(), dns: { ...base().dns, records: [{ hostedZoneId: 'example.com', name: 'api.example.com' }] } }),
    /input\.dns\.records\[0\]\.hostedZoneId: must be a Route 53 hosted zone id/,
  ],
  ['approver not an email', () => ({ ...base(), approvers: ['netops'] }), /input\.approvers\[0\]: must be an email address/],
  [
    'approval timeout beyond 10 days',
    () => ({ ...base(), approval: { timeoutSeconds: 30 * 86_400 } }),
    /input\.approval\.timeoutSeconds: must be at most 10 days/,
  ],
  ['wrong type', () => ({ ...base(), distributionIds: 'E1EXAMPLEAPI01' }), /input\.distributionIds: /],
  ['oversized string', () => ({ ...base(), migrationId: 'x'.repeat(5000) }), /input\.migrationId: must be 3-41 lowercase letters/],
];

describe('onboard-cloudfront-byoip input validation', () => {
  it('accepts the example input', () => {
    const plan = planOnboarding(base(), NOW);
    expect(plan).toMatchObject({ accountId: ACCOUNT, cidrs: ['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/24'], topLevelCidrs: ['198.18.0.0/22'] });
    expect(plan.advertiseItems.map((i) => i.waitSeconds)).toEqual([0, 11, 11]);
  });

  it('accepts pre-signed messages verified against the certificate', () => {
    const cidrs = ['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/24'];
    expect(() => planOnboarding(withAuth({ authorization: { certificatePem: CERTIFICATE, messages: signedMessages(cidrs, NOW) } }), NOW)).not.toThrow();
  });

  it.each(cases)('rejects %s, naming the field', (_name, input, message) => {
    expect(() => planOnboarding(input(), NOW)).toThrow(expect.objectContaining({ name: 'InputInvalid', message: expect.stringMatching(message) }));
  });

  it('reports every mistake at once', () => {
    const bad = { ...base(), accountId: '1', ipamId: 'x', approvers: ['not-an-email'] };
    try {
      planOnboarding(bad, NOW);
      throw new Error('accepted');
    } catch (e) {
      expect((e as Error).message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(3);
    }
  });

  it('validates teardown input too', () => {
    expect(planTeardown(exampleInput('teardown-cloudfront-byoip')).withdrawItems).toHaveLength(3);
    expect(() => planTeardown({ ...exampleInput('teardown-cloudfront-byoip'), topLevelCidrs: ['198.18.0.0/22'], deprovisionTopLevel: false })).toThrow(
      /input\.topLevelCidrs: is only used with deprovisionTopLevel: true/,
    );
  });
});
