/**
 * The local engine must stop a Map when one iteration fails, as AWS does (patches/aws-local-stepfunctions+3.0.0.patch):
 * otherwise a queued /24 is advertised after the execution failed and compensated.
 */
import { callsOf, exampleInput, exampleSim, run } from '../support/world';
import { operatorView } from '../../runner/world-view';

describe('a Map whose iteration fails', () => {
  it('starts no further iteration: one advertise refused, none after it, everything compensated', async () => {
    const sim = exampleSim();
    sim.faults.add({ service: 'EC2', operation: 'AdvertiseByoipCidr', error: 'UnauthorizedOperation', times: 1, phase: 'before' });
    // The advertisement is past the point of no return: the operator decides back, and compensation runs.
    const report = await run(sim, 'onboard-cloudfront-byoip', exampleInput(), { operator: 'back' });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).not.toBe('CompensationIncomplete');
    const advertise = callsOf(report, 'AdvertiseByoipCidr');
    expect(advertise.map((c) => c.error?.name ?? 'ok')).toEqual(['UnauthorizedOperation']);
    expect(operatorView(sim).byoip.filter((b) => /advertis/.test(b.state))).toEqual([]);
  });
});
