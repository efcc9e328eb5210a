/**
 * What became of an approval, in the words every surface shows: the approval page (tasks/approval/html.ts)
 * and `byoip approvals` (cli/approvals.ts) print the same lines.
 */
import { authenticationLabel, deciderLabel, type OperatorDecision } from '../../domain/approval';
import type { ApprovalView } from './store';

/** An instant as ISO 8601, to the second. */
export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** What happened to an approval that is no longer pending, in words. */
export function outcomeLines(v: ApprovalView): string[] {
  const d = v.decision;
  const lines: string[] = [];
  const earlier = (v.approvals ?? []).filter((a) => a.mac !== d?.mac);
  for (const a of earlier) lines.push(`Approved by ${deciderLabel(a)} at ${a.decidedAt.replace('.000Z', 'Z')} (${authenticationLabel(a)}).`);
  if (d)
    lines.push(
      `${v.plan.decisions ? `Decided "${d.outcome}"` : d.approved ? 'Approved' : 'Rejected'} by ${deciderLabel(d)} at ${d.decidedAt.replace('.000Z', 'Z')} (${authenticationLabel(d)}).`,
      `Reason: ${d.reason}`,
    );
  if (!d && v.status === 'PENDING' && earlier.length) lines.push(`Waiting for ${(v.requiredApprovals ?? 1) - earlier.length} more approver(s).`);
  if (v.status === 'EXPIRED') {
    lines.push(
      v.plan.decisions
        ? `Nobody decided before ${iso(v.expiresAt)}. Nothing was undone; the execution ended held for an operator.`
        : `Nobody decided before ${iso(v.expiresAt)}. The change was not made; what the workflow prepared is rolled back.`,
    );
  }
  if (v.status === 'CLOSED') lines.push(`Closed${v.closedAt ? ` at ${iso(v.closedAt)}` : ''}: ${v.closedReason ?? 'the workflow stopped waiting'}.`);
  if (d && v.delivery === 'failed') lines.push('The decision has not reached the workflow yet; delivery is retried automatically.');
  if (d && v.delivery === 'delivered')
    lines.push(
      v.plan.decisions
        ? OPERATOR_DECISION_WORDS[d.outcome as OperatorDecision]
        : d.approved
          ? 'The workflow goes on with the change.'
          : 'The workflow rolls back what it had prepared.',
    );
  return lines;
}

/** What each operator decision does, in the words the page, the email and the runbook use. */
export const OPERATOR_DECISION_WORDS: Record<OperatorDecision, string> = {
  forward: 'Forward: the workflow tries the failed step again (fix the cause first); nothing is undone.',
  back: 'Back: the workflow undoes everything it did, withdrawing the prefixes from AWS. Only once the old provider announces them again.',
  stop: 'Stop: everything stays as it is (advertised, DNS as now); the execution ends and the decision is recorded. Finish or undo by hand, or run the teardown.',
};
