/**
 * The simulator against the SDK's own models (issue #19): every call of every rehearsal scenario
 * (inputs the tasks send, outputs and errors the simulator answers) conforms to the operation's
 * schema, enums and declared errors as the installed client packages define them.
 */
import { ConformanceLog, errorProblems } from '../../sim/conformance';
import { clientModule, operationModel, probeInput, shapeProblems } from '../../sim/sdk-model';
import { client } from '../../platform/aws';
import { prepareScenario, scenarios } from '../../runner/scenarios';
import { exampleSim, run, within } from '../support/world';

const log = new ConformanceLog();

describe('every rehearsal scenario, checked call by call against the SDK models', () => {
  it.each(scenarios.map((s) => [s.workflow, s]))('%s', async (_name, scenario) => {
    const { sim, input } = await prepareScenario(scenario);
    sim.conformance = log;
    const report = await run(sim, scenario.workflow, input);
    expect(report.status).toBe('SUCCEEDED');
  });

  afterAll(() => {
    const rows = [...log.operations.entries()].sort(([a], [b]) => a.localeCompare(b));
    const count = (f: (t: (typeof rows)[number][1]) => boolean) => rows.filter(([, t]) => f(t)).length;
    console.log(
      `operations ${rows.length}: inputs ${count((t) => t.inputOk)}/${rows.length}, outputs ${count((t) => t.outputOk)}/${rows.length}, errors ${count((t) => t.errorsOk)}/${rows.length}\n${log.findings.map((f) => `${f.service}:${f.operation} ${f.kind} ${f.problem}`).join('\n')}`,
    );
  });
});

describe('every simulated operation, probed through the real SDK client', () => {
  const sim = exampleSim();
  const ops = sim.operations.filter((o) => operationModel(o.service, o.operation));

  it('the SDK knows every operation the simulator answers', () => {
    expect(sim.operations.filter((o) => !operationModel(o.service, o.operation)).map((o) => `${o.service}:${o.operation}`)).toEqual([]);
  });

  it.each(ops.map((o) => [`${o.service}:${o.operation}`, o]))('%s: for resources that do not exist, a declared error or a conforming answer', async (_k, o) => {
    const model = operationModel(o.service, o.operation)!;
    const outcome = await within(sim, () => send(o.service, o.operation, probeInput(o.service, model.input)));
    if ('error' in outcome) {
      expect(errorProblems(o.service, o.operation, outcome.error)).toEqual([]);
      const e = outcome.error as { name: string; message: string; $fault?: string };
      expect({ name: e.name, message: e.message.split('\n')[0], $fault: e.$fault }).toEqual({ name: e.name, message: expect.any(String), $fault: 'client' });
    } else {
      expect(shapeProblems(o.service, model.output, outcome.output)).toEqual([]);
    }
  });

  const paged = ops.filter((o) => operationModel(o.service, o.operation)!.paging);
  it.each(paged.map((o) => [`${o.service}:${o.operation}`, o]))("%s: a bad page token is the service's declared client error", async (_k, o) => {
    const model = operationModel(o.service, o.operation)!;
    const input = { ...probeInput(o.service, model.input), [model.paging!.inputToken]: 'not-a-page-token' };
    const outcome = await within(sim, () => send(o.service, o.operation, input));
    expect('error' in outcome).toBe(true);
    if (!('error' in outcome)) return;
    expect(errorProblems(o.service, o.operation, outcome.error)).toEqual([]);
    // The token's own error, or the parent's not-found when the probe names a parent that does not exist: never a 5xx.
    const e = outcome.error as { $fault?: string; $metadata?: { httpStatusCode?: number } };
    expect([e.$fault, Math.floor((e.$metadata?.httpStatusCode ?? 0) / 100)]).toEqual(['client', 4]);
  });
});

async function send(service: string, operation: string, input: Record<string, unknown>): Promise<{ output: unknown } | { error: unknown }> {
  const mod = clientModule(service)!;
  const Client = Object.values(mod).find((v) => typeof v === 'function' && /Client$/.test(v.name) && v.name.replace(/Client$/, '') === service) as new (
    c: unknown,
  ) => { send(c: unknown): Promise<unknown> };
  const c = client(Client as never, { region: service === 'GlobalAccelerator' ? 'us-west-2' : 'us-east-1' }) as unknown as {
    send(c: unknown): Promise<unknown>;
  };
  try {
    return { output: await c.send(new mod[`${operation}Command`](input)) };
  } catch (error) {
    return { error };
  }
}
