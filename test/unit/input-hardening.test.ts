/**
 * Input rules that fail closed (issue 17): email addresses, the IANA special-purpose registries,
 * documentation space and ASNs only in a rehearsal, Amazon's ASNs, CloudFront origin ports, the
 * deployment's rehearsal flag, and path-pattern matching whose cost does not explode.
 */
import fc from 'fast-check';
import { asnProblem, AMAZON_ASNS } from '../../domain/byoasn';
import { nonPublicReason, parseCidr, SPECIAL_PURPOSE } from '../../domain/cidr';
import { parseDeploymentConfig } from '../../domain/deployment';
import { checkEmail } from '../../domain/email';
import { isLockdownPortRange } from '../../domain/origin-lockdown';
import { isCloudFrontOriginPort } from '../../domain/validation';
import { pathMatches } from '../../domain/vpc-origins';
import { starCount, wildcardMatch } from '../../domain/wildcard';
import { inAddressWorld } from '../../domain/world';

describe('email addresses', () => {
  it.each([
    ['netops@example.com', 'netops@example.com'],
    ['Net.Ops+cab@Example.COM', 'Net.Ops+cab@example.com'],
    ['ops@bücher.de', 'ops@xn--bcher-kva.de'],
    ['ops@пример.рф', 'ops@xn--e1afmkfd.xn--p1ai'],
    ['ops@例え.jp', 'ops@xn--r8jz45g.jp'],
    ['ops@ｅｘａｍｐｌｅ.com', 'ops@example.com'],
  ])('accepts %s as %s (one spelling per mailbox)', (text, address) => {
    expect(checkEmail(text)).toEqual({ address });
  });

  it.each([
    ['a NUL', 'net\u0000ops@example.com', /U\+0000/],
    ['a right-to-left override', 'net\u202eops@example.com', /U\+202E/],
    ['a left-to-right isolate', 'net\u2066ops@example.com', /U\+2066/],
    ['a zero-width joiner', 'net\u200dops@example.com', /U\+200D/],
    ['a soft hyphen', 'net\u00adops@example.com', /U\+00AD/],
    ['a tab', 'net\tops@example.com', /U\+0009/],
    ['a no-break space', 'net\u00a0ops@example.com', /U\+00A0/],
    ['a private-use character', 'net\ue000ops@example.com', /U\+E000/],
    ['a Cyrillic "а" in a Latin domain', 'ops@exаmple.com', /mixes Cyrillic and Latin/],
    ['a Greek "ο" in a Latin domain', 'ops@gοogle.com', /mixes Greek and Latin/],
    ['a whole-Cyrillic look-alike', 'ops@\u0440\u0430\u0443\u0440\u0430\u04cf.com', /written in Cyrillic letters that look Latin \(a look-alike of "paypal"\)/],
    ['the same in punycode', 'ops@xn--80aa0cbo65f.com', /look-alike of "paypal"/],
    ['a non-ASCII local part', 'nétops@example.com', /before the @/],
    ['two @', 'a@b@example.com', /before the @/],
    ['a leading dot', '.ops@example.com', /dot/],
    ['no domain dot', 'ops@example', /fully qualified/],
    ['an IP literal', 'ops@[203.0.113.1]', /not a valid host name|fully qualified/],
  ])('refuses %s', (_n, text, rule) => {
    const out = checkEmail(text);
    expect('problem' in out && rule.test(out.problem)).toBe(true);
  });
});

describe('IANA special-purpose address space', () => {
  it('refuses every block of both registries, everywhere, and documentation blocks unless rehearsing', () => {
    for (const r of SPECIAL_PURPOSE) {
      const c = parseCidr(r.cidr);
      expect([r.cidr, nonPublicReason(c, 'aws') !== undefined]).toEqual([r.cidr, true]);
      expect([r.cidr, nonPublicReason(c, 'rehearsal') === undefined]).toEqual([r.cidr, r.use === 'documentation']);
    }
  });

  it.each([
    '192.88.99.0/24',
    '192.31.196.0/24',
    '192.175.48.0/24',
    '192.52.193.0/24',
    '2001::/23',
    '2002::/16',
    '2001:db8::/32',
    '2620:4f:8000::/48',
    '64:ff9b:1::/48',
    '5f00::/16',
  ])('names the registry entry of %s', (cidr) => {
    expect(nonPublicReason(parseCidr(cidr), 'aws')).toMatch(new RegExp(`${cidr.replace(/[./:]/g, (ch) => `\\${ch}`)}, `));
  });

  it('refuses a prefix that only partly overlaps special space, and IPv6 outside 2000::/3', () => {
    expect(nonPublicReason(parseCidr('192.0.0.0/16'), 'aws')).toMatch(/overlaps 192\.0\.0\.0\/24/);
    expect(nonPublicReason(parseCidr('8000::/3'), 'aws')).toMatch(/outside global unicast 2000::\/3/);
    expect(nonPublicReason(parseCidr('2600:1f00::/40'), 'aws')).toBeUndefined();
    expect(nonPublicReason(parseCidr('3.5.0.0/16'), 'aws')).toBeUndefined();
  });
});

describe('ASNs', () => {
  it("refuses Amazon's own ASNs, in AWS and in a rehearsal", () => {
    for (const asn of AMAZON_ASNS) {
      expect(asnProblem(String(asn))).toMatch(new RegExp(`AS${asn} is Amazon's own ASN`));
      expect(inAddressWorld('rehearsal', () => asnProblem(asn))).toMatch(/Amazon's own ASN/);
    }
    expect([...AMAZON_ASNS]).toEqual(expect.arrayContaining([16509, 14618]));
  });

  it('accepts documentation ASNs only in a rehearsal', () => {
    for (const asn of ['64496', '64511', '65536', '65551']) {
      expect(asnProblem(asn)).toMatch(/reserved for documentation \(RFC 5398\); documentation space is accepted only in a simulated rehearsal/);
      expect(inAddressWorld('rehearsal', () => asnProblem(asn))).toBeUndefined();
    }
    expect(asnProblem('65001')).toMatch(/private use/);
    expect(asnProblem('396982')).toBeUndefined();
  });
});

describe('ports CloudFront connects to origins on', () => {
  it('are 80, 443 and 1024-65535', () => {
    expect([0, 22, 79, 81, 442, 444, 1023, 65536, 443.5].filter(isCloudFrontOriginPort)).toEqual([]);
    expect([80, 443, 1024, 5432, 8443, 65535].every(isCloudFrontOriginPort)).toBe(true);
  });

  it('as lockdown ranges: TCP, a single 80 or 443, or a range within 1024-65535', () => {
    const r = (fromPort: number, toPort: number, protocol: 'tcp' | 'udp' = 'tcp') => isLockdownPortRange({ protocol, fromPort, toPort });
    expect([r(80, 80), r(443, 443), r(1024, 65535), r(8443, 8444)]).toEqual([true, true, true, true]);
    expect([r(80, 443), r(443, 1024), r(0, 65535), r(22, 22), r(443, 443, 'udp'), r(9000, 8000)]).toEqual([false, false, false, false, false, false]);
  });
});

describe("the deployment's rehearsal flag", () => {
  it('is refused by the CDK app and by a deployed function (both read the config with parseDeploymentConfig)', () => {
    expect(() => parseDeploymentConfig({ rehearsal: true })).toThrow(/byoip\.rehearsal: is for simulated worlds only/);
    expect(() => parseDeploymentConfig('{"rehearsal":true}', 'BYOIP_DEPLOYMENT')).toThrow(/invalid BYOIP_DEPLOYMENT:\n {2}byoip\.rehearsal/);
    expect(parseDeploymentConfig({ rehearsal: false }).rehearsal).toBe(false);
  });

  it('documentation space is refused unless the world is a rehearsal', () => {
    expect(nonPublicReason(parseCidr('198.18.0.0/24'))).toMatch(/accepted only in a simulated rehearsal/);
    expect(inAddressWorld('rehearsal', () => nonPublicReason(parseCidr('198.18.0.0/24')))).toBeUndefined();
  });
});

describe('path-pattern matching', () => {
  /** The backtracking regex pathMatches used to build, kept here as the reference for small inputs. */
  const regexMatch = (pattern: string, text: string) =>
    new RegExp(
      `^${pattern
        .split('')
        .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
        .join('')}$`,
    ).test(text);

  it('agrees with the regex semantics (* any run, ? one character) on random small inputs', () => {
    const alphabet = fc.constantFrom('a', 'b', '/', '.');
    fc.assert(
      fc.property(
        fc.array(fc.oneof(alphabet, fc.constantFrom('*', '?')), { maxLength: 8 }).map((a) => a.join('')),
        fc.array(alphabet, { maxLength: 10 }).map((a) => a.join('')),
        (pattern, text) => wildcardMatch(pattern, text) === regexMatch(pattern, text),
      ),
      { numRuns: 3000 },
    );
  });

  it("matches the review's catastrophic pattern with a bounded amount of work", () => {
    // 18 characters against 61: the backtracking regex needed ~27.8 s; bench section 6 times this one.
    const pattern = `/${'*a'.repeat(8)}b`;
    const path = `/${'a'.repeat(60)}`;
    expect([pattern.length, path.length, starCount(pattern)]).toEqual([18, 61, 8]);
    const counter = { steps: 0 };
    expect(pathMatches(pattern, path, counter)).toBe(false);
    expect(counter.steps).toBeLessThanOrEqual((pattern.length + 1) * (path.length + 1));
    expect(counter.steps).toBeLessThan(200);
    const searching = { steps: 0 };
    expect(pathMatches(`/${'*a'.repeat(8)}*b*`, path, searching)).toBe(false);
    expect(searching.steps).toBeLessThanOrEqual(2 * path.length);
  });

  it('does work proportional to the path for a given pattern, not exponential in the stars', () => {
    // "*b*" at the end: the tail cannot fail fast, so the matcher must search the whole path for "b".
    const steps = (stars: number, n: number) => {
      const counter = { steps: 0 };
      expect(wildcardMatch(`/${'*a'.repeat(stars)}*b*`, `/${'a'.repeat(n)}`, { counter })).toBe(false);
      return counter.steps;
    };
    for (const stars of [2, 4, 8, 16]) {
      expect(steps(stars, 2000)).toBeLessThanOrEqual((2 * stars + 3) * 2001);
      expect(steps(stars, 4000) / steps(stars, 2000)).toBeLessThan(2.1);
    }
  });
});
