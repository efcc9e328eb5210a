/**
 * Parsing and judging the internet's evidence, against samples in the services' real formats
 * (test/fixtures/internet): IANA bootstrap, RDAP as ARIN, RIPE NCC and APNIC render it, RIPEstat data
 * calls, Routinator jsonext and rpki-client json exports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baselineFromRoutingStatus, judgeVisibility, LookingGlassSchema, RoutingStatusSchema, sampleFromLookingGlass } from '../../domain/internet/bgp';
import { preflightFailureMessage, summarizePreflight, withPreflightEvidence, type PreflightResult } from '../../domain/internet/evidence';
import {
  BootstrapSchema,
  certificatesInRecord,
  judgeRdapRecord,
  parseRdapResource,
  rdapBaseUrl,
  RdapErrorSchema,
  RdapObjectSchema,
  rdapQueryUrl,
  signerFromPrivateKey,
} from '../../domain/internet/rdap';
import { registryName } from '../../domain/internet/registries';
import {
  judgeCurrentOrigin,
  judgeRequiredOrigin,
  RipestatRpkiValidationSchema,
  statusFromRipestat,
  validateOrigin,
  VrpExportSchema,
  vrpsFromExport,
  type Vrp,
} from '../../domain/internet/rpki';
import { signedMessages, CERTIFICATE, SIGNING_KEY, WRONG_KEY } from '../support/world';

const FIXTURES = join(__dirname, '..', 'fixtures', 'internet');
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const NOW = new Date('2026-12-01T08:00:00Z');
const signer = signerFromPrivateKey(SIGNING_KEY, 'in the test key');

describe('IANA RDAP bootstrap (RFC 9224)', () => {
  const ipv4 = BootstrapSchema.parse(fixture('iana-ipv4.json'));
  const asn = BootstrapSchema.parse(fixture('iana-asn.json'));

  it.each([
    ['198.18.0.0/22', 'https://rdap.arin.net/registry/', 'ARIN'],
    ['193.0.20.0/22', 'https://rdap.db.ripe.net/', 'RIPE NCC'],
    ['203.0.112.0/22', 'https://rdap.apnic.net/', 'APNIC'],
    ['AS64496', 'https://rdap.db.ripe.net/', 'RIPE NCC'],
    ['AS1900', 'https://rdap.db.ripe.net/', 'RIPE NCC'],
    ['AS1876', 'https://rdap.arin.net/registry/', 'ARIN'],
  ])('finds the RIR of %s (https preferred)', (resource, url, name) => {
    const r = parseRdapResource(resource);
    const base = rdapBaseUrl(r.kind === 'asn' ? asn : ipv4, r);
    expect(base).toBe(url);
    expect(registryName(base!)).toBe(name);
  });

  it('answers nothing for space no RIR holds, and builds RFC 9082 query URLs', () => {
    expect(rdapBaseUrl(ipv4, parseRdapResource('100.64.0.0/10'))).toBeUndefined();
    expect(rdapQueryUrl('https://rdap.arin.net/registry/', parseRdapResource('198.18.0.0/22'))).toBe('https://rdap.arin.net/registry/ip/198.18.0.0/22');
    expect(rdapQueryUrl('https://rdap.db.ripe.net', parseRdapResource('AS64496'))).toBe('https://rdap.db.ripe.net/autnum/64496');
  });
});

describe('RDAP records (RFC 9083) and the BYOIP certificate in their remarks', () => {
  it.each([
    ['rdap-arin-ip.json', '198.18.0.0/22', 'ARIN', 'NET-198-18-0-0-1'],
    ['rdap-arin-autnum.json', 'AS64496', 'ARIN', 'AS64496'],
    ['rdap-ripe-ip.json', '193.0.20.0/22', 'RIPE NCC', '193.0.20.0 - 193.0.23.255'],
    ['rdap-ripe-autnum.json', 'AS64496', 'RIPE NCC', 'AS64496'],
    ['rdap-apnic-ip.json', '203.0.112.0/22', 'APNIC', '203.0.112.0 - 203.0.115.255'],
  ])('%s: finds the certificate and it belongs to the signing key', (file, resource, registry, handle) => {
    const record = RdapObjectSchema.parse(fixture(file));
    const certs = certificatesInRecord(record);
    expect(certs).toHaveLength(1);
    expect(certs[0].replace(/\s/g, '')).toBe(CERTIFICATE.replace(/\s/g, ''));
    const finding = judgeRdapRecord({ resource, registry, url: `https://example/${file}`, record, signer, now: NOW });
    expect(finding).toMatchObject({ ok: true, handle, registry, certificate: { validTo: '2036-11-19T21:51:46.000Z' } });
  });

  it("verifies pre-signed messages against the certificate, for the record's block or a CIDR inside it", () => {
    const record = RdapObjectSchema.parse(fixture('rdap-arin-ip.json'));
    const good = { kind: 'signed-messages' as const, messages: signedMessages(['198.18.0.0/22'], NOW).map((m) => ({ resource: m.cidr, ...m })) };
    expect(judgeRdapRecord({ resource: '198.18.0.0/22', registry: 'ARIN', url: 'u', record, signer: good, now: NOW }).ok).toBe(true);
    const bad = {
      kind: 'signed-messages' as const,
      messages: signedMessages(['198.18.0.0/22'], NOW, { key: WRONG_KEY }).map((m) => ({ resource: m.cidr, ...m })),
    };
    const f = judgeRdapRecord({ resource: '198.18.0.0/22', registry: 'ARIN', url: 'u', record, signer: bad, now: NOW });
    expect(f.ok).toBe(false);
    expect(f.problem).toMatch(/198\.18\.0\.0\/22 at ARIN \(NET-198-18-0-0-1\).*does not verify/);
    expect(f.fix).toMatch(/at ARIN for 198\.18\.0\.0\/22, record NET-198-18-0-0-1: ARIN Online.*Public Comments/);
  });

  it('names a key mismatch, an expired certificate, a missing one, a record that does not cover, and a 404', () => {
    const record = RdapObjectSchema.parse(fixture('rdap-ripe-autnum.json'));
    const other = signerFromPrivateKey(WRONG_KEY, 'in wrong.pem');
    expect(judgeRdapRecord({ resource: 'AS64496', registry: 'RIPE NCC', url: 'u', record, signer: other, now: NOW })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/AS64496 at RIPE NCC .*not the public key of the signing key in wrong\.pem/),
      fix: expect.stringMatching(/^at RIPE NCC for AS64496: .*"descr:" attribute \(not "remarks:"\).*aut-num/),
    });
    expect(judgeRdapRecord({ resource: 'AS64496', registry: 'RIPE NCC', url: 'u', record, signer, now: new Date('2037-01-01T00:00:00Z') }).problem).toMatch(
      /expired on 2036-11-19/,
    );
    const bare = { ...record, remarks: [{ description: ['Example Corp'] }] };
    expect(judgeRdapRecord({ resource: 'AS64496', registry: 'RIPE NCC', url: 'u', record: bare, signer, now: NOW }).problem).toMatch(
      /carries no X\.509 certificate/,
    );
    const net = RdapObjectSchema.parse(fixture('rdap-arin-ip.json'));
    expect(judgeRdapRecord({ resource: '198.18.4.0/24', registry: 'ARIN', url: 'u', record: net, signer, now: NOW }).problem).toMatch(
      /does not cover 198\.18\.4\.0\/24/,
    );
    expect(
      judgeRdapRecord({
        resource: '198.18.0.0/22',
        registry: 'ARIN',
        url: 'https://rdap.arin.net/registry/ip/198.18.0.0/22',
        record: undefined,
        signer,
        now: NOW,
      }).problem,
    ).toMatch(/ARIN has no RDAP record for 198\.18\.0\.0\/22/);
    expect(RdapErrorSchema.parse(fixture('rdap-not-found.json')).errorCode).toBe(404);
  });
});

describe('RPKI origin validation (RFC 6811), as a validator reports it', () => {
  const vrps: Vrp[] = [
    { asn: 16509, prefix: '198.18.0.0/22', maxLength: 24 },
    { asn: 14618, prefix: '198.18.0.0/22', maxLength: 22 },
    { asn: 0, prefix: '198.18.3.0/24', maxLength: 24 },
  ];
  it.each([
    ['198.18.0.0/24', 16509, 'valid'],
    ['198.18.0.0/25', 16509, 'invalid_length'],
    ['198.18.0.0/24', 14618, 'invalid_length'],
    ['198.18.0.0/22', 14618, 'valid'],
    ['198.18.0.0/24', 64500, 'invalid_asn'],
    ['198.18.3.0/24', 0, 'invalid_asn'],
    ['198.19.0.0/24', 16509, 'unknown'],
  ])('%s from AS%s is %s', (prefix, asn, status) => {
    expect(validateOrigin(prefix, asn, vrps).status).toBe(status);
  });

  it.each([
    ['ripestat-rpki-validation-valid.json', 'valid', 3],
    ['ripestat-rpki-validation-invalid-asn.json', 'invalid_asn', 1],
    ['ripestat-rpki-validation-invalid-length.json', 'invalid_length', 1],
    ['ripestat-rpki-validation-unknown.json', 'unknown', 0],
  ])('reads RIPEstat %s', (file, status, roas) => {
    const data = RipestatRpkiValidationSchema.parse(fixture(file)).data;
    const r = statusFromRipestat(data, 16509);
    expect(r.status).toBe(status);
    expect(r.vrps).toHaveLength(roas);
    // Our own RFC 6811 judgement of RIPEstat's ROAs agrees with its status.
    expect(validateOrigin(data.prefix, 16509, r.vrps).status).toBe(status);
  });

  it('recomputes the reason when RIPEstat only says "invalid", and refuses statuses it does not know', () => {
    const data = RipestatRpkiValidationSchema.parse(fixture('ripestat-rpki-validation-invalid-length.json')).data;
    expect(statusFromRipestat({ ...data, status: 'invalid' }, 16509).status).toBe('invalid_length');
    expect(() => statusFromRipestat({ ...data, status: 'maybe' }, 16509)).toThrow(/not a validator status/);
    expect(RipestatRpkiValidationSchema.safeParse({ ...fixture('ripestat-rpki-validation-valid.json'), status: 'error' }).success).toBe(false);
  });

  it('reads a Routinator jsonext export and an rpki-client json export', () => {
    const r = vrpsFromExport(VrpExportSchema.parse(fixture('routinator-jsonext.json')));
    expect(r.format).toBe('routinator-jsonext');
    expect(r.generatedAt).toBe('2026-12-01T07:54:00Z');
    expect(r.vrps.slice(0, 3)).toEqual([
      { asn: 16509, prefix: '198.18.0.0/22', maxLength: 24, ta: 'arin' },
      { asn: 14618, prefix: '198.18.0.0/22', maxLength: 24, ta: 'arin' },
      { asn: 64500, prefix: '198.18.0.0/22', maxLength: 22, ta: 'arin' },
    ]);
    expect(validateOrigin('198.18.3.0/24', 0, r.vrps).status).toBe('invalid_asn');
    const c = vrpsFromExport(VrpExportSchema.parse(fixture('rpki-client.json')));
    expect(c.format).toBe('rpki-client-json');
    expect(c.vrps).toContainEqual({ asn: 64496, prefix: '2001:db8::/32', maxLength: 48, ta: 'ripe' });
    // The current provider's ROA stops at /22: its /24 announcements are invalid_length.
    expect(validateOrigin('198.18.0.0/24', 64500, c.vrps).status).toBe('invalid_length');
    expect(validateOrigin('198.18.1.0/24', 14618, c.vrps).status).toBe('valid');
  });

  it('names the prefix, the ASN and the registry, with the fix and how long it takes', () => {
    const missing = judgeRequiredOrigin({
      prefix: '198.18.0.0/24',
      origin: 14618,
      status: 'invalid_asn',
      vrps: [{ asn: 16509, prefix: '198.18.0.0/22', maxLength: 24 }],
      registry: 'ARIN',
    });
    expect(missing.problem).toBe('no ROA authorizes AS14618 to originate 198.18.0.0/24 (RPKI invalid_asn; ROAs covering it: AS16509 198.18.0.0/22-24)');
    expect(missing.fix).toMatch(
      /^at ARIN: ARIN Online: Routing Security .* for 198\.18\.0\.0\/22, origin AS14618, max length 24; validators usually see .* 10-60 minutes; AWS .* 24 hours/,
    );
    const short = judgeRequiredOrigin({
      prefix: '198.18.0.0/24',
      origin: 16509,
      status: 'invalid_length',
      vrps: [{ asn: 16509, prefix: '198.18.0.0/22', maxLength: 22 }],
      registry: 'RIPE NCC',
    });
    expect(short.problem).toMatch(/max length is shorter than \/24/);
    expect(short.fix).toMatch(/LIR Portal/);
    const current = judgeCurrentOrigin({
      prefix: '198.18.0.0/24',
      origin: 64511,
      status: 'invalid_asn',
      vrps: [],
      registry: 'ARIN',
      announced: '198.18.0.0/24',
    });
    expect(current.problem).toMatch(/AS64511 announces 198\.18\.0\.0\/24 today and is RPKI invalid_asn/);
  });
});

describe('BGP from RIS: routing-status (the before) and looking-glass (now)', () => {
  it('reads a routing-status snapshot', () => {
    const b = baselineFromRoutingStatus('198.18.0.0/24', RoutingStatusSchema.parse(fixture('ripestat-routing-status.json')).data);
    expect(b).toEqual({
      prefix: '198.18.0.0/24',
      queryTime: '2026-12-01T08:00:00',
      origins: [64500],
      peersSeeing: 343,
      totalPeers: 351,
      lessSpecifics: [{ prefix: '198.18.0.0/22', origin: 64500 }],
      moreSpecifics: [{ prefix: '198.18.0.128/25', origin: 64511 }],
    });
  });

  it('counts the looking-glass peers per origin (by path, string or number asn_origin, exact prefix only)', () => {
    const s = sampleFromLookingGlass('198.18.0.0/24', LookingGlassSchema.parse(fixture('ripestat-looking-glass.json')).data);
    expect(s).toEqual({ prefix: '198.18.0.0/24', peersByOrigin: { 16509: 4, 64500: 1 }, peersWithRoute: 5 });
  });

  it('judges visibility against all collector peers, the old origin and unexpected ones', () => {
    const sample = { prefix: '198.18.0.0/24', peersByOrigin: { 16509: 34, 64500: 1 }, peersWithRoute: 35 };
    const base = {
      sample,
      expectedOrigin: 16509,
      oldOrigins: [64500],
      totalPeers: 40,
      thresholdPercent: 80,
      oldOriginMaxPercent: 5,
      requireOldOriginGone: true,
    };
    expect(judgeVisibility(base)).toMatchObject({ ok: true, expectedPercent: 85, oldOrigins: [{ origin: 64500, peers: 1, percent: 2.5 }] });
    expect(judgeVisibility({ ...base, thresholdPercent: 90 }).problems).toEqual([
      '198.18.0.0/24 is seen from AS16509 by 34 of 40 collector peers (85 %), below 90 %',
    ]);
    expect(judgeVisibility({ ...base, sample: { ...sample, peersByOrigin: { 16509: 34, 64500: 6 } } }).problems[0]).toMatch(
      /old origin AS64500 is still seen .* 6 peers \(15 %\): the previous provider has not withdrawn/,
    );
    expect(judgeVisibility({ ...base, sample: { ...sample, peersByOrigin: { 16509: 34, 64511: 2 } } }).problems[0]).toMatch(
      /also seen from AS64511 by 2 peers/,
    );
  });
});

describe('the pre-flight verdict as operators and approvers read it', () => {
  const record = RdapObjectSchema.parse(fixture('rdap-arin-ip.json'));
  const rdap = [judgeRdapRecord({ resource: '198.18.0.0/22', registry: 'ARIN', url: 'u', record, signer, now: NOW })];
  const rpki = [
    judgeRequiredOrigin({
      prefix: '198.18.0.0/24',
      origin: 16509,
      status: 'valid',
      vrps: [{ asn: 16509, prefix: '198.18.0.0/22', maxLength: 24 }],
      registry: 'ARIN',
    }),
    judgeRequiredOrigin({
      prefix: '198.18.0.0/24',
      origin: 14618,
      status: 'invalid_asn',
      vrps: [{ asn: 16509, prefix: '198.18.0.0/22', maxLength: 24 }],
      registry: 'ARIN',
    }),
    judgeRequiredOrigin({
      prefix: '198.18.1.0/24',
      origin: 14618,
      status: 'invalid_asn',
      vrps: [{ asn: 16509, prefix: '198.18.0.0/22', maxLength: 24 }],
      registry: 'ARIN',
    }),
  ];
  const partial = { skipped: false, skipReason: null, checkedAt: NOW.toISOString(), sources: { rdap: 'r', rpki: 'RIPEstat', bgp: 'b' }, rdap, rpki, bgp: [] };

  it('lists every problem and each fix once', () => {
    const result: PreflightResult = { ...partial, ...summarizePreflight(partial) };
    expect(result.passed).toBe(false);
    const message = preflightFailureMessage(result);
    expect(message).toMatch(/^Pre-flight: 2 problem\(s\) outside AWS; nothing was changed in AWS/);
    expect(message).toMatch(/1\. no ROA authorizes AS14618 to originate 198\.18\.0\.0\/24/);
    expect(message).toMatch(/2\. no ROA authorizes AS14618 to originate 198\.18\.1\.0\/24/);
    // One ROA for the /22 fixes both /24s: the fix is listed once.
    expect(message.match(/- \(1, 2\) at ARIN: .* for 198\.18\.0\.0\/22, origin AS14618, max length 24/g)).toHaveLength(1);
  });

  it('puts the evidence, or the skip, in front of the approval plan', () => {
    const passing = { ...partial, rpki: rpki.slice(0, 1) };
    const ok = withPreflightEvidence({ title: 't', prerequisite: 'Old provider withdraws.' }, { ...passing, ...summarizePreflight(passing) });
    expect(ok.prerequisite).toBe('Pre-flight internet checks passed (RDAP certificate, ROAs, current routes; see the evidence). Old provider withdraws.');
    expect(ok.evidence?.preflight[0]).toMatch(/^RDAP: 198\.18\.0\.0\/22 at ARIN \(NET-198-18-0-0-1\) carries the signing key's certificate/);
    const skipped = withPreflightEvidence<{ title: string; prerequisite?: string }>(
      { title: 't' },
      { skipped: true, skipReason: 'no route to RIPEstat from this VPC', passed: false, summary: [] },
    );
    expect(skipped.prerequisite).toMatch(/^PRE-FLIGHT SKIPPED \(no route to RIPEstat from this VPC\)/);
  });
});
