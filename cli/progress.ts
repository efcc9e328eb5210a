/**
 * Live progress for `byoip simulate`: one line per phase with its virtual time; poll loops update in
 * place on a TTY ("check 7"), so a week of provisioning reads as one line, not hundreds.
 */
import type { ProgressEvent } from '../runner/local-runner';
import { formatDuration } from '../runner/report';
import { VISIBILITY_STATE } from '../workflows/lib/internet';

const POLL_PART = /(Init|Done|Wait)$/;

export function progressPrinter(out: NodeJS.WriteStream, topLevel: Set<string>) {
  const tty = Boolean(out.isTTY);
  let livePoll: { name: string; checks: number } | undefined;
  const stamp = (at: number) => `[+${formatDuration(at)}]`;
  const endLive = () => {
    if (livePoll && tty) out.write('\n');
    livePoll = undefined;
  };
  return (e: ProgressEvent) => {
    if (e.kind === 'approval-requested') {
      endLive();
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
      out.write(`${stamp(e.at)} ✗ ${e.state} failed; ${e.state === VISIBILITY_STATE ? 'stopping for an operator (nothing is withdrawn)' : 'compensating'}\n`);
      return;
    }
    if (e.kind === 'execution-ended') {
      endLive();
      return;
    }
    if (e.kind !== 'state-entered' || e.index !== undefined || !e.state || !topLevel.has(e.state)) return;
    if (/^Intent[A-Z]/.test(e.state) || e.state === 'Initialize') return; // bookkeeping, not progress
    const base = e.state.replace(POLL_PART, '');
    if (POLL_PART.test(e.state) && topLevel.has(base)) return;
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
    } else {
      out.write(`${stamp(e.at)} ${e.state}\n`);
    }
  };
}
