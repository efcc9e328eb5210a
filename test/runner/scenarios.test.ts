/**
 * The rehearsal scenarios: every shipped workflow has one, and each runs to SUCCEEDED from a fresh
 * world (the sweep and the benchmarks build on them, so a broken one would hollow those out).
 */
import { prepareScenario, scenarios, workflowsWithoutScenario } from '../../runner/scenarios';
import { run } from '../support/world';

describe('rehearsal scenarios', () => {
  it('cover every workflow in workflows/index.ts', () => {
    expect(workflowsWithoutScenario()).toEqual([]);
  });

  it.each(scenarios.map((s) => [s.workflow, s]))(
    '%s succeeds from its prepared world',
    async (_name, scenario) => {
      const { sim, input } = await prepareScenario(scenario);
      const report = await run(sim, scenario.workflow, input);
      expect(report.error ?? null).toBeNull();
      expect(report.status).toBe('SUCCEEDED');
    },
    60_000,
  );

  it('scales every modelled duration for the fast/slow variants', async () => {
    const scenario = scenarios[0];
    const slow = await prepareScenario(scenario, { timingScale: 4 });
    const base = await prepareScenario(scenario);
    expect(slow.sim.world.timings.byoipProvision).toBe(base.sim.world.timings.byoipProvision * 4);
  });
});
