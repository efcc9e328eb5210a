/**
 * Bad input, across every workflow: each malformed input is rejected by the workflow's first step
 * with InputInvalid, before any AWS call, and the message names the field and the rule it broke.
 */
import { mergeJson } from '../../runner/scenarios';
import { exampleInput, exampleSim, run } from '../support/world';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
/** [workflow, what is wrong, change to the example input, field named in the message, the rule (regex)] */
type Case = [string, string, Json | ((input: Json) => Json), string, RegExp];

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
const without = (key: string) => (input: Json) => { const out = { ...input }; delete out[key]; return out; };

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
  [OB, 'another account than this deployment\'s', { accountId: '999988887777' }, 'accountId', /is not this deployment's account 111122223333/],
  [OB, 'an approver that is not an email address', { approvers: ['oncall'] }, 'approvers', /email/i],
  [OB, 'an authorization with neither a key nor a signature', (i: Json) => ({ ...i, authorization: {} }), 'authorization', /signingKeySecretId|signature|required/i],
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
  [SI, 'an endpoint that is not a load balancer ARN', { accelerator: { endpointGroup: { endpoints: [{ albArn: 'arn:aws:ec2:us-east-1:111122223333:instance/i-1', weight: 128 }] } } }, 'albArn', /load ?balancer|ARN|elasticloadbalancing/i],
  [SI, 'a weight above 255', { accelerator: { endpointGroup: { endpoints: [{ albArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/partner-api/0123456789abcdef', weight: 300 }] } } }, 'weight', /255|at most|too big/i],
  [SI, 'three CIDRs (Global Accelerator takes two)', { cidrs: ['198.19.0.0/24', '198.19.1.0/24', '198.19.2.0/24'] }, 'cidrs', /2|two|at most|too big/i],
  // teardown-static-ip-byoip
  [ST, 'an accelerator without a name', (i: Json) => ({ ...i, accelerator: {} }), 'accelerator', /name|required/i],
  [ST, 'a private CIDR', { cidrs: ['10.1.0.0/24'] }, 'cidrs', /private|public|reserved/i],
  // origin-ranges-sync
  [OR, 'a removal share above 1', { maxRemovalShare: 2 }, 'maxRemovalShare', /1|at most|too big/i],
  [OR, 'a port out of range', { securityGroups: { ports: [{ protocol: 'tcp', port: 70000 }] } }, 'ports', /port/],
  [OR, 'more rules per group than the quota allows', { securityGroups: { rulesPerGroup: 5000 } }, 'rulesPerGroup', /at most|too big|1000|quota/i],
  [OR, 'a malformed VPC id', { securityGroups: { vpcId: 'vpc-xyz' } }, 'vpcId', /./],
  [OR, 'an unknown address family', { securityGroups: { families: ['ipx'] } }, 'families', /ipv4|ipv6|expected/i],
  [OR, 'a notification that is not from AmazonIpSpaceChanged', (i: Json) => mergeJson(i, { event: { Records: [{ ...i.event.Records[0], Sns: { ...i.event.Records[0].Sns, TopicArn: 'arn:aws:sns:us-east-1:123456789012:Other' } }] } }), 'TopicArn', /AmazonIpSpaceChanged/],
  // vpc-origin-share
  [VS, 'a role in another account', team(0, { roleArn: 'arn:aws:iam::999988887777:role/byoip-orchestrator-team-access' }), 'roleArn', /account/],
  [VS, 'an ALB in another account', team(0, { albArn: 'arn:aws:elasticloadbalancing:us-east-1:999988887777:loadbalancer/app/x/0a0a0a0a0a0a0a0a' }), 'albArn', /account/],
  [VS, 'the default path /*', team(0, { pathPattern: '/*' }), 'pathPattern', /default behaviour/],
  [VS, 'a wildcard host', team(0, { host: '*.example.com' }), 'host', /wildcard/],
  [VS, 'a path another team already covers', team(1, { pathPattern: '/team-a/*' }), 'pathPattern', /caught by|repeats/],
  [VS, 'a team in the networking account', team(0, { accountId: '111122223333', roleArn: 'arn:aws:iam::111122223333:role/r', albArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/x/0a0a0a0a0a0a0a0a' }), 'accountId', /networking account/],
  [VS, 'no teams', { teams: [] }, 'teams', /at least|too small/i],
  [VS, 'an extra field', { region: 'us-east-1' }, 'region', /unrecognized|unknown|not allowed/i],
  // vpc-origin-teardown
  [VT, 'an unknown distribution action', { distributionAction: 'delete' }, 'distributionAction', /detach|disable|expected/i],
  [VT, 'a malformed distribution id', { distributionId: 'dist-1' }, 'distributionId', /./],
  [VT, 'a repeated team', (i: Json) => ({ ...i, teams: [i.teams[0], i.teams[0]] }), 'name', /repeats/],
];

describe('bad input is refused before any AWS call, naming the field and the rule', () => {
  it('has at least 50 cases across every workflow', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(CASES.map((c) => c[0])).size).toBe(10);
  });

  it.each(CASES.map((c) => [`${c[0]}: ${c[1]}`, c] as const))('%s', async (_title, [workflow, , change, field, rule]) => {
    const base = exampleInput(workflow);
    const input = typeof change === 'function' ? change(base) : mergeJson(base, change);
    const report = await run(exampleSim(), workflow, input);
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('InputInvalid');
    expect(report.awsCalls).toEqual([]);
    const message = JSON.parse(String(report.error?.cause)).errorMessage as string;
    const lines = message.split('\n').filter((l) => l.includes(field));
    expect([field, lines.length > 0 ? 'named' : message]).toEqual([field, 'named']);
    expect(lines.some((l) => rule.test(l))).toBe(true);
  });
});
