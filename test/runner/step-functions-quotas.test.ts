/**
 * Step Functions' quotas in the local runner, counted as AWS counts them (runner/history.ts): the events
 * each state type writes, 256 KiB per payload, 25,000 events per execution, 40 concurrent inline Map
 * iterations; and the workflows at the edges of their inputs stay within them.
 */
import { createSimulator } from '../../sim';
import { connectSimulator } from '../../sim/transport';
import { MAX_TEAMS_PER_EXECUTION, planVpcOriginShare, planVpcOriginTeardown } from '../../domain/vpc-origins';
import { HISTORY_LIMIT_CAUSE, STEP_FUNCTIONS_QUOTAS, type ExecutionHistory } from '../../runner/history';
import { loadDefinition, runWorkflow } from '../../runner/local-runner';
import { prepareScenario, scenarioFor } from '../../runner/scenarios';
import { acquireLock } from '../../platform/state-table';
import { generatedTeam, maxSizeTeam, shareInput, worldWithTeams } from '../support/vpc-origins';
import { EXAMPLES, exampleInput, exampleSim } from '../support/world';

const DAY = 86_400;
const { payloadBytes: PAYLOAD, historyEvents: EVENTS } = STEP_FUNCTIONS_QUOTAS;

/** Runs an ad-hoc definition (states calling two pure tasks) and returns the report and AWS-format history. */
async function runDefinition(definition: Record<string, unknown>, input: unknown = {}) {
  let history: ExecutionHistory | undefined;
  const { report } = await runWorkflow({
    workflow: 'quota-probe',
    definition,
    input,
    sim: exampleSim(),
    onStarted: (e) => {
      history = e.history;
    },
  });
  return { report, events: history!.page() };
}
const types = (events: Array<{ type?: string }>) => events.map((e) => e.type);
// PlanCompensation is pure and succeeds on this input; ValidateOnboardInput fails (InputInvalid) on it.
const OK_TASK = { Type: 'Task', Resource: '${PlanCompensationArn}', Parameters: { intents: {}, order: [], failure: {} }, ResultPath: null };
const FAILING_TASK = { Type: 'Task', Resource: '${ValidateOnboardInputArn}', Parameters: { input: {} }, ResultPath: null };

describe('the execution history, event for event as AWS writes it', () => {
  // Expected sequences: AWS's own histories as recorded by LocalStack's AWS-validated snapshot tests
  // (tests/aws/services/stepfunctions/v2: test_lambda_task, test_base_scenarios, test_callback, test_wait).
  it('Pass, Lambda Task (retried, then caught), Wait, Choice, Succeed', async () => {
    const { report, events } = await runDefinition({
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Next: 'T' },
        T: { ...OK_TASK, Next: 'F' },
        F: {
          ...FAILING_TASK,
          Retry: [{ ErrorEquals: ['InputInvalid'], IntervalSeconds: 1, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'W' }],
          Next: 'W',
        },
        W: { Type: 'Wait', Seconds: 5, Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$.error.Error', StringEquals: 'InputInvalid', Next: 'S' }], Default: 'S' },
        S: { Type: 'Succeed' },
      },
    });
    expect(report.status).toBe('SUCCEEDED');
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'TaskStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(report.stepFunctions.historyEvents).toBe(events.length);
    expect(events[11].lambdaFunctionFailedEventDetails?.error).toBe('InputInvalid');
  });

  it('Map: started, one start and one end per iteration, succeeded, exited; Parallel alike; Fail only enters', async () => {
    const { report, events } = await runDefinition(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemsPath: '$.items',
            MaxConcurrency: 1,
            ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
            ResultPath: null,
            Next: 'B',
          },
          B: { Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }], ResultPath: null, Next: 'Boom' },
          Boom: { Type: 'Fail', Error: 'Done', Cause: 'end of the probe' },
        },
      },
      { items: [1, 2] },
    );
    expect(report.status).toBe('FAILED');
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
      'PassStateEntered',
      'PassStateExited',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'PassStateEntered',
      'PassStateExited',
      'MapIterationSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'PassStateEntered',
      'PassStateExited',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    expect(events[2].mapStateStartedEventDetails).toEqual({ length: 2 });
  });

  it('a failed Map iteration aborts what still runs in the others', async () => {
    const { events } = await runDefinition(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemsPath: '$.items',
            ResultPath: null,
            End: true,
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
            ItemProcessor: {
              StartAt: 'Which',
              States: {
                Which: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 1, Next: 'Bad' }], Default: 'Slow' },
                Bad: { ...FAILING_TASK, End: true },
                Slow: { Type: 'Wait', Seconds: 600, End: true },
              },
            },
          },
          Done: { Type: 'Succeed' },
        },
      },
      { items: [2, 1] },
    );
    const t = types(events);
    expect(t).toContain('WaitStateAborted');
    expect(t).toContain('MapIterationAborted');
    expect(t.slice(t.indexOf('MapIterationFailed'))).toEqual([
      'MapIterationFailed',
      'WaitStateAborted',
      'MapIterationAborted',
      'MapStateFailed',
      'MapStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
  });
});

describe('256 KiB per payload (States.DataLimitExceeded, which States.ALL does not catch)', () => {
  // A Pass state that doubles a string: its output is 2 × the string plus the JSON around it.
  const doubling = {
    StartAt: 'Double',
    States: {
      Double: { Type: 'Pass', Parameters: { 'a.$': '$.s', 'b.$': '$.s' }, Next: 'Catchable' },
      Catchable: { ...OK_TASK, Parameters: { intents: {}, order: [], failure: {} }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
      Caught: { Type: 'Succeed' },
    },
  };
  const overhead = payloadBytesOf({ a: '', b: '' });
  const under = 'x'.repeat(Math.floor((PAYLOAD - overhead) / 2)); // output: the largest size the doubling reaches within the quota

  it('an output just within 262,144 bytes passes', async () => {
    const { report } = await runDefinition(doubling, { s: under });
    expect(report.status).toBe('SUCCEEDED');
    expect(report.stepFunctions.largestPayload).toEqual({ bytes: overhead + 2 * under.length, at: 'state Double output' });
    expect(overhead + 2 * under.length).toBeGreaterThan(PAYLOAD - 2);
  });

  it('two bytes more fail the execution, with nothing caught after it', async () => {
    const { report, events } = await runDefinition(doubling, { s: `${under}x` });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('States.DataLimitExceeded');
    expect(report.error?.cause).toBe("The state/task 'Double' has an output with a size exceeding the maximum number of bytes service limit.");
    expect(report.states.map((s) => s.name)).not.toContain('Caught');
    expect(types(events).slice(-2)).toEqual(['PassStateEntered', 'ExecutionFailed']);
  });

  it('a task whose input is over the quota fails the execution even under Catch States.ALL', async () => {
    const { report } = await runDefinition(
      {
        StartAt: 'T',
        States: {
          // The state's input is half the quota; its Parameters pass it twice to the function.
          T: {
            ...OK_TASK,
            Parameters: { intents: {}, order: [], 'failure.$': '$', 'again.$': '$' },
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Succeed' },
        },
      },
      { Cause: 'y'.repeat(PAYLOAD / 2) },
    );
    expect(report.error).toEqual({
      name: 'States.DataLimitExceeded',
      cause: "The state/task 'T' has an input with a size exceeding the maximum number of bytes service limit.",
    });
    expect(report.states.map((s) => s.name)).toEqual(['T']);
  });
});

function payloadBytesOf(v: unknown) {
  return Buffer.byteLength(JSON.stringify(v));
}

describe('25,000 history events', () => {
  // Pass + Choice write 4 events per lap; ExecutionStarted is the first event.
  const loop = (laps: number) => ({
    StartAt: 'Count',
    States: {
      Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Again' },
      Again: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: laps, Next: 'Count' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    },
  });

  it('the 25,000th event is the failure: States.Runtime, as AWS cuts it', async () => {
    const { report, events } = await runDefinition(loop(10_000), { n: 0 });
    expect(report.status).toBe('FAILED');
    expect(report.error).toEqual({ name: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE });
    expect(events).toHaveLength(EVENTS);
    expect(events[EVENTS - 1]).toMatchObject({
      id: EVENTS,
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: 'States.Runtime', cause: HISTORY_LIMIT_CAUSE },
    });
    expect(report.stepFunctions.historyEvents).toBe(EVENTS);
  });

  it('an execution that ends at event 24,996 succeeds', async () => {
    // 1 + 4 × 6,248 laps + Succeed (2) + ExecutionSucceeded (1) = 24,996
    const { report, events } = await runDefinition(loop(6_248), { n: 0 });
    expect(report.status).toBe('SUCCEEDED');
    expect(events).toHaveLength(24_996);
  });
});

it('an inline Map runs at most 40 iterations at once, whatever MaxConcurrency says', async () => {
  const { report } = await runDefinition(
    {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 0,
          ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } },
          ResultPath: null,
          End: true,
        },
      },
    },
    { items: Array.from({ length: 50 }, (_, i) => i) },
  );
  expect(report.status).toBe('SUCCEEDED');
  expect(report.virtualSeconds).toBe(20); // 40 at once, then 10
});

describe('the workflows at the edges of their inputs', () => {
  const figures: string[] = [];
  afterAll(() => process.stdout.write(`    Step Functions quota figures:\n${figures.map((f) => `      ${f}\n`).join('')}`));
  const note = (what: string, r: { status: string; stepFunctions: { historyEvents: number; largestPayload: { bytes: number; at: string } } }) =>
    figures.push(
      `${what}: ${r.status}, ${r.stepFunctions.historyEvents} events (${((100 * r.stepFunctions.historyEvents) / EVENTS).toFixed(1)} %), largest payload ${r.stepFunctions.largestPayload.bytes} B (${((100 * r.stepFunctions.largestPayload.bytes) / PAYLOAD).toFixed(1)} %) at ${r.stepFunctions.largestPayload.at}`,
    );

  it('a one-week BYOIP provisioning under the slow profile stays under 10 % of the event quota', async () => {
    // The slow profile multiplies every modelled duration by 4; provisioning takes the documented worst case, a week.
    const { sim, input } = await prepareScenario(scenarioFor('onboard-cloudfront-byoip'), {
      timingScale: 4,
      worldPatch: { timings: { byoipProvision: (7 * DAY) / 4 } },
    });
    const { report } = await runWorkflow({ workflow: 'onboard-cloudfront-byoip', input, sim, approve: 'auto' });
    note('onboard-cloudfront-byoip, one-week provisioning, slow profile', report);
    expect(report.status).toBe('SUCCEEDED');
    expect(report.phases.find((p) => p.name === 'AwaitTopLevelProvisioned')!.seconds).toBeGreaterThan(7 * DAY);
    expect(report.stepFunctions.historyEvents).toBeLessThan(0.1 * EVENTS);
    expect(report.stepFunctions.largestPayload.bytes).toBeLessThan(0.1 * PAYLOAD);
  });

  describe('vpc-origin-share with the longest fields its input accepts', () => {
    const teams = Array.from({ length: MAX_TEAMS_PER_EXECUTION }, (_, i) => maxSizeTeam(i + 1).input);
    const approvers = Array.from(
      { length: 20 },
      (_, i) => `a${String(i).padStart(2, '0')}${'a'.repeat(61)}@${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(57)}.com`,
    ); // local part 64, whole 254
    const input = shareInput(teams, { migrationId: 'm'.repeat(41), approvers });
    // The longest approver addresses the deployment may configure (an input only narrows the deployment's list).
    const world = () => {
      const w = worldWithTeams(MAX_TEAMS_PER_EXECUTION, {}, maxSizeTeam);
      return createSimulator({ ...w, deployment: { ...w.deployment, approvers, approverPrincipals: [] } }, EXAMPLES);
    };

    it('is accepted by the input schema (and one more team is not)', () => {
      expect(approvers[0]).toHaveLength(254);
      expect(teams[0].host).toHaveLength(253);
      expect(teams[0].pathPattern).toHaveLength(255);
      expect(() => planVpcOriginShare(input)).not.toThrow();
      expect(() => planVpcOriginShare({ ...input, teams: [...teams, generatedTeam(99).input] })).toThrow(/input\.teams: at most 20 teams per execution/);
      // The teardown polls each team's VPC origin deletion the same way.
      const teardown = (n: number) => ({
        ...exampleInput('vpc-origin-teardown'),
        teams: Array.from({ length: n }, (_, i) => {
          const t = generatedTeam(i + 1).input;
          return { name: t.name, accountId: t.accountId, roleArn: t.roleArn, albArn: t.albArn, host: t.host };
        }),
      });
      expect(() => planVpcOriginTeardown(teardown(MAX_TEAMS_PER_EXECUTION))).not.toThrow();
      expect(() => planVpcOriginTeardown(teardown(MAX_TEAMS_PER_EXECUTION + 1))).toThrow(/input\.teams: at most 20 teams per execution/);
    });

    it('succeeds within the payload quota', async () => {
      const { report } = await runWorkflow({ workflow: 'vpc-origin-share', input, sim: world(), approve: 'auto' });
      note(`vpc-origin-share, ${MAX_TEAMS_PER_EXECUTION} teams with the longest fields`, report);
      expect(report.status).toBe('SUCCEEDED');
      expect(report.stepFunctions.largestPayload.bytes).toBeLessThan(0.8 * PAYLOAD);
    });

    it('rolls back within the payload quota when the last change fails and the operator decides back', async () => {
      const sim = world();
      sim.faults.add('Route53:ChangeResourceRecordSets=AccessDenied');
      const { report } = await runWorkflow({ workflow: 'vpc-origin-share', input, sim, approve: 'auto', operator: 'back' });
      note(`vpc-origin-share, ${MAX_TEAMS_PER_EXECUTION} teams with the longest fields, compensated`, report);
      expect(report.error?.name).toBe('AwsRequestRejected');
      expect(report.states.some((s) => s.name === 'RolledBack')).toBe(true);
      expect(report.stepFunctions.largestPayload.bytes).toBeLessThan(0.8 * PAYLOAD);
    });
  });

  it('40 teams whose VPC origins take 1.8 h to deploy: two executions of 20, each within the quotas', async () => {
    const sim = createSimulator(worldWithTeams(40, { timings: { vpcOriginDeploy: 6_480 } }), EXAMPLES);
    const all = Array.from({ length: 40 }, (_, i) => generatedTeam(i + 1).input);
    const runs = await Promise.all(
      [0, 1].map((k) =>
        runWorkflow({
          workflow: 'vpc-origin-share',
          input: shareInput(all.slice(20 * k, 20 * k + 20), { migrationId: `forty-teams-${k}` }),
          sim,
          approve: 'auto',
        }),
      ),
    );
    for (const [k, { report }] of runs.entries()) {
      note(`vpc-origin-share, teams ${20 * k + 1}-${20 * k + 20} of 40, VPC origins deploying 1.8 h`, report);
      expect(report.status).toBe('SUCCEEDED');
      expect(report.stepFunctions.historyEvents).toBeLessThan(0.6 * EVENTS);
      expect(report.stepFunctions.largestPayload.bytes).toBeLessThan(0.5 * PAYLOAD);
    }
  }, 180_000);

  describe('an onboarding that waits for a lock cannot reach the 24-day execution timeout', () => {
    // Another onboarding holds one of the CIDRs for 6.5 days; provisioning then takes 7.5 days; nobody
    // answers the approval (10 days, the longest allowed). 6.5 + 7.5 + 10 days is past 24.
    const scenario = async (definition?: Record<string, unknown>) => {
      const sim = exampleSim({ timings: { byoipProvision: 7.5 * DAY } });
      const disconnect = connectSimulator(sim);
      try {
        await sim.clock.drive(() => acquireLock('byoip-cidr/198.18.0.0/24', 'an-earlier-onboarding', 6.5 * DAY, 'onboard-cloudfront-byoip'));
      } finally {
        disconnect();
      }
      const input = exampleInput('onboard-cloudfront-byoip', { waitForLocks: true, approval: { timeoutSeconds: 10 * DAY } });
      return (await runWorkflow({ workflow: 'onboard-cloudfront-byoip', input, sim, approve: 'none', definition })).report;
    };

    it("its waits stop at the execution's deadline and it rolls back", async () => {
      const report = await scenario();
      note('onboard-cloudfront-byoip waiting 6.5 d for a lock, then 7.5 d of provisioning', report);
      expect(report.status).toBe('FAILED');
      expect(report.error?.name).toBe('WaitTimedOut');
      expect(report.error?.cause).toMatch(/did not finish by .*: the execution must keep 264 h for what follows/);
      expect(report.states.some((s) => s.name === 'RolledBack')).toBe(true);
      // Stopped at day 13 (24 days less 10 for the approval, 1 for compensation); undoing waits for the
      // provisioning in flight to finish first, well inside the day kept for it.
      expect(report.virtualSeconds).toBeGreaterThan(13 * DAY);
      expect(report.virtualSeconds).toBeLessThan(15 * DAY);
    });

    it('without the deadlines the same run ends in States.Timeout, nothing undone', async () => {
      const definition = JSON.parse(JSON.stringify(loadDefinition('onboard-cloudfront-byoip')), (k, v) => (k === 'deadline' ? undefined : v));
      const report = await scenario(definition);
      expect(report.status).toBe('TIMED_OUT');
      expect(report.states.some((s) => s.name === 'RolledBack')).toBe(false);
    });
  });
});
