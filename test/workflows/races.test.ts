/**
 * Two executions on the same CIDRs and distributions at once: one proceeds, the other fails fast with
 * ResourceLocked before touching anything, or, when its input asks, waits for the lease and then runs.
 */
import { byoasnInput, byoasnSim, CIDR_B } from '../support/byoasn';
import { callsOf, exampleInput, exampleSim, run } from '../support/world';
import { leasesHeld, operatorView } from '../../runner/world-view';

const WF = 'onboard-cloudfront-byoip';

describe('concurrent onboardings of the same CIDRs', () => {
  it('lets one proceed and fails the other fast with ResourceLocked, before any change', async () => {
    const sim = exampleSim();
    const [a, b] = await Promise.all([run(sim, WF, exampleInput(), { executionName: 'first' }), run(sim, WF, exampleInput(), { executionName: 'second' })]);
    const [winner, loser] = a.status === 'SUCCEEDED' ? [a, b] : [b, a];
    expect(winner.status).toBe('SUCCEEDED');
    expect(loser.status).toBe('FAILED');
    expect(loser.error?.name).toBe('ResourceLocked');
    expect(loser.error?.cause).toMatch(/locked by first|locked by second/);
    // The loser only read and tried the lease table: no IPAM, CloudFront or DNS writes.
    expect(loser.awsCalls.filter((c) => c.service !== 'DynamoDB').filter((c) => !/^(Describe|Get|List)/.test(c.operation))).toEqual([]);
    expect(loser.virtualSeconds).toBeLessThan(60);
    // The winner's leases are gone at the end.
    expect(leasesHeld(operatorView(sim))).toEqual([]);
  });

  it('waits for the lease when the input asks, then runs (and finds the work done)', async () => {
    const sim = exampleSim();
    const [a, b] = await Promise.all([
      run(sim, WF, exampleInput(), { executionName: 'first' }),
      run(sim, WF, exampleInput(WF, { waitForLocks: true }), { executionName: 'patient' }),
    ]);
    expect(a.status).toBe('SUCCEEDED');
    expect(b.error).toBeNull();
    expect(b.status).toBe('SUCCEEDED');
    // It waited in Wait states (several checks of the lease), and started after the first finished.
    const waits = b.polls.filter((p) => p.state === 'AcquireLocks');
    expect(waits[0].checks).toBeGreaterThan(3);
    const firstEnd = a.virtualSeconds;
    const patientFirstWrite = b.awsCalls.find((c) => c.service === 'EC2' && /^(Create|Provision)/.test(c.operation));
    expect(patientFirstWrite === undefined || patientFirstWrite.at >= firstEnd - 1).toBe(true);
    expect(callsOf(b, 'CreateAnycastIpList')).toHaveLength(0); // reused the first one's list
  });
});

describe('different workflows on the same CIDR', () => {
  // Both name the range's lease the same way (domain/leases.ts): a Global Accelerator onboarding of a /24
  // that a CloudFront onboarding is moving cannot run beside it.
  it('a CloudFront onboarding and a Global Accelerator onboarding of 198.18.0.0/24 exclude each other', async () => {
    const sim = exampleSim();
    const staticIp = exampleInput('static-ip-byoip', {
      migrationId: 'same-range-on-ga',
      cidrs: ['198.18.0.0/24'],
      accelerator: { ...(exampleInput('static-ip-byoip') as any).accelerator, ipAddresses: ['198.18.0.10'] },
    });
    const [cf, ga] = await Promise.all([
      run(sim, WF, exampleInput(), { executionName: 'cloudfront' }),
      run(sim, 'static-ip-byoip', staticIp, { executionName: 'accelerator' }),
    ]);
    const [winner, loser] = cf.status === 'SUCCEEDED' ? [cf, ga] : [ga, cf];
    expect(winner.status).toBe('SUCCEEDED');
    expect(loser.status).toBe('FAILED');
    expect(loser.error?.name).toBe('ResourceLocked');
    expect(loser.error?.cause).toContain('byoip-cidr/198.18.0.0/24');
    expect(loser.awsCalls.filter((c) => c.service !== 'DynamoDB').filter((c) => !/^(Describe|Get|List)/.test(c.operation))).toEqual([]);
  });

  // The BYOASN workflows hold the same leases (every CIDR, and the ASN): an onboarding that would advertise
  // 198.19.1.0/24 from AS64496 cannot run while a teardown withdraws it from AS64497, nor the other way round.
  it('a BYOASN onboarding and a BYOASN teardown of 198.19.1.0/24 exclude each other', async () => {
    const sim = byoasnSim();
    const [onboard, teardown] = await Promise.all([
      run(sim, 'byoasn-onboard', byoasnInput('byoasn-onboard', { cidrs: [CIDR_B] }), { executionName: 'onboard' }),
      run(sim, 'byoasn-teardown', byoasnInput('byoasn-teardown'), { executionName: 'teardown' }),
    ]);
    const loser = [onboard, teardown].find((r) => r.error?.name === 'ResourceLocked');
    expect(loser).toBeDefined();
    expect([onboard, teardown].filter((r) => r !== loser).map((r) => r.status)).toEqual(['SUCCEEDED']);
    expect(loser!.error?.cause).toContain('byoip-cidr/198.19.1.0/24');
    expect(loser!.awsCalls.filter((c) => c.service !== 'DynamoDB').filter((c) => !/^(Describe|Get|List)/.test(c.operation))).toEqual([]);
  });
});
