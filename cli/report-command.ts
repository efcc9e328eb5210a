/**
 * `byoip report REPORT.json [--html FILE]`: reads any SimulationReport (a rehearsal's, an older one,
 * one `byoip watch` wrote for a real execution), prints it in words and writes the HTML page.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { renderHtmlReport } from '../runner/html-report';
import { ROOT } from '../runner/local-runner';
import { completeReport, formatDuration, type SimulationReport } from '../runner/report';
import { closingWords } from './progress';

/** The committed ASL of a workflow, if it is one of ours (older reports' phases are recomputed from it). */
function definitionOf(workflow: string) {
  const file = join(ROOT, 'asl', `${workflow}.asl.json`);
  return /^[a-z0-9-]+$/.test(workflow) && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

export function readReportFile(file: string): SimulationReport {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  return completeReport(raw, definitionOf);
}

/** Writes the self-contained HTML page of a report. */
export function writeHtmlReport(file: string, report: SimulationReport): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(file, renderHtmlReport(report));
}

export function registerReportCommand(program: Command, done: (code: number) => void): void {
  program
    .command('report <reportJson>')
    .description('show a report (from byoip simulate --report, or byoip watch) in words, and as one HTML page with --html')
    .option('--html <file>', 'write the report as one self-contained HTML page (timeline, resource lanes, plan, rollback, time breakdown)')
    .action((reportJson: string, opts: { html?: string }) => {
      const report = readReportFile(reportJson);
      const out = process.stdout;
      out.write(
        `${report.workflow} (${report.executionName}): ${report.status} after ${formatDuration(report.virtualSeconds)} of virtual time, ${report.awsCalls.length} AWS calls\n`,
      );
      if (report.error) out.write(`  error: ${report.error.name}\n`);
      out.write(closingWords(report));
      if (opts.html) {
        writeHtmlReport(opts.html, report);
        out.write(`html: ${opts.html}\n`);
      }
      done(0);
    });
}
