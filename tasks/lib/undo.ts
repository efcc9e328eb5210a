/**
 * Per-service undo tasks. Each runs one apply or check of the current undo step and hands the
 * compensation state back to the ASL, which waits (Wait state) before the next check.
 * Transient AWS errors are thrown (the ASL retries them); anything else ends that step as left over.
 */
import * as z from 'zod';
import { advanceCompensation, type CompensationState, type UndoProgress } from '../../domain/compensation';
import { ErrorNames, RETRYABLE_ERRORS, WorkflowError } from '../../domain/errors';
import { defineTask } from './handler';
import { toWorkflowError } from '../../platform/sdk-errors';
import { abandonCurrent } from '../../domain/compensation';

export interface UndoImpl {
  apply(params: unknown): Promise<UndoProgress>;
  check?(params: unknown, progress: Record<string, unknown> | undefined): Promise<UndoProgress>;
}

export const CompensationSchema = z
  .object({
    cause: z.object({ Error: z.string(), Cause: z.string() }),
    pending: z.array(z.any()),
    current: z.any().nullable(),
    hasCurrent: z.boolean(),
    service: z.string(),
    waiting: z.boolean(),
    nextDelaySeconds: z.number(),
    completed: z.array(z.any()),
    leftovers: z.array(z.any()),
    leftoverCount: z.number(),
    summary: z.string(),
  })
  .passthrough();

export function defineUndoTask(name: string, service: string, impls: Record<string, UndoImpl>) {
  return defineTask(name, z.object({ compensation: CompensationSchema }), async ({ compensation }) => {
    const s = compensation as CompensationState;
    const step = s.current;
    if (!step) return s;
    const impl = impls[step.action];
    if (!impl || step.service !== service) {
      return abandonCurrent(s, { Error: ErrorNames.UnexpectedResponse, Cause: `${name} has no undo for ${step.action}` });
    }
    let result: UndoProgress;
    try {
      result = step.phase === 'check' && impl.check ? await impl.check(step.params, step.progress) : await impl.apply(step.params);
    } catch (e) {
      const mapped = toWorkflowError(e);
      if (RETRYABLE_ERRORS.includes(mapped.name)) throw mapped; // let the ASL back off and retry
      return abandonCurrent(s, { Error: mapped.name, Cause: mapped.message });
    }
    return advanceCompensation(s, result, Date.now());
  });
}

export class UndoRefused extends WorkflowError {
  constructor(message: string) {
    super(ErrorNames.SafetyViolation, message);
  }
}
