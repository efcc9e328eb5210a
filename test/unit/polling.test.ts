import { advancePoll, fixedInterval, nextPollDelay, PollProfiles } from '../../domain/polling';

describe('poll schedule', () => {
  it('keeps the detection delay within precision × (waited + expected), inside [min, max]', () => {
    const p = PollProfiles.byoipProvisioning;
    expect(nextPollDelay(0, p)).toBe(Math.round(p.precision * p.expectedSeconds));
    for (const elapsed of [600, 7200, 86_400, 7 * 86_400]) {
      const delay = nextPollDelay(elapsed, p);
      expect(delay).toBeLessThanOrEqual(p.precision * (elapsed + p.expectedSeconds) + 1);
      expect(delay).toBeGreaterThanOrEqual(p.minDelaySeconds);
      expect(delay).toBeLessThanOrEqual(p.maxDelaySeconds);
    }
  });

  it('detects a 24-hour provisioning within 5 % of its end with fewer than 40 checks', () => {
    const p = PollProfiles.byoipProvisioning;
    let t = 0;
    let checks = 1;
    while (t < 86_400) {
      t += nextPollDelay(t, p);
      checks++;
    }
    expect(checks).toBeLessThanOrEqual(40);
    expect(t - 86_400).toBeLessThanOrEqual(0.05 * 86_400);
  });

  it('a fixed-interval profile checks every N seconds', () => {
    const p = fixedInterval(60, 3600);
    expect([0, 59, 3600].map((t) => nextPollDelay(t, p))).toEqual([60, 60, 60]);
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
