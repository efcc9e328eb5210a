/**
 * The committed ASL: valid, fresh, JSONPath only (the local engine can't run JSONata), wired to
 * catalogued tasks, with retries and catches everywhere, and undo implemented for every intent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator = require('asl-validator');
import { taskCatalog } from '../tasks/catalog';
import { renderAsl } from '../scripts/build-asl';
import { workflows } from '../workflows';
import { LAMBDA_TRANSIENT } from '../workflows/lib/builder';
import { UNDO_TASK_BY_SERVICE } from '../workflows/lib/undo-tasks';

const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

function allStates(def: any): Array<[string, any]> {
  const out: Array<[string, any]> = [];
  const visit = (states: Record<string, any>) => {
    for (const [name, s] of Object.entries(states)) {
      out.push([name, s]);
      if (s.Type === 'Map') visit((s.ItemProcessor ?? s.Iterator).States);
      if (s.Type === 'Parallel') s.Branches.forEach((b: any) => visit(b.States));
    }
  };
  visit(def.States);
  return out;
}

describe.each(workflows.map((w) => [w.name]))('%s', (name) => {
  const file = join(__dirname, '..', 'asl', `${name}.asl.json`);
  const text = readFileSync(file, 'utf8');
  const def = JSON.parse(text);
  const states = allStates(def);

  it('is valid ASL (asl-validator, ARN and path checks on)', () => {
    const result = aslValidator(JSON.parse(text));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('is what workflows/ generates (run npm run build:asl after changing a workflow)', () => {
    expect(text).toBe(renderAsl(name));
  });

  it('is JSONPath only: no JSONata, no variables', () => {
    expect(def.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    for (const [, s] of states) {
      expect(s.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
      expect(s.Assign).toBeUndefined();
      expect(s.Arguments).toBeUndefined();
      expect(JSON.stringify(s)).not.toContain('{%');
    }
  });

  it('calls only tasks in tasks/catalog.ts', () => {
    for (const [stateName, s] of states.filter(([, x]) => x.Type === 'Task')) {
      const ref = s.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken' ? s.Parameters.FunctionName : s.Resource;
      const m = /^\$\{(\w+)Arn\}$/.exec(ref);
      expect([stateName, m?.[1] && m[1] in taskCatalog]).toEqual([stateName, true]);
    }
  });

  it('arms no timer the local engine cannot (2^31-1 ms)', () => {
    expect(def.TimeoutSeconds ?? 0).toBeLessThanOrEqual(MAX_TIMER_SECONDS);
    for (const [, s] of states) {
      for (const k of ['TimeoutSeconds', 'HeartbeatSeconds', 'Seconds']) expect(s[k] ?? 0).toBeLessThanOrEqual(MAX_TIMER_SECONDS);
    }
  });

  it('retries Lambda service errors on every Task and catches the rest', () => {
    for (const [stateName, s] of states.filter(([, x]) => x.Type === 'Task')) {
      const retried = new Set((s.Retry ?? []).flatMap((r: any) => r.ErrorEquals));
      expect([stateName, LAMBDA_TRANSIENT.every((e) => retried.has(e))]).toEqual([stateName, true]);
    }
    const top = Object.entries(def.States).filter(([, s]: [string, any]) => s.Type === 'Task' || s.Type === 'Map');
    for (const [stateName, s] of top as Array<[string, any]>) {
      expect([stateName, (s.Catch ?? []).some((c: any) => c.ErrorEquals.includes('States.ALL'))]).toEqual([stateName, true]);
    }
  });

  it('has an undo implementation for every intent it records', () => {
    const actions = states.filter(([n, s]) => s.Type === 'Pass' && /^Intent/.test(n)).map(([, s]) => s.Parameters.action as string);
    for (const action of actions) {
      const service = action.split('.')[0];
      const mod = require(join(__dirname, '..', (taskCatalog as Record<string, string>)[UNDO_TASK_BY_SERVICE[service]]));
      expect([action, action in mod.undoActions]).toEqual([action, true]);
    }
  });

  it('takes and gives back leases only through the builder (one mechanism: holdLeases, sectionLease/underLease)', () => {
    const source = readFileSync(join(__dirname, '..', 'workflows', `${name}.ts`), 'utf8');
    expect(source).not.toMatch(/fn: '(AcquireLock|ReleaseLock)'|DynamoDB\.ReleaseLocks|\.states\.\w+ =/);
  });
});
