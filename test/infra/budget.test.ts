/**
 * Within CloudFormation's limits with room to grow (issue 18): every synthesized template (the parent,
 * each workflow family's nested stack, the team-access stack) within 80 % of each limit, and within half
 * of that, so the number of workflows can double. A template over 1,000,000 bytes is refused outright.
 */
import { BUDGET, figuresOf, overBudget } from '../../infra/budget';
import { FAMILIES } from '../../infra/families';
import { workflows } from '../../workflows';
import { synthTemplates } from './synth';

describe('template budgets', () => {
  const { templates } = synthTemplates();
  const figures = templates.map((t) => figuresOf(t.file, t.bytes, t.json));

  it('synthesizes the parent, one nested stack per workflow family, and the team-access stack', () => {
    expect(figures.filter((f) => f.file.endsWith('.nested.template.json'))).toHaveLength(Object.keys(FAMILIES).length);
    expect(figures.map((f) => f.file)).toEqual(expect.arrayContaining(['ByoipOrchestrator.template.json', 'ByoipOrchestratorTeamAccess.template.json']));
    // Every workflow is in a family (familyOf throws otherwise) and every family's workflows exist.
    expect(Object.values(FAMILIES).flat().sort()).toEqual(workflows.map((w) => w.name).sort());
  });

  it('keeps every template within 80 % of CloudFormation\'s limits (bytes, resources, outputs, parameters, mappings)', () => {
    expect(figures.flatMap((f) => overBudget(f))).toEqual([]);
  });

  it('leaves room to double the workflows: every template within half its budget', () => {
    expect(figures.flatMap((f) => overBudget(f, true))).toEqual([]);
  });

  it('fails a template over budget (the check can fail)', () => {
    const before = { file: 'ByoipOrchestrator.template.json (main at 88ed00c)', bytes: 1_125_463, resources: 371, outputs: 2, parameters: 1, mappings: 0 };
    expect(overBudget(before)).toEqual([`ByoipOrchestrator.template.json (main at 88ed00c): 1125463 bytes > ${BUDGET.bytes} (80 % of CloudFormation's 1000000)`]);
    expect(overBudget({ ...before, bytes: 500_000, resources: 250 }, true)).toEqual([
      'ByoipOrchestrator.template.json (main at 88ed00c): 500000 bytes > 400000 (half the budget, room to double)',
      'ByoipOrchestrator.template.json (main at 88ed00c): 250 resources > 200 (half the budget, room to double)',
    ]);
  });
});
