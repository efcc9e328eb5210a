/**
 * origin-ranges-sync fails closed (issue 17), end to end in the simulator: a bad document, a wiped
 * family, a foreign prefix list, targets smuggled into the event, a first attachment, a redirect and
 * a tampered file seen on demand all stop the run with nothing changed.
 */
import { ownedRulesOf, type PortRange } from '../../domain/origin-lockdown';
import { errorMessage } from '../../domain/compensation';
import { md5Hex } from '../../domain/origin-ranges';
import { createSimulator, type Simulator } from '../../sim';
import { notificationFor, publicationInfo, serveIpRanges } from '../../sim/services/ip-ranges';
import type { SimulationReport } from '../../runner/report';
import { handler as attachGroups } from '../../tasks/origin-lockdown/attach-groups';
import { handler as authorizeRanges } from '../../tasks/origin-lockdown/authorize-ranges';
import { callsOf, EXAMPLES, exampleInput, exampleWorldJson, run, within } from '../support/world';

const WF = 'origin-ranges-sync';
const PORTS: PortRange[] = [
  { protocol: 'tcp', fromPort: 443, toPort: 443 },
  { protocol: 'tcp', fromPort: 80, toPort: 80 },
];
const MUTATING = /^(Create|Delete|Modify|Authorize|Revoke)/;
const IP_RANGES = 'https://ip-ranges.amazonaws.com/ip-ranges.json';
const POSTGRES_ENI = 'eni-0a1b2c3d4e5f6000d';
const POSTGRES_SG = 'sg-0a1b2c3d4e5f6000d';

type Json = any;

/** The example world plus a database interface (its own group) and an admin prefix list nobody gave the sync. */
function world(opts: { patch?: Json; sync?: (s: Json) => void; serve?: number } = {}): Simulator {
  const json = exampleWorldJson(opts.patch);
  json.ec2Network.securityGroups.push({
    groupId: POSTGRES_SG,
    name: 'postgres',
    vpcId: 'vpc-0a1b2c3d4e5f60001',
    ingress: [{ protocol: 'tcp', port: 5432, cidrs: ['10.20.0.0/16'] }],
  });
  json.ec2Network.networkInterfaces.push({ networkInterfaceId: POSTGRES_ENI, vpcId: 'vpc-0a1b2c3d4e5f60001', groups: [POSTGRES_SG], description: 'postgres' });
  json.ec2Network.prefixLists.push({ prefixListId: 'pl-0a1b2c3d4e5f6000a', name: 'admin-ssh', family: 'ipv4', maxEntries: 10, entries: ['203.0.113.0/28'] });
  opts.sync?.(json.deployment.originLockdown.syncs['web-origins']);
  const sim = createSimulator(json, EXAMPLES);
  serveIpRanges(sim, opts.serve ?? 0);
  return sim;
}

const notified = (sim: Simulator, publication = 0, md5?: string) => exampleInput(WF, { event: notificationFor(sim, publication, md5 ? { md5 } : {}) });
const mutating = (r: SimulationReport) => r.awsCalls.filter((c) => c.service === 'EC2' && MUTATING.test(c.operation));
const network = (sim: Simulator) => (sim.snapshot() as Json)['ec2.network'];
/** Everything the sync could have changed, to compare before and after a refused run. */
function exposure(sim: Simulator) {
  const n = network(sim);
  return {
    groups: n.securityGroups.map((g: Json) => ({ id: g.GroupId, rules: ownedRulesOf(g.IpPermissions, PORTS), foreign: g.IpPermissions.length })),
    interfaces: n.networkInterfaces.map((i: Json) => [i.NetworkInterfaceId, [...i.Groups].sort()]),
    lists: n.prefixLists.filter((p: Json) => p.OwnerId !== 'AWS').map((p: Json) => [p.PrefixListName, [...p.Entries].sort(), p.MaxEntries]),
  };
}

/** Serves `body` instead of the real document, and answers what a notification for it would announce. */
function serveDocument(sim: Simulator, body: (real: string) => string, status = 200, headers: Record<string, string> = {}): void {
  const real = sim.http.bind(sim);
  sim.http = async (req) => {
    const res = await real(req);
    if (!req.url.startsWith(IP_RANGES)) return res;
    return { ...res, status, headers: { ...res.headers, ...headers }, body: status === 200 ? body(res.body) : '' };
  };
}

/** The served publication with `prefix` listed as CLOUDFRONT_ORIGIN_FACING (and under AMAZON, so only the rule under test fails). */
const listing = (prefix: string) => (real: string) => {
  const doc = JSON.parse(real);
  const v6 = prefix.includes(':');
  for (const service of ['CLOUDFRONT_ORIGIN_FACING', 'AMAZON']) {
    (v6 ? doc.ipv6_prefixes : doc.prefixes).push(
      v6
        ? { ipv6_prefix: prefix, region: 'GLOBAL', service, network_border_group: 'GLOBAL' }
        : { ip_prefix: prefix, region: 'GLOBAL', service, network_border_group: 'GLOBAL' },
    );
  }
  return `${JSON.stringify(doc, null, 2)}\n`;
};

describe('origin-ranges-sync fails closed', () => {
  describe.each(['0.0.0.0/0', '::/0', '10.0.0.0/8', '127.0.0.0/8', '16.0.0.0/4'])('a document listing %s as origin-facing', (prefix) => {
    it('is refused, naming the prefix, and nothing changes', async () => {
      const sim = world({
        sync: (s) => {
          s.force = true;
        },
      });
      expect((await run(sim, WF, notified(sim, 0))).status).toBe('SUCCEEDED');
      sim.clock.advance(3600_000);
      serveIpRanges(sim, 1);
      const before = exposure(sim);
      const hostile = listing(prefix)((await sim.http({ url: IP_RANGES })).body);
      serveDocument(sim, () => hostile);
      // The notification announces exactly the hostile bytes: the md5 cannot save us, the sanity checks must.
      const report = await run(sim, WF, notified(sim, 1, md5Hex(hostile)));
      expect(report.status).toBe('FAILED');
      expect(report.error?.name).toBe('SafetyViolation');
      expect(errorMessage(report.error?.cause)).toMatch(
        new RegExp(`refusing ip-ranges\\.json .* nothing was changed: ${prefix.replace(/[./]/g, (c) => `\\${c}`)} `),
      );
      expect(mutating(report)).toEqual([]);
      expect(exposure(sim)).toEqual(before);
    });
  });

  it('refuses a document without IPv6 origin-facing ranges: the IPv6 family is never emptied, not even with force', async () => {
    const sim = world({
      patch: { ipRanges: { publications: [{}, { originFacing: { removeIpv6: 14 } }] } },
      sync: (s) => {
        s.force = true;
      },
    });
    await run(sim, WF, notified(sim, 0));
    sim.clock.advance(3600_000);
    serveIpRanges(sim, 1);
    expect(publicationInfo(sim, 1).originFacing.ipv6).toEqual([]);
    const before = exposure(sim);
    const report = await run(sim, WF, notified(sim, 1));
    expect(report.error?.name).toBe('SafetyViolation');
    expect(errorMessage(report.error?.cause)).toMatch(
      /security groups web-origins in vpc-0a1b2c3d4e5f60001 would lose all 14 ipv6 ranges \(refused even with force\)/,
    );
    expect(mutating(report)).toEqual([]);
    expect(exposure(sim)).toEqual(before);
  });

  it('caps additions per run: a document grown by more than maxAdditionShare since the version applied last', async () => {
    const sim = world({ patch: { ipRanges: { publications: [{}, { originFacing: { addIpv4: 20 } }] } } });
    await run(sim, WF, notified(sim, 0));
    sim.clock.advance(3600_000);
    serveIpRanges(sim, 1);
    const before = exposure(sim);
    const report = await run(sim, WF, notified(sim, 1));
    expect(report.error?.name).toBe('SafetyViolation');
    expect(errorMessage(report.error?.cause)).toMatch(
      /the published ipv4 ranges grew by 20 on the 45 applied last \(44\.4 %, more than maxAdditionShare 25\.0 %\)/,
    );
    expect(exposure(sim)).toEqual(before);
  });

  it('completes a target a failed first run left half-filled (what a target gains is not document growth)', async () => {
    const sim = world();
    sim.faults.add('ModifyNetworkInterfaceAttribute=UnauthorizedOperation');
    expect((await run(sim, WF, notified(sim, 0))).status).toBe('FAILED');
    sim.faults.clear();
    sim.clock.advance(900_000);
    const again = await run(sim, WF, notified(sim, 0));
    expect(again.status).toBe('SUCCEEDED');
    expect((again.output as Json).safety.growth).toEqual([]);
  });

  it('leaves a prefix list it does not own untouched, force or not', async () => {
    const sim = world({
      sync: (s) => {
        s.force = true;
        s.prefixLists = [{ name: 'admin-ssh', family: 'ipv4' }];
      },
    });
    const before = exposure(sim);
    const report = await run(sim, WF, notified(sim, 0));
    expect(report.error?.name).toBe('SafetyViolation');
    expect(errorMessage(report.error?.cause)).toMatch(
      /prefix list "admin-ssh" \(pl-0a1b2c3d4e5f6000a\) is not tagged byoip-orchestrator:origin-lockdown=web-origins: the sync changes only lists it owns, forced or not/,
    );
    expect(callsOf(report, 'ModifyManagedPrefixList')).toEqual([]);
    expect(mutating(report)).toEqual([]);
    expect(exposure(sim)).toEqual(before);
  });

  it('changes only its own list when another list carries the same name', async () => {
    const json = exampleWorldJson();
    json.ec2Network.prefixLists.push({
      prefixListId: 'pl-0a1b2c3d4e5f6000b',
      name: 'cloudfront-origin-facing-ipv4',
      family: 'ipv4',
      maxEntries: 5,
      entries: ['198.51.100.0/24'],
    });
    const sim = createSimulator(json, EXAMPLES);
    serveIpRanges(sim, 0);
    const report = await run(sim, WF, notified(sim, 0));
    expect(report.status).toBe('SUCCEEDED');
    expect(new Set(callsOf(report, 'ModifyManagedPrefixList').map((c) => (c.input as Json).PrefixListId))).toEqual(new Set(['pl-0a1b2c3d4e5f60001']));
    expect(network(sim).prefixLists.find((p: Json) => p.PrefixListId === 'pl-0a1b2c3d4e5f6000b').Entries).toEqual(['198.51.100.0/24']);
  });

  it("refuses ports and interfaces in the event (the review's Postgres attack): nothing is called, nothing opened", async () => {
    const sim = world();
    const before = exposure(sim);
    const event = {
      ...notified(sim, 0),
      securityGroups: { vpcId: 'vpc-0a1b2c3d4e5f60001', ports: [{ fromPort: 1024, toPort: 65535 }], attachTo: [POSTGRES_ENI] },
      force: true,
    };
    const report = await run(sim, WF, event);
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(/unknown field\(s\) "securityGroups", "force"[\s\S]*come only from the deployment configuration/);
    expect(report.awsCalls).toEqual([]);
    expect(exposure(sim)).toEqual(before);
  });

  describe("an interface that carries none of the sync's groups", () => {
    const attachPostgres = (s: Json) => {
      s.securityGroups.attachTo = [POSTGRES_ENI];
      s.approvers = ['netops-oncall@example.com'];
    };

    it('is attached only after an approval that names it, asked for before any change', async () => {
      const sim = world({ sync: attachPostgres });
      const before = exposure(sim);
      const rejected = await run(sim, WF, notified(sim, 0), { approve: 'reject' });
      expect(rejected.error?.name).toBe('ApprovalRejected');
      expect(mutating(rejected)).toEqual([]);
      expect(exposure(sim)).toEqual(before);
      sim.clock.advance(3600_000);
      const approved = await run(sim, WF, notified(sim, 0));
      expect(approved.status).toBe('SUCCEEDED');
      expect(approved.approvals).toHaveLength(1);
      const plan = (approved.output as Json).attachApproval;
      expect(plan).toMatchObject({ approved: true });
      const eni = network(sim).networkInterfaces.find((i: Json) => i.NetworkInterfaceId === POSTGRES_ENI);
      expect(eni.Groups).toEqual(expect.arrayContaining([POSTGRES_SG, 'sg-0a1b2c3d4e5f60001']));
      const ops = approved.states.map((s) => s.name);
      expect(ops.indexOf('AwaitAttachApproval')).toBeLessThan(ops.indexOf('AuthorizeRanges'));
    });

    it('is refused by the attaching task itself without that approval', async () => {
      const sim = world();
      const out = within(sim, () =>
        attachGroups(
          {
            region: 'us-east-1',
            attachments: [{ networkInterfaceId: POSTGRES_ENI, add: ['sg-0a1b2c3d4e5f60001'] }],
            refs: {},
            managed: ['sg-0a1b2c3d4e5f60001'],
            approval: { approved: false },
            approvedInterfaces: [POSTGRES_ENI],
          },
          {} as never,
        ),
      );
      await expect(out).rejects.toMatchObject({
        name: 'SafetyViolation',
        message: expect.stringMatching(/eni-0a1b2c3d4e5f6000d carries none of the sync's groups and no approval names it/),
      });
      expect(network(sim).networkInterfaces.find((i: Json) => i.NetworkInterfaceId === POSTGRES_ENI).Groups).toEqual([POSTGRES_SG]);
    });
  });

  it("the changing tasks refuse a group without the sync's tag, and ports outside 80, 443, 1024-65535", async () => {
    const sim = world();
    const rules = [{ cidr: '13.32.0.0/15', family: 'ipv4', portKeys: ['tcp/443-443'] }];
    await expect(
      within(sim, () => authorizeRanges({ region: 'us-east-1', syncName: 'web-origins', ref: POSTGRES_SG, refs: {}, rules, ports: [PORTS[0]] }, {} as never)),
    ).rejects.toMatchObject({
      name: 'SafetyViolation',
      message: expect.stringMatching(/sg-0a1b2c3d4e5f6000d is not tagged byoip-orchestrator:origin-lockdown=web-origins/),
    });
    await expect(
      within(sim, () =>
        authorizeRanges(
          {
            region: 'us-east-1',
            syncName: 'web-origins',
            ref: 'sg-0a1b2c3d4e5f60001',
            refs: {},
            rules: [{ ...rules[0], portKeys: ['tcp/22-22'] }],
            ports: [{ protocol: 'tcp', fromPort: 22, toPort: 22 }],
          },
          {} as never,
        ),
      ),
    ).rejects.toMatchObject({ name: 'InputInvalid', message: expect.stringMatching(/must be TCP 80, 443 or a range within 1024-65535/) });
    expect(callsOf({ awsCalls: sim.calls } as Json, 'AuthorizeSecurityGroupIngress')).toEqual([]);
  });

  it('refuses a redirect from the pinned URL', async () => {
    const sim = world();
    serveDocument(sim, (b) => b, 301, { location: 'https://ip-ranges.example.net/ip-ranges.json' });
    const report = await run(sim, WF, notified(sim, 0));
    expect(report.error?.name).toBe('SafetyViolation');
    expect(errorMessage(report.error?.cause)).toMatch(
      /answered 301 \(a redirect to https:\/\/ip-ranges\.example\.net\/ip-ranges\.json\); redirects are refused/,
    );
    expect(mutating(report)).toEqual([]);
  });

  it('checks an on-demand run against the md5 that was notified for the same synctoken', async () => {
    const sim = world();
    const genuine = publicationInfo(sim, 0).md5;
    serveDocument(sim, (b) => b.replace('"syncToken"', '"comment": "tampered",\n  "syncToken"'));
    const notifiedRun = await run(sim, WF, notified(sim, 0, genuine));
    expect(errorMessage(notifiedRun.error?.cause)).toMatch(/md5 mismatch/);
    sim.clock.advance(3600_000);
    const before = exposure(sim);
    const onDemand = await run(sim, WF, exampleInput(`${WF}.on-demand`, { dryRun: false }));
    expect(onDemand.error?.name).toBe('UnexpectedResponse');
    expect(errorMessage(onDemand.error?.cause)).toMatch(
      new RegExp(`md5 mismatch: .* but the notification\\(s\\) for syncToken ${publicationInfo(sim, 0).syncToken} announced ${genuine}; nothing was changed`),
    );
    expect(mutating(onDemand)).toEqual([]);
    expect(exposure(sim)).toEqual(before);
  });

  it('an on-demand run with no notification on record says its md5 was not checked against one', async () => {
    const sim = world();
    const report = await run(sim, WF, exampleInput(`${WF}.on-demand`, { dryRun: false }));
    expect(report.status).toBe('SUCCEEDED');
    expect((report.output as Json).md5Check).toBe('no notification seen for this syncToken; the document passed the sanity checks');
  });
});
