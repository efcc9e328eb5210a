/**
 * The one mapping of a thrown value (an AWS SDK error, a network failure, anything) to the workflow
 * error taxonomy (domain/errors.ts), so the ASL can Retry/Catch by name. Every task's handler maps its
 * failure through it (tasks/lib/handler.ts); the approval store maps a failed delivery through it too.
 */
import { ErrorNames, THROTTLING_ERROR_NAMES, WorkflowError } from '../domain/errors';

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
  if (err.name === 'PreconditionFailed' || err.name === 'InvalidIfMatchVersion' || status === 412)
    return new WorkflowError(ErrorNames.PreconditionFailed, text, detail);
  if (QUOTA.has(err.name)) return new WorkflowError(ErrorNames.QuotaExceeded, text, detail);
  return new WorkflowError(ErrorNames.AwsRequestRejected, text, detail);
}
