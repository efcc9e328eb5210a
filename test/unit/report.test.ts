/** The report's derived figures: poll lateness, the lower bound, the safety invariant. */
import {
  AFTER_FAILURE,
  failurePathStates,
  formatPhases,
  lowerBound,
  percentShares,
  phasesOf,
  pollLoops,
  safetyViolations,
  type AwsCallReport,
} from '../../runner/report';
import { formatRollback, runbookSection } from '../../runner/report-words';

const call = (at: number, operation: string, state: string, effects?: string[]): AwsCallReport => ({
  at,
  state,
  account: '1',
  region: 'r',
  service: operation === 'ChangeResourceRecordSets' ? 'Route53' : 'EC2',
  operation,
  input: {},
  error: null,
  effects,
});

describe('poll lateness and the lower bound', () => {
  const subject = JSON.stringify({ poolId: 'ipam-pool-0abc', cidrs: ['198.18.0.0/22'] });
  const checks = [
    { state: 'AwaitProvisioned', at: 100, subject, done: false },
    { state: 'AwaitProvisioned', at: 1100, subject, done: false },
    { state: 'AwaitProvisioned', at: 2500, subject, done: true },
  ];
  const poolCidr = [['ipam-pool-0abc', '198.18.0.0/22']];
  const transitions = [
    { at: 50, resource: 'pool-cidr:ipam-pool-0abc/198.18.0.0/22', keys: poolCidr, from: null, to: 'pending-provision' },
    { at: 2000, resource: 'pool-cidr:ipam-pool-0abc/198.18.0.0/22', keys: poolCidr, from: 'pending-provision', to: 'provisioned' },
    { at: 2400, resource: 'distribution:E1OTHER0000001', keys: [['E1OTHER0000001']], from: 'Deployed', to: 'InProgress' },
  ];

  it('finds when the awaited change happened from the resources the check asked about', () => {
    expect(pollLoops(checks, transitions)).toEqual([
      { state: 'AwaitProvisioned', subject, checks: 3, startedAt: 100, doneAt: 2500, readyAt: 2000, lateSeconds: 500 },
    ]);
  });

  it('ties a poll to a resource by every value of one of its keys, exactly (not by strings that contain each other)', () => {
    const pool = { at: 2300, resource: 'ipam-pool:ipam-pool-0abc', keys: [['ipam-pool-0abc']], from: 'create-in-progress', to: 'create-complete' };
    const otherCidr = {
      at: 2450,
      resource: 'pool-cidr:ipam-pool-0abc/198.18.0.0/2',
      keys: [['ipam-pool-0abc', '198.18.0.0/2']],
      from: 'pending-provision',
      to: 'provisioned',
    };
    // The pool itself (named by the check) counts; a CIDR the check did not name does not, though its strings overlap.
    expect(pollLoops(checks, [...transitions, pool, otherCidr])[0].readyAt).toBe(2300);
    // An ASN named as a number in the input, and one of two alternative keys (an accelerator by ARN or by name).
    const asn = [
      { state: 'AwaitAsn', at: 0, subject: JSON.stringify({ asn: 64496 }), done: false },
      { state: 'AwaitAsn', at: 90, subject: JSON.stringify({ asn: 64496 }), done: true },
    ];
    expect(pollLoops(asn, [{ at: 60, resource: 'byoasn:AS64496', keys: [['64496']], from: 'pending-provision', to: 'provisioned' }])[0].readyAt).toBe(60);
    const acc = [
      { state: 'AwaitGone', at: 0, subject: JSON.stringify({ acceleratorArn: 'arn:x' }), done: false },
      { state: 'AwaitGone', at: 90, subject: JSON.stringify({ acceleratorArn: 'arn:x' }), done: true },
    ];
    expect(pollLoops(acc, [{ at: 70, resource: 'accelerator:web', keys: [['arn:x'], ['web']], from: 'IN_PROGRESS', to: 'DELETED' }])[0].readyAt).toBe(70);
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

describe('where the time went, in words', () => {
  const definition = {
    StartAt: 'A',
    States: {
      A: { Type: 'Task', Next: 'Poll', Catch: [{ Next: 'Compensate' }] },
      Poll: { Type: 'Task', Next: 'PollDone', Catch: [{ Next: 'Compensate' }] },
      PollInit: { Type: 'Pass', Next: 'Poll' },
      PollDone: { Type: 'Choice', Choices: [{ Next: 'Release' }], Default: 'PollWait' },
      PollWait: { Type: 'Wait', Next: 'Poll' },
      Release: { Type: 'Task', Next: 'Done', Catch: [{ Next: 'ReleaseFailed' }] },
      ReleaseFailed: { Type: 'Pass', Next: 'Done' },
      Done: { Type: 'Succeed' },
      Compensate: { Type: 'Task', Next: 'NextUndo' },
      NextUndo: { Type: 'Choice', Choices: [{ Next: 'Undo' }], Default: 'RolledBack' },
      Undo: { Type: 'Task', Next: 'NextUndo' },
      RolledBack: { Type: 'Fail' },
    },
  };

  it('finds the failure path: reached only by a Catch and never back to the normal path', () => {
    expect([...failurePathStates(definition)].sort()).toEqual(['Compensate', 'NextUndo', 'RolledBack', 'Undo']);
  });

  const rec = (name: string, enteredAt: number, exitedAt: number) => ({ name, type: 'Task', enteredAt, exitedAt, status: 'SUCCEEDED' as const });
  it('partitions a failed run: phases plus the time after the failure make up the whole run', () => {
    const states = [
      rec('A', 0, 10),
      rec('PollInit', 10, 10),
      rec('Poll', 10, 11),
      rec('PollDone', 11, 11),
      rec('PollWait', 11, 100),
      rec('Poll', 100, 101),
      rec('Compensate', 101, 102),
      rec('NextUndo', 102, 102),
      rec('Undo', 102, 150),
      rec('NextUndo', 150, 150),
      rec('Undo', 150, 180),
      rec('RolledBack', 180, 180),
    ];
    const { phases, failedAt } = phasesOf(states, new Set(Object.keys(definition.States)), { failurePath: failurePathStates(definition), endedAt: 180 });
    expect(failedAt).toBe(101);
    expect(phases).toEqual([
      { name: 'A', startedAt: 0, seconds: 10 },
      { name: 'Poll', startedAt: 10, seconds: 91 },
      { name: AFTER_FAILURE, startedAt: 101, seconds: 79 },
    ]);
    const text = formatPhases({ phases, virtualSeconds: 180, compensation: { error: 'ResourceFailed', steps: [] } });
    expect(text.split('\n')).toEqual([
      expect.stringMatching(/^ {2}Poll\s+00:01:31\s+50\.5 %$/),
      expect.stringMatching(/^ {2}A\s+00:00:10\s+5\.6 %$/),
      expect.stringMatching(/^ {2}after the failure \(rollback\)\s+00:01:19\s+43\.9 %$/),
      expect.stringMatching(/^ {2}total\s+00:03:00\s+100\.0 %$/),
    ]);
  });

  it('rounds shares so they always add up to 100.0 %', () => {
    for (const values of [
      [1, 1, 1],
      [2, 3, 5, 7, 11, 13],
      [1e-3, 1e6, 7],
    ]) {
      expect(percentShares(values).reduce((a, b) => Math.round((a + b) * 10) / 10, 0)).toBe(100);
    }
    expect(percentShares([1, 1, 1])).toEqual([33.4, 33.3, 33.3]);
  });

  it('says what a rollback undid, left and could not undo, and which runbook section to read', () => {
    const compensation = {
      error: 'ResourceFailed',
      steps: [
        { description: 'withdraw 198.18.0.0/24', outcome: 'undone' as const, note: 'now provisioned' },
        { description: 'delete the anycast IP list', outcome: 'unchanged' as const, note: 'no list was created' },
        { description: 'deprovision 198.18.0.0/22', outcome: 'needs-attention' as const, error: 'AwsRequestRejected: denied' },
      ],
    };
    expect(formatRollback({ compensation })).toBe(
      [
        'rollback after ResourceFailed: undone: 1; left as it was: 1; needs attention: 1',
        '  undone:          withdraw 198.18.0.0/24',
        '  left as it was:  delete the anycast IP list (no list was created)',
        '  needs attention: deprovision 198.18.0.0/22 (AwsRequestRejected: denied)',
      ].join('\n'),
    );
    expect(formatRollback({ compensation: null })).toBeNull();
    const failed = (name: string, status: 'FAILED' | 'TIMED_OUT' = 'FAILED', workflow = 'onboard-cloudfront-byoip') =>
      runbookSection({ status, workflow, error: { name, cause: '' } });
    expect(failed('CompensationIncomplete')).toEqual({ link: 'docs/runbook.md#compensationincomplete', section: 'CompensationIncomplete' });
    expect(failed('QuotaExceeded', 'FAILED', 'byoasn-onboard')).toEqual({
      link: 'docs/runbook.md#what-each-error-means',
      section: 'What each error means, the QuotaExceeded row',
      workflowDoc: 'docs/byoasn.md',
    });
    expect(failed('States.Timeout', 'TIMED_OUT')?.link).toBe('docs/runbook.md#timed-out-timed-out-alarm');
    expect(failed('SomethingNew')?.link).toBe('docs/runbook.md#first-five-minutes');
    expect(runbookSection({ status: 'SUCCEEDED', workflow: 'x', error: null })).toBeNull();
  });
});
