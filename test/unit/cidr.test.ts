import { canonicalCidr, contains, formatCidr, nonPublicReason, nthAddress, overlaps, parseCidr, subnets } from '../../domain/cidr';

describe('CIDR math', () => {
  it('parses and formats IPv4 and IPv6 prefixes canonically', () => {
    expect(formatCidr(parseCidr('198.18.0.0/22'))).toBe('198.18.0.0/22');
    expect(canonicalCidr('100.68.0.18/18')).toBe('100.68.0.0/18');
    expect(formatCidr(parseCidr('2001:db8:0:0::/48'))).toBe('2001:db8::/48');
  });

  it('rejects malformed prefixes with the reason', () => {
    expect(() => parseCidr('198.18.0.1/24')).toThrow(/host bits set \(did you mean 198\.18\.0\.0\/24\?\)/);
    expect(() => parseCidr('198.18.0.0')).toThrow(/no prefix length/);
    expect(() => parseCidr('198.18.0.0/33')).toThrow(/above 32/);
    expect(() => parseCidr('198.18.256.0/24')).toThrow(/above 255/);
    expect(() => parseCidr('198.018.0.0/24')).toThrow(/leading zero/);
    expect(() => parseCidr('2001:db8::1::/48')).toThrow(/not an IPv6/);
  });

  it('knows containment and overlap', () => {
    const block = parseCidr('198.18.0.0/22');
    expect(contains(block, parseCidr('198.18.3.0/24'))).toBe(true);
    expect(contains(block, parseCidr('198.18.4.0/24'))).toBe(false);
    expect(overlaps(parseCidr('198.18.0.0/23'), parseCidr('198.18.1.0/24'))).toBe(true);
    expect(overlaps(parseCidr('198.18.0.0/24'), parseCidr('198.18.1.0/24'))).toBe(false);
    expect(overlaps(parseCidr('198.18.0.0/24'), parseCidr('2001:db8::/32'))).toBe(false);
  });

  it('splits a block into /24s and picks host addresses', () => {
    expect(subnets(parseCidr('198.18.0.0/22'), 24).map(formatCidr)).toEqual(['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/24', '198.18.3.0/24']);
    expect(nthAddress(parseCidr('198.18.2.0/24'), 140)).toBe('198.18.2.140');
    expect(() => nthAddress(parseCidr('198.18.2.0/24'), 256)).toThrow(/outside/);
  });

  it('says why private and special space cannot be brought to AWS, and allows documentation ranges only in a rehearsal', () => {
    expect(nonPublicReason(parseCidr('10.1.0.0/24'))).toMatch(/RFC 1918/);
    expect(nonPublicReason(parseCidr('100.64.0.0/24'))).toMatch(/carrier-grade NAT/);
    expect(nonPublicReason(parseCidr('224.0.0.0/24'))).toMatch(/multicast/);
    expect(nonPublicReason(parseCidr('0.0.0.0/0'))).toBeDefined();
    expect(nonPublicReason(parseCidr('198.18.0.0/24'))).toMatch(
      /is in 198\.18\.0\.0\/15, benchmarking \(RFC 2544\); documentation space is accepted only in a simulated rehearsal/,
    );
    expect(nonPublicReason(parseCidr('198.18.0.0/24'), 'rehearsal')).toBeUndefined();
    expect(nonPublicReason(parseCidr('198.0.0.0/8'), 'rehearsal')).toMatch(/overlaps 198\.18\.0\.0\/15/); // wider than the documentation block
    expect(nonPublicReason(parseCidr('8.8.8.0/24'))).toBeUndefined();
    expect(nonPublicReason(parseCidr('fd00::/48'))).toMatch(/unique local/);
  });
});
