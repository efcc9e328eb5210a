/**
 * BYOASN input rules, before any AWS call: which ASNs can be brought to AWS, the signed message,
 * and the swap guard's clock.
 */
import { asnProblem, nextCustomSwapAt, planAsnSwap, planByoasnOnboarding, planByoasnTeardown, waitTimestamp } from '../../domain/byoasn';
import { byoasnInput, signedAsnMessage } from '../support/byoasn';
import { CERTIFICATE, validateAsRehearsal, WRONG_KEY } from '../support/world';

validateAsRehearsal();

const NOW = new Date('2026-12-01T08:00:00Z');

describe('ASN rules', () => {
  it.each([
    [0, /reserved \(RFC 7607\)/],
    ['23456', /AS_TRANS/],
    [65535, /reserved \(RFC 7300\)/],
    ['4294967295', /reserved \(RFC 7300\)/],
    ['4294967296', /above 4294967295/],
    ['99999999999', /above 4294967295/],
    [64512, /private use \(RFC 6996\).*public ASN/],
    ['65534', /private use/],
    ['4200000000', /private use/],
    ['4294967294', /private use/],
    ['100000', /reserved by IANA/],
    [64496.5, /not a whole number/],
    [-1, /not a whole number/],
    ['AS64496', /without the "AS" prefix/],
    ['1.10', /asdot notation; use asplain digits \(e\.g\. 1\.10 is 65546\)/],
    ['064496', /leading zeros/],
    ['sixty-four', /not an ASN/],
    [null, /bare digits/],
  ])('refuses %p', (asn, why) => {
    expect(asnProblem(asn)).toMatch(why);
  });

  it.each([[1], ['13335'], [64496], ['64511'], [65536], ['65551'], ['131072'], ['4199999999']])('accepts %p (public, or RFC 5398 documentation)', (asn) => {
    expect(asnProblem(asn)).toBeUndefined();
  });
});

describe('byoasn-onboard input', () => {
  const withMessage = (auth: object, patch: object = {}) => ({ ...byoasnInput('byoasn-onboard'), authorization: auth, ...patch });

  it('derives the plan: canonical ASN and CIDRs, advertise items 11 s apart', () => {
    const plan = planByoasnOnboarding(byoasnInput('byoasn-onboard', { asn: 64496, cidrs: ['198.19.1.0/24', '198.19.0.0/24'] }), NOW);
    expect(plan).toMatchObject({ asn: '64496', cidrs: ['198.19.0.0/24', '198.19.1.0/24'], advertise: true, migrationId: 'example-corp-as64496' });
    expect(plan.advertiseItems).toEqual([
      { cidr: '198.19.0.0/24', waitSeconds: 0 },
      { cidr: '198.19.1.0/24', waitSeconds: 11 },
    ]);
  });

  it('accepts a message signed with the key in the RDAP certificate', () => {
    expect(() => planByoasnOnboarding(withMessage({ ...signedAsnMessage('64496', NOW), certificatePem: CERTIFICATE }), NOW)).not.toThrow();
  });

  it.each([
    ['ASN 0', () => byoasnInput('byoasn-onboard', { asn: 0 }), /input\.asn: AS0 is reserved/],
    ['AS_TRANS', () => byoasnInput('byoasn-onboard', { asn: '23456' }), /input\.asn: AS23456 is AS_TRANS/],
    ['an ASN above 32 bits', () => byoasnInput('byoasn-onboard', { asn: '4294967296' }), /input\.asn: 4294967296 is above 4294967295/],
    ['a private ASN', () => byoasnInput('byoasn-onboard', { asn: 64512 }), /input\.asn: AS64512 is private use .*public ASN/],
    ['a private 4-byte ASN', () => byoasnInput('byoasn-onboard', { asn: '4200000001' }), /input\.asn: AS4200000001 is private use/],
    ['a private CIDR', () => byoasnInput('byoasn-onboard', { cidrs: ['10.1.0.0/24'] }), /input\.cidrs\[0\]: "10\.1\.0\.0\/24" overlaps 10\.0\.0\.0\/8/],
    ['a /25', () => byoasnInput('byoasn-onboard', { cidrs: ['198.19.0.0/25'] }), /input\.cidrs\[0\]: .*at most \/24/],
    ['overlapping CIDRs', () => byoasnInput('byoasn-onboard', { cidrs: ['198.19.0.0/24', '198.19.0.0/23'] }), /input\.cidrs\[1\]: overlaps cidrs\[0\]/],
    [
      'a malformed message',
      () => withMessage({ message: '1|aws|111122223333|64496|20261231|SHA256', signature: signedAsnMessage('64496', NOW).signature }),
      /input\.authorization\.message: message has 6 fields/,
    ],
    [
      'an "AS" prefix in the message',
      () => withMessage({ ...signedAsnMessage('64496', NOW), message: '1|aws|111122223333|AS64496|20261231|SHA256|RSAPSS' }),
      /input\.authorization\.message: message ASN "AS64496" must be bare digits/,
    ],
    ['leading zeros in the message', () => withMessage({ ...signedAsnMessage('064496', NOW) }), /input\.authorization\.message: writes the ASN as "064496"/],
    ['a message for another ASN', () => withMessage(signedAsnMessage('64497', NOW)), /input\.authorization\.message: names 64497, but it authorizes 64496/],
    [
      'a message for another account',
      () => withMessage(signedAsnMessage('64496', NOW, { account: '999988887777' })),
      /names account 999988887777, but accountId is 111122223333/,
    ],
    [
      'an expired message',
      () => withMessage(signedAsnMessage('64496', new Date('2026-10-01T00:00:00Z'), { days: 30 })),
      /input\.authorization\.message: message expired on 20261031/,
    ],
    [
      'a signature from the wrong key',
      () => withMessage({ ...signedAsnMessage('64496', NOW, { key: WRONG_KEY }), certificatePem: CERTIFICATE }),
      /input\.authorization\.signature: does not verify against certificatePem/,
    ],
    [
      'a signature in plain base64',
      () => withMessage({ ...signedAsnMessage('64496', NOW), signature: 'abc+/=' }),
      /input\.authorization\.signature: signature must be base64 with "\+=\/" replaced by "-_~"/,
    ],
    ['an unknown field', () => byoasnInput('byoasn-onboard', { swapNow: true }), /input: unknown field\(s\) "swapNow"/],
  ])('refuses %s, naming the field', (_name, input, why) => {
    expect(() => planByoasnOnboarding(input(), NOW)).toThrow(expect.objectContaining({ name: 'InputInvalid', message: expect.stringMatching(why) }));
  });
});

describe('asn-swap input', () => {
  it('knows the direction; "AWS" needs no approvers', () => {
    expect(planAsnSwap(byoasnInput('asn-swap'))).toMatchObject({ cidr: '198.19.1.0/24', to: '64497', toCustom: true });
    expect(planAsnSwap({ ...byoasnInput('asn-swap'), to: 'AWS', approvers: undefined })).toMatchObject({ to: 'AWS', toCustom: false, approvers: [] });
  });

  it.each([
    [{ to: 23456 }, /input\.to: AS23456 is AS_TRANS/],
    [{ to: 'aws' }, /input\.to: write "AWS" in capitals/],
    [{ cidr: '198.19.1.7/24' }, /input\.cidr: .*host bits set/],
    [{ cidr: '192.168.1.0/24' }, /input\.cidr: "192\.168\.1\.0\/24" overlaps 192\.168\.0\.0\/16/],
  ])('refuses %p', (patch, why) => {
    expect(() => planAsnSwap(byoasnInput('asn-swap', patch))).toThrow(expect.objectContaining({ name: 'InputInvalid', message: expect.stringMatching(why) }));
  });
});

describe('byoasn-teardown input', () => {
  it('plans the origin step from the mode', () => {
    expect(planByoasnTeardown(byoasnInput('byoasn-teardown'))).toMatchObject({
      withdraw: true,
      revert: false,
      originTarget: 'withdrawn',
      deprovisionPoolCidrs: true,
    });
    expect(planByoasnTeardown(byoasnInput('byoasn-teardown', { origin: 'revert-to-aws', deprovisionPoolCidrs: false }))).toMatchObject({
      revert: true,
      originTarget: 'settled',
    });
  });

  it.each([
    [{ origin: 'revert-to-aws' }, /input\.deprovisionPoolCidrs: needs origin "withdraw"/],
    [{ origin: 'keep' }, /input\.origin: must be "revert-to-aws" or "withdraw"/],
    [{ asn: '0' }, /input\.asn: AS0 is reserved/],
    [{ cidrs: [] }, /input\.cidrs: /],
  ])('refuses %p', (patch, why) => {
    expect(() => planByoasnTeardown(byoasnInput('byoasn-teardown', patch))).toThrow(
      expect.objectContaining({ name: 'InputInvalid', message: expect.stringMatching(why) }),
    );
  });
});

describe("the swap guard's clock", () => {
  it('allows the next AWS→custom change an hour and a minute after the last one', () => {
    const last = Date.parse('2026-12-01T08:00:00.250Z');
    expect(nextCustomSwapAt(last) - last).toBe(3660_000);
  });

  it('writes Wait timestamps as RFC 3339 without fractions, never early', () => {
    expect(waitTimestamp(Date.parse('2026-12-01T09:01:00.250Z'))).toBe('2026-12-01T09:01:01Z');
    expect(waitTimestamp(Date.parse('2026-12-01T09:01:00.000Z'))).toBe('2026-12-01T09:01:00Z');
  });
});
