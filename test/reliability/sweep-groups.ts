/**
 * The reliability sweep split into two jest files so the two workers share it (each group is roughly
 * half the sweep's time). A test checks that together they cover every workflow.
 */
import { sweepWorkflow, summarize, summaryLine, type FaultResult } from '../../runner/fault-sweep';

export const SWEEP_GROUPS: Record<'a' | 'b', string[]> = {
  // Balanced on measured sweep times (npm run fault-sweep, one process): a ≈ 133 s, b ≈ 131 s.
  a: ['onboard-cloudfront-byoip', 'byoasn-onboard', 'asn-swap', 'vpc-origin-share'],
  b: ['teardown-cloudfront-byoip', 'static-ip-byoip', 'teardown-static-ip-byoip', 'byoasn-teardown', 'origin-ranges-sync', 'vpc-origin-teardown'],
};

const line = (r: FaultResult) => `${r.point.state} ${r.point.service}:${r.point.operation} ${r.kind} → ${r.outcome} (${r.status}) ${r.detail.join('; ')}`;

export function sweepTests(group: keyof typeof SWEEP_GROUPS): void {
  describe(`fault sweep (${group})`, () => {
    it.each(SWEEP_GROUPS[group].map((w) => [w]))(
      '%s: every AWS operation of every step, throttled, 5xx and denied, ends as the workflow promises',
      async (workflow) => {
        const results = await sweepWorkflow(workflow);
        const s = summarize(results);
        process.stdout.write(`    ${workflow}: ${summaryLine(s)}\n`);
        expect(results.filter((r) => r.outcome === 'unexpected').map(line)).toEqual([]);
        // Throttling, 5xx and lost responses are always retried to success, without duplicates.
        expect(results.filter((r) => ['throttle', 'server', 'lost'].includes(r.kind) && r.outcome !== 'recovered').map(line)).toEqual([]);
        // Left-overs only ever come with CompensationIncomplete, listing what is left.
        for (const r of results.filter((x) => x.outcome === 'left-over')) {
          expect(r.status).toBe('FAILED CompensationIncomplete');
          expect(r.detail.length).toBeGreaterThan(0);
        }
        expect(s.faultPoints).toBeGreaterThan(10);
      },
      600_000,
    );
  });
}
