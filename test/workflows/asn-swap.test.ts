/**
 * asn-swap in the simulator: the once-per-hour AWS → custom rule is kept by the swap guard (a
 * conditional write in the state table) and a Wait state until the allowed time, never by luck and
 * never by a sleeping Lambda; custom → AWS is immediate.
 */
import { errorMessage } from '../../domain/compensation';
import { claimSwapSlot } from '../../tasks/byoasn/swap-guard';
import { connectSimulator } from '../../sim/transport';
import { absolute, byoasnInput, byoasnSim, byoasnWorld, CIDR_B } from '../support/byoasn';
import { callsOf, run } from '../support/world';
import type { Simulator } from '../../sim';
import type { SimulationReport } from '../../runner/report';
import { leasesHeld, operatorView } from '../../runner/world-view';

const WF = 'asn-swap';
const IPAM = 'ipam-0a1b2c3d4e5f60001';

/** Successful AdvertiseByoipCidr calls with a custom ASN, in absolute virtual seconds. */
function customAdvertises(sim: Simulator) {
  return sim.calls
    .filter((c) => c.operation === 'AdvertiseByoipCidr' && !c.error && (c.input as { Asn?: string }).Asn !== 'AWS')
    .map((c) => ({ at: (c.at - sim.startedAt) / 1000, asn: (c.input as { Asn: string }).Asn }));
}

const ec2Errors = (sim: Simulator) => sim.calls.filter((c) => c.service === 'EC2' && c.error);
const waited = (r: SimulationReport) => r.states.some((s) => s.name === 'AwaitSwapSlotWait');

describe('asn-swap', () => {
  it('swaps AWS→custom→AWS→custom, all asked within 10 virtual minutes; the second change to custom waits out the hour', async () => {
    const sim = byoasnSim();
    const toCustom = await run(sim, WF, byoasnInput(WF));
    const toAws = await run(sim, WF, byoasnInput(WF, { to: 'AWS' }));
    const again = await run(sim, WF, byoasnInput(WF));
    expect([toCustom, toAws, again].map((r) => [r.status, r.error])).toEqual([
      ['SUCCEEDED', null],
      ['SUCCEEDED', null],
      ['SUCCEEDED', null],
    ]);
    expect(absolute(sim, again, 0)).toBeLessThan(600);

    // The simulator enforces AWS's rule itself and never had to refuse a call.
    expect(ec2Errors(sim)).toEqual([]);
    const changes = customAdvertises(sim);
    expect(changes).toHaveLength(2);
    expect(changes[1].at - changes[0].at).toBeGreaterThanOrEqual(3600);
    const back = callsOf(toAws, 'AdvertiseByoipCidr');
    expect(back.map((c) => c.input)).toEqual([{ Cidr: CIDR_B, Asn: 'AWS' }]);
    expect(absolute(sim, toAws, back[0].at) - changes[0].at).toBeLessThan(600); // back to AWS at once

    // The third execution's own report shows the hour: a Wait state until the allowed time, then the change.
    expect(waited(toCustom)).toBe(false);
    expect(waited(again)).toBe(true);
    const output = again.output as { changedAt: string; previousCustomChange: { at: string; asn: string } };
    expect((Date.parse(output.changedAt) - Date.parse(output.previousCustomChange.at)) / 1000).toBeGreaterThanOrEqual(3600);
    const advertise = callsOf(again, 'AdvertiseByoipCidr')[0];
    const slot = again.phases.find((p) => p.name === 'AwaitSwapSlot')!;
    expect(slot.seconds).toBeGreaterThanOrEqual(3000);
    expect(advertise.at).toBeGreaterThanOrEqual(slot.startedAt + slot.seconds);
    expect(byoasnWorld(sim).byoip.find((c: any) => c.cidr === CIDR_B)).toMatchObject({ state: 'advertised', origin: '64497' });
  });

  it("queues a second swap of the same CIDR behind the first (the CIDR's lease), then spaces their changes an hour apart", async () => {
    const sim = byoasnSim({
      ipam: {
        byoasns: [
          { asn: '64497', ipamId: IPAM, associations: [CIDR_B] },
          { asn: '64496', ipamId: IPAM, associations: [CIDR_B] },
        ],
      },
    });
    const [a, b] = await Promise.all([
      run(sim, WF, byoasnInput(WF, { to: '64497' }), { executionName: 'swap-a' }),
      run(sim, WF, byoasnInput(WF, { to: '64496' }), { executionName: 'swap-b' }),
    ]);
    expect([a.status, b.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(ec2Errors(sim)).toEqual([]);
    const changes = customAdvertises(sim);
    expect(changes).toHaveLength(2);
    expect(changes[1].at - changes[0].at).toBeGreaterThanOrEqual(3600);
    // One took the lease; the other waited for it (Wait states), and then for the swap slot the first had used.
    const waitedForLease = (r: SimulationReport) => r.states.some((s) => s.name === 'AcquireLocksWait');
    expect([waitedForLease(a), waitedForLease(b)].sort()).toEqual([false, true]);
    const [first, second] = waitedForLease(a) ? [b, a] : [a, b];
    expect(waited(first)).toBe(false);
    expect(waited(second)).toBe(true);
    // The second claimed its slot only after the first had given the lease back.
    const leaseTakes = sim.calls.filter((c) => c.operation === 'PutItem' && JSON.stringify(c.input).includes('LOCK#byoip-cidr/198.19.1.0/24') && !c.error);
    const releases = sim.calls.filter((c) => c.operation === 'DeleteItem' && JSON.stringify(c.input).includes('LOCK#byoip-cidr/198.19.1.0/24'));
    expect(leaseTakes).toHaveLength(2);
    expect(releases.length).toBeGreaterThanOrEqual(1);
    expect(leaseTakes[1].at).toBeGreaterThanOrEqual(releases[0].at);
    const last = changes[1].asn;
    expect(byoasnWorld(sim).byoip.find((c: any) => c.cidr === CIDR_B)?.origin).toBe(last);
  });

  it('grants exactly one of many simultaneous claims', async () => {
    const sim = byoasnSim();
    const disconnect = connectSimulator(sim);
    try {
      const claims = await sim.clock.drive(() =>
        Promise.all(['a', 'b', 'c', 'd', 'e'].map((owner) => claimSwapSlot({ accountId: '111122223333', region: 'us-east-1', cidr: CIDR_B }, '64497', owner))),
      );
      expect(claims.filter((c) => c.granted)).toHaveLength(1);
      const refused = claims.filter((c) => !c.granted) as Array<{ allowedAt: number }>;
      expect(refused.every((c) => c.allowedAt === sim.clock.now() + 3660_000)).toBe(true);
    } finally {
      disconnect();
    }
  });

  it('moves back to the AWS ASN at once, without an approval', async () => {
    const sim = byoasnSim({
      ipam: {
        pools: [
          { ipamPoolId: 'ipam-pool-0b0a5e00000000001', ipamId: IPAM, cidrs: [{ cidr: '198.19.0.0/22' }] },
          {
            ipamPoolId: 'ipam-pool-0b0a5e00000000002',
            ipamId: IPAM,
            sourceIpamPoolId: 'ipam-pool-0b0a5e00000000001',
            locale: 'us-east-1',
            awsService: 'ec2',
            cidrs: [{ cidr: CIDR_B, advertised: true, asn: '64497' }],
          },
        ],
      },
    });
    const report = await run(sim, WF, byoasnInput(WF, { to: 'AWS', approvers: [] }), { approve: 'reject' });
    expect(report.status).toBe('SUCCEEDED');
    expect(callsOf(report, 'SendTaskFailure')).toHaveLength(0);
    expect(callsOf(report, 'AdvertiseByoipCidr')[0]).toMatchObject({ at: 0, input: { Cidr: CIDR_B, Asn: 'AWS' }, error: null });
    expect(byoasnWorld(sim).byoip[0]).toMatchObject({ origin: 'AWS', state: 'advertised' });
  });

  it('changes nothing when the swap to a custom ASN is rejected', async () => {
    const sim = byoasnSim();
    const before = byoasnWorld(sim);
    const report = await run(sim, WF, byoasnInput(WF), { approve: 'reject' });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('ApprovalRejected');
    expect(report.states.some((s) => s.name === 'SwapStopped')).toBe(true);
    expect(callsOf(report, 'AdvertiseByoipCidr')).toHaveLength(0);
    // No slot claimed (the gate's own approval record is the only item written).
    expect(callsOf(report, 'UpdateItem').filter((c) => !String((c.input as any).Key.pk.S).startsWith('APPROVAL#'))).toHaveLength(0);
    expect(byoasnWorld(sim)).toEqual(before);
  });

  it('recognises its own change when a response is lost', async () => {
    const sim = byoasnSim();
    sim.faults.add('AdvertiseByoipCidr=InternalErrorx1@after');
    const report = await run(sim, WF, byoasnInput(WF));
    expect(report.error).toBeNull();
    const calls = callsOf(report, 'AdvertiseByoipCidr');
    expect(calls.map((c) => c.error?.name ?? 'ok')).toEqual(['InternalError', 'IncorrectState']);
    expect(customAdvertises(sim)).toHaveLength(0); // the one change was the first call, answered with an (injected) error
    expect(byoasnWorld(sim).byoip.find((c: any) => c.cidr === CIDR_B)).toMatchObject({ state: 'advertised', origin: '64497' });
  });

  it.each([
    ['a reserved target ASN', { to: 65535 }, /input\.to: AS65535 is reserved/],
    ['a private target ASN', { to: '64512' }, /input\.to: AS64512 is private use/],
    [
      'an approver who is not configured (the requester does not choose approvers)',
      { approvers: ['mallory@evil.example'] },
      /input\.approvers: mallory@evil\.example is not a configured approver \(byoip\.approvers: netops-oncall@example\.com, netops-lead@example\.com, security-oncall@example\.com\); an input may only narrow that list/,
    ],
  ])('rejects %s before any AWS call', async (_n, patch, why) => {
    const sim = byoasnSim();
    const report = await run(sim, WF, byoasnInput(WF, patch));
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(why);
    expect(report.awsCalls).toHaveLength(0);
  });

  it.each([
    [
      'a CIDR that is not advertised',
      {
        ipam: {
          pools: [
            { ipamPoolId: 'ipam-pool-0b0a5e00000000001', ipamId: IPAM, cidrs: [{ cidr: '198.19.0.0/22' }] },
            {
              ipamPoolId: 'ipam-pool-0b0a5e00000000002',
              ipamId: IPAM,
              sourceIpamPoolId: 'ipam-pool-0b0a5e00000000001',
              locale: 'us-east-1',
              awsService: 'ec2',
              cidrs: [{ cidr: CIDR_B }],
            },
          ],
        },
      },
      {},
      /input\.cidr: 198\.19\.1\.0\/24 is provisioned, not advertised/,
    ],
    ['a CIDR of no pool', {}, { cidr: '198.19.3.0/24' }, /input\.cidr: 198\.19\.3\.0\/24 is not a BYOIP CIDR of account 111122223333 in us-east-1/],
    [
      'an ASN not associated with the CIDR',
      {},
      { to: '64496' },
      /input\.to: AS64496 is not associated with 198\.19\.1\.0\/24 \(associations: AS64497 \(associated\)\)/,
    ],
  ])('fails at its first AWS read on %s, changing nothing', async (_n, world, patch, why) => {
    const sim = byoasnSim(world);
    const report = await run(sim, WF, byoasnInput(WF, patch));
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(why);
    // VerifyRequester reads the approval key (who asked); the execution takes its leases (the CIDR); the
    // first read of AWS's network state fails; the leases are given back.
    const calls = report.awsCalls.map((c) => c.operation);
    expect(calls).toEqual(['GetSecretValue', ...Array(1).fill('PutItem'), 'DescribeByoipCidrs', ...Array(1).fill('DeleteItem')]);
    expect(leasesHeld(operatorView(sim))).toEqual([]);
  });

  it('refuses to advertise from a custom ASN without an approval or without the slot (defense in depth)', async () => {
    const { handler } = require('../../tasks/byoasn/advertise-with-asn');
    const event = { accountId: '111122223333', region: 'us-east-1', cidr: CIDR_B, asn: '64497', execution: { name: 'x', id: 'arn:x' } };
    await expect(handler(event, {} as never)).rejects.toMatchObject({ name: 'SafetyViolation', message: expect.stringMatching(/no approval/) });
    const sim = byoasnSim();
    const disconnect = connectSimulator(sim);
    try {
      await expect(sim.clock.drive(() => handler({ ...event, approval: { approved: true } }, {} as never))).rejects.toMatchObject({
        name: 'SafetyViolation',
        message: expect.stringMatching(/does not hold the CIDR's once-per-hour swap slot/),
      });
    } finally {
      disconnect();
    }
    expect(sim.calls.filter((c) => c.operation === 'AdvertiseByoipCidr')).toHaveLength(0);
  });
});
