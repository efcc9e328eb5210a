/**
 * teardown-static-ip-byoip after a simulated static-ip-byoip: deletes the accelerator in the order GA
 * demands, withdraws (10 s apart) only once nothing uses the addresses, deprovisions, refuses what
 * would black-hole someone else's traffic, and finishes when re-run after a partial failure.
 */
import { errorMessage } from '../../domain/compensation';
import type { Simulator } from '../../sim';
import { callsOf, exampleInput, exampleSim, run } from '../support/world';
import { gaWorld, locksLeft } from '../support/global-accelerator';

const TEARDOWN = 'teardown-static-ip-byoip';
const CIDRS = ['198.19.0.0/24', '198.19.1.0/24'];

async function served(patch?: unknown): Promise<Simulator> {
  const sim = exampleSim(patch);
  const report = await run(sim, 'static-ip-byoip', exampleInput('static-ip-byoip'));
  expect(report.status).toBe('SUCCEEDED');
  return sim;
}

describe('teardown-static-ip-byoip', () => {
  it('deletes the accelerator, then withdraws and deprovisions, in the order Global Accelerator requires', async () => {
    const sim = await served();
    const report = await run(sim, TEARDOWN, exampleInput(TEARDOWN));
    expect(report.error).toBeNull();
    expect(report.status).toBe('SUCCEEDED');
    expect(gaWorld(sim)).toEqual({ gaCidrs: [], accelerators: [] });
    const t = (op: string) =>
      callsOf(report, op)
        .filter((c) => !c.error)
        .map((c) => c.at);
    const approved = callsOf(report, 'SendTaskSuccess')[0].at;
    expect(approved).toBeLessThanOrEqual(Math.min(...t('DeleteEndpointGroup')));
    expect(Math.max(...t('DeleteEndpointGroup'))).toBeLessThanOrEqual(Math.min(...t('DeleteListener')));
    expect(Math.max(...t('DeleteListener'))).toBeLessThanOrEqual(Math.min(...t('UpdateAccelerator')));
    expect(callsOf(report, 'UpdateAccelerator')[0].input).toMatchObject({ Enabled: false });
    // Delete only once the disable is deployed; withdraw only once the accelerator is gone.
    const deployedAgain = report.transitions.find((x) => x.resource === 'accelerator:partner-api' && x.to === 'DEPLOYED')!;
    expect(deployedAgain.at).toBeLessThanOrEqual(Math.min(...t('DeleteAccelerator')));
    expect(callsOf(report, 'DeleteAccelerator').every((c) => !c.error)).toBe(true);
    const gone = report.transitions.find((x) => x.resource === 'accelerator:partner-api' && x.to === 'DELETED')!;
    expect(gone.at).toBeLessThanOrEqual(Math.min(...t('WithdrawByoipCidr')));
    const withdraw = t('WithdrawByoipCidr');
    expect(withdraw).toHaveLength(2);
    expect(withdraw[1] - withdraw[0]).toBeGreaterThanOrEqual(10);
    expect(callsOf(report, 'WithdrawByoipCidr').every((c) => !c.error)).toBe(true);
    const ready = report.transitions.filter((x) => x.resource.startsWith('ga-byoip:') && x.from === 'PENDING_WITHDRAWING' && x.to === 'READY').map((x) => x.at);
    expect(Math.max(...ready)).toBeLessThanOrEqual(Math.min(...t('DeprovisionByoipCidr')));
    expect(locksLeft(sim)).toEqual([]);
  });

  it('refuses while an accelerator not named in the input still serves the addresses, and changes nothing', async () => {
    const sim = await served();
    const before = gaWorld(sim);
    const input = exampleInput(TEARDOWN);
    delete input.accelerator;
    const report = await run(sim, TEARDOWN, input);
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('SafetyViolation');
    expect(errorMessage(report.error?.cause)).toMatch(
      /partner-api \(arn:aws:globalaccelerator::111122223333:accelerator\/[0-9a-f-]+: 198\.19\.0\.10, 198\.19\.1\.10\) still serve addresses from 198\.19\.0\.0\/24, 198\.19\.1\.0\/24/,
    );
    expect(callsOf(report, 'SendTaskSuccess')).toHaveLength(0);
    expect(gaWorld(sim)).toEqual(before);
    expect(locksLeft(sim)).toEqual([]); // a re-run can take them
  });

  it('refuses to delete an accelerator that belongs to a CloudFormation stack', async () => {
    const stackOwned = {
      globalAccelerator: {
        byoipCidrs: CIDRS.map((cidr) => ({ account: '111122223333', cidr, state: 'ADVERTISING' })),
        accelerators: [
          {
            account: '111122223333',
            name: 'partner-api',
            ipAddresses: ['198.19.0.10', '198.19.1.10'],
            tags: { 'aws:cloudformation:stack-name': 'PartnerApi' },
          },
        ],
      },
    };
    const sim = exampleSim(stackOwned);
    const report = await run(sim, TEARDOWN, exampleInput(TEARDOWN));
    expect(report.error?.name).toBe('SafetyViolation');
    expect(errorMessage(report.error?.cause)).toMatch(/belongs to CloudFormation stack PartnerApi; remove its byoipAddresses in the stack/);
    expect(report.awsCalls.filter((c) => /^(Update|Delete|Withdraw|Deprovision)/.test(c.operation) && c.service === 'GlobalAccelerator')).toEqual([]);
  });

  it('finishes when re-run after a partial failure, skipping what is done', async () => {
    const sim = await served();
    sim.faults.add('GlobalAccelerator:WithdrawByoipCidr=AccessDeniedException');
    const first = await run(sim, TEARDOWN, exampleInput(TEARDOWN), { operator: 'stop' }); // a failure after the point of no return asks an operator; stop, then run again
    expect(first.status).toBe('FAILED');
    expect(first.approvals.at(-1)?.operator).toMatchObject({ error: 'AwsRequestRejected', outcome: 'stop' });
    expect(first.error?.name).toBe('StoppedByOperator');
    expect(gaWorld(sim).accelerators).toEqual([]);
    expect(locksLeft(sim)).toEqual([]);
    sim.faults.clear();
    const second = await run(sim, TEARDOWN, exampleInput(TEARDOWN));
    expect(second.error).toBeNull();
    expect(callsOf(second, 'DeleteAccelerator')).toHaveLength(0);
    expect(callsOf(second, 'UpdateAccelerator')).toHaveLength(0);
    expect(gaWorld(sim)).toEqual({ gaCidrs: [], accelerators: [] });
    const third = await run(sim, TEARDOWN, exampleInput(TEARDOWN));
    expect(third.error).toBeNull();
    expect(third.awsCalls.filter((c) => c.service === 'GlobalAccelerator' && !/^(List|Describe)/.test(c.operation))).toEqual([]);
  });

  it('can keep the ranges provisioned (withdraw only)', async () => {
    const sim = await served();
    const report = await run(sim, TEARDOWN, exampleInput(TEARDOWN, { deprovision: false }));
    expect(report.error).toBeNull();
    expect(gaWorld(sim)).toEqual({ gaCidrs: CIDRS.map((cidr) => `${cidr}:READY`), accelerators: [] });
  });

  it.each([
    [
      'an accelerator with both arn and name',
      { accelerator: { arn: 'arn:aws:globalaccelerator::111122223333:accelerator/0f1e2d3c-4b5a-6978-8899-aabbccddeeff' } },
      /input\.accelerator\.name: give either arn or name/,
    ],
    [
      'an approver who is not configured (the requester does not choose approvers)',
      { approvers: ['mallory@evil.example'] },
      /input\.approvers: mallory@evil\.example is not a configured approver \(byoip\.approvers: netops-oncall@example\.com, netops-lead@example\.com, security-oncall@example\.com\); an input may only narrow that list/,
    ],
    ['an IPv6 range', { cidrs: ['2001:db8::/48'] }, /is IPv6/],
  ])('rejects %s before any AWS call', async (_n, patch, message) => {
    const sim = exampleSim();
    const report = await run(sim, TEARDOWN, exampleInput(TEARDOWN, patch));
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(message);
    expect(report.awsCalls).toHaveLength(0);
  });
});
