/**
 * Chained rehearsals in one world: onboard → the operator's DNS change → teardown returns the world to
 * where it started; a world written after a run (--world-out) is a valid world a rehearsal continues
 * from with the same result; BYOASN on a CloudFront BYOIP CIDR is refused before anything runs.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BYOASN_WITH_CLOUDFRONT } from '../../domain/byoasn';
import { runWorkflow } from '../../runner/local-runner';
import { comparableWorld, differences, prepareRehearsal, readRehearsalFile, rehearse } from '../../runner/rehearsal';
import { createSimulator } from '../../sim';
import { worldOf, writeWorldFile } from '../../sim/world-out';
import { worldProblems } from '../../sim/world-schema';
import { byoipSync } from '../support/cli-process';
import { callShape, EXAMPLES, exampleInput } from '../support/world';

const STEPS = join(EXAMPLES, 'rehearsals', 'onboard-then-teardown.json');
const dir = mkdtempSync(join(tmpdir(), 'byoip-rehearsal-'));

describe('chained rehearsals', () => {
  it('onboard → DNS back → teardown ends with the world as it began', async () => {
    const { raw, baseDir } = readRehearsalFile(STEPS);
    const r = await rehearse(raw, { baseDir });
    expect(r.steps.map((s) => [s.label, s.status, s.ok])).toEqual([
      ['01 onboard-cloudfront-byoip', 'SUCCEEDED', true],
      ['02 Route53 ChangeResourceRecordSets', 'DONE', true],
      ['03 wait 3600 s', 'DONE', true],
      ['04 teardown-cloudfront-byoip', 'SUCCEEDED', true],
    ]);
    expect(r.worldDifferences).toEqual([]);
    expect(r.ok).toBe(true);
    // The teardown put back what the onboarding changed on the distributions, and its plan said so.
    const teardown = r.steps[3].report!;
    expect(teardown.approvals[0].plan?.changes?.find((c) => c.target === 'E1EXAMPLEAPI01')?.to).toBe(
      'no anycast list (CloudFront default IPs), PriceClass_100, IPv6 on as before the onboarding',
    );
    // The steps share one clock: the teardown started where the wait ended.
    expect(r.steps[3].startedAt).toBeCloseTo(r.steps[0].seconds + 3600, 0);
  });

  it('the same chain without giving the distributions their settings back is caught', async () => {
    const { raw, baseDir } = readRehearsalFile(STEPS);
    const plan = raw as any;
    const teardown = { ...exampleInput('teardown-cloudfront-byoip'), restoreDistributions: [] };
    const r = await rehearse({ ...plan, steps: [...plan.steps.slice(0, 3), { workflow: 'teardown-cloudfront-byoip', input: teardown }] }, { baseDir });
    expect(r.ok).toBe(false);
    expect(r.worldDifferences).toEqual([
      'world.cloudfront.distributions[0].config.PriceClass: "PriceClass_100" → "PriceClass_All"',
      'world.cloudfront.distributions[0].config.IsIPV6Enabled: true → false',
      'world.cloudfront.distributions[1].config.PriceClass: "PriceClass_100" → "PriceClass_All"',
      'world.cloudfront.distributions[1].config.IsIPV6Enabled: true → false',
    ]);
  });

  it('a world written after a run is valid, and the next workflow runs on it exactly as in the original world', async () => {
    const sim = createSimulator(join(EXAMPLES, 'world.json'));
    expect((await runWorkflow({ workflow: 'onboard-cloudfront-byoip', input: exampleInput(), sim, approve: 'auto' })).report.status).toBe('SUCCEEDED');
    const file = join(dir, 'onboarded', 'world.json');
    expect(writeWorldFile(sim, file)).toEqual([]);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(worldProblems(written)).toEqual([]);
    expect(written.cloudfront.anycastLists).toEqual([
      expect.objectContaining({ name: 'example-corp-edge', cidrs: expect.arrayContaining([expect.objectContaining({ cidr: '198.18.0.0/24' })]) }),
    ]);
    expect(written.registry.prefixes[0].rdapCertificate).toMatch(/^file:.*examples\/keys\/customer-rdap-certificate\.pem$/);
    expect(written.startTime).toBe(new Date(sim.clock.now()).toISOString());
    const continued = createSimulator(file);
    // Loading a world seeds ids of its own, so only where the ids continue differs.
    expect({ ...worldOf(continued).world, idSequence: 0 }).toEqual({ ...worldOf(sim).world, idSequence: 0 });
    // The same teardown in both worlds: same outcome, same calls, same world at the end.
    const teardown = exampleInput('teardown-cloudfront-byoip', { dnsRecordsToCheck: [] });
    const a = (await runWorkflow({ workflow: 'teardown-cloudfront-byoip', input: teardown, sim, approve: 'auto', executionName: 'teardown' })).report;
    const b = (await runWorkflow({ workflow: 'teardown-cloudfront-byoip', input: teardown, sim: continued, approve: 'auto', executionName: 'teardown' }))
      .report;
    expect(b.status).toBe('SUCCEEDED');
    expect(b.awsCalls.map(callShape)).toEqual(a.awsCalls.map(callShape));
    expect(differences(comparableWorld(worldOf(continued).world), comparableWorld(worldOf(sim).world))).toEqual([]);
  });

  it('refuses BYOASN on a CloudFront BYOIP CIDR: at plan time in a chain, and at the first read in the workflow', async () => {
    const byoasn = exampleInput('byoasn-onboard', { cidrs: ['198.18.1.0/24'] });
    const plan = {
      world: '../world.json',
      steps: [
        { workflow: 'onboard-cloudfront-byoip', input: '../onboard-cloudfront-byoip.input.json' },
        { workflow: 'byoasn-onboard', input: byoasn },
      ],
    };
    expect(() => prepareRehearsal(plan, join(EXAMPLES, 'rehearsals'))).toThrow(
      `the rehearsal cannot run:\n  rehearsal.steps[1]: 198.18.1.0/24 is also CloudFront BYOIP in step 01 onboard-cloudfront-byoip (198.18.1.0/24): ${BYOASN_WITH_CLOUDFRONT}`,
    );
    // Started anyway (no rehearsal to stop it), the workflow refuses before it changes anything.
    const sim = createSimulator(join(EXAMPLES, 'world.json'));
    await runWorkflow({ workflow: 'onboard-cloudfront-byoip', input: exampleInput(), sim, approve: 'auto' });
    const { report } = await runWorkflow({ workflow: 'byoasn-onboard', input: byoasn, sim, approve: 'auto' });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('InputInvalid');
    expect(report.error?.cause).toContain(`input.cidrs[0]: 198.18.1.0/24 is a CloudFront (anycast) BYOIP CIDR: ${BYOASN_WITH_CLOUDFRONT}`);
    expect(report.approvals).toEqual([]);
    expect(report.awsCalls.filter((c) => /^(Provision|Associate|Advertise)/.test(c.operation))).toEqual([]);
  });

  it('byoip rehearse writes a report per workflow step, the combined timeline and the world, and refuses a bad plan with exit 2', () => {
    const out = join(dir, 'cli');
    const steps = join(dir, 'steps.json');
    writeFileSync(
      steps,
      JSON.stringify({
        world: join(EXAMPLES, 'world.json'),
        steps: [
          { wait: 600, description: 'the change window opens' },
          { workflow: 'vpc-origin-teardown', input: join(EXAMPLES, 'vpc-origin-teardown.input.json') },
        ],
      }),
    );
    const res = byoipSync(['rehearse', steps, '--out', out, '--html', '--world-out', join(out, 'world.json'), '-q']);
    expect(res.status).toBe(0);
    expect(res.stderr).toMatch(/rehearsal: as expected; 2 of 2 steps ran in \d\d:\d\d:\d\d of virtual time/);
    const timeline = JSON.parse(readFileSync(join(out, 'timeline.json'), 'utf8'));
    expect(timeline.steps.map((s: any) => [s.step, s.kind, s.status, s.startedAt, s.report ?? null])).toEqual([
      [1, 'wait', 'DONE', 0, null],
      [2, 'workflow', 'SUCCEEDED', 600, '02-vpc-origin-teardown.json'],
    ]);
    expect(timeline.steps[1].phases[0]).toEqual({ name: 'Initialize', startedAt: 600, seconds: 0 });
    for (const f of ['02-vpc-origin-teardown.json', '02-vpc-origin-teardown.html', 'timeline.html']) expect(existsSync(join(out, f))).toBe(true);
    const world = JSON.parse(readFileSync(join(out, 'world.json'), 'utf8'));
    expect(worldProblems(world)).toEqual([]);
    expect(world.cloudfront.vpcOrigins.map((v: any) => v.id)).not.toContain('vo_TeamC0Example01');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ world: join(EXAMPLES, 'world.json'), steps: [{ workflow: 'onboard-cloudfront-byiop', input: {} }] }));
    const refused = byoipSync(['rehearse', bad, '-q']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/the rehearsal cannot run:\n {2}rehearsal\.steps\[0\]\.workflow: unknown workflow "onboard-cloudfront-byiop"/);
  });
});
