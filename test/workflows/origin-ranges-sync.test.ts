/**
 * origin-ranges-sync, run end to end in the simulator: the committed ASL, the real handlers, the
 * simulated EC2 and ip-ranges.amazonaws.com, the virtual clock.
 */
import type { SimulationReport } from '../../runner/report';
import { errorMessage } from '../../domain/compensation';
import { ownedRulesOf, sortCidrs, type PortRange } from '../../domain/origin-lockdown';
import { notificationFor, publicationInfo, serveIpRanges } from '../../sim/services/ip-ranges';
import type { Simulator } from '../../sim';
import { createSimulator } from '../../sim';
import { callsOf, EXAMPLES, exampleInput, exampleWorldJson, run } from '../support/world';

const WF = 'origin-ranges-sync';
const PORTS: PortRange[] = [
  { protocol: 'tcp', fromPort: 443, toPort: 443 },
  { protocol: 'tcp', fromPort: 80, toPort: 80 },
];
const MUTATING_EC2 = /^(Create|Delete|Modify|Authorize|Revoke)/;
const TAG = 'byoip-orchestrator:origin-lockdown';

/** The example world, serving publication `serve` (0: before AWS's change, 1: three added, two removed). */
function world(patch: Record<string, unknown> = {}, serve = 0, sync?: (config: any) => void): Simulator {
  const json = exampleWorldJson(patch);
  if (sync) sync(json.deployment.originLockdown.syncs['web-origins']);
  const sim = createSimulator(json, EXAMPLES);
  serveIpRanges(sim, serve);
  return sim;
}

function input(sim: Simulator, publication?: number, patch: Record<string, unknown> = {}) {
  return exampleInput(WF, { event: notificationFor(sim, publication), ...patch });
}

/** Per managed group: the ranges it allows on every managed port. */
function allowed(sim: Simulator): Map<string, Set<string>> {
  const snap = sim.snapshot() as any;
  const out = new Map<string, Set<string>>();
  for (const g of snap['ec2.network'].securityGroups) {
    if (!g.Tags.some((t: any) => t.Key === TAG)) continue;
    const owned = ownedRulesOf(g.IpPermissions, PORTS);
    out.set(
      g.GroupId,
      new Set(
        Object.entries(owned)
          .filter(([, k]) => k.length === PORTS.length)
          .map(([c]) => c),
      ),
    );
  }
  return out;
}

const union = (m: Map<string, Set<string>>) => [...m.values()].flatMap((s) => [...s]);
const sorted = (xs: Iterable<string>) => [...xs].sort();
const mutating = (r: SimulationReport) => r.awsCalls.filter((c) => c.service === 'EC2' && MUTATING_EC2.test(c.operation));
const cidrsIn = (call: { input: unknown }) =>
  ((call.input as any).IpPermissions as any[]).flatMap((p) => [
    ...(p.IpRanges ?? []).map((r: any) => r.CidrIp),
    ...(p.Ipv6Ranges ?? []).map((r: any) => r.CidrIpv6),
  ]);
function prefixList(sim: Simulator, name = 'cloudfront-origin-facing-ipv4') {
  return (sim.snapshot() as any)['ec2.network'].prefixLists.find((p: any) => p.PrefixListName === name);
}

describe('origin-ranges-sync', () => {
  describe('first sync from empty, then AWS adds 3 ranges and removes 2', () => {
    let sim: Simulator;
    let first: SimulationReport;
    let second: SimulationReport;
    let afterFirst: Map<string, Set<string>>;
    let enisAfterFirst: Array<{ Groups: string[] }>;
    const pub0 = () => publicationInfo(sim, 0).originFacing;
    const pub1 = () => publicationInfo(sim, 1).originFacing;
    beforeAll(async () => {
      sim = world();
      first = await run(sim, WF, input(sim, 0));
      afterFirst = allowed(sim);
      enisAfterFirst = (sim.snapshot() as any)['ec2.network'].networkInterfaces;
      sim.clock.advance(3600_000);
      serveIpRanges(sim, 1);
      second = await run(sim, WF, input(sim, 1));
    });

    it('first run: every published range allowed, in as few groups as the quota allows', () => {
      expect(first.error).toBeNull();
      expect(first.status).toBe('SUCCEEDED');
      const groups = afterFirst;
      // The world: 45 IPv4 + 14 IPv6 ranges, 2 ports, 60 rules per family, one seeded group with an SSH rule.
      expect(sorted(union(groups))).toEqual(sorted([...pub0().ipv4, ...pub0().ipv6]));
      expect(callsOf(first, 'CreateSecurityGroup')).toHaveLength(1);
      expect(new Set(union(groups)).size).toBe(union(groups).length); // each range in exactly one group
    });

    it('first run: the new group is attached wherever the managed group was', () => {
      const managed = [...afterFirst.keys()];
      expect(managed).toHaveLength(2);
      for (const eni of enisAfterFirst) expect(managed.every((g) => eni.Groups.includes(g))).toBe(true);
      expect(callsOf(first, 'ModifyNetworkInterfaceAttribute')).toHaveLength(2);
    });

    it('first run: the prefix list was resized first (with headroom), then filled in one call', () => {
      const modify = callsOf(first, 'ModifyManagedPrefixList').map((c) => c.input as any);
      expect(modify[0]).toMatchObject({ MaxEntries: 50 });
      expect(modify[0].AddEntries).toBeUndefined();
      expect(modify[1].AddEntries).toHaveLength(45);
      expect(modify.map((m) => m.CurrentVersion)).toEqual([1, 2]);
    });

    it('second run changes only the 3 added and 2 removed ranges', () => {
      expect(second.status).toBe('SUCCEEDED');
      const added = pub1().ipv4.filter((c) => !pub0().ipv4.includes(c));
      const removed = pub0().ipv4.filter((c) => !pub1().ipv4.includes(c));
      expect([added.length, removed.length]).toEqual([3, 2]);
      const authorize = callsOf(second, 'AuthorizeSecurityGroupIngress');
      const revoke = callsOf(second, 'RevokeSecurityGroupIngress');
      expect(authorize).toHaveLength(1); // all three fit the group with the most room
      expect(sorted(new Set(authorize.flatMap(cidrsIn)))).toEqual(sorted(added));
      expect(authorize.flatMap(cidrsIn)).toHaveLength(added.length * PORTS.length);
      expect(sorted(new Set(revoke.flatMap(cidrsIn)))).toEqual(sorted(removed));
      expect(revoke.length).toBeLessThanOrEqual(2);
      const pl = callsOf(second, 'ModifyManagedPrefixList').map((c) => c.input as any);
      expect(pl).toHaveLength(1);
      expect(sorted(pl[0].AddEntries.map((e: any) => e.Cidr))).toEqual(sorted(added));
      expect(sorted(pl[0].RemoveEntries.map((e: any) => e.Cidr))).toEqual(sorted(removed));
      // Nothing else was touched.
      expect(
        mutating(second)
          .map((c) => c.operation)
          .sort(),
      ).toEqual(['AuthorizeSecurityGroupIngress', 'ModifyManagedPrefixList', ...revoke.map(() => 'RevokeSecurityGroupIngress')].sort());
      expect(sorted(union(allowed(sim)))).toEqual(sorted([...pub1().ipv4, ...pub1().ipv6]));
      expect(sorted(prefixList(sim).Entries)).toEqual(sorted(pub1().ipv4));
    });

    it('authorizes before it revokes', () => {
      const ops = mutating(second).map((c) => c.operation);
      expect(ops.lastIndexOf('AuthorizeSecurityGroupIngress')).toBeLessThan(ops.indexOf('RevokeSecurityGroupIngress'));
    });

    it('reports the AWS-managed list and its weight', () => {
      const lists = (second.output as any).awsManagedLists;
      expect(lists[0]).toMatchObject({
        name: 'com.amazonaws.global.cloudfront.origin-facing',
        weight: 55,
        matchesPublished: true,
        rulesNeeded: 110,
        groupsNeeded: 2,
        wouldServe: true,
      });
    });

    it('records the applied synctoken durably', () => {
      expect((second.output as any).recorded).toEqual({ recorded: true, syncToken: Number(publicationInfo(sim, 1).syncToken) });
    });

    it('ignores a replayed older notification: no fetch, no EC2 call, no change', async () => {
      sim.clock.advance(60_000);
      const before = allowed(sim);
      const fetches = sim.httpRequests.length;
      const replay = await run(sim, WF, input(sim, 0));
      expect(replay.status).toBe('SUCCEEDED');
      expect(replay.output).toMatchObject({ ignored: true, reason: expect.stringMatching(/is not newer than the last applied/) });
      expect(replay.awsCalls.filter((c) => c.service === 'EC2')).toHaveLength(0);
      expect(sim.httpRequests.length).toBe(fetches);
      expect(allowed(sim)).toEqual(before);
    });

    it('ignores the same notification delivered twice', async () => {
      sim.clock.advance(60_000);
      const again = await run(sim, WF, input(sim, 1));
      expect(again.output).toMatchObject({ ignored: true });
      expect(mutating(again)).toHaveLength(0);
    });

    it('an on-demand run of the same version changes nothing (already in sync)', async () => {
      sim.clock.advance(60_000);
      const onDemand = await run(sim, WF, exampleInput(`${WF}.on-demand`, { dryRun: false }));
      expect(onDemand.status).toBe('SUCCEEDED');
      expect((onDemand.output as any).changes).toBe(false);
      expect(mutating(onDemand)).toHaveLength(0);
    });
  });

  it('fails clearly on an md5 mismatch and changes nothing; the right notification then applies', async () => {
    const sim = world();
    const report = await run(sim, WF, input(sim, 0, { event: notificationFor(sim, 0, { md5: '0123456789abcdef0123456789abcdef' }) }));
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('UnexpectedResponse');
    expect(errorMessage(report.error?.cause)).toMatch(
      new RegExp(
        `md5 mismatch: .* has md5 ${publicationInfo(sim, 0).md5}, but the notification announced 0123456789abcdef0123456789abcdef; nothing was changed`,
      ),
    );
    expect(report.awsCalls.filter((c) => c.service === 'EC2')).toHaveLength(0);
    expect(union(allowed(sim))).toEqual([]);
    // The lock was given back and no token recorded: a correct notification still applies.
    sim.clock.advance(60_000);
    const retry = await run(sim, WF, input(sim, 0));
    expect(retry.status).toBe('SUCCEEDED');
    expect(union(allowed(sim)).length).toBe(publicationInfo(sim, 0).originFacing.ipv4.length + publicationInfo(sim, 0).originFacing.ipv6.length);
  });

  it('waits for a file that lags its notification, then applies it', async () => {
    const sim = world({}, 0);
    serveIpRanges(sim, 1, { afterSeconds: 300 });
    const report = await run(sim, WF, input(sim, 1));
    expect(report.status).toBe('SUCCEEDED');
    const fetches = report.states.filter((s) => s.name === 'AwaitIpRanges');
    expect(fetches.length).toBeGreaterThan(1);
    expect(report.phases.find((p) => p.name === 'AwaitIpRanges')!.seconds).toBeGreaterThanOrEqual(300);
    expect((report.output as any).syncToken).toBe(Number(publicationInfo(sim, 1).syncToken));
  });

  it('lets a superseded notification go when a newer file is already out', async () => {
    const sim = world({}, 1);
    const report = await run(sim, WF, input(sim, 0));
    expect(report.output).toMatchObject({ ignored: true, reason: expect.stringMatching(/newer file .* is already published/) });
    expect(report.awsCalls.filter((c) => c.service === 'EC2')).toHaveLength(0);
  });

  it('dry run prints the diff and changes nothing', async () => {
    const sim = world();
    const report = await run(sim, WF, input(sim, 0, { dryRun: true }));
    expect(report.status).toBe('SUCCEEDED');
    const out = report.output as any;
    expect(out).toMatchObject({ dryRun: true, changes: true });
    expect(out.diff.securityGroups.diff.ipv4.add).toEqual(sortCidrs(publicationInfo(sim, 0).originFacing.ipv4));
    expect(out.diff.securityGroups.create).toEqual(['new-1']);
    expect(out.diff.prefixLists.steps.map((s: any) => s.kind)).toEqual(['resize', 'modify']);
    expect(mutating(report)).toHaveLength(0);
    expect(callsOf(report, 'PutItem').filter((c) => String((c.input as any).Item?.pk).startsWith('SYNC#'))).toHaveLength(0);
  });

  describe('removal-share safety', () => {
    const cut = { ipRanges: { publications: [{}, { originFacing: { removeIpv4: 10 } }] } };

    it('refuses to remove more than 10 % of the ranges, before any change', async () => {
      const sim = world(cut);
      await run(sim, WF, input(sim, 0));
      sim.clock.advance(3600_000);
      serveIpRanges(sim, 1);
      const before = allowed(sim);
      const report = await run(sim, WF, input(sim, 1));
      expect(report.status).toBe('FAILED');
      expect(report.error?.name).toBe('SafetyViolation');
      expect(errorMessage(report.error?.cause)).toMatch(
        /security groups web-origins in vpc-0a1b2c3d4e5f60001 would lose 10 of 45 ipv4 ranges \(22\.2 %, more than maxRemovalShare 10\.0 %\)/,
      );
      expect(mutating(report)).toHaveLength(0);
      expect(allowed(sim)).toEqual(before);
    });

    it('applies it when the deployment configuration forces it', async () => {
      const sim = world(cut, 0, (s) => {
        s.force = true;
      });
      await run(sim, WF, input(sim, 0));
      sim.clock.advance(3600_000);
      serveIpRanges(sim, 1);
      const report = await run(sim, WF, input(sim, 1));
      expect(report.status).toBe('SUCCEEDED');
      expect(callsOf(report, 'RevokeSecurityGroupIngress').flatMap(cidrsIn)).toHaveLength(10 * PORTS.length);
    });
  });

  it('on a failure after revoking, puts every revoked range back (never fewer allowed than before)', async () => {
    const sim = world();
    await run(sim, WF, input(sim, 0));
    sim.clock.advance(3600_000);
    serveIpRanges(sim, 1);
    const before = allowed(sim);
    sim.faults.add('ModifyManagedPrefixList=UnauthorizedOperation');
    const report = await run(sim, WF, input(sim, 1));
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('AwsRequestRejected');
    expect(callsOf(report, 'RevokeSecurityGroupIngress').length).toBeGreaterThan(0);
    const after = allowed(sim);
    for (const [groupId, ranges] of before) for (const c of ranges) expect([groupId, after.get(groupId)!.has(c)]).toEqual([groupId, true]);
    expect(report.states.some((s) => s.name === 'RolledBack')).toBe(true);
    // The token stays where it was: the same notification can be applied again once fixed.
    sim.faults.clear();
    sim.clock.advance(60_000);
    const retry = await run(sim, WF, input(sim, 1));
    expect(retry.status).toBe('SUCCEEDED');
    expect(sorted(union(allowed(sim)))).toEqual(sorted([...publicationInfo(sim, 1).originFacing.ipv4, ...publicationInfo(sim, 1).originFacing.ipv6]));
  });

  it('deletes a group it created but never attached when it fails, and keeps the seeded ones', async () => {
    const sim = world();
    sim.faults.add('ModifyNetworkInterfaceAttribute=UnauthorizedOperation');
    const report = await run(sim, WF, input(sim, 0));
    expect(report.status).toBe('FAILED');
    const groups = (sim.snapshot() as any)['ec2.network'].securityGroups.map((g: any) => g.GroupId);
    expect(groups).toEqual(['sg-0a1b2c3d4e5f60001', 'sg-0a1b2c3d4e5f60002']);
    expect(callsOf(report, 'DeleteSecurityGroup')).toHaveLength(1);
  });

  it('is idempotent when responses are lost (the effect happened, the call failed)', async () => {
    const sim = world();
    for (const f of [
      'CreateSecurityGroup=InternalErrorx1@after',
      'AuthorizeSecurityGroupIngress=InternalErrorx1@after',
      'ModifyManagedPrefixList=InternalErrorx1@after',
    ])
      sim.faults.add(f);
    const report = await run(sim, WF, input(sim, 0));
    expect(report.error).toBeNull();
    expect(report.status).toBe('SUCCEEDED');
    // The SDK retried each lost call; the tasks recognised their own earlier effect.
    expect(callsOf(report, 'CreateSecurityGroup').map((c) => c.error?.name)).toEqual(['InternalError', 'InvalidGroup.Duplicate']);
    expect((sim.snapshot() as any)['ec2.network'].securityGroups).toHaveLength(3);
    expect(callsOf(report, 'AuthorizeSecurityGroupIngress').some((c) => c.error?.name === 'InvalidPermission.Duplicate')).toBe(true);
    expect(union(allowed(sim)).length).toBe(59);
    expect(prefixList(sim).Entries).toHaveLength(45);
  });

  it('absorbs EC2 throttling (token buckets and injected faults)', async () => {
    // Far below EC2's real buckets: a planning step alone makes ten reads.
    const sim = world({
      throttling: { buckets: { EC2: { mutating: { capacity: 3, refillPerSecond: 0.5 }, nonMutating: { capacity: 10, refillPerSecond: 1 } } } },
    });
    for (const f of [
      'DescribeSecurityGroups=RequestLimitExceededx3',
      'AuthorizeSecurityGroupIngress=RequestLimitExceededx2',
      'ModifyManagedPrefixList=RequestLimitExceededx2',
    ])
      sim.faults.add(f);
    const report = await run(sim, WF, input(sim, 0));
    expect(report.error).toBeNull();
    expect(report.awsCalls.filter((c) => c.error?.name === 'RequestLimitExceeded' && !c.error.injected).length).toBeGreaterThan(0);
    expect(union(allowed(sim)).length).toBe(59);
  });

  it('two overlapping notifications: one waits for the lock, the newer version wins', async () => {
    const sim = world({}, 1);
    const [a, b] = await Promise.all([run(sim, WF, input(sim, 1)), run(sim, WF, input(sim, 0))]);
    expect([a.status, b.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const waited = [a, b].filter((r) => r.states.some((s) => s.name === 'AcquireLock' && (s.retries ?? 0) > 0));
    expect(waited).toHaveLength(1);
    expect(sorted(union(allowed(sim)))).toEqual(sorted([...publicationInfo(sim, 1).originFacing.ipv4, ...publicationInfo(sim, 1).originFacing.ipv6]));
  });

  it('refuses to attach past the groups-per-interface quota, before any change', async () => {
    const sim = world({}, 0, (s) => {
      s.securityGroups.groupsPerInterface = 2;
    });
    const report = await run(sim, WF, input(sim, 0));
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('QuotaExceeded');
    expect(errorMessage(report.error?.cause)).toMatch(/eni-0a1b2c3d4e5f60001 has 2 groups and needs 1 more/);
    expect(mutating(report)).toHaveLength(0);
  });

  it('creates a prefix list and fills it 100 entries per call, each at the version it read', async () => {
    const sim = world({ ipRanges: { originFacingIpv4: 250, originFacingIpv6: 120 } }, 0, (s) => {
      s.prefixLists = [
        { name: 'cf-origin-v4', family: 'ipv4', createIfMissing: true },
        { name: 'cf-origin-v6', family: 'ipv6', createIfMissing: true, maxEntries: 150 },
      ];
      delete s.securityGroups;
    });
    sim.faults.add('ModifyManagedPrefixList=PrefixListVersionMismatchx1'); // another writer got in first
    const report = await run(sim, WF, input(sim, 0));
    expect(report.error).toBeNull();
    const created = callsOf(report, 'CreateManagedPrefixList').map((c) => [(c.input as any).PrefixListName, (c.input as any).MaxEntries]);
    expect(created).toEqual([
      ['cf-origin-v4', 255],
      ['cf-origin-v6', 150],
    ]);
    const modify = callsOf(report, 'ModifyManagedPrefixList')
      .filter((c) => !c.error)
      .map((c) => c.input as any);
    expect(modify.map((m) => [m.AddEntries.length, m.CurrentVersion])).toEqual([
      [100, 1],
      [100, 2],
      [50, 3],
      [100, 1],
      [20, 2],
    ]);
    expect(report.states.find((s) => s.name === 'ApplyPrefixListStep' && (s.retries ?? 0) > 0)).toBeDefined();
    expect(sorted(prefixList(sim, 'cf-origin-v4').Entries)).toEqual(sorted(publicationInfo(sim, 0).originFacing.ipv4));
    expect(sorted(prefixList(sim, 'cf-origin-v6').Entries)).toEqual(sorted(publicationInfo(sim, 0).originFacing.ipv6));
    expect(prefixList(sim, 'cf-origin-v4').Tags).toEqual(
      expect.arrayContaining([
        { Key: 'byoip-orchestrator:execution', Value: report.executionName },
        { Key: TAG, Value: 'web-origins' },
      ]),
    );
  });

  it('refuses a prefix list that does not exist unless asked to create it', async () => {
    const sim = world({}, 0, (s) => {
      s.prefixLists = [{ name: 'nowhere', family: 'ipv4' }];
    });
    const report = await run(sim, WF, input(sim, 0));
    expect(report.error?.name).toBe('ConfigurationInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(
      /byoip\.originLockdown\.syncs\.web-origins\.prefixLists: prefix list "nowhere" does not exist in us-east-1; create it \(tagged byoip-orchestrator:origin-lockdown=web-origins\), or set createIfMissing: true/,
    );
    expect(mutating(report)).toHaveLength(0);
  });

  it.each([
    [
      'a notification from another topic',
      (s: Simulator) => {
        const e = notificationFor(s, 0) as any;
        e.Records[0].Sns.TopicArn = 'arn:aws:sns:us-east-1:123456789012:NotAmazon';
        return { event: e };
      },
      /input\.event\.Records\[0\]\.Sns\.TopicArn: must be arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged/,
    ],
    [
      'a notification pointing elsewhere',
      (s: Simulator) => ({ event: notificationFor(s, 0, { url: 'https://ip-ranges.example.com/ip-ranges.json' }) }),
      /input\.event\.Records\[0\]\.Sns\.Message\.url: must be https:\/\/ip-ranges\.amazonaws\.com\/ip-ranges\.json/,
    ],
    [
      'a sync that is not configured',
      () => ({ syncName: 'api-origins' }),
      /input\.syncName: no sync "api-origins" is configured \(byoip\.originLockdown\.syncs has web-origins\)/,
    ],
    ['an unknown field', () => ({ lockdown: true }), /unknown field\(s\) "lockdown"/],
  ])('rejects %s before any AWS call or fetch', async (_n, patch, message) => {
    const sim = world();
    const raw = { ...exampleInput(WF), ...patch(sim) };
    const report = await run(sim, WF, raw);
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(message);
    expect(report.awsCalls).toHaveLength(0);
    expect(sim.httpRequests).toHaveLength(0);
  });
});
