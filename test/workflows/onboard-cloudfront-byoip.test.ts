/**
 * onboard-cloudfront-byoip, run end to end in the simulator: the committed ASL, the real handlers,
 * the simulated AWS, the virtual clock.
 */
import type { SimulationReport } from '../../runner/report';
import { errorMessage } from '../../domain/compensation';
import { callsOf, exampleInput, exampleSim, run, semanticWorld, signedMessages, WRONG_KEY } from '../support/world';

const WF = 'onboard-cloudfront-byoip';
const CIDRS = ['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/24'];

function approvalTime(report: SimulationReport): number {
  const sent = callsOf(report, 'SendTaskSuccess').filter((c) => !c.error);
  expect(sent).toHaveLength(1);
  return sent[0].at;
}

describe('onboard-cloudfront-byoip', () => {
  describe('happy path', () => {
    let report: SimulationReport;
    let sim: ReturnType<typeof exampleSim>;
    beforeAll(async () => {
      sim = exampleSim();
      report = await run(sim, WF, exampleInput());
    });

    it('succeeds', () => {
      expect(report.error).toBeNull();
      expect(report.status).toBe('SUCCEEDED');
      expect(report.output).toMatchObject({ cidrs: CIDRS, distributionIds: ['E1EXAMPLEAPI01', 'E2EXAMPLEWWW02'] });
    });

    it('advertises nothing before the approval, and each /24 at least 10 s apart', () => {
      const approvedAt = approvalTime(report);
      const advertise = callsOf(report, 'AdvertiseByoipCidr');
      expect(advertise.map((c) => (c.input as { Cidr: string }).Cidr)).toEqual(CIDRS);
      expect(advertise.every((c) => c.at >= approvedAt && !c.error)).toBe(true);
      for (let i = 1; i < advertise.length; i++) expect(advertise[i].at - advertise[i - 1].at).toBeGreaterThanOrEqual(10);
    });

    it('has the TTL-lowering change INSYNC at least the old TTL before the first advertisement', () => {
      const lowering = callsOf(report, 'ChangeResourceRecordSets')[0];
      const changeBatch = (lowering.input as any).ChangeBatch;
      expect(changeBatch.Comment).toMatch(/lower TTL/);
      expect(changeBatch.Changes.map((c: any) => [c.ResourceRecordSet.Name, c.ResourceRecordSet.TTL])).toEqual([
        ['api.example.com.', 60],
        ['www.example.com.', 60],
      ]);
      const insync = report.transitions.find((t) => t.resource.startsWith('dns-change:') && t.to === 'INSYNC')!;
      const firstAdvertise = callsOf(report, 'AdvertiseByoipCidr')[0].at;
      expect(firstAdvertise - insync.at).toBeGreaterThanOrEqual(3600); // api.example.com had TTL 3600
    });

    it('leaves the CIDRs advertised, the list on both distributions, DNS on the anycast IPs with the old TTLs', () => {
      const world = semanticWorld(sim);
      expect(world.byoip).toEqual(CIDRS.map((cidr) => ({ cidr, state: 'advertised', origin: 'AWS', asns: [] })));
      const anycastIps = (report.output as { anycastIps: string[] }).anycastIps;
      expect(anycastIps).toHaveLength(3);
      anycastIps.forEach((ip, i) => expect(ip.startsWith(CIDRS[i].slice(0, 9))).toBe(true));
      const onboarded = world.distributions.filter((d: any) => ['E1EXAMPLEAPI01', 'E2EXAMPLEWWW02'].includes(d.id));
      expect(onboarded.map((d: any) => [d.list, d.price, d.ipv6, d.status])).toEqual([
        [(report.output as any).anycastIpListId, 'PriceClass_All', false, 'Deployed'],
        [(report.output as any).anycastIpListId, 'PriceClass_All', false, 'Deployed'],
      ]);
      const records = world.dns[0].records;
      const find = (name: string, type = 'A') => records.find((r: any) => r.Name === name && r.Type === type);
      expect(find('api.example.com.')).toEqual({ Name: 'api.example.com.', Type: 'A', TTL: 3600, ResourceRecords: anycastIps.map((Value) => ({ Value })) });
      expect(find('www.example.com.')?.TTL).toBe(300);
      expect(find('mail.example.com.')).toEqual({ Name: 'mail.example.com.', Type: 'A', TTL: 3600, ResourceRecords: [{ Value: '203.0.113.25' }] });
      expect(find('example.com.', 'MX')?.ResourceRecords).toEqual([{ Value: '10 mail.example.com.' }]);
    });

    it('reports states, calls and time in the documented shape', () => {
      expect(report.virtualSeconds).toBeGreaterThan(4 * 3600);
      for (const s of report.states) expect(s.exitedAt).toBeGreaterThanOrEqual(s.enteredAt);
      expect(report.states.find((s) => s.name === 'AwaitApproval')?.status).toBe('SUCCEEDED');
      expect(report.phases[0].name).toBe('Initialize');
      const provisioning = report.phases.find((p) => p.name === 'AwaitTopLevelProvisioned')!;
      expect(provisioning.seconds).toBeGreaterThanOrEqual(4 * 3600);
      expect(report.awsCalls.every((c) => c.account === '111122223333')).toBe(true);
    });
  });

  it('rolls everything back when the approval is rejected with onReject "undo-all", DNS TTLs included', async () => {
    const sim = exampleSim();
    const before = semanticWorld(sim);
    const report = await run(sim, WF, exampleInput(WF, { onReject: 'undo-all' }), { approve: 'reject' });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('ApprovalRejected');
    expect(callsOf(report, 'AdvertiseByoipCidr')).toHaveLength(0);
    const after = semanticWorld(sim);
    expect(after).toEqual(before);
    const records = after.dns[0].records;
    expect(records.find((r: any) => r.Name === 'api.example.com.')?.TTL).toBe(3600);
    expect(records.find((r: any) => r.Name === 'www.example.com.')?.TTL).toBe(300);
    expect(report.states.some((s) => s.name === 'RolledBack')).toBe(true);
  });

  it("fails clearly on failed-provision with AWS's reason, and cleans up", async () => {
    const world = {
      registry: {
        prefixes: [{ cidr: '198.18.0.0/22', rdapCertificate: 'file:keys/customer-rdap-certificate.pem', roa: { asns: [16509, 64496], maxLength: 24 } }],
      },
    };
    const sim = exampleSim(world);
    const before = semanticWorld(sim);
    const report = await run(sim, WF, exampleInput());
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('ResourceFailed');
    expect(errorMessage(report.error?.cause)).toMatch(
      /198\.18\.0\.0\/22 .* failed-provision: The ROA for 198\.18\.0\.0\/22 does not authorize Amazon ASN 14618/,
    );
    expect(semanticWorld(sim)).toEqual(before);
    expect(callsOf(report, 'CreateAnycastIpList')).toHaveLength(0);
  });

  it('absorbs a throttling storm with retries, the same way every time (the jitter is seeded)', async () => {
    const storm = async () => {
      const sim = exampleSim({
        throttling: { buckets: { EC2: { mutating: { capacity: 2, refillPerSecond: 0.05 }, nonMutating: { capacity: 3, refillPerSecond: 0.1 } } } },
      });
      for (const f of [
        'GetIpamPoolCidrs=RequestLimitExceededx5',
        'UpdateDistribution=Throttlingx4',
        'ChangeResourceRecordSets=Throttlingx3',
        'GetChange=Throttlingx3',
        'CreateAnycastIpList=ServiceUnavailablex1',
      ])
        sim.faults.add(f);
      return run(sim, WF, exampleInput(), { executionName: 'storm' });
    };
    const report = await storm();
    expect(report.error).toBeNull();
    expect(report.status).toBe('SUCCEEDED');
    const throttled = report.awsCalls.filter((c) => c.error && /Throttling|RequestLimitExceeded/.test(c.error.name));
    expect(throttled.filter((c) => !c.error!.injected).length).toBeGreaterThan(0); // the token buckets bit too
    expect(report.states.some((s) => (s.retries ?? 0) > 0)).toBe(true);
    // Once in ~150 unseeded runs the jitter drew eight short back-offs in a row and the storm won.
    const timeline = (r: typeof report) => r.awsCalls.map((c) => `${c.at} ${c.operation} ${c.error?.name ?? 'ok'}`);
    expect(timeline(await storm())).toEqual(timeline(report));
  });

  it('re-reads and retries when another writer changed the distribution (stale ETag)', async () => {
    const sim = exampleSim();
    sim.faults.add({ service: 'CloudFront', operation: 'UpdateDistribution', error: 'PreconditionFailed', times: 2, phase: 'before' });
    const report = await run(sim, WF, exampleInput());
    expect(report.status).toBe('SUCCEEDED');
    expect(callsOf(report, 'UpdateDistribution').filter((c) => c.error?.name === 'PreconditionFailed')).toHaveLength(2);
    expect(report.states.filter((s) => s.name === 'AttachListToDistribution').reduce((n, s) => n + (s.retries ?? 0), 0)).toBe(2);
  });

  it("fails on a signature from the wrong key (pre-flight skipped: AWS's own verification) and cleans up", async () => {
    const sim = exampleSim();
    const before = semanticWorld(sim);
    // The pre-flight would stop this before AWS (test/workflows/internet-evidence.test.ts); skipped, AWS fails it hours later.
    const input = {
      ...exampleInput(),
      authorization: { messages: signedMessages(['198.18.0.0/22'], new Date('2026-12-01T08:00:00Z'), { key: WRONG_KEY }) },
      internetChecks: { skipPreflight: true, reason: "rehearse AWS's own verification" },
    };
    const report = await run(sim, WF, input);
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('ResourceFailed');
    expect(errorMessage(report.error?.cause)).toMatch(/signature .* could not be verified/);
    expect(semanticWorld(sim)).toEqual(before);
  });

  it.each([
    ['a private /24', { cidrs: ['10.0.0.0/24', '198.18.1.0/24', '198.18.2.0/24'] }, /10\.0\.0\.0\/24/],
    [
      'an approver who is not configured (the requester does not choose approvers)',
      { approvers: ['mallory@evil.example'] },
      /input\.approvers: mallory@evil\.example is not a configured approver \(byoip\.approvers: netops-oncall@example\.com, netops-lead@example\.com, security-oncall@example\.com\); an input may only narrow that list/,
    ],
    ['an extra field', { advertiseNow: true }, /unknown field\(s\) "advertiseNow"/],
  ])('rejects %s before any AWS call', async (_n, patch, message) => {
    const sim = exampleSim();
    const report = await run(sim, WF, exampleInput(WF, patch));
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(message);
    expect(report.awsCalls).toHaveLength(0);
  });

  it('refuses to advertise without a recorded approval (defense in depth)', async () => {
    const { handler } = require('../../tasks/byoip/advertise-cidr');
    await expect(handler({ region: 'us-east-1', cidr: '198.18.0.0/24', approval: { approved: false } }, {} as never)).rejects.toMatchObject({
      name: 'SafetyViolation',
    });
    await expect(handler({ region: 'us-east-1', cidr: '198.18.0.0/24' }, {} as never)).rejects.toMatchObject({ name: 'SafetyViolation' });
  });
});
