import { abandonCurrent, advanceCompensation, errorMessage, planUndo, startCompensation } from '../../domain/compensation';
import { nextPollDelay, PollProfiles } from '../../domain/polling';

describe('compensation as data', () => {
  const intents = {
    pool: { action: 'EC2.DeletePool', label: 'delete pool', role: 'top-level' },
    cidrs: { action: 'EC2.DeprovisionPoolCidr', label: 'deprovision', each: ['a/24', 'b/24', 'c/24'], eachAs: 'cidr', except: ['b/24'], poolId: 'p1' },
    dns: { action: 'Route53.RestoreRecords', label: 'restore DNS', records: [] },
  };

  it('undoes newest first, fans out per element (last first) and skips what existed before', () => {
    const steps = planUndo(intents, ['pool', 'cidrs', 'dns', 'notRecordedYet']);
    expect(steps.map((s) => s.description)).toEqual(['restore DNS', 'deprovision (c/24)', 'deprovision (a/24)', 'delete pool']);
    expect(steps[1]).toMatchObject({ service: 'EC2', params: { cidr: 'c/24', poolId: 'p1' } });
  });

  it('walks the steps, waits between apply and check, and lists what could not be undone', () => {
    let s = startCompensation(planUndo(intents, ['pool', 'cidrs', 'dns']), { Error: 'ApprovalRejected', Cause: 'no' });
    expect(s).toMatchObject({ hasCurrent: true, service: 'Route53', waiting: false });
    s = advanceCompensation(s, { done: false, next: 'check', profile: PollProfiles.dnsChange }, 0);
    expect(s).toMatchObject({ waiting: true, nextDelaySeconds: nextPollDelay(0, PollProfiles.dnsChange), current: { phase: 'check' } });
    s = advanceCompensation(s, { done: true, note: 'INSYNC' }, 5000);
    expect(s.current?.description).toBe('deprovision (c/24)');
    s = abandonCurrent(s, { Error: 'AwsRequestRejected', Cause: JSON.stringify({ errorType: 'AwsRequestRejected', errorMessage: 'IncorrectState: nope' }) });
    s = advanceCompensation(s, { done: true }, 6000);
    s = advanceCompensation(s, { done: true }, 7000);
    expect(s).toMatchObject({ hasCurrent: false, leftoverCount: 1 });
    expect(JSON.parse(s.summary)).toEqual({
      error: 'ApprovalRejected',
      undone: ['restore DNS', 'deprovision (a/24)', 'delete pool'],
      leftOver: [
        {
          what: 'deprovision (c/24)',
          action: 'EC2.DeprovisionPoolCidr',
          params: { cidr: 'c/24', poolId: 'p1' },
          error: 'AwsRequestRejected: IncorrectState: nope',
        },
      ],
    });
  });

  it('reads Lambda-style and plain causes', () => {
    expect(errorMessage('{"errorType":"X","errorMessage":"boom","trace":[]}')).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
  });
});
