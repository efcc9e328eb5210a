/** The sweep itself: it covers every workflow and step, and it can tell a broken promise. */
import { cleanRun, faultError, injectFault } from '../../runner/fault-sweep';
import { workflows } from '../../workflows';
import { SWEEP_GROUPS } from './sweep-groups';

describe('the reliability sweep', () => {
  it('covers every workflow, once', () => {
    const swept = [...SWEEP_GROUPS.a, ...SWEEP_GROUPS.b];
    expect([...swept].sort()).toEqual(workflows.map((w) => w.name).sort());
    expect(new Set(swept).size).toBe(swept.length);
  });

  it('finds its fault points in a clean run: each step and operation once, compensation excluded, skip = earlier calls', async () => {
    const clean = await cleanRun('vpc-origin-teardown');
    const keys = clean.points.map((p) => `${p.state}|${p.service}:${p.operation}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(
      expect.arrayContaining([
        'DetachTeamOrigins|CloudFront:UpdateDistribution',
        'RevokeVpcOriginShare|RAM:DeleteResourceShare',
        'DeleteVpcOrigin|CloudFront:DeleteVpcOrigin',
      ]),
    );
    expect(clean.points.every((p) => !p.state.startsWith('Undo'))).toBe(true);
    const getVpcOrigin = clean.points.filter((p) => p.operation === 'GetVpcOrigin');
    expect(getVpcOrigin.map((p) => p.skip)).toEqual([...getVpcOrigin.map((p) => p.skip)].sort((a, b) => a - b));
  }, 60_000);

  it("uses each service's own error names", () => {
    expect(faultError('EC2', 'throttle')).toEqual({ error: 'RequestLimitExceeded', times: 3 });
    expect(faultError('DynamoDB', 'permanent').error).toBe('AccessDeniedException');
    expect(faultError('CloudFront', 'server')).toEqual({ error: 'InternalError', times: 1 });
  });

  it('reports a workflow that promised compensation but left changes behind as unexpected', async () => {
    // Before its point of no return (the withdrawal) the teardown has already detached the anycast list.
    const clean = await cleanRun('teardown-cloudfront-byoip');
    const definition = workflows.find((w) => w.name === 'teardown-cloudfront-byoip')! as { recovery: string };
    const point = clean.points.find((p) => p.operation === 'DeleteAnycastIpList')!;
    const promised = definition.recovery;
    definition.recovery = 'compensate'; // a teardown does not roll back: holding it to that promise must fail
    try {
      const r = await injectFault(clean, point, 'permanent');
      expect(r.outcome).toBe('unexpected');
      expect(r.detail.join(' ')).toMatch(/failed without compensating: .*distributions/);
    } finally {
      definition.recovery = promised;
    }
    expect((await injectFault(clean, point, 'permanent')).outcome).toBe('rerun-completed');
  }, 60_000);
});
