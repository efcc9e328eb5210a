/**
 * Event pieces shared by many tasks, and the poll-result helper for Check tasks.
 */
import { ErrorNames, WorkflowError } from '../../domain/errors';
import * as z from 'zod';
import { advancePoll, type PollDeadline, type PollProfile } from '../../domain/polling';

/** `$.execution`, set by each workflow's Initialize state. */
export const ExecutionRef = z.object({ name: z.string().min(1), id: z.string().min(1) });
export type ExecutionRef = z.infer<typeof ExecutionRef>;

export const PollProfileSchema = z.object({
  expectedSeconds: z.number().positive(),
  minDelaySeconds: z.number().positive(),
  maxDelaySeconds: z.number().positive(),
  precision: z.number().positive().max(1),
  timeoutSeconds: z.number().positive(),
});

/** What a Check task receives besides its own fields: the previous check's result and the profile. */
export const PollFields = {
  poll: z.object({ attempt: z.number().int().nonnegative(), startedAt: z.number().optional() }).passthrough(),
  profile: PollProfileSchema,
  /** The execution's deadline for this wait (workflows/lib/builder.ts); absent in older definitions. */
  deadline: z.object({ executionStartTime: z.string(), reserveSeconds: z.number().nonnegative() }).optional(),
};

export interface PollOutput {
  done: boolean;
  attempt: number;
  startedAt: number;
  elapsedSeconds: number;
  nextDelaySeconds: number;
}

/** Builds a Check task's result; throws WaitTimedOut once the profile's timeout is passed. */
export function pollResult<T extends object>(
  input: { poll: { attempt: number; startedAt?: number }; profile: PollProfile; deadline?: PollDeadline },
  done: boolean,
  what: string,
  data: T,
): PollOutput & T {
  // A finished wait never times out, however long it took.
  const profile = done ? { ...input.profile, timeoutSeconds: Number.POSITIVE_INFINITY } : input.profile;
  const decision = advancePoll(input.poll, Date.now(), profile, what, done ? undefined : input.deadline);
  return {
    ...data,
    done,
    attempt: decision.attempt,
    startedAt: decision.startedAt,
    elapsedSeconds: decision.elapsedSeconds,
    nextDelaySeconds: decision.nextDelaySeconds,
  };
}

/** Tags every resource an execution creates carries, so undo and re-runs can find exactly those. */
export const TAG_EXECUTION = 'byoip-orchestrator:execution';
export const TAG_ROLE = 'byoip-orchestrator:role';
export const TAG_MIGRATION = 'byoip-orchestrator:migration';

export function orchestratorTags(execution: ExecutionRef, role: string, migrationId: string) {
  return [
    { Key: TAG_EXECUTION, Value: execution.name },
    { Key: TAG_ROLE, Value: role },
    { Key: TAG_MIGRATION, Value: migrationId },
  ];
}

/** A client token unique to an execution and step (64 chars max, as EC2 requires). */
export function clientToken(execution: ExecutionRef, step: string): string {
  return `${execution.name}-${step}`.slice(-64);
}

/** A field AWS always returns, checked: an answer without it is an UnexpectedResponse, not a TypeError later. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new WorkflowError(ErrorNames.UnexpectedResponse, `${what} is missing from AWS's answer`);
  return value;
}

/**
 * A change whose response may be lost: if the call fails (the SDK's own retry of a change that already
 * took effect fails as "already exists", a quota, an overlap), look again and, when the change is there,
 * take it as done. Calls without a client token are made idempotent this way.
 */
export async function changeOrConfirm<T>(change: () => Promise<T>, confirm: () => Promise<T | undefined>): Promise<T> {
  try {
    return await change();
  } catch (e) {
    const done = await confirm();
    if (done !== undefined) return done;
    throw e;
  }
}
