/**
 * byoip: run the workflows against the simulated AWS (rehearsals), list workflows, decide approvals.
 *   byoip simulate <workflow> [--input FILE [--world FILE]] [--approve auto|reject|prompt|none]
 *                  [--fault Operation=ErrorName[xN]]... [--skip-preflight [REASON]] [--report FILE] [--html FILE]
 *                  [--world-out FILE]
 *   byoip report REPORT.json [--html FILE]          byoip rehearse STEPS.json [--out DIR] [--html] [--world-out FILE]
 *   byoip serve [--world FILE] [--port N] [--speed X]    (the simulator as an HTTP endpoint, cli/serve.ts)
 *   byoip snapshot --region R [--profile P] --cidrs … --distributions … --zones … [--base FILE] [--out FILE]
 *   byoip approvals [--sim]                 byoip approve|reject <id> --reason TEXT [--as EMAIL] [--sim]
 *   byoip start <workflow> -i INPUT [--name N]   byoip watch <execution>   byoip status
 *   byoip doctor [--cidr CIDR [--asn ASN]] ... (cli/real-commands.ts, cli/doctor-internet.ts)
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { OPERATOR_DECISIONS, type OperatorDecision } from '../domain/approval';
import { errorMessage } from '../domain/compensation';
import { createSimulator, type Simulator } from '../sim';
import { VirtualClock } from '../sim/clock';
import { startApprovalServer, type ApprovalServer } from '../runner/approval-server';
import { loadDefinition, runWorkflow, type ApprovalPolicy, type ApprovalRequest } from '../runner/local-runner';
import { failurePathStates, formatDuration, formatInternetEvidence, formatStepFunctionsFigures, type SimulationReport } from '../runner/report';
import { mergeJson, prepareScenario, readExample, scenarioFor } from '../runner/scenarios';
import { checkFault, parseFault } from '../sim/faults';
import { isInternetFault, withInternetFaults } from '../sim/internet/world';
import { workflows, workflowByName } from '../workflows';
import { decide, describeOutcome, formatPending, pendingApprovals, type Target } from './approvals';
import { closingWords, progressPrinter } from './progress';
import { registerRealCommands } from './real-commands';
import { registerRehearseCommand } from './rehearse';
import { registerReportCommand, writeHtmlReport } from './report-command';
import { registerPlanCommand } from './plan';
import { registerServeCommand } from './serve';
import { registerSnapshotCommand } from './snapshot';
import { writeWorldFile } from '../sim/world-out';

const DEFAULT_WORLD = resolve(__dirname, '..', 'examples', 'world.json');

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * `--approve prompt`: the approval page is served on 127.0.0.1 and the emailed link printed; virtual
 * time stands still until someone decides on the page (or with `byoip approve|reject --sim`).
 */
function pageApprover(server: ApprovalServer): ApprovalPolicy {
  return async (req: ApprovalRequest) => {
    const release = req.sim.clock.hold();
    const err = process.stderr;
    try {
      const plan = req.payload.plan ?? {};
      err.write(`\n=== Approval requested: ${plan.title}\n`);
      for (const c of plan.changes ?? []) err.write(`  - ${c.kind} ${c.target}: ${c.from} → ${c.to}\n`);
      if (plan.prerequisite) err.write(`  ! ${plan.prerequisite}\n`);
      if (plan.confirm) err.write(`  approving confirms: ${plan.confirm} (byoip approve ... --confirm)\n`);
      err.write(`Open the emailed link to decide (virtual time stands still meanwhile):\n  ${req.link() ?? '(no approval email was published)'}\n`);
      err.write(`or from another terminal, with an approver's simulated credentials: byoip approve|reject ${req.approvalId} --sim --reason "..."\n`);
      while (req.sim.taskTokens.pending().some((t) => t.token === req.task.token)) await VirtualClock.realDelay(100);
      err.write(`=== Decided; the rehearsal goes on (approval page: ${server.url}).\n`);
    } finally {
      release();
    }
  };
}

/** Workflows with internet checks (a pre-flight and a visibility watch): they take internetChecks in their input. */
const WITH_INTERNET_CHECKS = new Set(['onboard-cloudfront-byoip', 'static-ip-byoip', 'byoasn-onboard']);

/** Every state of a definition, inside Maps and Parallels too (what `--fault State/...` may name). */
type StatesOf = Record<string, { ItemProcessor?: { States: StatesOf }; Iterator?: { States: StatesOf }; Branches?: Array<{ States: StatesOf }> }>;
function allStateNames(states: StatesOf): string[] {
  return Object.entries(states).flatMap(([name, st]) => [
    name,
    ...[st.ItemProcessor ?? st.Iterator, ...(st.Branches ?? [])].filter((b) => b !== undefined).flatMap((b) => allStateNames(b.States)),
  ]);
}

async function simulate(
  workflow: string,
  opts: {
    input?: string;
    world?: string;
    approve: string;
    operator?: OperatorDecision;
    fault: string[];
    report?: string;
    quiet?: boolean;
    decisionDelay: string;
    approvalPort?: string;
    skipPreflight?: string | boolean;
    html?: string;
    worldOut?: string;
  },
): Promise<number> {
  workflowByName(workflow);
  let sim: Simulator;
  let input: unknown;
  // Faults of the simulated internet change the world (a missing ROA fails AWS's verification too).
  const internetFaults = opts.fault.filter(isInternetFault);
  if (opts.input) {
    input = readJson(opts.input);
    const worldFile = resolve(opts.world ?? DEFAULT_WORLD);
    sim = createSimulator(withInternetFaults(readJson(worldFile), internetFaults), dirname(worldFile));
  } else {
    // No input: the rehearsal scenario (its world, what must have happened before, its example input).
    const scenario = scenarioFor(workflow);
    if (opts.world) throw new Error('--world needs --input (without --input the scenario brings its own world)');
    process.stderr.write(`rehearsal scenario: ${scenario.description} (examples/${scenario.worldFile})\n`);
    const worldPatch = internetFaults.length
      ? { internet: { faults: withInternetFaults(readExample(scenario.worldFile), internetFaults).internet.faults } }
      : undefined;
    ({ sim, input } = await prepareScenario(scenario, { worldPatch }));
  }
  if (opts.skipPreflight !== undefined) {
    if (!WITH_INTERNET_CHECKS.has(workflow))
      throw new Error(`--skip-preflight: ${workflow} has no internet checks (only ${[...WITH_INTERNET_CHECKS].join(', ')})`);
    const reason = typeof opts.skipPreflight === 'string' ? opts.skipPreflight : 'byoip simulate --skip-preflight';
    input = mergeJson(input, { internetChecks: { skipPreflight: true, reason } });
  }
  const definition = loadDefinition(workflow) as Parameters<typeof failurePathStates>[0];
  const states = allStateNames(definition.States as StatesOf);
  for (const f of opts.fault.filter((x) => !isInternetFault(x))) {
    const rule = parseFault(f);
    checkFault(rule, { operations: sim.operations, states });
    sim.faults.add(rule);
  }
  const topLevel = new Set(Object.keys(definition.States));
  // The page is served before the run starts, so its sockets keep real timers.
  const server =
    opts.approve === 'prompt' ? await startApprovalServer(sim, { port: opts.approvalPort ? Number(opts.approvalPort) : undefined, workflow }) : undefined;
  if (server) process.env.APPROVAL_BASE_URL = server.url;
  const approve: ApprovalPolicy = server ? pageApprover(server) : (opts.approve as ApprovalPolicy);
  const wallStart = Date.now();
  let report: SimulationReport;
  try {
    ({ report } = await runWorkflow({
      workflow,
      input,
      sim,
      approve,
      operator: opts.operator,
      decisionDelaySeconds: Number(opts.decisionDelay),
      onProgress: opts.quiet ? undefined : progressPrinter(process.stderr, topLevel, failurePathStates(definition)),
    }));
  } finally {
    await server?.close();
  }
  const wall = (Date.now() - wallStart) / 1000;
  const err = process.stderr;
  err.write(
    `\n${workflow}: ${report.status} after ${formatDuration(report.virtualSeconds)} of virtual time (${wall.toFixed(2)} s wall, ${report.awsCalls.length} AWS calls)\n`,
  );
  if (report.error) err.write(`  error: ${report.error.name}: ${errorMessage(report.error.cause)}\n`);
  err.write(`${formatStepFunctionsFigures(report)}\n`);
  const evidence = formatInternetEvidence(report);
  if (evidence) err.write(`evidence from the internet:\n${evidence}\n`);
  if (opts.report) {
    mkdirSync(dirname(resolve(opts.report)), { recursive: true });
    writeFileSync(opts.report, `${JSON.stringify(report, null, 2)}\n`);
    err.write(`report: ${opts.report}\n`);
  }
  if (opts.html) {
    writeHtmlReport(opts.html, report);
    err.write(`html: ${opts.html}\n`);
  }
  if (opts.worldOut) {
    for (const n of writeWorldFile(sim, opts.worldOut)) err.write(`  note: ${n}\n`);
    err.write(`world: ${opts.worldOut} (continue from here: --world ${opts.worldOut})\n`);
  }
  err.write(closingWords(report));
  if (report.status === 'SUCCEEDED') process.stdout.write(`${JSON.stringify(report.output, null, 2)}\n`);
  return report.status === 'SUCCEEDED' ? 0 : 1;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('byoip')
    .description('Rehearse and run BYOIP/BYOASN/CloudFront migrations as Step Functions workflows')
    .option('--verbose', "show the tasks' logs")
    .exitOverride();
  program
    .command('workflows')
    .description('list the workflows')
    .action(() => {
      for (const w of workflows) process.stdout.write(`${w.name.padEnd(28)} ${w.description}\n`);
    });
  program
    .command('simulate <workflow>')
    .description('run a workflow against the simulated AWS on a virtual clock (no AWS account, no network)')
    .option('-i, --input <file>', "execution input (JSON); without it, the workflow's rehearsal scenario (runner/scenarios.ts)")
    .option('-w, --world <file>', `simulated world (JSON), with --input (default ${DEFAULT_WORLD})`)
    .addOption(new Option('-a, --approve <policy>', 'how the approval gate is answered').choices(['auto', 'reject', 'prompt', 'none']).default('auto'))
    .addOption(
      new Option(
        '--operator <decision>',
        'the answer to an operator decision (a step failed after the point of no return); without it the run ends waiting for one',
      ).choices([...OPERATOR_DECISIONS]),
    )
    .option('--decision-delay <seconds>', 'virtual seconds an auto/reject decision takes', '60')
    .option('--approval-port <port>', 'port of the local approval page for --approve prompt (default: any free port)')
    .option(
      '-f, --fault <spec>',
      'inject a fault: [Service:]Operation=ErrorName[xN][@after], or Internet:<Rdap|Rpki|Bgp|All>=<Fault>[xN] (repeatable; docs/simulation.md)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--skip-preflight [reason]', "skip this run's internet checks (RDAP, RPKI, BGP); recorded and shown to the approvers")
    .option('-r, --report <file>', 'write the JSON report (docs/simulation.md)')
    .option('--html <file>', 'write the report as one self-contained HTML page')
    .option('--world-out <file>', 'write the world as the run left it (a world file another rehearsal can start from)')
    .option('-q, --quiet', 'no live progress')
    .action(async (workflow: string, opts) => {
      code = await simulate(workflow, opts);
    });
  registerReportCommand(program, (c) => {
    code = c;
  });
  registerRehearseCommand(program, (c) => {
    code = c;
  });
  registerSnapshotCommand(program, (c) => {
    code = c;
  });
  registerServeCommand(program, (c) => {
    code = c;
  });
  registerPlanCommand(program, (c) => {
    code = c;
  });
  const where = (c: Command) =>
    c
      .option('--sim', 'the simulation running on this machine (byoip simulate --approve prompt), not AWS')
      .option('--region <region>', 'AWS region of the orchestrator (default: AWS_REGION)')
      .option('--table <name>', 'state table (default: STATE_TABLE_NAME or byoip-orchestrator-state)')
      .option('--api <url>', "the approval page's API (the stack output ApprovalPageUrl; default: BYOIP_APPROVAL_API)");
  where(program.command('approvals').description('list pending approvals'))
    .option('--json', 'machine-readable output')
    .action(async (opts: Target & { json?: boolean }) => {
      const { pending, now } = await pendingApprovals(opts);
      process.stdout.write(opts.json ? `${JSON.stringify(pending, null, 2)}\n` : formatPending(pending, now));
    });
  for (const verb of ['approve', 'reject'] as const) {
    where(program.command(`${verb} <approvalId>`).description(`${verb} a pending approval (recorded with who, when and why)`))
      .option('--as <email>', 'who you expect to decide as; refused unless your AWS credentials map to that approver')
      .requiredOption('--reason <text>', 'why; recorded with the decision')
      .option('--confirm', 'approve: you confirm what the plan asks (e.g. the old provider withdraws at the advertisement); recorded with the decision')
      .action(async (approvalId: string, opts: Target & { as?: string; reason: string; confirm?: boolean }) => {
        const outcome = describeOutcome(
          approvalId,
          await decide(opts, approvalId, verb, opts.as, opts.reason, { confirmed: verb === 'approve' && opts.confirm === true }),
        );
        (outcome.code === 0 ? process.stdout : process.stderr).write(outcome.text);
        code = outcome.code;
      });
  }
  where(
    program
      .command('decide <approvalId> <decision>')
      .description('answer an operator decision (a step failed after the point of no return): forward, back or stop (docs/runbook.md)'),
  )
    .option('--as <email>', 'who you expect to decide as; refused unless your AWS credentials map to that approver')
    .requiredOption('--reason <text>', 'why; recorded with the decision')
    .option('--old-provider-announces', 'for back: you confirm the old provider announces the prefixes again (back withdraws them from AWS)')
    .action(async (approvalId: string, decision: string, opts: Target & { as?: string; reason: string; oldProviderAnnounces?: boolean }) => {
      if (!(OPERATOR_DECISIONS as readonly string[]).includes(decision)) {
        process.stderr.write(`byoip decide: the decision must be one of ${OPERATOR_DECISIONS.join(', ')} (got "${decision}"); nothing was sent\n`);
        code = 2;
        return;
      }
      const outcome = describeOutcome(approvalId, await decide(opts, approvalId, decision, opts.as, opts.reason, { confirmed: opts.oldProviderAnnounces }));
      (outcome.code === 0 ? process.stdout : process.stderr).write(outcome.text);
      code = outcome.code;
    });
  registerRealCommands(program, (c) => {
    code = c;
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
