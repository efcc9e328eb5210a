/**
 * The benchmark's naive baseline (bench/naive.ts): every poll loop of every workflow waits exactly
 * 60 s, nothing else changes, and the rewritten onboarding still succeeds — just with more checks.
 * No timing assertions: the benchmark measures, the tests only check behaviour.
 */
import { naiveDefinition, pollLoops } from '../../bench/naive';
import { loadDefinition, runWorkflow } from '../../runner/local-runner';
import { prepareScenario, scenarioFor } from '../../runner/scenarios';
import { workflows } from '../../workflows';

type Json = any;

function statesOf(definition: Json): Array<[string, Json]> {
  const out: Array<[string, Json]> = [];
  const visit = (states: Record<string, Json>) => {
    for (const [name, s] of Object.entries(states)) {
      out.push([name, s]);
      if (s.Type === 'Map') visit((s.ItemProcessor ?? s.Iterator).States);
      if (s.Type === 'Parallel') for (const b of s.Branches) visit(b.States);
    }
  };
  visit(definition.States);
  return out;
}

describe('naive poll rewrite', () => {
  it.each(workflows.map((w) => w.name))('%s: every poll loop waits a fixed 60 s, every other state is unchanged', (name) => {
    const original = loadDefinition(name);
    const naive = naiveDefinition(original);
    const loops = pollLoops(original);
    expect(loops.length).toBeGreaterThan(0);
    const byName = new Map(statesOf(naive));
    const waits = new Set(loops.map((l) => l.wait));
    const checks = new Set(loops.map((l) => l.check));
    for (const l of loops) {
      expect(byName.get(l.wait)).toEqual({ Type: 'Wait', Seconds: 60, Next: l.check, ...(byName.get(l.wait).Comment ? { Comment: expect.any(String) } : {}) });
      const profile = byName.get(l.check).Parameters.profile;
      expect(profile).toMatchObject({ minDelaySeconds: 60, maxDelaySeconds: 60 });
    }
    for (const [n, s] of statesOf(original)) {
      if (waits.has(n)) continue;
      if (checks.has(n)) {
        const { profile: _a, ...rest } = s.Parameters;
        const { profile: _b, ...naiveRest } = byName.get(n).Parameters;
        expect(naiveRest).toEqual(rest);
        expect(byName.get(n).Parameters.profile.timeoutSeconds).toBe(s.Parameters.profile.timeoutSeconds);
        continue;
      }
      // Map/Parallel states contain rewritten loops; compare the leaves only.
      if (s.Type !== 'Map' && s.Type !== 'Parallel') expect(byName.get(n)).toEqual(s);
    }
    // The shipped definition is left alone.
    expect(loadDefinition(name)).toEqual(original);
  });

  it('the naive onboard-cloudfront-byoip still succeeds, spending more poll calls than our profiles', async () => {
    const name = 'onboard-cloudfront-byoip';
    const ours = await prepareScenario(scenarioFor(name));
    const { report: oursReport } = await runWorkflow({ workflow: name, input: ours.input, sim: ours.sim, approve: 'auto' });
    const naive = await prepareScenario(scenarioFor(name));
    const { report: naiveReport } = await runWorkflow({
      workflow: name,
      input: naive.input,
      sim: naive.sim,
      approve: 'auto',
      definition: naiveDefinition(loadDefinition(name)),
    });
    expect(oursReport.status).toBe('SUCCEEDED');
    expect(naiveReport.status).toBe('SUCCEEDED');
    expect(naiveReport.pollCalls).toBeGreaterThan(oursReport.pollCalls);
    // Every wait between two checks of one loop is 60 s in the naive run.
    const waits = naiveReport.states.filter((s) => s.type === 'Wait' && pollLoops(loadDefinition(name)).some((l) => l.wait === s.name));
    expect(waits.length).toBeGreaterThan(0);
    for (const w of waits) expect((w.exitedAt ?? 0) - w.enteredAt).toBe(60);
  });
});
