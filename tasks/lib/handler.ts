/**
 * Every task is `defineTask(name, schema, fn)`: a middy-wrapped Lambda handler that
 *  - validates its event with Powertools' parser and the task's zod schema (a mismatch is a workflow bug, reported as InputInvalid),
 *  - logs with Powertools, the Lambda context on every line (never the event itself: it may carry task tokens or signatures),
 *  - maps AWS SDK errors to the workflow error taxonomy so the ASL can Retry/Catch by name.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ParseError } from '@aws-lambda-powertools/parser/errors';
import { parser } from '@aws-lambda-powertools/parser/middleware';
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
  const run = async (event: z.infer<S>, context: Context): Promise<O> => {
    logger.appendKeys({ task: name });
    const result = await fn(event, context);
    return result ?? ({} as O);
  };
  // The Lambda context (request id, function, cold start) on every log line; keys reset after each invocation.
  // Then Powertools' parser validates the event against the task's schema (a mismatch is a workflow bug).
  // Middy runs onError in reverse order: the mapper below names the error before the context is cleared.
  return middy(run)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(parser({ schema }))
    .use({
      onError: async (request) => {
        const mapped = request.error instanceof ParseError ? invalidEvent(name, request.error) : toWorkflowError(request.error);
        logger.warn('task failed', { task: name, error: mapped.name, detail: mapped.message }); // "message" is Powertools' own key
        request.error = mapped;
      },
    });
}

/** The parser's failure as the workflow's InputInvalid, naming every field that is wrong. */
function invalidEvent(task: string, error: ParseError): WorkflowError {
  const issues = (Array.isArray(error.cause) ? error.cause : []) as Array<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }>;
  const where = (i: (typeof issues)[number]) => (i.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.') || '(event)';
  return new WorkflowError(ErrorNames.InputInvalid, `${task} received an invalid event: ${issues.map((i) => `${where(i)}: ${i.message}`).join('; ')}`);
}
