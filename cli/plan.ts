/**
 * `byoip plan <workflow> -i INPUT [--world FILE] [--json]`: every change the workflow would make, before
 * anything changes. It validates the input as the workflow's first state does, reads the current state
 * with the workflow's own read-only tasks (in the simulator with --world, else in AWS with the usual
 * credentials), and lists the changes with domain/plan-preview.ts (the same functions as the approvals).
 * It makes no changing call.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
export type { PlanRow, Preview };
import { planOnboarding, type DistributionBefore, type OnboardPlan, type RecordBefore } from '../domain/cloudfront-byoip';
import { previewOnboarding, previewStaticIp, type OnboardingState, type PlanRow, type Preview } from '../domain/plan-preview';
import { planStaticIp } from '../domain/static-ip';
import { loadTaskHandler, taskContext } from '../runner/local-runner';
import { createSimulator, type Simulator } from '../sim';
import { connectSimulator } from '../sim/transport';

export function formatPreview(p: Preview): string {
  const head: PlanRow = { phase: 'approved', kind: 'change', target: 'what', from: 'from', to: 'to' };
  const all = [head, ...p.rows];
  const w = (k: keyof PlanRow) => Math.min(60, Math.max(...all.map((r) => String(r[k]).length)));
  const line = (r: PlanRow, phase: string) =>
    `${phase.padEnd(16)}  ${r.kind.padEnd(w('kind'))}  ${r.target.padEnd(w('target'))}  ${r.from.padEnd(w('from'))}  ->  ${r.to}`;
  const out = [`${p.workflow} (${p.migrationId}): ${p.rows.length} changes`, line(head, 'when')];
  for (const r of p.rows) out.push(line(r, r.phase));
  out.push('', `Approving confirms: ${p.confirm}.`, p.note);
  return `${out.join('\n')}\n`;
}

/** Runs one of the workflow's read-only tasks (no changing call). */
type Read = <T>(task: string, event: unknown) => Promise<T>;

/** The onboarding's current state, read with its own read-only tasks. */
async function readOnboardingState(plan: OnboardPlan, call: Read): Promise<OnboardingState> {
  const [d, r, c] = await Promise.all([
    call<{ distributions: DistributionBefore[] }>('InspectDistributions', { distributionIds: plan.distributionIds }),
    call<{ records: RecordBefore[] }>('InspectDnsRecords', { records: plan.dns.records, requireExisting: true }),
    call<{ states: Record<string, string> }>('InspectByoipCidrs', { region: plan.region, cidrs: [...new Set([...plan.topLevelCidrs, ...plan.cidrs])] }),
  ]);
  return { distributions: d.distributions, records: r.records, cidrStates: c.states };
}

/** The workflows `byoip plan` previews: validate the input as the workflow does, read, list the changes. */
const PREVIEWS: Record<string, (raw: unknown, now: Date, read: Read, defaultApprovers: string[]) => Promise<Preview>> = {
  'onboard-cloudfront-byoip': async (raw, now, read, defaultApprovers) => {
    const plan = planOnboarding(raw, now);
    return previewOnboarding(plan, await readOnboardingState(plan, read), plan.approvers.length ? plan.approvers : defaultApprovers);
  },
  'static-ip-byoip': async (raw, now, read, defaultApprovers) => {
    const plan = planStaticIp(raw, now);
    const base = await read<{ cidrStates: Record<string, string>; accelerator: { found: boolean; ipAddresses: string[] } }>('CaptureStaticIpBaseline', {
      cidrs: plan.cidrs,
      accelerator: { mode: plan.accelerator.mode, arn: plan.accelerator.arn, ipAddresses: plan.accelerator.ipAddresses },
    });
    return previewStaticIp(plan, base, plan.approvers.length ? plan.approvers : defaultApprovers);
  },
};

export async function planCommand(
  workflow: string,
  opts: { input: string; world?: string; json?: boolean },
  out: Pick<NodeJS.WriteStream, 'write'> = process.stdout,
  err: Pick<NodeJS.WriteStream, 'write'> = process.stderr,
  /** A simulator to read instead of --world (tests: to see every call the plan makes). */
  given?: Simulator,
): Promise<number> {
  const preview = PREVIEWS[workflow];
  if (!preview) {
    err.write(
      `byoip plan: ${workflow} has no preview yet (${Object.keys(PREVIEWS).join(', ')} have); rehearse it with byoip simulate ${workflow} --input ... --world ...\n`,
    );
    return 2;
  }
  const raw = JSON.parse(readFileSync(opts.input, 'utf8'));
  let sim: Simulator | undefined = given;
  if (!sim && opts.world) {
    const file = resolve(opts.world);
    sim = createSimulator(JSON.parse(readFileSync(file, 'utf8')), dirname(file));
  }
  const disconnect = sim ? connectSimulator(sim) : undefined;
  try {
    const account = sim?.world.defaultAccount ?? process.env.AWS_ACCOUNT_ID ?? 'this-account';
    const region = sim?.world.defaultRegion ?? process.env.AWS_REGION ?? 'us-east-1';
    const read: Read = async <T>(task: string, event: unknown) => (await loadTaskHandler(task)(event, taskContext(task, account, region))) as T;
    const approvers = sim?.world.deployment.approvers ?? ["(the deployment's approvers)"];
    const run = () => preview(raw, new Date(Date.now()), read, approvers);
    const result = sim ? await sim.clock.drive(run) : await run();
    out.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatPreview(result));
    return 0;
  } catch (e) {
    if (e instanceof Error && ['InputInvalid', 'ConfigurationInvalid'].includes(e.name)) {
      err.write(`byoip plan: ${e.message}\nNothing was changed.\n`);
      return 2;
    }
    throw e;
  } finally {
    disconnect?.();
  }
}

export function registerPlanCommand(program: Command, done: (code: number) => void): void {
  program
    .command('plan <workflow>')
    .description('every change the workflow would make, read-only: before the approval, at it, after it (table, or --json)')
    .requiredOption('-i, --input <file>', 'the execution input (JSON)')
    .option('-w, --world <file>', 'read the simulated world instead of AWS')
    .option('--json', 'machine-readable output')
    .action(async (workflow: string, opts: { input: string; world?: string; json?: boolean }) => {
      done(await planCommand(workflow, opts));
    });
}
