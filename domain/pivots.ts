/**
 * Points of no return (issue #16, docs/runbook.md "Operator decisions"). Once a workflow has passed its
 * pivot (e.g. the first advertisement: the old provider has been told to stop announcing), a failure
 * never rolls back by itself: the execution asks an operator, through the approval gate, to decide
 *  - forward: try the failed step again (after fixing its cause);
 *  - back: undo everything this execution did, which withdraws from AWS: only once the old provider
 *    announces the prefixes again (the decision records that confirmation);
 *  - stop: leave everything as it is; the execution ends and the decision is recorded.
 * This module turns the failure, the pivot and the recorded intents into the plan that gate shows.
 */
import { planTitle, type ApprovalPlan, type OperatorDecision } from './approval';
import { errorMessage, planUndo, type UndoIntent } from './compensation';

/** What the builder records when the pivot is passed ($.pivot). */
export interface PivotRecord {
  label: string;
  /** What "back" needs at the old provider, in the approver's words. */
  backNeeds: string;
}

const MAX_SHOWN = 1900;
/** Undo steps listed one by one; a long rollback (20 teams) is summarized past these. */
const MAX_UNDO_SHOWN = 40;
const clip = (text: string) => (text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN - 3)}...`);

export function operatorDecisionPlan(o: {
  workflow: string;
  pivot: PivotRecord;
  /** The state that failed after the pivot. */
  failedState: string;
  failure: { Error?: string; Cause?: string };
  approvers: string[];
  decisions: OperatorDecision[];
  /** The intents recorded so far and their order: what "back" would undo, newest first. */
  intents?: Record<string, UndoIntent | null | undefined>;
  order?: string[];
}): ApprovalPlan {
  const error = o.failure.Error ?? 'Error';
  const why = errorMessage(o.failure.Cause);
  const undo = o.decisions.includes('back') && o.intents && o.order ? planUndo(o.intents, o.order) : [];
  return {
    // The failed step first: the email subject keeps the first 99 characters.
    title: planTitle(`${o.failedState} failed past the point of no return: ${choices(o.decisions)}? (${o.workflow}, past ${o.pivot.label})`),
    approvers: o.approvers,
    decisions: o.decisions,
    changes: [
      { kind: 'failed step', target: o.failedState, from: error, to: clip(why || '(no message)') },
      ...o.decisions.map((d) => ({ kind: `if ${d}`, target: o.failedState, from: '(as now)', to: DECISION_EFFECT[d](o.failedState) })),
      ...undo.slice(0, MAX_UNDO_SHOWN).map((u) => ({ kind: 'back undoes', target: clip(u.description), from: '(as now)', to: 'undone' })),
      ...(undo.length > MAX_UNDO_SHOWN
        ? [{ kind: 'back undoes', target: `${undo.length - MAX_UNDO_SHOWN} more step(s)`, from: '(as now)', to: "undone (the execution's intents list them)" }]
        : []),
    ],
    prerequisite: o.decisions.includes('back')
      ? clip(
          `Nothing has been undone. Back withdraws what AWS announces: first ${o.pivot.backNeeds}, and confirm it with your decision. Forward and stop change nothing at the old provider.`,
        )
      : 'Nothing has been undone.',
  };
}

/** "forward, back or stop" */
const choices = (d: string[]) => (d.length > 1 ? `${d.slice(0, -1).join(', ')} or ${d.at(-1)}` : d.join(''));

const DECISION_EFFECT: Record<OperatorDecision, (state: string) => string> = {
  forward: (state) => `${state} runs again, then the workflow goes on`,
  back: () => 'everything this execution did is undone, newest first',
  stop: () => 'nothing more is done; the execution ends, leaving everything as it is',
};

/** How long an operator decision waits before the execution ends held (nothing undone; the alarm has fired). */
export const OPERATOR_DECISION_SECONDS = 2 * 86_400;
