/**
 * byoip: run the workflows against the simulated AWS (rehearsals), validate inputs, list workflows.
 *   byoip simulate <workflow> [--input FILE [--world FILE]] [--approve auto|reject|prompt|none]
 *                  [--fault Operation=ErrorName[xN]]... [--report FILE]
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { errorMessage } from '../domain/compensation';
import { createSimulator, type Simulator } from '../sim';
import { VirtualClock } from '../sim/clock';
import { loadDefinition, runWorkflow, type ApprovalPolicy, type ApprovalRequest } from '../runner/local-runner';
import { formatDuration, formatPhases } from '../runner/report';
import { prepareScenario, scenarioFor } from '../runner/scenarios';
import { workflows, workflowByName } from '../workflows';
import { progressPrinter } from './progress';

const DEFAULT_WORLD = resolve(__dirname, '..', 'examples', 'world.json');

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/** `--approve prompt` on a terminal: the virtual clock stands still while the human reads. */
function terminalApprover(): ApprovalPolicy {
  return async (req: ApprovalRequest) => {
    const release = req.sim.clock.hold();
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const plan = req.payload.plan ?? {};
      process.stderr.write(`\n=== Approval requested: ${plan.title}\n`);
      for (const c of plan.changes ?? []) process.stderr.write(`  - ${c.kind} ${c.target}: ${c.from} → ${c.to}\n`);
      if (plan.prerequisite) process.stderr.write(`  ! ${plan.prerequisite}\n`);
      const answer = (await rl.question('Approve? Type "approve" to approve, anything else rejects: ')).trim();
      const who = process.env.USER ?? 'operator';
      release();
      if (answer === 'approve') await req.approve(`${who} (terminal)`, 'approved at the terminal');
      else await req.reject(`${who} (terminal)`, answer || 'rejected at the terminal');
    } finally {
      rl.close();
      release();
    }
  };
}

async function simulate(workflow: string, opts: { input?: string; world?: string; approve: string; fault: string[]; report?: string; quiet?: boolean; decisionDelay: string }): Promise<number> {
  workflowByName(workflow);
  let sim: Simulator;
  let input: unknown;
  if (opts.input) {
    input = readJson(opts.input);
    sim = createSimulator(resolve(opts.world ?? DEFAULT_WORLD));
  } else {
    // No input: the rehearsal scenario (its world, what must have happened before, its example input).
    const scenario = scenarioFor(workflow);
    if (opts.world) throw new Error('--world needs --input (without --input the scenario brings its own world)');
    process.stderr.write(`rehearsal scenario: ${scenario.description} (examples/${scenario.worldFile})\n`);
    ({ sim, input } = await prepareScenario(scenario));
  }
  for (const f of opts.fault) sim.faults.add(f);
  const approve: ApprovalPolicy = opts.approve === 'prompt' ? terminalApprover() : (opts.approve as ApprovalPolicy);
  const topLevel = new Set(Object.keys((loadDefinition(workflow) as { States: object }).States));
  const wallStart = Date.now();
  const { report } = await runWorkflow({
    workflow, input, sim, approve,
    decisionDelaySeconds: Number(opts.decisionDelay),
    onProgress: opts.quiet ? undefined : progressPrinter(process.stderr, topLevel),
  });
  const wall = (Date.now() - wallStart) / 1000;
  const err = process.stderr;
  err.write(`\n${workflow}: ${report.status} after ${formatDuration(report.virtualSeconds)} of virtual time (${wall.toFixed(2)} s wall, ${report.awsCalls.length} AWS calls)\n`);
  if (report.error) err.write(`  error: ${report.error.name}: ${errorMessage(report.error.cause)}\n`);
  err.write(`where the virtual time went:\n${formatPhases(report)}\n`);
  if (opts.report) {
    mkdirSync(dirname(resolve(opts.report)), { recursive: true });
    writeFileSync(opts.report, `${JSON.stringify(report, null, 2)}\n`);
    err.write(`report: ${opts.report}\n`);
  }
  if (report.status === 'SUCCEEDED') process.stdout.write(`${JSON.stringify(report.output, null, 2)}\n`);
  return report.status === 'SUCCEEDED' ? 0 : 1;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('byoip')
    .description('Rehearse and run BYOIP/BYOASN/CloudFront migrations as Step Functions workflows')
    .option('--verbose', 'show the tasks\' logs')
    .exitOverride();
  program.command('workflows').description('list the workflows').action(() => {
    for (const w of workflows) process.stdout.write(`${w.name.padEnd(28)} ${w.description}\n`);
  });
  program.command('simulate <workflow>')
    .description('run a workflow against the simulated AWS on a virtual clock (no AWS account, no network)')
    .option('-i, --input <file>', 'execution input (JSON); without it, the workflow\'s rehearsal scenario (runner/scenarios.ts)')
    .option('-w, --world <file>', `simulated world (JSON), with --input (default ${DEFAULT_WORLD})`)
    .addOption(new Option('-a, --approve <policy>', 'how the approval gate is answered').choices(['auto', 'reject', 'prompt', 'none']).default('auto'))
    .option('--decision-delay <seconds>', 'virtual seconds an auto/reject decision takes', '60')
    .option('-f, --fault <spec>', 'inject a fault: [Service:]Operation=ErrorName[xN][@after] (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('-r, --report <file>', 'write the JSON report (docs/simulation.md)')
    .option('-q, --quiet', 'no live progress')
    .action(async (workflow: string, opts) => {
      code = await simulate(workflow, opts);
    });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version') return 0;
    if (ce.exitCode !== undefined) return ce.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return code;
}

export { VirtualClock };
