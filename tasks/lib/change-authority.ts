/**
 * What a task that changes what the internet sees must carry: an approval recorded for this execution
 * (the gate's verified result), or the marker of compensation (undoing this execution's own change).
 * Anything else is refused, so a state wired wrongly, or a Lambda invoked by hand, changes nothing.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';

export const ChangeAuthority = {
  approval: z.object({ approved: z.boolean() }).passthrough().optional(),
  /** Set by compensation (domain/compensation.ts): the change undoes this execution's own. */
  compensation: z.object({}).passthrough().optional(),
};

export function requireAuthority(input: { approval?: { approved: boolean }; compensation?: object }, what: string): void {
  if (input.approval?.approved === true || input.compensation) return;
  throw new WorkflowError(ErrorNames.SafetyViolation, `refusing to ${what}: no approval is recorded for this execution, and it is not compensation`);
}
