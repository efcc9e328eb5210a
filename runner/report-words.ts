/**
 * The report in words, for the terminal and the HTML page: what a rollback undid and left, and which
 * runbook section to read after a failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimulationReport, UndoRecord } from './report';

const DOCS = join(__dirname, '..', 'docs');

/** The rollback's steps by outcome. */
export function rollbackParts(report: Pick<SimulationReport, 'compensation'>) {
  const steps = report.compensation?.steps ?? [];
  const of = (o: UndoRecord['outcome']) => steps.filter((s) => s.outcome === o);
  return { undone: of('undone'), unchanged: of('unchanged'), attention: of('needs-attention') };
}

const list = (steps: UndoRecord[], detail: (s: UndoRecord) => string | undefined) =>
  steps.length === 0 ? 'nothing' : steps.map((s) => (detail(s) ? `${s.description} (${detail(s)})` : s.description)).join('; ');

/**
 * "rollback: undone: 9; left as it was: 2; needs attention: nothing", then one line per kind. Null when
 * no compensation ran.
 */
export function formatRollback(report: Pick<SimulationReport, 'compensation'>): string | null {
  if (!report.compensation) return null;
  const { undone, unchanged, attention } = rollbackParts(report);
  const count = (n: number) => (n === 0 ? 'nothing' : String(n));
  return [
    `rollback after ${report.compensation.error}: undone: ${count(undone.length)}; left as it was: ${count(unchanged.length)}; needs attention: ${count(attention.length)}`,
    `  undone:          ${list(undone, () => undefined)}`,
    `  left as it was:  ${list(unchanged, (s) => s.note)}`,
    `  needs attention: ${list(attention, (s) => s.error)}`,
  ].join('\n');
}

/** GitHub's anchor for a heading. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

const WORKFLOW_DOCS: Array<[RegExp, string]> = [
  [/^(byoasn-|asn-swap)/, 'byoasn.md'],
  [/static-ip/, 'static-ip.md'],
  [/^origin-ranges/, 'origin-lockdown.md'],
  [/^vpc-origin/, 'vpc-origins.md'],
];

export interface RunbookPointer {
  /** docs/runbook.md#anchor */
  link: string;
  /** The section's heading, and the table row when the error has one. */
  section: string;
  /** The workflow's own page, when it has one. */
  workflowDoc?: string;
}

/** The runbook section an operator reads after this run failed (docs/runbook.md), or null if it succeeded. */
export function runbookSection(report: Pick<SimulationReport, 'status' | 'error' | 'workflow'>, docsDir = DOCS): RunbookPointer | null {
  if (report.status === 'SUCCEEDED') return null;
  const file = join(docsDir, 'runbook.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  const heading = (test: RegExp, fallback: string) => headings.find((h) => test.test(h)) ?? fallback;
  const error = report.error?.name ?? '';
  let section: string;
  if (report.status === 'TIMED_OUT') section = heading(/^Timed out/, 'Timed out');
  else if (report.status === 'WAITING_FOR_OPERATOR' || ['StoppedByOperator', 'HeldForOperator'].includes(error))
    section = heading(/^Operator decisions/, 'Operator decisions (after the point of no return)');
  else if (report.status === 'ABORTED') section = heading(/stopped by hand/, 'An execution was stopped by hand');
  else if (error && headings.includes(error)) section = error;
  else if (error && new RegExp(`^\\|\\s*\`${error}\``, 'm').test(text)) section = `${heading(/^What each error means/, 'What each error means')}`;
  else section = heading(/^First five minutes/, 'First five minutes');
  const row = section.startsWith('What each error means') ? `, the ${error} row` : '';
  const doc = WORKFLOW_DOCS.find(([re]) => re.test(report.workflow))?.[1];
  return { link: `docs/runbook.md#${anchorOf(section)}`, section: `${section}${row}`, ...(doc ? { workflowDoc: `docs/${doc}` } : {}) };
}

export function formatRunbookPointer(p: RunbookPointer): string {
  return `read: ${p.link} ("${p.section}")${p.workflowDoc ? `, and ${p.workflowDoc}` : ''}`;
}
