/**
 * Errors shaped like the AWS SDK v3's service exceptions (name, $fault, $metadata.httpStatusCode,
 * $retryable), so the SDK's own retry strategy and our handlers treat them exactly as the real ones.
 */

import { THROTTLING_ERROR_NAMES } from '../domain/errors';

export interface AwsErrorShape extends Error {
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode: number; requestId?: string; attempts?: number };
  $retryable?: { throttling?: boolean };
  Code?: string;
}

const THROTTLING = THROTTLING_ERROR_NAMES;

const SERVER: Record<string, number> = {
  InternalError: 500,
  InternalFailure: 500,
  InternalServerError: 500,
  InternalServiceError: 500,
  ServiceUnavailable: 503,
  ServiceUnavailableException: 503,
  Unavailable: 503,
};

const CLIENT_STATUS: Record<string, number> = {
  PreconditionFailed: 412,
  InvalidIfMatchVersion: 400,
  NoSuchDistribution: 404,
  EntityNotFound: 404,
  NoSuchResource: 404,
  AccessDenied: 403,
  AccessDeniedException: 403,
  UnauthorizedOperation: 403,
  CannotDeleteEntityWhileInUse: 409,
  EntityAlreadyExists: 409,
  EntityLimitExceeded: 400,
  IllegalUpdate: 400,
  NoSuchHostedZone: 404,
  NoSuchChange: 404,
  ResourceNotFoundException: 404,
  ConditionalCheckFailedException: 400,
  TaskDoesNotExist: 400,
  TaskTimedOut: 400,
  InvalidToken: 400,
};

export function isThrottlingName(name: string): boolean {
  return THROTTLING.has(name);
}

export function awsError(name: string, message: string, status?: number): AwsErrorShape {
  const err = new Error(message) as AwsErrorShape;
  err.name = name;
  err.Code = name;
  const server = SERVER[name];
  const httpStatusCode = status ?? server ?? (THROTTLING.has(name) ? 400 : (CLIENT_STATUS[name] ?? 400));
  err.$fault = httpStatusCode >= 500 ? 'server' : 'client';
  err.$metadata = { httpStatusCode, requestId: 'sim-request' };
  if (THROTTLING.has(name)) err.$retryable = { throttling: true };
  return err;
}

export function isAwsError(e: unknown): e is AwsErrorShape {
  return e instanceof Error && typeof (e as AwsErrorShape).$metadata === 'object';
}

/** A failure below HTTP (a host that does not resolve): no AWS error, as Node's resolver raises it. */
export function networkError(code: 'ENOTFOUND', hostname: string, detail: string): Error {
  const err = new Error(`getaddrinfo ${code} ${hostname}: ${detail}`) as Error & { code: string; syscall: string; hostname: string; network: true };
  Object.assign(err, { code, syscall: 'getaddrinfo', hostname, network: true });
  return err;
}

export function isNetworkError(e: unknown): boolean {
  return e instanceof Error && (e as { network?: boolean }).network === true;
}
