/**
 * Live progress for `byoip simulate`: one line per phase with its virtual time; poll loops update in
 * place on a TTY ("check 7"), so a week of provisioning reads as one line, not hundreds. Actions
 * (tasks, Maps, Parallels) are plain; decisions (Choice) read "◇ Name → where it went"; bookkeeping
 * (Pass) "· Name"; waits "⧗ Name". After a failure the undo loop's states give way to one line per
 * undo step, and the run ends with the time breakdown, the rollback in words and the runbook section.
 */
import type { ProgressEvent } from '../runner/history';
import { formatDuration, formatPhases, type SimulationReport } from '../runner/report';
import { formatRollback, formatRunbookPointer, runbookSection } from '../runner/report-words';
import { VISIBILITY_STATE } from '../workflows/lib/internet';

const POLL_PART = /(Init|Done|Wait)$/;

const UNDO_MARK = { undone: '↺ undone', unchanged: '= left as it was', 'needs-attention': '! needs attention' } as const;

export function progressPrinter(out: NodeJS.WriteStream, topLevel: Set<string>, failurePath: ReadonlySet<string> = new Set()) {
  const tty = Boolean(out.isTTY);
  let livePoll: { name: string; checks: number } | undefined;
  let decision: { name: string; at: number } | undefined;
  let rollingBack = false;
  const stamp = (at: number) => `[+${formatDuration(at)}]`;
  const endLive = () => {
    if (livePoll && tty) out.write('\n');
    livePoll = undefined;
  };
  /** A decision is printed once we know where it went. */
  const endDecision = (next: string | undefined) => {
    if (!decision) return;
    out.write(`${stamp(decision.at)} ◇ ${decision.name}${next ? ` → ${next}` : ''}\n`);
    decision = undefined;
  };
  return (e: ProgressEvent) => {
    if (e.kind === 'approval-requested') {
      endLive();
      endDecision(undefined);
      out.write(`${stamp(e.at)} ⏸  approval requested: ${e.detail ?? ''}\n`);
      return;
    }
    if (e.kind === 'state-retried') {
      endLive();
      out.write(`${stamp(e.at)}    ↻ ${e.state} retried (${e.detail})\n`);
      return;
    }
    if (e.kind === 'state-caught') {
      if (!e.state || !topLevel.has(e.state)) return; // caught inside a branch (the approval gate's reminder loop): not a failure
      endLive();
      // After the advertisement nothing is rolled back: the visibility check stops for an operator.
      out.write(
        `${stamp(e.at)} ✗ ${e.state} failed${e.state === VISIBILITY_STATE ? '; stopping for an operator (nothing is withdrawn)' : failurePath.size ? '' : '; compensating'}\n`,
      );
      return;
    }
    if (e.kind === 'undo-step' && e.undo) {
      endLive();
      out.write(
        `${stamp(e.at)}    ${UNDO_MARK[e.undo.outcome]}: ${e.undo.description}${e.undo.note ? ` (${e.undo.note})` : ''}${e.undo.error ? ` — ${e.undo.error}` : ''}\n`,
      );
      return;
    }
    if (e.kind === 'execution-ended') {
      endLive();
      endDecision(undefined);
      return;
    }
    if (e.kind !== 'state-entered' || e.index !== undefined || !e.state || !topLevel.has(e.state)) return;
    if (failurePath.has(e.state)) {
      endLive();
      endDecision(e.state);
      if (!rollingBack) out.write(`${stamp(e.at)} ↺ after the failure: ${e.state}\n`);
      rollingBack = true;
      return; // the undo loop's own states are summarized by undo-step lines
    }
    if (/^Intent[A-Z]/.test(e.state) || e.state === 'Initialize') return; // bookkeeping, not progress
    const base = e.state.replace(POLL_PART, '');
    if (POLL_PART.test(e.state) && topLevel.has(base)) return;
    endDecision(e.state);
    const isPollCheck = topLevel.has(`${e.state}Init`);
    if (isPollCheck && livePoll?.name === e.state) {
      livePoll.checks++;
      if (tty) out.write(`\r${stamp(e.at)} ${e.state} … check ${livePoll.checks}`);
      return;
    }
    endLive();
    if (isPollCheck) {
      livePoll = { name: e.state, checks: 1 };
      out.write(tty ? `${stamp(e.at)} ${e.state} … check 1` : `${stamp(e.at)} ${e.state} (waiting)\n`);
    } else if (e.type === 'Choice') {
      decision = { name: e.state, at: e.at };
    } else if (e.type === 'Pass') {
      out.write(`${stamp(e.at)} · ${e.state}\n`);
    } else if (e.type === 'Wait') {
      out.write(`${stamp(e.at)} ⧗ ${e.state}\n`);
    } else if (e.type === 'Succeed') {
      out.write(`${stamp(e.at)} ✓ ${e.state}\n`);
    } else if (e.type === 'Fail') {
      out.write(`${stamp(e.at)} ✗ ${e.state}\n`);
    } else {
      out.write(`${stamp(e.at)} ${e.state}\n`);
    }
  };
}

/** How a run's output ends: where the time went (100 %), the rollback in words, the runbook section. */
export function closingWords(report: SimulationReport): string {
  const parts = [`where the virtual time went:\n${formatPhases(report)}`];
  for (const a of report.approvals.filter((x) => x.operator)) {
    const o = a.operator!;
    parts.push(
      o.pending
        ? `operator decision pending: ${o.failedState} failed (${o.error}) after the point of no return; nothing was undone. Decide ${(o.decisions ?? []).join(', ')} (--operator)`
        : `operator decision: ${o.outcome} by ${a.decidedBy ?? '?'} after ${o.failedState} failed (${o.error})`,
    );
  }
  const rollback = formatRollback(report);
  if (rollback) parts.push(rollback);
  const runbook = runbookSection(report);
  if (runbook) parts.push(formatRunbookPointer(runbook));
  return `${parts.join('\n')}\n`;
}
