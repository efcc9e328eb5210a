/**
 * Every task pages through every list it reads (issue #19): with the simulator answering one item per
 * page, every rehearsal scenario ends exactly as with AWS's page sizes, in the same world.
 */
import { operatorView } from '../../runner/world-view';
import { prepareScenario, scenarios } from '../../runner/scenarios';
import { run } from '../support/world';

describe('one item per page', () => {
  it.each(scenarios.map((s) => [s.workflow, s]))('%s ends as with full pages, in the same world', async (_name, scenario) => {
    const full = await prepareScenario(scenario);
    const one = await prepareScenario(scenario, { worldPatch: { paging: { maxPageSize: 1 } } });
    const [a, b] = [await run(full.sim, scenario.workflow, full.input), await run(one.sim, scenario.workflow, one.input)];
    expect({ status: b.status, error: b.error?.name ?? null }).toEqual({ status: a.status, error: a.error?.name ?? null });
    expect(b.status).toBe('SUCCEEDED');
    expect(operatorView(one.sim)).toEqual(operatorView(full.sim));
    pages.push(b.awsCalls.length - a.awsCalls.length);
  });

  const pages: number[] = [];
  it('the lists really came in pages (more calls than with full pages)', () => {
    expect(pages).toHaveLength(scenarios.length);
    expect(pages.every((n) => n >= 0)).toBe(true);
    expect(pages.reduce((a, b) => a + b, 0)).toBeGreaterThan(scenarios.length);
  });
});
