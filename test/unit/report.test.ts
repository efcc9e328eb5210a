/** The report's derived figures: poll lateness, the lower bound, the safety invariant. */
import { lowerBound, pollLoops, safetyViolations, type AwsCallReport } from '../../runner/report';

const call = (at: number, operation: string, state: string, effects?: string[]): AwsCallReport =>
  ({ at, state, account: '1', region: 'r', service: operation === 'ChangeResourceRecordSets' ? 'Route53' : 'EC2', operation, input: {}, error: null, effects });

describe('poll lateness and the lower bound', () => {
  const subject = JSON.stringify({ poolId: 'ipam-pool-0abc', cidrs: ['198.18.0.0/22'] });
  const checks = [
    { state: 'AwaitProvisioned', at: 100, subject, done: false },
    { state: 'AwaitProvisioned', at: 1100, subject, done: false },
    { state: 'AwaitProvisioned', at: 2500, subject, done: true },
  ];
  const transitions = [
    { at: 50, resource: 'ipam-pool-0abc/198.18.0.0/22', from: null, to: 'pending-provision' },
    { at: 2000, resource: 'ipam-pool-0abc/198.18.0.0/22', from: 'pending-provision', to: 'provisioned' },
    { at: 2400, resource: 'distribution:E1OTHER0000001', from: 'Deployed', to: 'InProgress' },
  ];

  it('finds when the awaited change happened from the resources the check asked about', () => {
    expect(pollLoops(checks, transitions)).toEqual([{ state: 'AwaitProvisioned', subject, checks: 3, startedAt: 100, doneAt: 2500, readyAt: 2000, lateSeconds: 500 }]);
  });

  it('subtracts top-level lateness, and only the last-finishing branch inside a Map', () => {
    const loops = pollLoops(checks, transitions);
    expect(lowerBound(3000, loops, [{ name: 'AwaitProvisioned', startedAt: 100, seconds: 2400 }])).toBe(2500);
    const a = { state: 'AwaitDeployed', subject: 'a', checks: 3, startedAt: 0, doneAt: 300, readyAt: 280, lateSeconds: 20 };
    const b = { state: 'AwaitDeployed', subject: 'b', checks: 3, startedAt: 0, doneAt: 310, readyAt: 250, lateSeconds: 60 };
    expect(lowerBound(400, [a, b], [{ name: 'AttachAll', startedAt: 0, seconds: 310 }])).toBe(370);
  });
});

describe('safety invariant', () => {
  const approved = [{ state: 'AwaitApproval', requestedAt: 10, decidedAt: 100, approved: true, decidedBy: 'ops', error: null }];

  it('flags an advertisement or a DNS cutover before the approval', () => {
    const calls = [call(50, 'AdvertiseByoipCidr', 'AdvertiseCidr'), call(60, 'ChangeResourceRecordSets', 'CutoverDns', ['dns-values-changed'])];
    expect(safetyViolations(calls, approved)).toHaveLength(2);
    expect(safetyViolations(calls, [])).toHaveLength(2);
  });

  it('allows them after the approval, TTL-only changes any time, and rollbacks', () => {
    const calls = [
      call(20, 'ChangeResourceRecordSets', 'LowerDnsTtl'),
      call(30, 'ChangeResourceRecordSets', 'UndoRoute53', ['dns-values-changed']),
      call(100, 'AdvertiseByoipCidr', 'AdvertiseCidr'),
      call(120, 'ChangeResourceRecordSets', 'CutoverDns', ['dns-values-changed']),
    ];
    expect(safetyViolations(calls, approved)).toEqual([]);
    const rejected = [{ ...approved[0], approved: false, error: 'ApprovalRejected' }];
    expect(safetyViolations(calls, rejected)).toHaveLength(2);
  });

  it('lets a swap back to the AWS ASN through without approval, but not a swap to a custom ASN', () => {
    const toAws = call(5, 'AdvertiseByoipCidr', 'AdvertiseWithAsn', ['origin-asn-to-aws']);
    const toCustom = call(6, 'AdvertiseByoipCidr', 'AdvertiseWithAsn', ['origin-asn-to-custom']);
    expect(safetyViolations([toAws], [])).toEqual([]);
    expect(safetyViolations([toCustom], [])).toHaveLength(1);
  });
});
