/**
 * `npm run fault-sweep [-- workflow...] [--kinds throttle,server,permanent]`: the reliability sweep's
 * table (runner/fault-sweep.ts). Prints one line per fault point and outcome, then
 * `N fault points, N recovered, N compensated, N completed by re-run, N left-over (listed), N unexpected`.
 * Exit code 1 when anything is unexpected.
 */
import type { FaultKind, FaultResult } from '../runner/fault-sweep';

async function main() {
  // Task logs would drown the table; set before the handlers load.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
  const { FAULT_KINDS, summarize, summaryLine, sweepWorkflow } = await import('../runner/fault-sweep');
  const { workflows } = await import('../workflows');
  const args = process.argv.slice(2);
  const kindsAt = args.indexOf('--kinds');
  const kinds = kindsAt >= 0 ? (args.splice(kindsAt, 2)[1].split(',') as FaultKind[]) : FAULT_KINDS;
  const names = args.length ? args : workflows.map((w) => w.name);
  const all: FaultResult[] = [];
  const started = Date.now();
  for (const name of names) {
    const t0 = Date.now();
    const results = await sweepWorkflow(name, kinds, (r) => {
      const where = `${r.point.state} ${r.point.service}:${r.point.operation}`;
      process.stdout.write(
        `${r.workflow.padEnd(26)} ${where.padEnd(72)} ${r.kind.padEnd(9)} ${r.outcome.padEnd(15)} ${r.status}${r.detail.length ? `\n${' '.repeat(28)}${r.detail.join(`\n${' '.repeat(28)}`)}` : ''}\n`,
      );
    });
    all.push(...results);
    process.stdout.write(`${name}: ${summaryLine(summarize(results))} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n\n`);
  }
  const s = summarize(all);
  process.stdout.write(`ALL: ${summaryLine(s)} in ${((Date.now() - started) / 1000).toFixed(0)} s wall\n`);
  const leftOver = all.filter((r) => r.outcome === 'left-over');
  if (leftOver.length)
    process.stdout.write(
      `left over (CompensationIncomplete):\n${leftOver.map((r) => `  ${r.workflow} ${r.point.state} ${r.point.operation} ${r.kind}: ${r.detail.join('; ')}`).join('\n')}\n`,
    );
  process.exitCode = s.unexpected ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
