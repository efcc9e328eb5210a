/**
 * `byoip start`, `watch` and `status` as an operator runs them against AWS, here against the
 * simulator's Step Functions API (sim/services/stepfunctions/) through the same SDK clients: the
 * history `watch` reads is the runner's, in AWS's event format, paged.
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { main, VirtualClock } from '../cli/main';
import { progressPrinter } from '../cli/progress';
import type { Simulator } from '../sim';
import { executionsSettled } from '../sim/services/stepfunctions';
import { connectSimulator } from '../sim/transport';
import { loadDefinition, runWorkflow } from '../runner/local-runner';
import { formatDuration, formatPhases } from '../runner/report';
import { client } from '../platform/aws';
import { exampleInput, exampleSim } from './support/world';

const INPUT = 'examples/onboard-cloudfront-byoip.input.json';
const ARN = 'arn:aws:states:us-east-1:111122223333:execution:byoip-onboard-cloudfront-byoip:chg-42';

/** Runs `byoip <args>` in this process; returns its exit code and what it printed. */
async function byoip(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c) => {
    out.push(String(c));
    return true;
  });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c) => {
    err.push(String(c));
    return true;
  });
  try {
    const code = await main(['node', 'byoip', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** A simulated account with the orchestrator deployed; the CLI's SDK clients reach it while connected. */
function account(patch?: Record<string, unknown>): { sim: Simulator; done: () => Promise<void> } {
  const sim = exampleSim(patch);
  const disconnect = connectSimulator(sim);
  return { sim, done: () => executionsSettled(sim, { stop: true }).then(disconnect) };
}

/** Waits in real time (Date is virtual while an execution runs). */
async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 30_000) {
  const end = performance.now() + ms;
  while (!(await ok())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await VirtualClock.realDelay(20);
  }
}

describe('byoip start + watch', () => {
  it('starts the deployed state machine and follows it with the progress and time breakdown of a rehearsal', async () => {
    // The rehearsal of the same execution, for comparison.
    const rehearsal = exampleSim({ stepFunctions: { approvals: 'auto' } });
    const printed: string[] = [];
    const topLevel = new Set(Object.keys((loadDefinition('onboard-cloudfront-byoip') as { States: object }).States));
    const sink = {
      isTTY: false,
      write: (s: string) => {
        printed.push(s);
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    const { report } = await runWorkflow({
      workflow: 'onboard-cloudfront-byoip',
      input: exampleInput(),
      sim: rehearsal,
      approve: 'auto',
      executionName: 'chg-42',
      onProgress: progressPrinter(sink, topLevel),
    });

    const { sim, done } = account({ stepFunctions: { approvals: 'auto' } });
    try {
      const started = await byoip('start', 'onboard-cloudfront-byoip', '-i', INPUT, '--name', 'chg-42');
      expect(started).toMatchObject({ code: 0, stdout: `${ARN}\n` });
      expect(started.stderr).toMatch(/^started 2026-12-01T08:00:00\.000Z; follow it with: byoip watch arn:aws:states:/);
      const watched = await byoip('watch', ARN, '--interval', '0.05');
      expect(watched.code).toBe(0);
      const [header, ...body] = watched.stderr.split('\n');
      expect(header).toBe('chg-42 (byoip-onboard-cloudfront-byoip), started 2026-12-01T08:00:00.000Z');
      const progress = body.join('\n');
      expect(progress.startsWith(printed.join(''))).toBe(true); // line for line what the rehearsal printed
      expect(progress).toContain(`\nchg-42: SUCCEEDED after ${formatDuration(report.virtualSeconds)} (${report.stepFunctions.historyEvents} history events)\n`);
      expect(progress).toContain(`where the time went:\n${formatPhases(report)}\n`);
      // The history is AWS's: paged, counted as the report counts it.
      const sfn = client(SFNClient, { region: 'us-east-1' });
      const pages = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn: ARN, maxResults: 400, nextToken }));
        pages.push(page.events ?? []);
        nextToken = page.nextToken;
      } while (nextToken);
      const events = pages.flat();
      expect(pages.length).toBeGreaterThan(2);
      expect(pages.slice(0, -1).every((p) => p.length === 400)).toBe(true);
      expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
      expect(events).toHaveLength(report.stepFunctions.historyEvents);
      expect(events[0]).toMatchObject({ type: 'ExecutionStarted' });
      expect(events.at(-1)).toMatchObject({ type: 'ExecutionSucceeded' });
      expect(await sfn.send(new DescribeExecutionCommand({ executionArn: ARN }))).toMatchObject({ status: 'SUCCEEDED', name: 'chg-42' });
      // A finished execution read again, by workflow and name, without following.
      const again = await byoip('watch', 'onboard-cloudfront-byoip/chg-42', '--no-follow');
      expect(again.stderr).toBe(watched.stderr);
      // Execution names are single-use.
      const twice = await byoip('start', 'onboard-cloudfront-byoip', '-i', INPUT, '--name', 'chg-42').catch((e: Error) => e);
      expect(String(twice)).toMatch(/ExecutionAlreadyExists/);
      expect(sim.calls.filter((c) => c.operation === 'StartExecution' && !c.error)).toHaveLength(1);
    } finally {
      await done();
    }
  }, 60_000);

  it('refuses what AWS would refuse before calling StartExecution: bad input, a bad name, a workflow not deployed', async () => {
    const { sim, done } = account({ stepFunctions: { stateMachines: ['vpc-origin-share'] } });
    try {
      const badInput = await byoip('start', 'vpc-origin-share', '-i', 'examples/onboard-cloudfront-byoip.input.json').catch((e: Error) => e);
      expect(String(badInput)).toMatch(/InputInvalid|vpc-origin-share input is invalid:\n.*input\.networkingAccountId/s);
      const badName = await byoip('start', 'vpc-origin-share', '-i', 'examples/vpc-origin-share.input.json', '--name', 'CHG 42').catch((e: Error) => e);
      expect(String(badName)).toMatch(/--name "CHG 42": execution names are 1-80 characters without whitespace/);
      const notDeployed = await byoip('start', 'onboard-cloudfront-byoip', '-i', INPUT).catch((e: Error) => e);
      expect(String(notDeployed)).toMatch(/state machine byoip-onboard-cloudfront-byoip is not deployed in us-east-1/);
      expect(sim.calls.filter((c) => c.operation === 'StartExecution')).toEqual([]);
    } finally {
      await done();
    }
  });
});

it('StopExecution aborts a running execution, which then reads ABORTED', async () => {
  const { sim, done } = account();
  try {
    const arn = (await byoip('start', 'vpc-origin-share', '-i', 'examples/vpc-origin-share.input.json', '--name', 'stop-me')).stdout.trim();
    const sfn = client(SFNClient, { region: 'us-east-1' });
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    await sfn.send(new StopExecutionCommand({ executionArn: arn }));
    await until('the abort', async () => (await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status !== 'RUNNING');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('ABORTED');
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 1 }));
    expect(history.events?.[0].type).toBe('ExecutionAborted');
    expect(sim.calls.some((c) => c.operation === 'StopExecution' && !c.error)).toBe(true);
  } finally {
    await done();
  }
});

describe('byoip status', () => {
  it('shows recent executions per workflow and the approval a running one waits for; decided, it finishes', async () => {
    const { sim, done } = account();
    try {
      await byoip('start', 'onboard-cloudfront-byoip', '-i', INPUT, '--name', 'chg-43');
      await until('the approval request', () => sim.taskTokens.pending().some((t) => t.stateName === 'AwaitApprovalDecision'));
      const status = await byoip('status');
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^onboard-cloudfront-byoip:\n {2}RUNNING {3}chg-43 {2}started 2026-12-01T08:00:00Z\n/);
      expect(status.stdout).toMatch(/\nvpc-origin-share: no executions\n/);
      const approvalId = /\n {2}(apr-[0-9a-f]{24}) {2}onboard-cloudfront-byoip {2}chg-43 {2}expires/.exec(status.stdout)?.[1];
      expect(approvalId).toBeDefined();
      // `byoip approve` proves who decides with the caller's AWS credentials (a simulated principal of the example world).
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'ASIASIMULATEDONCALL1', AWS_SECRET_ACCESS_KEY: 'simulated-secret-netops-oncall-0001' });
      try {
        expect((await byoip('approve', approvalId!, '--as', 'netops-oncall@example.com', '--reason', 'CHG-43 window open', '--confirm')).code).toBe(0);
      } finally {
        delete process.env.AWS_ACCESS_KEY_ID;
        delete process.env.AWS_SECRET_ACCESS_KEY;
      }
      const watched = await byoip('watch', 'onboard-cloudfront-byoip/chg-43', '--interval', '0.05');
      expect(watched.code).toBe(0);
      expect(watched.stderr).toMatch(/⏸ {2}approval requested: Advertise 198\.18\.0\.0\/24/);
      expect(watched.stderr).toMatch(/\nchg-43: SUCCEEDED after /);
      const after = await byoip('status', '--limit', '1');
      expect(after.stdout).toMatch(
        /^onboard-cloudfront-byoip:\n {2}SUCCEEDED chg-43 {2}started 2026-12-01T08:00:00Z, ended 2026-12-01T\d\d:\d\d:\d\dZ after \d\d:\d\d:\d\d\n/,
      );
      expect(after.stdout).toMatch(/pending approvals:\n {2}no pending approvals\n$/);
    } finally {
      await done();
    }
  }, 60_000);
});
