/**
 * The origin-lockdown planner: rule weights, the diff, stable sharding (property-tested with random
 * range sets and random starting groups), attachments, prefix-list batches, the safety check.
 */
import fc from 'fast-check';
import {
  applyShardPlan,
  assessManagedList,
  changeRefusals,
  checkChangeShares,
  diffSets,
  familyOf,
  groupWeight,
  planAttachments,
  planPrefixList,
  planShards,
  portKey,
  restrictFamilies,
  sortCidrs,
  toIpPermissions,
  viewGroup,
  type Family,
  type GroupView,
  type PortRange,
  type RangeSet,
} from '../../domain/origin-lockdown';

const HTTPS: PortRange = { protocol: 'tcp', fromPort: 443, toPort: 443 };
const HTTP: PortRange = { protocol: 'tcp', fromPort: 80, toPort: 80 };
const ALT: PortRange = { protocol: 'tcp', fromPort: 8080, toPort: 8443 };

const v4 = (i: number) => `${13 + (i >> 8)}.${i & 255}.0.0/16`;
const v6 = (i: number) => `2600:9000:${(i + 1).toString(16)}::/48`;
const split = (cidrs: string[]): RangeSet => ({ ipv4: cidrs.filter((c) => familyOf(c) === 'ipv4'), ipv6: cidrs.filter((c) => familyOf(c) === 'ipv6') });

describe('rule weights (what a group holds)', () => {
  const ports = [HTTPS, HTTP];
  const sizes = { 'pl-3b927c52': { maxEntries: 55, family: 'ipv4' as Family }, 'pl-0a1b2c3d': { maxEntries: 20, family: 'ipv6' as Family } };

  it('takes CIDRs on the managed ports as its own and weighs everything else, per family', () => {
    const g = viewGroup(
      'sg-1',
      [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '13.0.0.0/16' }], Ipv6Ranges: [{ CidrIpv6: '2600:9000::/28' }] },
        { IpProtocol: '6', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '13.0.0.0/16' }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24' }] },
        // The AWS sample crashed on this one (no FromPort): here it is foreign weight.
        { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-2' }], IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-3b927c52' }, { PrefixListId: 'pl-0a1b2c3d' }] },
      ],
      ports,
      sizes,
    );
    expect(g.owned).toEqual({ '13.0.0.0/16': ['tcp/443-443', 'tcp/80-80'], '2600:9000::/28': ['tcp/443-443'] });
    expect(g.foreign).toEqual({ ipv4: 1 + 1 + 1 + 55, ipv6: 1 + 20 });
    expect(groupWeight(g)).toEqual({ ipv4: 60, ipv6: 22 });
  });

  it('leaves the CIDR rules of a family it does not manage alone, but counts them', () => {
    const g = viewGroup(
      'sg-1',
      [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '13.0.0.0/16' }], Ipv6Ranges: [{ CidrIpv6: '2600:9000::/28' }] }],
      [HTTPS],
      {},
    );
    expect(restrictFamilies(g, ['ipv4'])).toEqual({ groupId: 'sg-1', owned: { '13.0.0.0/16': ['tcp/443-443'] }, foreign: { ipv4: 0, ipv6: 1 } });
    const plan = planShards({ groups: [restrictFamilies(g, ['ipv4'])], desired: { ipv4: ['13.0.0.0/16'], ipv6: [] }, ports: [HTTPS], rulesPerGroup: 60 });
    expect(plan.groups[0].revoke).toEqual([]);
  });

  it('needs the size of every referenced prefix list', () => {
    expect(() => viewGroup('sg-1', [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, PrefixListIds: [{ PrefixListId: 'pl-unknown' }] }], ports, {})).toThrow(
      /references prefix list pl-unknown whose size is unknown/,
    );
  });

  it('writes one IpPermission per port range, IPv4 and IPv6 apart', () => {
    const perms = toIpPermissions(
      [
        { cidr: '13.0.0.0/16', family: 'ipv4', portKeys: [portKey(HTTPS), portKey(HTTP)] },
        { cidr: '2600:9000::/28', family: 'ipv6', portKeys: [portKey(HTTPS)] },
      ],
      ports,
    );
    expect(perms.map((p) => [p.FromPort, p.IpRanges?.map((r) => r.CidrIp), p.Ipv6Ranges?.map((r) => r.CidrIpv6)])).toEqual([
      [443, ['13.0.0.0/16'], ['2600:9000::/28']],
      [80, ['13.0.0.0/16'], undefined],
    ]);
  });
});

describe('stable sharding', () => {
  const empty = (id: string, foreign = { ipv4: 0, ipv6: 0 }): GroupView => ({ groupId: id, owned: {}, foreign });

  it('packs a first sync into as few groups as the quota allows', () => {
    const ipv4 = Array.from({ length: 45 }, (_, i) => v4(i));
    const plan = planShards({ groups: [], desired: { ipv4, ipv6: [] }, ports: [HTTPS, HTTP], rulesPerGroup: 60 });
    expect(plan.create).toBe(2); // 45 ranges × 2 ports = 90 rules > 60
    expect(plan.groups.map((g) => g.after.ipv4.length)).toEqual([30, 15]);
  });

  it('counts IPv4 and IPv6 against separate quotas', () => {
    const plan = planShards({
      groups: [],
      desired: { ipv4: Array.from({ length: 60 }, (_, i) => v4(i)), ipv6: Array.from({ length: 60 }, (_, i) => v6(i)) },
      ports: [HTTPS],
      rulesPerGroup: 60,
    });
    expect(plan.create).toBe(1);
    expect(plan.groups[0].weight.after).toEqual({ ipv4: 60, ipv6: 60 });
  });

  it('never exceeds the quota between authorize and revoke: freed room is reused by the next run', () => {
    const full: GroupView = {
      groupId: 'sg-1',
      owned: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [v4(i), [portKey(HTTPS)]])),
      foreign: { ipv4: 0, ipv6: 0 },
    };
    const desired = [...Array.from({ length: 58 }, (_, i) => v4(i)), v4(100), v4(101)];
    const plan = planShards({ groups: [full], desired: { ipv4: desired, ipv6: [] }, ports: [HTTPS], rulesPerGroup: 60 });
    expect(plan.groups[0]).toMatchObject({ ref: 'sg-1', authorize: [], weight: { peak: { ipv4: 60 }, after: { ipv4: 58 } } });
    expect(plan.groups[0].revoke.map((r) => r.cidr)).toEqual([v4(58), v4(59)]);
    expect(plan.groups[1]).toMatchObject({ ref: 'new-1', create: true });
    expect(plan.groups[1].authorize.map((r) => r.cidr)).toEqual([v4(100), v4(101)]);
  });

  it('puts new ranges where there is most room, and completes ranges present on only some ports', () => {
    const a: GroupView = { groupId: 'sg-a', owned: { [v4(0)]: [portKey(HTTPS)] }, foreign: { ipv4: 50, ipv6: 0 } };
    const plan = planShards({
      groups: [a, empty('sg-b', { ipv4: 10, ipv6: 0 })],
      desired: { ipv4: [v4(0), v4(1), v4(2)], ipv6: [] },
      ports: [HTTPS, HTTP],
      rulesPerGroup: 60,
    });
    expect(plan.groups.find((g) => g.ref === 'sg-a')!.authorize).toEqual([{ cidr: v4(0), family: 'ipv4', portKeys: [portKey(HTTP)] }]);
    expect(plan.groups.find((g) => g.ref === 'sg-b')!.authorize.map((r) => r.cidr)).toEqual([v4(1), v4(2)]);
    expect(plan.create).toBe(0);
  });

  it('keeps a range duplicated across groups in one of them', () => {
    const a: GroupView = { groupId: 'sg-a', owned: { [v4(0)]: [portKey(HTTPS)] }, foreign: { ipv4: 0, ipv6: 0 } };
    const b: GroupView = { groupId: 'sg-b', owned: { [v4(0)]: [portKey(HTTPS)] }, foreign: { ipv4: 0, ipv6: 0 } };
    const plan = planShards({ groups: [b, a], desired: { ipv4: [v4(0)], ipv6: [] }, ports: [HTTPS], rulesPerGroup: 60 });
    expect(plan.groups.map((g) => [g.ref, g.authorize.length, g.revoke.length])).toEqual([
      ['sg-a', 0, 0],
      ['sg-b', 0, 1],
    ]);
    expect(plan.diff.ipv4).toEqual({ add: [], remove: [], keep: [v4(0)] });
  });

  // ---- properties

  const portsArb = fc.integer({ min: 1, max: 3 }).map((n) => [HTTPS, HTTP, ALT].slice(0, n));
  const poolArb = fc
    .tuple(fc.uniqueArray(fc.integer({ min: 0, max: 2000 }), { maxLength: 90 }), fc.uniqueArray(fc.integer({ min: 0, max: 2000 }), { maxLength: 40 }))
    .map(([a, b]) => [...a.map(v4), ...b.map(v6)]);

  /** A world that AWS could be in: random groups holding random ranges on random ports, each within the quota. */
  const worldArb = fc
    .record({ ports: portsArb, quota: fc.integer({ min: 6, max: 60 }), pool: poolArb, seed: fc.integer() })
    .chain(({ ports, quota, pool, seed }) =>
      fc.record({
        ports: fc.constant(ports),
        quota: fc.constant(Math.max(quota, ports.length)),
        desired: fc.subarray(pool),
        groups: fc.array(
          fc.record({
            foreign4: fc.integer({ min: 0, max: 8 }),
            foreign6: fc.integer({ min: 0, max: 8 }),
            ranges: fc.subarray(pool, { maxLength: Math.min(40, pool.length) }),
            portMask: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 40, maxLength: 40 }),
          }),
          { maxLength: 4 },
        ),
        seed: fc.constant(seed),
      }),
    )
    .map(({ ports, quota, desired, groups, seed }) => {
      const views: GroupView[] = groups.map((g, gi) => {
        const v: GroupView = {
          groupId: `sg-${String(gi).padStart(3, '0')}`,
          owned: {},
          foreign: { ipv4: Math.min(g.foreign4, quota), ipv6: Math.min(g.foreign6, quota) },
        };
        g.ranges.forEach((cidr, i) => {
          const keys = ports.filter((_, k) => (g.portMask[i] >> k) & 1).map(portKey);
          if (keys.length === 0) return;
          const w = groupWeight(v)[familyOf(cidr)];
          if (w + keys.length <= quota) v.owned[cidr] = keys;
        });
        return v;
      });
      return { ports, quota, desired, groups: views, seed };
    });

  const touched = (plan: ReturnType<typeof planShards>) => plan.groups.filter((g) => g.create || g.authorize.length > 0 || g.revoke.length > 0);
  const settle = (groups: GroupView[], desired: string[], ports: PortRange[], quota: number) => {
    const plan = planShards({ groups, desired: split(desired), ports, rulesPerGroup: quota });
    return applyShardPlan(groups, plan, (ref) => (ref.startsWith('new-') ? `sg-z${ref}` : ref));
  };

  it('property: the union of the groups is exactly the published set, each range once, on every port', () => {
    fc.assert(
      fc.property(worldArb, ({ ports, quota, desired, groups }) => {
        const plan = planShards({ groups, desired: split(desired), ports, rulesPerGroup: quota });
        const after = applyShardPlan(groups, plan);
        const owned = after.flatMap((g) => Object.keys(g.owned));
        expect(sortCidrs(owned)).toEqual(sortCidrs(desired));
        expect(owned).toHaveLength(new Set(owned).size);
        for (const g of after) for (const keys of Object.values(g.owned)) expect(keys).toEqual(ports.map(portKey).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('property: no group is ever over the quota, neither at the peak (after authorize) nor after revoke', () => {
    fc.assert(
      fc.property(worldArb, ({ ports, quota, desired, groups }) => {
        const plan = planShards({ groups, desired: split(desired), ports, rulesPerGroup: quota });
        for (const change of plan.groups) {
          const before = groups.find((g) => g.groupId === change.ref);
          const start = before ? groupWeight(before) : { ipv4: 0, ipv6: 0 };
          for (const f of ['ipv4', 'ipv6'] as const) {
            // Recomputed from the starting group, not taken from the plan's own bookkeeping.
            const peak = start[f] + change.authorize.filter((r) => r.family === f).reduce((n, r) => n + r.portKeys.length, 0);
            if (peak > start[f]) expect(peak).toBeLessThanOrEqual(quota);
            expect(change.weight.after[f]).toBeLessThanOrEqual(Math.max(quota, start[f]));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: once in sync, adding one range touches at most one group, and only to authorize it', () => {
    fc.assert(
      fc.property(worldArb, fc.integer({ min: 3000, max: 9000 }), fc.boolean(), ({ ports, quota, desired, groups }, extra, six) => {
        const state = settle(groups, desired, ports, quota);
        const added = six ? v6(extra) : v4(extra);
        const plan = planShards({ groups: state, desired: split([...desired, added]), ports, rulesPerGroup: quota });
        const t = touched(plan);
        expect(t).toHaveLength(1);
        expect(t[0].revoke).toEqual([]);
        expect(t[0].authorize).toEqual([{ cidr: added, family: six ? 'ipv6' : 'ipv4', portKeys: ports.map(portKey).sort() }]);
      }),
      { numRuns: 300 },
    );
  });

  it('property: once in sync, removing one range touches exactly one group, and only to revoke it', () => {
    fc.assert(
      fc.property(
        worldArb.filter((w) => w.desired.length > 0),
        fc.nat(),
        ({ ports, quota, desired, groups }, pick) => {
          const state = settle(groups, desired, ports, quota);
          const gone = desired[pick % desired.length];
          const plan = planShards({ groups: state, desired: split(desired.filter((c) => c !== gone)), ports, rulesPerGroup: quota });
          const t = touched(plan);
          expect(t).toHaveLength(1);
          expect(t[0].authorize).toEqual([]);
          expect(t[0].revoke.map((r) => r.cidr)).toEqual([gone]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: planning twice changes nothing the second time (idempotent), whatever the input order', () => {
    fc.assert(
      fc.property(worldArb, ({ ports, quota, desired, groups, seed }) => {
        const state = settle(groups, desired, ports, quota);
        const shuffled = [...desired].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7));
        const plan = planShards({ groups: [...state].reverse(), desired: split(shuffled), ports, rulesPerGroup: quota });
        expect(touched(plan)).toEqual([]);
        expect(plan.create).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('attachments', () => {
  it('puts every managed group on every interface that carries one, new groups included', () => {
    const out = planAttachments(
      [
        { networkInterfaceId: 'eni-1', groups: ['sg-app', 'sg-o1'] },
        { networkInterfaceId: 'eni-2', groups: ['sg-app'] },
        { networkInterfaceId: 'eni-3', groups: ['sg-o1', 'sg-o2'] },
      ],
      ['sg-o1', 'sg-o2', 'new-1'],
      [],
      5,
    );
    expect(out).toEqual([
      { networkInterfaceId: 'eni-1', before: ['sg-app', 'sg-o1'], add: ['sg-o2', 'new-1'] },
      { networkInterfaceId: 'eni-3', before: ['sg-o1', 'sg-o2'], add: ['new-1'] },
    ]);
  });

  it('refuses, naming the interface, when the groups-per-interface quota would be exceeded', () => {
    expect(() => planAttachments([{ networkInterfaceId: 'eni-1', groups: ['a', 'b', 'c', 'd', 'sg-o1'] }], ['sg-o1', 'new-1'], [], 5)).toThrow(
      expect.objectContaining({ name: 'QuotaExceeded', message: expect.stringMatching(/eni-1 has 5 groups and needs 1 more/) }),
    );
    expect(() => planAttachments([], ['new-1'], ['eni-9'], 5)).toThrow(/attachTo names network interfaces that do not exist: eni-9/);
  });
});

describe('prefix lists', () => {
  const many = (n: number, from = 0) => Array.from({ length: n }, (_, i) => v4(from + i));

  it('resizes before filling (with headroom), in batches of at most 100 entries', () => {
    const plan = planPrefixList({ name: 'cf', family: 'ipv4', current: { entries: [], maxEntries: 60 }, headroom: 5 }, many(250));
    expect(plan.steps.map((s) => s.kind)).toEqual(['resize', 'modify', 'modify', 'modify']);
    expect(plan.steps[0]).toEqual({ kind: 'resize', name: 'cf', maxEntries: 255 });
    expect(plan.steps.slice(1).map((s) => (s.kind === 'modify' ? s.add.length : 0))).toEqual([100, 100, 50]);
  });

  it('pairs additions with removals so no call leaves the list short, and needs no resize when it fits', () => {
    const plan = planPrefixList({ name: 'cf', family: 'ipv4', current: { entries: many(50), maxEntries: 55 } }, [...many(48, 2), ...many(3, 500)]);
    expect(plan.steps).toEqual([{ kind: 'modify', name: 'cf', add: many(3, 500), remove: many(2) }]);
  });

  it('refuses a list above 1000 entries', () => {
    expect(() => planPrefixList({ name: 'cf', family: 'ipv4', current: null }, many(1001))).toThrow(
      /would need 1001 entries; a prefix list holds at most 1000/,
    );
  });

  it('property: every call stays within 100 additions and removals and MaxEntries; the end state is the published set', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 3000 }), { maxLength: 400 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 3000 }), { maxLength: 400 }),
        fc.integer({ min: 1, max: 500 }),
        fc.boolean(),
        (cur, want, max, exists) => {
          const current = exists ? { entries: cur.map(v4), maxEntries: Math.max(max, cur.length) } : null;
          const plan = planPrefixList({ name: 'cf', family: 'ipv4', current, headroom: 3 }, want.map(v4));
          const entries = new Set(current?.entries ?? []);
          let maxEntries = current?.maxEntries ?? 0;
          for (const s of plan.steps) {
            if (s.kind === 'create' || s.kind === 'resize') {
              expect(s.maxEntries).toBeGreaterThanOrEqual(entries.size);
              maxEntries = s.maxEntries;
              continue;
            }
            expect(s.add.length).toBeLessThanOrEqual(100);
            expect(s.remove.length).toBeLessThanOrEqual(100);
            for (const c of s.remove) entries.delete(c);
            for (const c of s.add) entries.add(c);
            expect(entries.size).toBeLessThanOrEqual(maxEntries);
          }
          expect(sortCidrs(entries)).toEqual(sortCidrs(want.map(v4)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('safety and the AWS-managed list', () => {
  const limits = { maxRemovalShare: 0.1, maxAdditionShare: 0.25 };
  const t = (family: 'ipv4' | 'ipv6', current: number, added: number, removed: number) => ({
    target: 'security groups web',
    family,
    current,
    added,
    removed,
    after: current + added - removed,
  });

  it('refuses to remove more than the allowed share of a family unless forced', () => {
    expect(() => checkChangeShares([t('ipv4', 45, 0, 5)], limits, false)).toThrow(
      expect.objectContaining({
        name: 'SafetyViolation',
        message: expect.stringMatching(/security groups web would lose 5 of 45 ipv4 ranges \(11\.1 %, more than maxRemovalShare 10\.0 %\)/),
      }),
    );
    expect(() => checkChangeShares([t('ipv4', 45, 0, 5)], limits, true)).not.toThrow();
    expect(() => checkChangeShares([t('ipv4', 0, 45, 0)], { maxRemovalShare: 0, maxAdditionShare: 0 }, false)).not.toThrow(); // first sync
    expect(() => checkChangeShares([t('ipv4', 45, 0, 4)], limits, false)).not.toThrow();
  });

  it('judges each family on its own: a wiped IPv6 family is not hidden by a large IPv4 one', () => {
    // The review's case: 45 IPv4 + 4 IPv6 ranges, a document without IPv6 origin-facing ranges. Together that is 8 %.
    const targets = [t('ipv4', 45, 0, 0), t('ipv6', 4, 0, 4)];
    expect(changeRefusals(targets, limits, false)).toEqual(['security groups web would lose all 4 ipv6 ranges (refused even with force)']);
    expect(() => checkChangeShares(targets, limits, true)).toThrow(/would lose all 4 ipv6 ranges \(refused even with force\)/);
    expect(changeRefusals([t('ipv6', 14, 0, 2)], limits, false)).toEqual([expect.stringMatching(/would lose 2 of 14 ipv6 ranges \(14\.3 %/)]);
  });

  it('caps additions on the document: growth since the version applied last, per family', () => {
    const grew = (added: number) => [{ family: 'ipv4' as const, lastApplied: 45, added }];
    expect(changeRefusals([], limits, false, grew(12))).toEqual([
      expect.stringMatching(/the published ipv4 ranges grew by 12 on the 45 applied last \(26\.7 %, more than maxAdditionShare 25\.0 %\)/),
    ]);
    expect(changeRefusals([], limits, false, grew(11))).toEqual([]);
    expect(changeRefusals([], limits, true, grew(12))).toEqual([]);
    // A target that a failed run left half-filled is completed: what it gains is not growth of the document.
    expect(changeRefusals([t('ipv4', 29, 16, 0)], limits, false, grew(0))).toEqual([]);
    expect(changeRefusals([], limits, false, [{ family: 'ipv6', lastApplied: 0, added: 14 }])).toEqual([]); // nothing applied yet
  });

  it('says when com.amazonaws.global.cloudfront.origin-facing would serve and what it weighs', () => {
    const published = Array.from({ length: 45 }, (_, i) => v4(i));
    const list = { prefixListId: 'pl-3b927c52', maxEntries: 55, entries: published };
    expect(
      assessManagedList({ family: 'ipv4', name: 'com.amazonaws.global.cloudfront.origin-facing', list, published, ports: 1, rulesPerGroup: 60 }),
    ).toMatchObject({ weight: 55, rulesNeeded: 55, groupsNeeded: 1, wouldServe: true, matchesPublished: true, cidrRules: 45 });
    expect(assessManagedList({ family: 'ipv4', name: 'x', list, published, ports: 2, rulesPerGroup: 60 })).toMatchObject({
      rulesNeeded: 110,
      groupsNeeded: 2,
      wouldServe: true,
    });
    expect(assessManagedList({ family: 'ipv4', name: 'x', list, published, ports: 1, rulesPerGroup: 50 })).toMatchObject({
      wouldServe: false,
      groupsNeeded: null,
      note: expect.stringMatching(/weighs 55 rules, more than the 50/),
    });
    expect(
      assessManagedList({ family: 'ipv4', name: 'x', list: { ...list, entries: published.slice(1) }, published, ports: 1, rulesPerGroup: 60 }).matchesPublished,
    ).toBe(false);
  });

  it('diffs sets into sorted additions and removals', () => {
    expect(diffSets(['13.1.0.0/16', '13.0.0.0/16'], ['13.2.0.0/16', '13.0.0.0/16'])).toEqual({
      add: ['13.2.0.0/16'],
      remove: ['13.1.0.0/16'],
      keep: ['13.0.0.0/16'],
    });
  });
});
