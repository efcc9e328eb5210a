/**
 * Bad input, across every workflow: each malformed input is rejected by the workflow's first step
 * with InputInvalid, before any AWS call, and the message names the field and the rule it broke.
 */
import { mergeJson } from '../../runner/scenarios';
import { exampleInput, exampleSim, run } from '../support/world';

type Json = any;
/** [workflow, what is wrong, change to the example input, field named in the message, the rule (regex), change to the world] */
type Case = [string, string, Json | ((input: Json) => Json), string, RegExp, Json?];

/** The world as a real deployment sees it: no rehearsal, so documentation space and ASNs are refused. */
const IN_AWS = { deployment: { rehearsal: false } };
const approver = (address: string) => ({ approvers: [address] });

const OB = 'onboard-cloudfront-byoip';
const TD = 'teardown-cloudfront-byoip';
const BA = 'byoasn-onboard';
const SW = 'asn-swap';
const BT = 'byoasn-teardown';
const SI = 'static-ip-byoip';
const ST = 'teardown-static-ip-byoip';
const OR = 'origin-ranges-sync';
const VS = 'vpc-origin-share';
const VT = 'vpc-origin-teardown';

const team = (i: number, patch: Json) => (input: Json) => ({ ...input, teams: input.teams.map((t: Json, j: number) => (j === i ? { ...t, ...patch } : t)) });
const without = (key: string) => (input: Json) => {
  const out = { ...input };
  delete out[key];
  return out;
};

const CASES: Case[] = [
  // onboard-cloudfront-byoip
  [OB, 'overlapping CIDRs', { cidrs: ['198.18.0.0/24', '198.18.0.0/25', '198.18.2.0/24'] }, 'cidrs', /overlap|\/24/],
  [OB, 'a private CIDR', { cidrs: ['10.0.0.0/24', '198.18.1.0/24', '198.18.2.0/24'] }, 'cidrs', /private|public|reserved/i],
  [OB, 'a prefix longer than /24', { cidrs: ['198.18.0.0/25', '198.18.1.0/24', '198.18.2.0/24'] }, 'cidrs', /\/24/],
  [OB, 'IPv6 where CloudFront takes IPv4 /24s', { cidrs: ['2001:db8::/48', '198.18.1.0/24', '198.18.2.0/24'] }, 'cidrs', /IPv4|\/24|CIDR/],
  [OB, 'two /24s where an anycast list needs three', { cidrs: ['198.18.0.0/24', '198.18.1.0/24'] }, 'cidrs', /3|three/],
  [OB, 'a /24 outside the top-level CIDR', { cidrs: ['198.18.0.0/24', '198.18.1.0/24', '198.51.100.0/24'] }, 'cidrs', /topLevel|inside|within|contain/i],
  [OB, 'a cutover TTL of 0', { dns: { cutoverTtl: 0 } }, 'dns.cutoverTtl', /greater|>=|at least|too small/i],
  [OB, 'a cutover TTL above a day', { dns: { cutoverTtl: 604800 } }, 'dns.cutoverTtl', /less|<=|at most|too big/i],
  [OB, 'a malformed distribution id', { distributionIds: ['not-a-distribution'] }, 'distributionIds', /./],
  [OB, 'an approver the deployment does not have', { approvers: ['mallory@evil.example'] }, 'approvers', /not a configured approver \(byoip\.approvers/],
  [OB, "another account than this deployment's", { accountId: '999988887777' }, 'accountId', /is not this deployment's account 111122223333/],
  [OB, 'an approver that is not an email address', { approvers: ['oncall'] }, 'approvers', /email/i],
  [
    OB,
    'an authorization with neither a key nor a signature',
    (i: Json) => ({ ...i, authorization: {} }),
    'authorization',
    /signingKeySecretId|signature|required/i,
  ],
  [OB, 'a malformed signature', { authorization: { signature: 'not base64!!', expiresInDays: 30 } }, 'authorization', /signature|base64|message/i],
  [OB, 'an oversized migration id', { migrationId: 'x'.repeat(300) }, 'migrationId', /3-41/],
  [OB, 'a number where a string goes', { migrationId: 42 }, 'migrationId', /string/i],
  [OB, 'an extra field', { cidr: '198.18.0.0/24' }, 'cidr', /unrecognized|unknown|not allowed/i],
  [OB, 'a malformed account id', { accountId: '1234' }, 'accountId', /12|digits|account/i],
  [OB, 'an approval timeout beyond 10 days', { approval: { timeoutSeconds: 30 * 86400 } }, 'approval.timeoutSeconds', /at most|10 days/i],
  [OB, 'a malformed hosted zone id', { dns: { records: [{ hostedZoneId: 'zone-1', name: 'api.example.com', type: 'A' }] } }, 'hostedZoneId', /./],
  [OB, 'a region that does not exist', { region: 'mars-1' }, 'region', /AWS region/],
  [OB, 'no CIDRs at all', without('cidrs'), 'cidrs', /required|expected/i],
  // teardown-cloudfront-byoip
  [TD, 'no CIDRs', { cidrs: [] }, 'cidrs', /at least|too small|3|three/i],
  [TD, 'a private CIDR', { cidrs: ['192.168.0.0/24', '198.18.1.0/24', '198.18.2.0/24'] }, 'cidrs', /private|public|reserved/i],
  [TD, 'a string for a boolean', { deletePools: 'yes' }, 'deletePools', /boolean/i],
  [TD, 'a DNS name with a space', { dnsRecordsToCheck: [{ hostedZoneId: 'Z0EXAMPLE000001', name: 'api example.com', type: 'A' }] }, 'name', /./],
  [TD, 'an extra field', { force: true }, 'force', /unrecognized|unknown|not allowed/i],
  // byoasn-onboard
  [BA, 'a 16-bit ASN out of the public range (reserved)', { asn: '0' }, 'asn', /ASN|range|reserved|private/i],
  [BA, 'an ASN above 32 bits', { asn: '4294967296' }, 'asn', /ASN|range|4294967295/i],
  [BA, 'a private ASN', { asn: '64512' }, 'asn', /private|public|documentation|reserved/i],
  [BA, 'an ASN with letters', { asn: 'AS64496' }, 'asn', /./],
  [BA, 'no CIDRs to associate', { cidrs: [] }, 'cidrs', /at least|too small/i],
  [BA, 'a prefix longer than /24', { cidrs: ['198.19.0.0/25'] }, 'cidrs', /\/24/],
  [BA, 'a string where a list goes', { cidrs: '198.19.0.0/24' }, 'cidrs', /array/i],
  // asn-swap
  [SW, 'a target that is neither AWS nor an ASN', { to: 'customer' }, 'to', /AWS|ASN/],
  [SW, 'a private CIDR', { cidr: '172.16.0.0/24' }, 'cidr', /private|public|reserved/i],
  [SW, 'IPv6 with a bad prefix', { cidr: '2001:db8::/129' }, 'cidr', /./],
  [SW, 'an extra field', { force: true }, 'force', /unrecognized|unknown|not allowed/i],
  [SW, 'an approver the deployment does not have', { approvers: ['mallory@evil.example'] }, 'approvers', /not a configured approver/],
  // byoasn-teardown
  [BT, 'an unknown origin choice', { origin: 'drop' }, 'origin', /withdraw|AWS|expected/i],
  [BT, 'a bad ASN', { asn: '-1' }, 'asn', /./],
  [BT, 'a string for a boolean', { deprovisionPoolCidrs: 'true' }, 'deprovisionPoolCidrs', /boolean/i],
  // static-ip-byoip
  [SI, 'an address outside the CIDRs', { accelerator: { ipAddresses: ['203.0.113.10', '198.19.1.10'] } }, 'ipAddresses', /inside|within|outside|CIDR/i],
  [SI, 'a port out of range', { accelerator: { listener: { portRanges: [{ fromPort: 0, toPort: 70000 }] } } }, 'portRanges', /65535|port|too big|at most/i],
  [SI, 'an unknown listener protocol', { accelerator: { listener: { protocol: 'HTTP' } } }, 'protocol', /TCP|UDP|expected/i],
  [
    SI,
    'an endpoint that is not a load balancer ARN',
    { accelerator: { endpointGroup: { endpoints: [{ albArn: 'arn:aws:ec2:us-east-1:111122223333:instance/i-1', weight: 128 }] } } },
    'albArn',
    /load ?balancer|ARN|elasticloadbalancing/i,
  ],
  [
    SI,
    'a weight above 255',
    {
      accelerator: {
        endpointGroup: {
          endpoints: [{ albArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/partner-api/0123456789abcdef', weight: 300 }],
        },
      },
    },
    'weight',
    /255|at most|too big/i,
  ],
  [SI, 'three CIDRs (Global Accelerator takes two)', { cidrs: ['198.19.0.0/24', '198.19.1.0/24', '198.19.2.0/24'] }, 'cidrs', /2|two|at most|too big/i],
  // teardown-static-ip-byoip
  [ST, 'an accelerator without a name', (i: Json) => ({ ...i, accelerator: {} }), 'accelerator', /name|required/i],
  [ST, 'a private CIDR', { cidrs: ['10.1.0.0/24'] }, 'cidrs', /private|public|reserved/i],
  // origin-ranges-sync
  [OR, 'a removal share in the event', { maxRemovalShare: 1 }, 'maxRemovalShare', /unknown field\(s\) "maxRemovalShare"/],
  [OR, 'a string for dryRun', { dryRun: 'yes' }, 'dryRun', /boolean/i],
  [OR, 'a sync name with capitals', { syncName: 'Web-Origins' }, 'syncName', /3-41 lowercase/],
  [OR, 'an event that is not an SNS delivery', { event: { Records: [] } }, 'event.Records', /exactly one record/],
  [
    OR,
    'a notification with a malformed md5',
    (i: Json) =>
      mergeJson(i, {
        event: {
          Records: [
            { ...i.event.Records[0], Sns: { ...i.event.Records[0].Sns, Message: i.event.Records[0].Sns.Message.replace(/"md5":"[0-9a-f]+"/, '"md5":"MD5"') } },
          ],
        },
      }),
    'md5',
    /32 lowercase hex/,
  ],
  [
    OR,
    'a notification that is not from AmazonIpSpaceChanged',
    (i: Json) =>
      mergeJson(i, {
        event: { Records: [{ ...i.event.Records[0], Sns: { ...i.event.Records[0].Sns, TopicArn: 'arn:aws:sns:us-east-1:123456789012:Other' } }] },
      }),
    'TopicArn',
    /AmazonIpSpaceChanged/,
  ],
  // vpc-origin-share
  [VS, 'a role in another account', team(0, { roleArn: 'arn:aws:iam::999988887777:role/byoip-orchestrator-team-access' }), 'roleArn', /account/],
  [
    VS,
    'an ALB in another account',
    team(0, { albArn: 'arn:aws:elasticloadbalancing:us-east-1:999988887777:loadbalancer/app/x/0a0a0a0a0a0a0a0a' }),
    'albArn',
    /account/,
  ],
  [VS, 'the default path /*', team(0, { pathPattern: '/*' }), 'pathPattern', /default behaviour/],
  [VS, 'a wildcard host', team(0, { host: '*.example.com' }), 'host', /wildcard/],
  [VS, 'a path another team already covers', team(1, { pathPattern: '/team-a/*' }), 'pathPattern', /caught by|repeats/],
  [
    VS,
    'a team in the networking account',
    team(0, {
      accountId: '111122223333',
      roleArn: 'arn:aws:iam::111122223333:role/r',
      albArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/x/0a0a0a0a0a0a0a0a',
    }),
    'accountId',
    /networking account/,
  ],
  [VS, 'no teams', { teams: [] }, 'teams', /at least|too small/i],
  [VS, 'an extra field', { region: 'us-east-1' }, 'region', /unrecognized|unknown|not allowed/i],
  // vpc-origin-teardown
  [VT, 'an unknown distribution action', { distributionAction: 'delete' }, 'distributionAction', /detach|disable|expected/i],
  [VT, 'a malformed distribution id', { distributionId: 'dist-1' }, 'distributionId', /./],
  [VT, 'a repeated team', (i: Json) => ({ ...i, teams: [i.teams[0], i.teams[0]] }), 'name', /repeats/],
  // ---- hostile inputs (issue 17): each is refused with its own message
  // email addresses: one spelling per mailbox, nothing hidden, no look-alikes
  [OB, 'an approver with a NUL', approver('netops\u0000@example.com'), 'approvers', /contains U\+0000, a space, control or format character/],
  [OB, 'an approver with a bidi override', approver('netops-\u202emoc.elpmaxe@example.com'), 'approvers', /contains U\+202E/],
  [BA, 'an approver with a zero-width space', approver('netops\u200b-oncall@example.com'), 'approvers', /contains U\+200B/],
  [SW, 'an approver with a byte-order mark', approver('\ufeffnetops-oncall@example.com'), 'approvers', /contains U\+FEFF/],
  [SI, 'an approver with a line separator', approver('netops@example.com\u2028'), 'approvers', /contains U\+2028/],
  [
    OB,
    'an approver whose domain mixes Cyrillic into Latin',
    approver('netops-oncall@ex\u0430mple.com'),
    'approvers',
    /mixes Cyrillic and Latin letters \(a look-alike of another domain\)/,
  ],
  [
    BT,
    'an approver at a whole-Cyrillic look-alike of apple.com',
    approver('it@\u0430\u0440\u0440\u04cf\u0435.com'),
    'approvers',
    /written in Cyrillic letters that look Latin \(a look-alike of "apple"\)/,
  ],
  [TD, 'the same look-alike written as punycode', approver('it@xn--80ak6aa92e.com'), 'approvers', /look-alike of "apple"/],
  [ST, 'an approver with a quoted local part and a space', approver('"net ops"@example.com'), 'approvers', /contains U\+0020/],
  [
    SW,
    'an approver with a non-ASCII local part',
    approver('n\u00e9tops@example.com'),
    'approvers',
    /has "\u00e9" \(U\+00E9\) before the @; the local part must be printable ASCII/,
  ],
  [OB, 'an approver without a domain', approver('netops@localhost'), 'approvers', /not a fully qualified host name/],
  [VS, 'an oversized approver', approver(`${'a'.repeat(250)}@example.com`), 'approvers', /at most 254 characters/],
  // IANA special-purpose space, refused everywhere
  [
    OB,
    '6to4 relay anycast space',
    { cidrs: ['192.88.99.0/24', '198.18.1.0/24', '198.18.2.0/24'] },
    'cidrs',
    /overlaps 192\.88\.99\.0\/24, deprecated 6to4 relay anycast \(RFC 7526\)/,
  ],
  [OB, 'AS112 space', { cidrs: ['192.31.196.0/24', '198.18.1.0/24', '198.18.2.0/24'] }, 'cidrs', /overlaps 192\.31\.196\.0\/24, AS112-v4/],
  [
    TD,
    'direct-delegation AS112 space',
    { cidrs: ['192.175.48.0/24', '198.18.1.0/24', '198.18.2.0/24'], topLevelCidrs: undefined, deprovisionTopLevel: false },
    'cidrs',
    /overlaps 192\.175\.48\.0\/24, direct delegation AS112 service/,
  ],
  [SI, 'AMT space', { cidrs: ['192.52.193.0/24', '198.19.1.0/24'] }, 'cidrs', /overlaps 192\.52\.193\.0\/24, AMT/],
  [ST, 'IETF protocol assignments', { cidrs: ['192.0.0.0/24'] }, 'cidrs', /overlaps 192\.0\.0\.0\/24, IETF protocol assignments/],
  [SW, 'Teredo space (IPv6 IETF protocol assignments)', { cidr: '2001::/48' }, 'cidr', /overlaps 2001::\/23, IETF protocol assignments/],
  [BA, '6to4 IPv6 space', { cidrs: ['2002:c612::/48'] }, 'cidrs', /overlaps 2002::\/16, 6to4/],
  [BT, 'shared address space', { cidrs: ['100.64.1.0/24'] }, 'cidrs', /overlaps 100\.64\.0\.0\/10, shared address space/],
  // documentation space and ASNs: only in a simulated rehearsal
  [
    OB,
    'documentation space in a real deployment',
    {},
    'cidrs',
    /is in 198\.18\.0\.0\/15, benchmarking \(RFC 2544\); documentation space is accepted only in a simulated rehearsal/,
    IN_AWS,
  ],
  [
    SW,
    'IPv6 documentation space in a real deployment',
    { cidr: '2001:db8:1::/48' },
    'cidr',
    /is in 2001:db8::\/32, documentation \(RFC 3849\); documentation space is accepted only/,
    IN_AWS,
  ],
  [
    BA,
    'a documentation ASN in a real deployment',
    { cidrs: ['8.8.8.0/24'] },
    'asn',
    /AS64496 is reserved for documentation \(RFC 5398\); documentation space is accepted only in a simulated rehearsal/,
    IN_AWS,
  ],
  // Amazon's own ASNs are not the customer's
  [BA, "Amazon's AS16509 as the customer's ASN", { asn: '16509' }, 'asn', /AS16509 is Amazon's own ASN/],
  [BT, "Amazon's AS14618 as the customer's ASN", { asn: '14618' }, 'asn', /AS14618 is Amazon's own ASN/],
  [SW, "a swap to Amazon's ASN written as a number", { to: '16509' }, 'to', /AS16509 is Amazon's own ASN; .*advertise with "AWS"/],
  // teardown topLevelCidrs: public IPv4 covering cidrs
  [TD, 'a top-level block of 0.0.0.0/0', { topLevelCidrs: ['0.0.0.0/0'] }, 'topLevelCidrs', /"0\.0\.0\.0\/0" overlaps 0\.0\.0\.0\/8/],
  [TD, 'a private top-level block', { topLevelCidrs: ['10.0.0.0/22'] }, 'topLevelCidrs', /"10\.0\.0\.0\/22" overlaps 10\.0\.0\.0\/8, private-use/],
  [TD, 'an IPv6 top-level block', { topLevelCidrs: ['2600:1f00::/40'] }, 'topLevelCidrs', /"2600:1f00::\/40" is IPv6; this workflow brings IPv4/],
  [TD, 'a public top-level block unrelated to cidrs', { topLevelCidrs: ['8.8.8.0/24'] }, 'topLevelCidrs', /"8\.8\.8\.0\/24" covers none of cidrs/],
  [OB, 'a top-level block that does not cover the /24s', { topLevelCidrs: ['198.18.4.0/22'] }, 'topLevelCidrs', /covers none of cidrs/],
  // ports CloudFront cannot use, path patterns that cost more than they say
  [VS, 'an SSH port for the origin', team(0, { httpsPort: 22 }), 'httpsPort', /must be 80, 443 or 1024-65535 \(the ports CloudFront connects to origins on\)/],
  [VS, 'a privileged port other than 80 and 443', team(0, { httpsPort: 1023 }), 'httpsPort', /must be 80, 443 or 1024-65535/],
  [VS, 'a catastrophic-backtracking path pattern', team(0, { pathPattern: '/*a*a*a*a*a*a*a*b' }), 'pathPattern', /must have at most 4 "\*" wildcards/],
  [VS, 'a doubled star', team(0, { pathPattern: '/team-a/**' }), 'pathPattern', /must not repeat "\*"/],
  // origin-ranges-sync: the event names the sync, nothing else
  [
    OR,
    'ports in the event',
    { securityGroups: { vpcId: 'vpc-0a1b2c3d4e5f60001', ports: [{ protocol: 'udp', fromPort: 0, toPort: 65535 }] } },
    'securityGroups',
    /unknown field\(s\) "securityGroups"/,
  ],
  [OR, 'force in the event', { force: true }, 'force', /unknown field\(s\) "force"/],
  [OR, 'a prefix list in the event', { prefixLists: [{ name: 'admin-ssh', family: 'ipv4' }] }, 'prefixLists', /unknown field\(s\) "prefixLists"/],
  [OR, 'a sync that is not configured', { syncName: 'admin-ssh' }, 'syncName', /no sync "admin-ssh" is configured/],
];

describe('bad input is refused before any AWS call, naming the field and the rule', () => {
  it('has at least 50 cases across every workflow, and at least 30 hostile ones (issue 17)', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CASES.map((c) => c[0])).size).toBe(10);
  });

  it.each(CASES.map((c) => [`${c[0]}: ${c[1]}`, c] as const))('%s', async (_title, [workflow, , change, field, rule, world]) => {
    const base = exampleInput(workflow);
    const input = typeof change === 'function' ? change(base) : mergeJson(base, change);
    const report = await run(exampleSim(world), workflow, input);
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('InputInvalid');
    expect(report.awsCalls).toEqual([]);
    const message = JSON.parse(String(report.error?.cause)).errorMessage as string;
    const lines = message.split('\n').filter((l) => l.includes(field));
    expect([field, lines.length > 0 ? 'named' : message]).toEqual([field, 'named']);
    expect(lines.some((l) => rule.test(l))).toBe(true);
  });
});
