/**
 * `byoip rehearse STEPS.json [--out DIR] [--html] [--world-out FILE] [-q]`: a chained rehearsal in one
 * world (runner/rehearsal.ts). Writes one report per workflow step and the combined timeline to DIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { loadDefinition } from '../runner/local-runner';
import { failurePathStates, formatDuration } from '../runner/report';
import { combinedTimeline, readRehearsalFile, rehearse, type StepResult } from '../runner/rehearsal';
import { renderRehearsalHtml } from '../runner/html-report';
import { writeWorldFile } from '../sim/world-out';
import { closingWords, progressPrinter } from './progress';
import { writeHtmlReport } from './report-command';

const reportName = (s: StepResult) => `${String(s.index + 1).padStart(2, '0')}-${s.workflow}`;

export function registerRehearseCommand(program: Command, done: (code: number) => void): void {
  program
    .command('rehearse <steps>')
    .description("run several workflows (and the operator's changes between them) one after another in one simulated world")
    .option('-o, --out <dir>', 'where the reports go (default reports/rehearsal-<steps file name>)')
    .option('--html', "also write each step's report and the combined timeline as HTML")
    .option('--world-out <file>', 'write the world as the rehearsal left it (a world file)')
    .option('-q, --quiet', 'no live progress')
    .action(async (stepsFile: string, opts: { out?: string; html?: boolean; worldOut?: string; quiet?: boolean }) => {
      const { raw, baseDir } = readRehearsalFile(stepsFile);
      const out = opts.out ?? join('reports', `rehearsal-${basename(stepsFile).replace(/\.json$/, '')}`);
      const err = process.stderr;
      const result = await rehearse(raw, {
        baseDir,
        onStep: (s, phase, r) => {
          if (phase === 'start') err.write(`\n== step ${s.label}${'description' in s.step && s.step.description ? `: ${s.step.description}` : ''}\n`);
          else if (r)
            err.write(
              `== step ${s.label}: ${r.status}${r.ok ? '' : ' (not as expected)'} after ${formatDuration(r.seconds)}${r.error ? `: ${r.error}` : ''}\n`,
            );
        },
        onProgress: (s) => {
          if (opts.quiet || !('workflow' in s.step)) return undefined;
          const definition = loadDefinition(s.step.workflow) as Parameters<typeof failurePathStates>[0];
          return progressPrinter(err, new Set(Object.keys(definition.States)), failurePathStates(definition));
        },
      });
      mkdirSync(out, { recursive: true });
      for (const s of result.steps) {
        if (!s.report) continue;
        writeFileSync(join(out, `${reportName(s)}.json`), `${JSON.stringify(s.report, null, 2)}\n`);
        if (opts.html) writeHtmlReport(join(out, `${reportName(s)}.html`), s.report);
      }
      const timeline = combinedTimeline(result, (s) => `${reportName(s)}.json`);
      const htmlOf = new Map(result.steps.filter((s) => s.report).map((s) => [s.index + 1, `${reportName(s)}.html`]));
      writeFileSync(join(out, 'timeline.json'), `${JSON.stringify(timeline, null, 2)}\n`);
      if (opts.html)
        writeFileSync(
          join(out, 'timeline.html'),
          renderRehearsalHtml(timeline, (s) => htmlOf.get(s.step)),
        );
      if (opts.worldOut) {
        for (const n of writeWorldFile(result.sim, opts.worldOut)) err.write(`  note: ${n}\n`);
        err.write(`world: ${opts.worldOut}\n`);
      }
      const failed = result.steps.find((s) => !s.ok);
      err.write(
        `\nrehearsal: ${result.ok ? 'as expected' : 'NOT as expected'}; ${result.steps.length} of ${(raw as { steps: unknown[] }).steps.length} steps ran in ${formatDuration(timeline.virtualSeconds)} of virtual time; reports in ${out}/ (timeline.json)\n`,
      );
      if (result.worldDifferences) {
        err.write(
          result.worldDifferences.length === 0
            ? 'the world is back where it started (everything in AWS; the state table keeps its approval records)\n'
            : `the world is NOT back where it started:\n${result.worldDifferences.map((d) => `  ${d}`).join('\n')}\n`,
        );
      }
      if (failed?.report) err.write(closingWords(failed.report));
      done(result.ok ? 0 : 1);
    });
}
