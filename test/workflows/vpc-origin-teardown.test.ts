/**
 * vpc-origin-teardown: the documented order (off the distribution and Deployed → unshare → delete the
 * VPC origin and see it gone → nothing references it), the refusal to unshare what a distribution
 * still uses, and a re-run that finishes after a failure at any step.
 */
import { errorMessage } from '../../domain/compensation';
import type { SimulationReport } from '../../runner/report';
import { createSimulator, type Simulator } from '../../sim';
import { callsOf, EXAMPLES, exampleInput, exampleSim, exampleWorldJson, run } from '../support/world';
import { DIST, vpcWorld } from '../support/vpc-origins';

const WF = 'vpc-origin-teardown';
const TEAM_C = '666677778888';
const ORIGIN = 'vo_TeamC0Example01';

const okAt = (r: SimulationReport, op: string) =>
  callsOf(r, op)
    .filter((c) => !c.error)
    .map((c) => c.at);
const transitionAt = (r: SimulationReport, resource: string, to: string) => r.transitions.find((t) => t.resource === resource && t.to === to)?.at;

/** Team C gone: no origin, no share, nothing on the distribution (the other origin stays). */
function expectTeamCGone(sim: Simulator) {
  const world = vpcWorld(sim);
  expect(world.vpcOrigins).toEqual([]);
  expect(world.shares).toEqual([]);
  expect(world.distribution).toMatchObject({ enabled: true, origins: ['origin-1'], behaviors: [], aliases: [] });
}

describe('vpc-origin-teardown', () => {
  it('takes the origin off the distribution (Deployed) before any RAM change, and unshares before DeleteVpcOrigin', async () => {
    const sim = exampleSim();
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.error).toBeNull();
    expect(report.status).toBe('SUCCEEDED');

    const [detached] = okAt(report, 'UpdateDistribution');
    const deployed = transitionAt(report, `distribution:${DIST}`, 'Deployed')!;
    const [unshared] = okAt(report, 'DeleteResourceShare');
    const [deleted] = okAt(report, 'DeleteVpcOrigin');
    expect(detached).toBeDefined();
    expect(deployed).toBeGreaterThan(detached);
    expect(unshared).toBeGreaterThanOrEqual(deployed);
    // No RAM change of any kind before the distribution change was deployed.
    expect(report.awsCalls.filter((c) => c.service === 'RAM' && !/^(Get|List)/.test(c.operation)).every((c) => c.at >= deployed)).toBe(true);
    expect(deleted).toBeGreaterThanOrEqual(unshared);
    expect(transitionAt(report, `vpc-origin:${ORIGIN}`, 'Deleted')).toBeGreaterThan(deleted);
    // The last word: nothing references the origin.
    const lastCheck = callsOf(report, 'ListDistributionsByOwnedResource').at(-1)!;
    expect(lastCheck.at).toBeGreaterThan(deleted);
    expectTeamCGone(sim);
    // Only the documented mutations, each once, after the approval (team C's alias leaves the distribution).
    const gate = (c: { service: string }) => c.service === 'SNS' || c.service === 'SFN';
    const mutations = report.awsCalls
      .filter((c) => !c.error && c.service !== 'DynamoDB' && !gate(c) && !/^(Get|List|Describe)/.test(c.operation))
      .map((c) => c.operation);
    expect(mutations).toEqual(['UpdateDistribution', 'DeleteResourceShare', 'DeleteVpcOrigin']);
    expect(callsOf(report, 'SendTaskSuccess')[0].at).toBeLessThanOrEqual(detached);
    expect((report.output as any).approval).toMatchObject({ approved: true });
  });

  it('disables the distribution instead of detaching when the input says so', async () => {
    const sim = exampleSim();
    const report = await run(sim, WF, exampleInput(WF, { distributionAction: 'disable' }));
    expect(report.status).toBe('SUCCEEDED');
    expect(callsOf(report, 'SendTaskSuccess')[0].at).toBeLessThanOrEqual(okAt(report, 'UpdateDistribution')[0]);
    expect(vpcWorld(sim).distribution.enabled).toBe(false);
    expect(vpcWorld(sim).vpcOrigins).toEqual([]);
  });

  it('refuses to unshare while another distribution still uses the origin, and changes nothing shared', async () => {
    const w = exampleWorldJson();
    const other = JSON.parse(JSON.stringify(w.cloudfront.distributions.find((d: any) => d.id === DIST)));
    other.id = 'E4EXAMPLEOTHER04';
    other.domainName = 'd4other0example.cloudfront.net';
    other.config.Aliases = { Quantity: 0, Items: [] };
    w.cloudfront.distributions.push(other);
    const sim = createSimulator(w, EXAMPLES);
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('SafetyViolation');
    expect(errorMessage(report.error?.cause)).toMatch(/E4EXAMPLEOTHER04/);
    expect(callsOf(report, 'DeleteResourceShare')).toHaveLength(0);
    expect(callsOf(report, 'DeleteVpcOrigin')).toHaveLength(0);
    expect(vpcWorld(sim).shares).toEqual([`${TEAM_C}:cloudfront-vpc-origin-team-c:ACTIVE`]);
  });

  // Every mutating step: a permanent failure stops the teardown where it is (nothing is re-created),
  // and the same input run again finishes the job.
  describe.each([
    ['UpdateDistribution', 'CloudFront:UpdateDistribution=AccessDenied'],
    ['DeleteResourceShare', 'RAM:DeleteResourceShare=OperationNotPermittedException'],
    ['DeleteVpcOrigin', 'CloudFront:DeleteVpcOrigin=AccessDenied'],
  ])('after a permanent failure of %s', (operation, fault) => {
    it('stops without undoing, and a re-run finishes in order', async () => {
      const sim = exampleSim();
      sim.faults.add(fault);
      const first = await run(sim, WF, exampleInput(WF), { operator: 'stop' }); // a failure after the detach asks an operator; stop, then run again
      expect(first.status).toBe('FAILED');
      expect(callsOf(first, operation).some((c) => c.error)).toBe(true);
      expect(first.error?.name).toBe('StoppedByOperator');
      expect(first.awsCalls.filter((c) => c.state?.startsWith('Undo'))).toEqual([]);
      sim.faults.clear();
      const second = await run(sim, WF, exampleInput(WF));
      expect(second.error).toBeNull();
      expect(second.status).toBe('SUCCEEDED');
      expectTeamCGone(sim);
      const all = [...first.awsCalls, ...second.awsCalls].filter((c) => !c.error);
      expect(all.filter((c) => c.operation === 'DeleteVpcOrigin')).toHaveLength(1);
      expect(all.filter((c) => c.operation === 'DeleteResourceShare')).toHaveLength(1);
    });
  });

  it('absorbs throttling at every step', async () => {
    const sim = exampleSim();
    for (const op of [
      'UpdateDistribution',
      'GetDistributionConfig',
      'DeleteResourceShare',
      'GetResourceShareAssociations',
      'DeleteVpcOrigin',
      'GetVpcOrigin',
      'ListDistributionsByOwnedResource',
    ]) {
      sim.faults.add(`${op}=Throttlingx2`);
    }
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.status).toBe('SUCCEEDED');
    expectTeamCGone(sim);
  });

  it('is safe to run again when everything is already gone', async () => {
    const sim = exampleSim();
    expect((await run(sim, WF, exampleInput(WF))).status).toBe('SUCCEEDED');
    const again = await run(sim, WF, exampleInput(WF));
    expect(again.status).toBe('SUCCEEDED');
    expect(again.awsCalls.filter((c) => c.service !== 'DynamoDB' && !/^(Get|List|Describe)/.test(c.operation))).toEqual([]);
    expectTeamCGone(sim);
  });
});
