/**
 * Every change shown before approval (issue #16): the onboarding's approval message lists each
 * distribution setting it staged (anycast list, price class, IPv6) and each DNS record before → after,
 * with the plan's hash.
 */
import type { SnsState } from '../../sim/services/sns';
import { exampleInput, exampleSim, run } from '../support/world';

describe('the onboarding approval message', () => {
  it('lists distribution settings, DNS records before and after, and the plan hash', async () => {
    const sim = exampleSim();
    const report = await run(sim, 'onboard-cloudfront-byoip', exampleInput());
    expect(report.status).toBe('SUCCEEDED');
    const email = sim.state<SnsState>('sns').emails[0];
    const list = /distribution E1EXAMPLEAPI01 anycast IP list: none -> (aip_\w+)/.exec(email.body);
    expect(list).not.toBeNull();
    for (const id of ['E1EXAMPLEAPI01', 'E2EXAMPLEWWW02']) {
      expect(email.body).toContain(`distribution ${id} anycast IP list: none -> ${list![1]}`);
      expect(email.body).toContain(`distribution ${id} price class: PriceClass_100 -> PriceClass_All`);
      expect(email.body).toContain(`distribution ${id} IPv6: on -> off (AAAA answers stop)`);
    }
    expect(email.body).toMatch(/dns api\.example\.com\. A \(Z0EXAMPLE000001\): 198\.18\.0\.10 TTL 3600 -> [\d., ]+ TTL 60/);
    expect(email.body).toMatch(/dns www\.example\.com\. A \(Z0EXAMPLE000001\): 198\.18\.1\.20 TTL 300 -> [\d., ]+ TTL 60/);
    // The hash printed is the one the stored approval (and so VerifyApproval) holds.
    const hash = /Plan hash: +sha256 ([0-9a-f]{64})/.exec(email.body)?.[1];
    const stored = (sim.snapshot() as any).dynamodb.tables[0].items.filter((i: any) => String(i.pk.S).startsWith('APPROVAL#')).map((i: any) => i.planHash?.S);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).toContain(hash);
  });
});
