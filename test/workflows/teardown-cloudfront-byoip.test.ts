/**
 * teardown-cloudfront-byoip after a simulated onboarding: refuses while DNS still points at the
 * anycast IPs, tears down in the documented order, and finishes when re-run after a partial failure.
 */
import { errorMessage } from '../../domain/compensation';
import type { Simulator } from '../../sim';
import { ACCOUNT, callsOf, exampleInput, exampleSim, run, semanticWorld } from '../support/world';

async function onboarded(): Promise<Simulator> {
  const sim = exampleSim();
  const report = await run(sim, 'onboard-cloudfront-byoip', exampleInput());
  expect(report.status).toBe('SUCCEEDED');
  return sim;
}

/** What the operator does before a teardown: point DNS somewhere else. */
async function moveDnsAway(sim: Simulator) {
  await sim.clock.drive(() =>
    sim.call({
      service: 'Route53',
      operation: 'ChangeResourceRecordSets',
      account: ACCOUNT,
      region: 'us-east-1',
      input: {
        HostedZoneId: 'Z0EXAMPLE000001',
        ChangeBatch: {
          Changes: ['api', 'www'].map((h) => ({
            Action: 'UPSERT',
            ResourceRecordSet: { Name: `${h}.example.com.`, Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.80' }] },
          })),
        },
      },
    }),
  );
}

const TEARDOWN = 'teardown-cloudfront-byoip';

describe('teardown-cloudfront-byoip', () => {
  it('refuses to withdraw while DNS still answers with the anycast IPs', async () => {
    const sim = await onboarded();
    const before = semanticWorld(sim);
    const report = await run(sim, TEARDOWN, exampleInput(TEARDOWN));
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('SafetyViolation');
    expect(errorMessage(report.error?.cause)).toMatch(/api\.example\.com\. still answers .*move DNS away/);
    expect(semanticWorld(sim)).toEqual(before);
  });

  it('tears down in the documented order and leaves nothing behind', async () => {
    const sim = await onboarded();
    await moveDnsAway(sim);
    const report = await run(sim, TEARDOWN, exampleInput(TEARDOWN));
    expect(report.error).toBeNull();
    expect(report.status).toBe('SUCCEEDED');
    const world = semanticWorld(sim);
    expect(world).toMatchObject({ pools: [], poolCidrs: [], byoip: [], anycastLists: [] });
    expect(world.distributions.every((d: any) => d.list === null)).toBe(true);
    // Order: detach (Deployed) → delete list → withdraw → deprovision (global, then top-level) → delete pools.
    const t = (op: string) =>
      callsOf(report, op)
        .filter((c) => !c.error)
        .map((c) => c.at);
    const deployed = report.transitions.filter((x) => x.resource.startsWith('distribution:') && x.to === 'Deployed').map((x) => x.at);
    expect(Math.max(...t('UpdateDistribution'))).toBeLessThanOrEqual(Math.min(...deployed));
    expect(Math.max(...deployed)).toBeLessThanOrEqual(Math.min(...t('DeleteAnycastIpList')));
    expect(Math.max(...t('DeleteAnycastIpList'))).toBeLessThan(Math.min(...t('WithdrawByoipCidr')));
    expect(Math.max(...t('WithdrawByoipCidr'))).toBeLessThan(Math.min(...t('DeprovisionIpamPoolCidr')));
    expect(Math.max(...t('DeprovisionIpamPoolCidr'))).toBeLessThan(Math.max(...t('DeleteIpamPool')));
    expect(callsOf(report, 'SendTaskSuccess')[0].at).toBeLessThanOrEqual(Math.min(...t('UpdateDistribution')));
  });

  it('finishes when re-run after a partial failure, skipping what is done', async () => {
    const sim = await onboarded();
    await moveDnsAway(sim);
    sim.faults.add('WithdrawByoipCidr=AccessDenied');
    const first = await run(sim, TEARDOWN, exampleInput(TEARDOWN), { operator: 'stop' }); // a failure after the point of no return asks an operator; stop, then run again
    expect(first.status).toBe('FAILED');
    expect(first.approvals.at(-1)?.operator).toMatchObject({ error: 'AwsRequestRejected', outcome: 'stop' });
    expect(first.error?.name).toBe('StoppedByOperator');
    expect(semanticWorld(sim).anycastLists).toEqual([]);
    sim.faults.clear();
    const second = await run(sim, TEARDOWN, exampleInput(TEARDOWN));
    expect(second.error).toBeNull();
    expect(callsOf(second, 'DeleteAnycastIpList')).toHaveLength(0);
    expect(callsOf(second, 'UpdateDistribution')).toHaveLength(0);
    expect(semanticWorld(sim)).toMatchObject({ pools: [], poolCidrs: [], byoip: [], anycastLists: [] });
  });
});
