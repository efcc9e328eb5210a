/**
 * The published side of origin lockdown: the input and the AmazonIpSpaceChanged notification in it,
 * ip-ranges.json (shape, md5, synctoken ordering), and the simulator's generator of that document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractOriginFacing, judgeFetched, md5Hex, planOriginRangesSync, tokenVerdict } from '../../domain/origin-ranges';
import { documentMd5, documentText, generatePublications, ipSpaceChangedEvent, originFacing } from '../../sim/ip-ranges';
import { notificationFor, publicationInfo } from '../../sim/services/ip-ranges';
import { EXAMPLES, exampleInput, exampleSim } from '../support/world';

const WF = 'origin-ranges-sync';
const OPTIONS = { seed: 7, ipv4Prefixes: 600, ipv6Prefixes: 200, originFacingIpv4: 45, originFacingIpv6: 14 };
const TIMES = ['2026-11-30T18:00:00.000Z', '2026-12-01T07:45:00.000Z'];
const pubs = generatePublications(OPTIONS, [{}, { originFacing: { addIpv4: 3, removeIpv4: 2, addIpv6: 1 } }], TIMES);
const event = (patch: { md5?: string; url?: string } = {}) => ipSpaceChangedEvent({ syncToken: pubs[1].syncToken, createdAt: pubs[1].createdAt, md5: documentMd5(documentText(pubs[1])) }, patch);
const base = () => exampleInput(WF, { event: event() });

describe('origin-ranges-sync input', () => {
  it('accepts the example, with its notification, and derives the plan', () => {
    const plan = planOriginRangesSync(base());
    expect(plan.trigger).toEqual({ kind: 'notification', notification: { syncToken: Number(pubs[1].syncToken), md5: documentMd5(documentText(pubs[1])), createTime: '2026-12-01T07:45:00+00:00', messageId: expect.any(String) } });
    expect(plan.expected).toEqual({ syncToken: Number(pubs[1].syncToken), md5: documentMd5(documentText(pubs[1])) });
    expect(plan.securityGroups?.ports).toEqual([{ protocol: 'tcp', fromPort: 443, toPort: 443 }, { protocol: 'tcp', fromPort: 80, toPort: 80 }]);
    expect(plan.lock.resources).toEqual(['origin-ranges-sync:web-origins']);
    expect(plan).toMatchObject({ url: 'https://ip-ranges.amazonaws.com/ip-ranges.json', dryRun: false, maxRemovalShare: 0.1, force: false, hasSecurityGroups: true, hasPrefixLists: true });
  });

  it('accepts an on-demand run (no event)', () => {
    expect(planOriginRangesSync(exampleInput(`${WF}.on-demand`)).trigger).toEqual({ kind: 'on-demand' });
  });

  const sns = (mutate: (e: any) => void) => { const e = event() as any; mutate(e); return { ...base(), event: e }; };
  const message = (m: Record<string, unknown>) => sns((e) => { e.Records[0].Sns.Message = JSON.stringify({ ...JSON.parse(e.Records[0].Sns.Message), ...m }); });

  it.each([
    ['a notification from another topic', sns((e) => { e.Records[0].Sns.TopicArn = 'arn:aws:sns:us-east-1:123456789012:Lookalike'; }), /input\.event\.Records\[0\]\.Sns\.TopicArn: must be arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged/],
    ['a URL on another host', message({ url: 'https://ip-ranges.example.net/ip-ranges.json' }), /Message\.url: must be https:\/\/ip-ranges\.amazonaws\.com\/ip-ranges\.json/],
    ['a plain-HTTP URL', message({ url: 'http://ip-ranges.amazonaws.com/ip-ranges.json' }), /Message\.url: must be https:/],
    ['a malformed md5', message({ md5: 'MD5' }), /Message\.md5: must be 32 lowercase hex digits/],
    ['a synctoken that is not a number', message({ synctoken: 'yesterday' }), /Message\.synctoken: must be the decimal sync token/],
    ['a Message that is not JSON', sns((e) => { e.Records[0].Sns.Message = 'ip ranges changed!'; }), /Message: is not JSON/],
    ['two records', sns((e) => { e.Records.push(e.Records[0]); }), /input\.event\.Records: must hold exactly one record/],
    ['an SQS envelope instead of SNS', sns((e) => { e.Records[0].EventSource = 'aws:sqs'; }), /input\.event\.Records\[0\]\.EventSource/],
    ['no target', { ...base(), securityGroups: undefined, prefixLists: [] }, /input\.securityGroups: needs at least one target/],
    ['a bad VPC id', { ...base(), securityGroups: { ...base().securityGroups, vpcId: 'my-vpc' } }, /input\.securityGroups\.vpcId: must be a VPC id/],
    ['no ports', { ...base(), securityGroups: { ...base().securityGroups, ports: [] } }, /input\.securityGroups\.ports: needs at least one port/],
    ['a reversed port range', { ...base(), securityGroups: { ...base().securityGroups, ports: [{ fromPort: 9000, toPort: 8000 }] } }, /input\.securityGroups\.ports\[0\]: fromPort 9000 is above toPort 8000/],
    ['a repeated port', { ...base(), securityGroups: { ...base().securityGroups, ports: [{ port: 443 }, { protocol: 'tcp', port: 443 }] } }, /input\.securityGroups\.ports\[1\]: repeats tcp\/443-443/],
    ['quotas AWS cannot grant', { ...base(), securityGroups: { ...base().securityGroups, rulesPerGroup: 250, groupsPerInterface: 5 } }, /rulesPerGroup × groupsPerInterface may not exceed 1000/],
    ['an AWS-reserved list name', { ...base(), prefixLists: [{ name: 'com.amazonaws.mine', family: 'ipv4' }] }, /input\.prefixLists\[0\]\.name: must not start with com\.amazonaws/],
    ['maxEntries for an existing list', { ...base(), prefixLists: [{ name: 'x', family: 'ipv4', maxEntries: 80 }] }, /input\.prefixLists\[0\]\.maxEntries: is only used with createIfMissing/],
    ['a removal share above 1', { ...base(), maxRemovalShare: 10 }, /input\.maxRemovalShare: /],
    ['an unknown field', { ...base(), revokeFirst: true }, /input: unknown field\(s\) "revokeFirst"/],
  ])('rejects %s, naming the field', (_n, raw, message) => {
    expect(() => planOriginRangesSync(raw)).toThrow(expect.objectContaining({ name: 'InputInvalid', message: expect.stringMatching(message) }));
  });

  it('names every mistake at once', () => {
    try {
      planOriginRangesSync({ syncName: 'X', securityGroups: { vpcId: 'v', ports: [] }, extra: 1 });
      throw new Error('accepted');
    } catch (e) {
      expect((e as Error).message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(4);
    }
  });
});

describe('ip-ranges.json', () => {
  it('extracts CLOUDFRONT_ORIGIN_FACING, IPv4 and IPv6, from thousands of prefixes', () => {
    const text = documentText(pubs[0]);
    const doc = extractOriginFacing(text);
    expect(doc.totals.ipv4).toBeGreaterThan(1000);
    expect(doc.ipv4).toHaveLength(45);
    expect(doc.ipv6).toHaveLength(14);
    expect(doc.md5).toBe(md5Hex(text));
    expect(doc.syncToken).toBe(Math.floor(Date.parse(TIMES[0]) / 1000));
    expect(doc.createDate).toBe('2026-11-30-18-00-00');
    // Other CloudFront prefixes (viewer-facing) are not origin-facing.
    expect(pubs[0].prefixes.some((p) => p.service === 'CLOUDFRONT')).toBe(true);
    expect(doc.ipv4.every((c) => pubs[0].prefixes.some((p) => p.ip_prefix === c && p.service === 'CLOUDFRONT_ORIGIN_FACING'))).toBe(true);
  });

  it('refuses a document that is not the documented shape, or has no origin-facing ranges', () => {
    expect(() => extractOriginFacing('<html>')).toThrow(/ip-ranges\.json is not JSON/);
    expect(() => extractOriginFacing(JSON.stringify({ syncToken: '1', prefixes: [] }))).toThrow(/does not have the documented shape/);
    const none = { ...JSON.parse(documentText(pubs[0])), prefixes: [{ ip_prefix: '13.0.0.0/16', service: 'EC2', region: 'us-east-1', network_border_group: 'us-east-1' }] };
    expect(() => extractOriginFacing(JSON.stringify(none))).toThrow(/lists no CLOUDFRONT_ORIGIN_FACING IPv4 prefixes; refusing/);
  });

  it('checks the md5 of the fetched bytes at the notified token, and orders by synctoken', () => {
    const doc = { syncToken: 200, md5: 'a'.repeat(32) };
    expect(judgeFetched(doc, null)).toEqual({ kind: 'ok' });
    expect(judgeFetched(doc, { syncToken: 200, md5: 'a'.repeat(32) })).toEqual({ kind: 'ok' });
    expect(judgeFetched(doc, { syncToken: 300, md5: 'b'.repeat(32) })).toEqual({ kind: 'not-yet-published' });
    expect(judgeFetched(doc, { syncToken: 100, md5: 'b'.repeat(32) })).toEqual({ kind: 'superseded' });
    expect(() => judgeFetched(doc, { syncToken: 200, md5: 'b'.repeat(32) })).toThrow(expect.objectContaining({ name: 'UnexpectedResponse', message: expect.stringMatching(/md5 mismatch: .* has md5 a{32}, but the notification announced b{32}; nothing was changed/) }));
  });

  it('applies a notification only when its synctoken is newer; on demand, never goes back', () => {
    const n = { kind: 'notification' as const };
    const d = { kind: 'on-demand' as const };
    expect(tokenVerdict(n, 10, null).apply).toBe(true);
    expect(tokenVerdict(n, 11, 10).apply).toBe(true);
    expect(tokenVerdict(n, 10, 10)).toEqual({ apply: false, reason: expect.stringMatching(/not newer than the last applied 10 \(a replayed or out-of-order notification\)/) });
    expect(tokenVerdict(n, 9, 10).apply).toBe(false);
    expect(tokenVerdict(d, 10, 10).apply).toBe(true);
    expect(tokenVerdict(d, 9, 10).apply).toBe(false);
  });
});

describe('the simulated publication', () => {
  it('is deterministic: the same world serves the same bytes', () => {
    const again = generatePublications(OPTIONS, [{}, { originFacing: { addIpv4: 3, removeIpv4: 2, addIpv6: 1 } }], TIMES);
    expect(documentMd5(documentText(again[1]))).toBe(documentMd5(documentText(pubs[1])));
    const other = generatePublications({ ...OPTIONS, seed: 8 }, [{}], TIMES);
    expect(documentMd5(documentText(other[0]))).not.toBe(documentMd5(documentText(pubs[0])));
  });

  it('changes exactly what a publication says between versions', () => {
    const [a, b] = [originFacing(pubs[0]), originFacing(pubs[1])];
    expect(b.ipv4.filter((c) => !a.ipv4.includes(c))).toHaveLength(3);
    expect(a.ipv4.filter((c) => !b.ipv4.includes(c))).toHaveLength(2);
    expect(b.ipv6.filter((c) => !a.ipv6.includes(c))).toHaveLength(1);
    expect(a.ipv6.filter((c) => !b.ipv6.includes(c))).toHaveLength(0);
    expect(Number(pubs[1].syncToken)).toBeGreaterThan(Number(pubs[0].syncToken));
  });

  it('matches the notification in examples/origin-ranges-sync.input.json (regenerate it if the generator changes)', () => {
    const example = JSON.parse(readFileSync(join(EXAMPLES, `${WF}.input.json`), 'utf8'));
    const sim = exampleSim();
    expect(example.event).toEqual(notificationFor(sim));
    expect(JSON.parse(example.event.Records[0].Sns.Message).md5).toBe(publicationInfo(sim).md5);
  });
});
