/**
 * Every task is `defineTask(name, schema, fn)`: a middy-wrapped Lambda handler that
 *  - validates its event with zod (a mismatch is a workflow bug, reported as InputInvalid),
 *  - logs with Powertools, the Lambda context on every line (never the event itself: it may carry task tokens or signatures),
 *  - maps AWS SDK errors to the workflow error taxonomy so the ASL can Retry/Catch by name.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { ErrorNames, THROTTLING_ERROR_NAMES, WorkflowError } from '../../domain/errors';

export const logger = new Logger({ serviceName: 'byoip-orchestrator' });

const THROTTLING = THROTTLING_ERROR_NAMES;

const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'NetworkingError']);

const QUOTA = new Set(['EntityLimitExceeded', 'TooManyDistributions', 'ServiceQuotaExceededException', 'ResourceLimitExceeded']);

interface SdkErrorLike extends Error {
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/** Maps any thrown value to a taxonomy error, keeping AWS's code and message for the operator. */
export function toWorkflowError(e: unknown): Error {
  if (e instanceof WorkflowError) return e;
  if (!(e instanceof Error)) return new WorkflowError(ErrorNames.UnexpectedResponse, String(e));
  const err = e as SdkErrorLike;
  const status = err.$metadata?.httpStatusCode;
  // Network trouble (the SDK attaches $metadata to these too, without a status) is transient.
  if (NETWORK_CODES.has((err as { code?: string }).code ?? '') || NETWORK_NAMES.has(err.name)) {
    return new WorkflowError(ErrorNames.AwsUnavailable, `${err.name}: ${err.message}`);
  }
  const isSdk = err.$metadata !== undefined || err.$fault !== undefined;
  if (!isSdk) return err; // a programming error: keep its name (TypeError, ...) so it is visible, not retried
  const detail = { awsError: err.name, httpStatusCode: status };
  const text = `${err.name}: ${err.message}`;
  if (err.$retryable?.throttling || THROTTLING.has(err.name) || status === 429) return new WorkflowError(ErrorNames.AwsThrottled, text, detail);
  if (err.$fault === 'server' || (status !== undefined && status >= 500)) return new WorkflowError(ErrorNames.AwsUnavailable, text, detail);
  if (err.name === 'PreconditionFailed' || err.name === 'InvalidIfMatchVersion' || status === 412) return new WorkflowError(ErrorNames.PreconditionFailed, text, detail);
  if (QUOTA.has(err.name)) return new WorkflowError(ErrorNames.QuotaExceeded, text, detail);
  return new WorkflowError(ErrorNames.AwsRequestRejected, text, detail);
}

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
