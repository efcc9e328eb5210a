/**
 * The published side of origin lockdown: the input and the AmazonIpSpaceChanged notification in it,
 * ip-ranges.json (shape, md5, synctoken ordering), and the simulator's generator of that document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractOriginFacing, judgeFetched, md5Hex, planOriginRangesSync, tokenVerdict } from '../../domain/origin-ranges';
import { documentMd5, documentText, generatePublications, ipSpaceChangedEvent, originFacing } from '../../sim/services/ip-ranges/publications';
import { notificationFor, publicationInfo } from '../../sim/services/ip-ranges';
import { EXAMPLES, exampleInput, exampleSim, exampleWorldJson } from '../support/world';
import { DeploymentConfigSchema } from '../../domain/deployment';
import { OriginSyncConfigSchema } from '../../domain/origin-lockdown';
import { inAddressWorld } from '../../domain/world';

const WF = 'origin-ranges-sync';
const OPTIONS = { seed: 7, ipv4Prefixes: 600, ipv6Prefixes: 200, originFacingIpv4: 45, originFacingIpv6: 14 };
const TIMES = ['2026-11-30T18:00:00.000Z', '2026-12-01T07:45:00.000Z'];
const pubs = generatePublications(OPTIONS, [{}, { originFacing: { addIpv4: 3, removeIpv4: 2, addIpv6: 1 } }], TIMES);
const event = (patch: { md5?: string; url?: string } = {}) =>
  ipSpaceChangedEvent({ syncToken: pubs[1].syncToken, createdAt: pubs[1].createdAt, md5: documentMd5(documentText(pubs[1])) }, patch);
const base = () => exampleInput(WF, { event: event() });

const lockdown = () => DeploymentConfigSchema.parse(exampleWorldJson().deployment).originLockdown;
const plan = (raw: unknown) => planOriginRangesSync(raw, lockdown());

describe('origin-ranges-sync input', () => {
  it('accepts the example, with its notification, and joins it with the configured sync', () => {
    const p = plan(base());
    expect(p.trigger).toEqual({
      kind: 'notification',
      notification: {
        syncToken: Number(pubs[1].syncToken),
        md5: documentMd5(documentText(pubs[1])),
        createTime: '2026-12-01T07:45:00+00:00',
        messageId: expect.any(String),
      },
    });
    expect(p.expected).toEqual({ syncToken: Number(pubs[1].syncToken), md5: documentMd5(documentText(pubs[1])) });
    expect(p.securityGroups?.ports).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443 },
      { protocol: 'tcp', fromPort: 80, toPort: 80 },
    ]);
    expect(p.lock.resources).toEqual(['origin-ranges-sync/web-origins']);
    expect(p).toMatchObject({
      url: 'https://ip-ranges.amazonaws.com/ip-ranges.json',
      dryRun: false,
      limits: { maxRemovalShare: 0.1, maxAdditionShare: 0.25, force: false },
      hasSecurityGroups: true,
      hasPrefixLists: true,
    });
  });

  it('accepts an on-demand run (no event)', () => {
    expect(plan(exampleInput(`${WF}.on-demand`)).trigger).toEqual({ kind: 'on-demand' });
  });

  it('takes nothing but the sync name, the notification and dryRun from the input', () => {
    // The review's attack: targets and switches in the event. Each is refused, naming the field and where the setting lives.
    for (const [field, value] of Object.entries({
      ports: [{ protocol: 'tcp', port: 5432 }],
      attachTo: ['eni-0d0d0d0d0d0d0d0d0'],
      securityGroups: { vpcId: 'vpc-0a1b2c3d4e5f60001', ports: [{ port: 22 }] },
      prefixLists: [{ name: 'admin-ssh', family: 'ipv4' }],
      force: true,
      maxRemovalShare: 1,
      maxAdditionShare: 10,
      region: 'eu-west-1',
    })) {
      expect(() => plan({ ...base(), [field]: value })).toThrow(
        expect.objectContaining({
          name: 'InputInvalid',
          message: expect.stringMatching(
            new RegExp(
              `input: unknown field\\(s\\) "${field}"[^]*come only from the deployment configuration \\(byoip\\.originLockdown\\.syncs\\.<syncName>\\)`,
            ),
          ),
        }),
      );
    }
  });

  it('refuses a sync that is not configured, naming the configured ones', () => {
    expect(() => plan({ syncName: 'admin-ssh' })).toThrow(
      expect.objectContaining({
        name: 'InputInvalid',
        message: expect.stringMatching(/input\.syncName: no sync "admin-ssh" is configured \(byoip\.originLockdown\.syncs has web-origins\)/),
      }),
    );
    expect(() => planOriginRangesSync({ syncName: 'web-origins' }, { syncs: {} })).toThrow(/byoip\.originLockdown\.syncs is empty/);
    expect(() => plan({ syncName: 'constructor' })).toThrow(/no sync "constructor" is configured/);
  });

  it('holds the lock through a possible first-attachment approval', () => {
    const withAttach = lockdown();
    withAttach.syncs['web-origins'] = OriginSyncConfigSchema.parse({
      ...exampleWorldJson().deployment.originLockdown.syncs['web-origins'],
      securityGroups: { vpcId: 'vpc-0a1b2c3d4e5f60001', ports: [{ port: 443 }], attachTo: ['eni-0a1b2c3d4e5f60009'] },
      approvers: ['netops@example.com'],
    });
    expect(planOriginRangesSync(base(), withAttach).lock.leaseSeconds).toBe(3600 + 12 * 3600);
    expect(plan(base()).lock.leaseSeconds).toBe(3600);
  });

  const sns = (mutate: (e: any) => void) => {
    const e = event() as any;
    mutate(e);
    return { ...base(), event: e };
  };
  const message = (m: Record<string, unknown>) =>
    sns((e) => {
      e.Records[0].Sns.Message = JSON.stringify({ ...JSON.parse(e.Records[0].Sns.Message), ...m });
    });

  it.each([
    [
      'a notification from another topic',
      sns((e) => {
        e.Records[0].Sns.TopicArn = 'arn:aws:sns:us-east-1:123456789012:Lookalike';
      }),
      /input\.event\.Records\[0\]\.Sns\.TopicArn: must be arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged/,
    ],
    [
      'a URL on another host',
      message({ url: 'https://ip-ranges.example.net/ip-ranges.json' }),
      /Message\.url: must be https:\/\/ip-ranges\.amazonaws\.com\/ip-ranges\.json/,
    ],
    ['a plain-HTTP URL', message({ url: 'http://ip-ranges.amazonaws.com/ip-ranges.json' }), /Message\.url: must be https:/],
    ['a malformed md5', message({ md5: 'MD5' }), /Message\.md5: must be 32 lowercase hex digits/],
    ['a synctoken that is not a number', message({ synctoken: 'yesterday' }), /Message\.synctoken: must be the decimal sync token/],
    [
      'a Message that is not JSON',
      sns((e) => {
        e.Records[0].Sns.Message = 'ip ranges changed!';
      }),
      /Message: is not JSON/,
    ],
    [
      'two records',
      sns((e) => {
        e.Records.push(e.Records[0]);
      }),
      /input\.event\.Records: must hold exactly one record/,
    ],
    [
      'an SQS envelope instead of SNS',
      sns((e) => {
        e.Records[0].EventSource = 'aws:sqs';
      }),
      /input\.event\.Records\[0\]\.EventSource/,
    ],
    ['a sync name with capitals', { ...base(), syncName: 'Web' }, /input\.syncName: must be 3-41 lowercase letters/],
    ['a string for dryRun', { ...base(), dryRun: 'yes' }, /input\.dryRun: .*boolean/],
  ])('rejects %s, naming the field', (_n, raw, message) => {
    expect(() => plan(raw)).toThrow(expect.objectContaining({ name: 'InputInvalid', message: expect.stringMatching(message) }));
  });
});

describe("a sync's configuration (byoip.originLockdown.syncs.<name>, validated at synth)", () => {
  const sync = () => JSON.parse(JSON.stringify(exampleWorldJson().deployment.originLockdown.syncs['web-origins']));
  const sg = (patch: Record<string, unknown>) => {
    const s = sync();
    s.securityGroups = { ...s.securityGroups, ...patch };
    return s;
  };
  const problems = (raw: unknown) => {
    const r = OriginSyncConfigSchema.safeParse(raw);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it("accepts the example world's sync", () => expect(problems(sync())).toEqual([]));

  it.each([
    ['UDP', sg({ ports: [{ protocol: 'udp', port: 443 }] }), /ports\.0.*protocol.*must be tcp/],
    ['SSH', sg({ ports: [{ port: 22 }] }), /ports\.0: tcp 22-22 must be 80, 443 or 1024-65535/],
    ['Postgres is fine but 0-65535 is not', sg({ ports: [{ fromPort: 0, toPort: 65535 }] }), /ports\.0: tcp 0-65535 must be 80, 443 or 1024-65535/],
    ['a range spanning 443 and 1024', sg({ ports: [{ fromPort: 443, toPort: 2000 }] }), /ports\.0: tcp 443-2000/],
    ['80-443 as one range', sg({ ports: [{ fromPort: 80, toPort: 443 }] }), /ports\.0: tcp 80-443/],
    ['a reversed port range', sg({ ports: [{ fromPort: 9000, toPort: 8000 }] }), /ports\.0: fromPort 9000 is above toPort 8000/],
    ['a repeated port', sg({ ports: [{ port: 443 }, { protocol: 'tcp', port: 443 }] }), /ports\.1: repeats tcp\/443-443/],
    ['no ports', sg({ ports: [] }), /ports: needs at least one port/],
    ['a bad VPC id', sg({ vpcId: 'my-vpc' }), /securityGroups\.vpcId: must be a VPC id/],
    ['quotas AWS cannot grant', sg({ rulesPerGroup: 250, groupsPerInterface: 5 }), /rulesPerGroup × groupsPerInterface may not exceed 1000/],
    ['attachTo without approvers', sg({ attachTo: ['eni-0a1b2c3d4e5f60009'] }), /approvers: needs at least one approver when securityGroups\.attachTo is set/],
    [
      'no target',
      (() => {
        const s = sync();
        delete s.securityGroups;
        s.prefixLists = [];
        return s;
      })(),
      /securityGroups: needs at least one target/,
    ],
    [
      'an AWS-reserved list name',
      { ...sync(), prefixLists: [{ name: 'com.amazonaws.mine', family: 'ipv4' }] },
      /prefixLists\.0\.name: must not start with com\.amazonaws/,
    ],
    [
      'maxEntries for an existing list',
      { ...sync(), prefixLists: [{ name: 'x', family: 'ipv4', maxEntries: 80 }] },
      /prefixLists\.0\.maxEntries: is only used with createIfMissing/,
    ],
    ['a removal share above 1', { ...sync(), maxRemovalShare: 10 }, /maxRemovalShare: /],
    ['an approval longer than the execution', { ...sync(), approvalTimeoutSeconds: 86_400 }, /approvalTimeoutSeconds: must be at most 64800 seconds/],
    ['an approver with a hidden character', { ...sync(), approvers: ['net\u200bops@example.com'] }, /approvers\.0: contains U\+200B/],
  ])('refuses %s', (_n, raw, rule) => {
    expect(problems(raw).some((p) => rule.test(p))).toBe(true);
  });

  it('names every mistake at once', () => {
    expect(problems({ securityGroups: { vpcId: 'v', ports: [{ port: 22 }] }, force: 'yes', extra: 1 })).toHaveLength(4);
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
    const none = {
      ...JSON.parse(documentText(pubs[0])),
      prefixes: [{ ip_prefix: '13.0.0.0/16', service: 'EC2', region: 'us-east-1', network_border_group: 'us-east-1' }],
    };
    expect(() => extractOriginFacing(JSON.stringify(none))).toThrow(/lists no CLOUDFRONT_ORIGIN_FACING IPv4 prefixes; refusing/);
  });

  /** Publication 0 with one more origin-facing prefix (and, unless told otherwise, the AMAZON entry covering it). */
  function withOriginFacing(prefix: string, opts: { amazon?: string | null } = {}): string {
    const doc = JSON.parse(documentText(pubs[0]));
    const v6 = prefix.includes(':');
    const entry = (p: string, service: string) =>
      v6
        ? { ipv6_prefix: p, region: 'GLOBAL', service, network_border_group: 'GLOBAL' }
        : { ip_prefix: p, region: 'GLOBAL', service, network_border_group: 'GLOBAL' };
    const list = v6 ? doc.ipv6_prefixes : doc.prefixes;
    list.push(entry(prefix, 'CLOUDFRONT_ORIGIN_FACING'));
    const amazon = opts.amazon === undefined ? prefix : opts.amazon;
    if (amazon) list.push(entry(amazon, 'AMAZON'));
    return JSON.stringify(doc);
  }

  it.each([
    ['0.0.0.0/0', /0\.0\.0\.0\/0 overlaps 0\.0\.0\.0\/8, "this network"/],
    ['::/0', /::\/0 overlaps ::\/128, unspecified address/],
    ['10.0.0.0/8', /10\.0\.0\.0\/8 overlaps 10\.0\.0\.0\/8, private-use/],
    ['127.0.0.0/8', /127\.0\.0\.0\/8 overlaps 127\.0\.0\.0\/8, loopback/],
    ['16.0.0.0/4', /16\.0\.0\.0\/4 is wider than \/12/],
    ['2600::/16', /2600::\/16 is wider than \/24/],
    ['192.88.99.0/24', /192\.88\.99\.0\/24 overlaps 192\.88\.99\.0\/24, deprecated 6to4 relay anycast/],
    ['2002:db8::/32', /2002:db8::\/32 overlaps 2002::\/16, 6to4/],
    ['203.0.113.0/24', /203\.0\.113\.0\/24 is in 203\.0\.113\.0\/24, TEST-NET-3, documentation .*accepted only in a simulated rehearsal/],
  ])('refuses a document listing %s as origin-facing, naming the prefix and the rule', (prefix, rule) => {
    expect(() => extractOriginFacing(withOriginFacing(prefix))).toThrow(
      expect.objectContaining({
        name: 'SafetyViolation',
        message: expect.stringMatching(
          new RegExp(
            `^refusing ip-ranges\\.json \\(syncToken \\d+\\): its CLOUDFRONT_ORIGIN_FACING prefixes fail the sanity checks, so nothing was changed: .*${rule.source}`,
          ),
        ),
      }),
    );
  });

  it('refuses an origin-facing prefix no AMAZON entry of the same document covers, and accepts one a wider AMAZON entry covers', () => {
    expect(() => extractOriginFacing(withOriginFacing('13.248.0.0/16', { amazon: null }))).toThrow(
      /13\.248\.0\.0\/16 is not covered by any AMAZON prefix of the same document/,
    );
    expect(() => extractOriginFacing(withOriginFacing('13.248.0.0/16', { amazon: '99.0.0.0/8' }))).toThrow(/not covered by any AMAZON prefix/);
    expect(extractOriginFacing(withOriginFacing('13.248.4.0/24', { amazon: '13.248.0.0/16' })).ipv4).toContain('13.248.4.0/24');
  });

  it('accepts documentation space in the document only in a rehearsal', () => {
    expect(inAddressWorld('rehearsal', () => extractOriginFacing(withOriginFacing('203.0.113.0/24')).ipv4)).toContain('203.0.113.0/24');
  });

  it('checks the md5 of the fetched bytes at the notified token, and orders by synctoken', () => {
    const doc = { syncToken: 200, md5: 'a'.repeat(32) };
    expect(judgeFetched(doc, null)).toEqual({ kind: 'ok' });
    expect(judgeFetched(doc, { syncToken: 200, md5: 'a'.repeat(32) })).toEqual({ kind: 'ok' });
    expect(judgeFetched(doc, { syncToken: 300, md5: 'b'.repeat(32) })).toEqual({ kind: 'not-yet-published' });
    expect(judgeFetched(doc, { syncToken: 100, md5: 'b'.repeat(32) })).toEqual({ kind: 'superseded' });
    expect(() => judgeFetched(doc, { syncToken: 200, md5: 'b'.repeat(32) })).toThrow(
      expect.objectContaining({
        name: 'UnexpectedResponse',
        message: expect.stringMatching(/md5 mismatch: .* has md5 a{32}, but the notification announced b{32}; nothing was changed/),
      }),
    );
  });

  it('applies a notification only when its synctoken is newer; on demand, never goes back', () => {
    const n = { kind: 'notification' as const };
    const d = { kind: 'on-demand' as const };
    expect(tokenVerdict(n, 10, null).apply).toBe(true);
    expect(tokenVerdict(n, 11, 10).apply).toBe(true);
    expect(tokenVerdict(n, 10, 10)).toEqual({
      apply: false,
      reason: expect.stringMatching(/not newer than the last applied 10 \(a replayed or out-of-order notification\)/),
    });
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
