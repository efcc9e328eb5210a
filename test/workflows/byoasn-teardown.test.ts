/**
 * byoasn-teardown: the documented order (origin → associations → ASN → pool CIDRs), each step
 * verified before the next, and a re-run after a failure at any step ends clean.
 */
import { errorMessage } from '../../domain/compensation';
import type { Simulator } from '../../sim';
import type { SimulationReport } from '../../runner/report';
import { byoasnInput, byoasnSim, byoasnWorld, CIDR_A, CIDR_B } from '../support/byoasn';
import { callsOf, run } from '../support/world';

const WF = 'byoasn-teardown';
const IPAM = 'ipam-0a1b2c3d4e5f60001';
const MUTATING = ['AdvertiseByoipCidr', 'WithdrawByoipCidr', 'DisassociateIpamByoasn', 'DeprovisionIpamByoasn', 'DeprovisionIpamPoolCidr'];

const okAt = (r: SimulationReport, op: string) =>
  callsOf(r, op)
    .filter((c) => !c.error)
    .map((c) => c.at);
const transitionAt = (r: SimulationReport, resource: string, to: string) => r.transitions.find((t) => t.resource === resource && t.to === to)!.at;
const mutations = (r: SimulationReport) => r.awsCalls.filter((c) => MUTATING.includes(c.operation));

/** Clean: AS64497 gone, associated with nothing; the CIDR withdrawn and out of its pool (withdraw mode). */
function expectCleanAfterWithdraw(sim: Simulator) {
  const world = byoasnWorld(sim);
  expect(world.byoasns).toEqual([]);
  expect(world.byoip).toEqual([{ cidr: CIDR_A, state: 'advertised', origin: 'AWS', asns: [] }]);
  expect(world.poolCidrs).toEqual(['198.19.0.0/22:provisioned', `${CIDR_A}:provisioned`]);
}

describe('byoasn-teardown', () => {
  it('withdraws, disassociates, deprovisions the ASN and then the pool CIDR, each verified before the next', async () => {
    const sim = byoasnSim();
    const report = await run(sim, WF, byoasnInput(WF));
    expect(report.error).toBeNull();
    expect(report.status).toBe('SUCCEEDED');
    expect(okAt(report, 'SendTaskSuccess')[0]).toBeLessThanOrEqual(okAt(report, 'WithdrawByoipCidr')[0]);
    expect(transitionAt(report, `byoip:${CIDR_B}`, 'provisioned')).toBeLessThanOrEqual(okAt(report, 'DisassociateIpamByoasn')[0]);
    expect(transitionAt(report, `asn-association:AS64497/${CIDR_B}`, 'disassociated')).toBeLessThanOrEqual(okAt(report, 'DeprovisionIpamByoasn')[0]);
    expect(transitionAt(report, 'byoasn:AS64497', 'deprovisioned')).toBeLessThanOrEqual(okAt(report, 'DeprovisionIpamPoolCidr')[0]);
    expect(transitionAt(report, `pool-cidr:ipam-pool-0b0a5e00000000002/${CIDR_B}`, 'deprovisioned')).toBeLessThanOrEqual(report.virtualSeconds);
    expect(mutations(report).map((c) => c.operation)).toEqual([
      'WithdrawByoipCidr',
      'DisassociateIpamByoasn',
      'DeprovisionIpamByoasn',
      'DeprovisionIpamPoolCidr',
    ]);
    expectCleanAfterWithdraw(sim);
  });

  it('reverts an onboarded CIDR to the AWS ASN (immediately, inside the hour) and keeps it advertised', async () => {
    const sim = byoasnSim();
    expect((await run(sim, 'byoasn-onboard', byoasnInput('byoasn-onboard'))).status).toBe('SUCCEEDED');
    const report = await run(sim, WF, byoasnInput(WF, { asn: '64496', cidrs: [CIDR_A], origin: 'revert-to-aws', deprovisionPoolCidrs: false }));
    expect(report.error).toBeNull();
    expect(callsOf(report, 'AdvertiseByoipCidr').map((c) => [c.input, c.error])).toEqual([[{ Cidr: CIDR_A, Asn: 'AWS' }, null]]);
    expect(callsOf(report, 'WithdrawByoipCidr')).toHaveLength(0);
    expect(byoasnWorld(sim)).toMatchObject({
      byoip: [
        { cidr: CIDR_A, state: 'advertised', origin: 'AWS', asns: [] },
        { cidr: CIDR_B, origin: 'AWS', asns: ['64497:associated'] },
      ],
      byoasns: ['64497:provisioned'],
    });
  });

  const W = 'WithdrawByoipCidr';
  const D = 'DisassociateIpamByoasn';
  const A = 'DeprovisionIpamByoasn';
  const P = 'DeprovisionIpamPoolCidr';
  // [fault, the mutations the re-run still has to make]. "@after": AWS did it, the answer was lost.
  const failures: Array<[string, string[]]> = [
    [`${W}=AccessDenied`, [W, D, A, P]],
    [`${W}=AccessDenied@after`, [D, A, P]],
    [`${D}=AccessDenied`, [D, A, P]],
    [`${D}=AccessDenied@after`, [A, P]],
    [`${A}=AccessDenied`, [A, P]],
    [`${A}=AccessDenied@after`, [P]],
    [`${P}=AccessDenied`, [P]],
    [`${P}=AccessDenied@after`, []],
  ];
  it.each(failures)('ends clean when re-run after %s, redoing only what was left', async (fault, left) => {
    const sim = byoasnSim();
    sim.faults.add(fault);
    const first = await run(sim, WF, byoasnInput(WF), { operator: 'stop' }); // a failure after the point of no return asks an operator; stop, then run again
    expect(first.status).toBe('FAILED');
    expect(first.approvals.at(-1)?.operator).toMatchObject({ error: 'AwsRequestRejected', outcome: 'stop' });
    expect(first.error?.name).toBe('StoppedByOperator');
    expect(first.states.some((s) => s.name === 'StoppedByOperator')).toBe(true);
    sim.faults.clear();
    sim.clock.advance(60_000); // the operator re-runs a minute later (reports window calls by time)
    const second = await run(sim, WF, byoasnInput(WF));
    expect(second.error).toBeNull();
    expect(mutations(second).map((c) => c.operation)).toEqual(left);
    expectCleanAfterWithdraw(sim);
  });

  it('ends clean when re-run after a verification step kept failing', async () => {
    const sim = byoasnSim();
    let armed = false;
    const first = await run(sim, WF, byoasnInput(WF), {
      operator: 'stop', // a failure after the point of no return asks an operator; stop, then run again
      onProgress: (e) => {
        if (!armed && e.kind === 'state-entered' && e.state === 'AwaitAsnDeprovisioned') {
          armed = true;
          sim.faults.add({ operation: 'DescribeIpamByoasn', error: 'ServiceUnavailable', phase: 'before' });
        }
      },
    });
    expect(first.approvals.at(-1)?.operator).toMatchObject({ error: 'AwsUnavailable', outcome: 'stop' });
    expect(first.error?.name).toBe('StoppedByOperator');
    expect(first.states.filter((s) => s.name === 'AwaitAsnDeprovisioned').reduce((n, s) => n + (s.retries ?? 0), 0)).toBe(5);
    sim.faults.clear();
    sim.clock.advance(60_000); // the operator re-runs a minute later (reports window calls by time)
    const second = await run(sim, WF, byoasnInput(WF));
    expect(second.error).toBeNull();
    expect(mutations(second).map((c) => c.operation)).toEqual([P]);
    expectCleanAfterWithdraw(sim);
  });

  it.each(['AdvertiseByoipCidr=AccessDenied', 'AdvertiseByoipCidr=AccessDenied@after'])('ends clean when a revert is re-run after %s', async (fault) => {
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
    sim.faults.add(fault);
    const input = byoasnInput(WF, { origin: 'revert-to-aws', deprovisionPoolCidrs: false });
    const first = await run(sim, WF, input, { operator: 'stop' }); // a failure after the point of no return asks an operator; stop, then run again
    expect(first.approvals.at(-1)?.operator).toMatchObject({ error: 'AwsRequestRejected', outcome: 'stop' });
    expect(first.error?.name).toBe('StoppedByOperator');
    expect(callsOf(first, 'DisassociateIpamByoasn')).toHaveLength(0);
    sim.faults.clear();
    sim.clock.advance(60_000);
    const second = await run(sim, WF, input);
    expect(second.error).toBeNull();
    expect(byoasnWorld(sim)).toEqual({
      byoip: [{ cidr: CIDR_B, state: 'advertised', origin: 'AWS', asns: [] }],
      byoasns: [],
      poolCidrs: ['198.19.0.0/22:provisioned', `${CIDR_B}:provisioned`],
    });
  });

  it('does nothing when run again after a complete teardown', async () => {
    const sim = byoasnSim();
    expect((await run(sim, WF, byoasnInput(WF))).status).toBe('SUCCEEDED');
    sim.clock.advance(60_000);
    const again = await run(sim, WF, byoasnInput(WF));
    expect(again.status).toBe('SUCCEEDED');
    expect(mutations(again)).toEqual([]);
    expectCleanAfterWithdraw(sim);
  });

  it('refuses, changing nothing, while the ASN is also associated with a CIDR the input does not name', async () => {
    const sim = byoasnSim({ ipam: { byoasns: [{ asn: '64497', ipamId: IPAM, associations: [CIDR_A, CIDR_B] }] } });
    const before = byoasnWorld(sim);
    const report = await run(sim, WF, byoasnInput(WF));
    expect(report.error?.name).toBe('SafetyViolation');
    expect(errorMessage(report.error?.cause)).toMatch(/AS64497 is also associated with 198\.19\.0\.0\/24; add them to cidrs/);
    expect(mutations(report)).toEqual([]);
    expect(byoasnWorld(sim)).toEqual(before);
  });

  it('rejects deprovisioning a CIDR it keeps advertised, before any AWS call', async () => {
    const sim = byoasnSim();
    const report = await run(sim, WF, byoasnInput(WF, { origin: 'revert-to-aws' }));
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(/input\.deprovisionPoolCidrs: needs origin "withdraw"/);
    expect(report.awsCalls).toHaveLength(0);
  });
});
