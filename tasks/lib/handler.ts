/**
 * Every task is `defineTask(name, schema, fn)`: a middy-wrapped Lambda handler that
 *  - validates its event with zod (a mismatch is a workflow bug, reported as InputInvalid),
 *  - logs with Powertools, the Lambda context on every line (never the event itself: it may carry task tokens or signatures),
 *  - maps AWS SDK errors to the workflow error taxonomy so the ASL can Retry/Catch by name.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { logger } from '../../platform/logger';
import { toWorkflowError } from '../../platform/sdk-errors';

export type TaskFn<I, O> = (input: I, context: Context) => Promise<O>;

/**
 * Lambda's Node runtime reports `errorType` from `error.name`; Step Functions matches ErrorEquals on it.
 * Tasks must always return a value (middy early-return quirk, middy#1236).
 */
export function defineTask<S extends z.ZodType, O>(name: string, schema: S, fn: TaskFn<z.infer<S>, O>) {
  const run = async (event: unknown, context: Context): Promise<O> => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`);
      throw new WorkflowError(ErrorNames.InputInvalid, `${name} received an invalid event: ${issues.join('; ')}`);
    }
    logger.appendKeys({ task: name });
    const result = await fn(parsed.data, context);
    return result ?? ({} as O);
  };
  // The Lambda context (request id, function, cold start) on every log line; keys reset after each invocation.
  // Middy runs onError in reverse order: the mapper below logs before the context is cleared.
  return middy(run).use(injectLambdaContext(logger, { resetKeys: true })).use({
    onError: async (request) => {
      const mapped = toWorkflowError(request.error);
      logger.warn('task failed', { task: name, error: mapped.name, detail: mapped.message }); // "message" is Powertools' own key
      request.error = mapped;
    },
  });
}
