import { advancePoll, nextPollDelay, PollProfiles } from '../../domain/polling';

describe('poll schedule', () => {
  it('checks quickly at first and keeps lateness within the profile precision later', () => {
    const p = PollProfiles.byoipProvisioning;
    expect(nextPollDelay(0, p)).toBe(p.minDelaySeconds);
    for (const elapsed of [600, 7200, 86_400]) {
      const delay = nextPollDelay(elapsed, p);
      expect(delay).toBeLessThanOrEqual(Math.max(p.minDelaySeconds, p.precision * elapsed) + 1);
      expect(delay).toBeLessThanOrEqual(p.maxDelaySeconds);
    }
  });

  it('counts attempts from the first check and times out with WaitTimedOut', () => {
    const p = PollProfiles.dnsChange;
    const first = advancePoll({ attempt: 0 }, 1_000_000, p, 'change');
    expect(first).toMatchObject({ attempt: 1, startedAt: 1_000_000, elapsedSeconds: 0 });
    const later = advancePoll(first, 1_000_000 + 30_000, p, 'change');
    expect(later).toMatchObject({ attempt: 2, elapsedSeconds: 30 });
    expect(() => advancePoll(first, 1_000_000 + (p.timeoutSeconds + 1) * 1000, p, 'DNS change C1')).toThrow(expect.objectContaining({ name: 'WaitTimedOut' }));
  });
});
