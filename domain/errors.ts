/**
 * The error names a task can end with. They are the `ErrorEquals` vocabulary of the ASL:
 * Retry matches the transient ones, Catch sends the rest into compensation.
 */
export const ErrorNames = {
  /** Input failed validation; nothing was called. */
  InputInvalid: 'InputInvalid',
  /** AWS throttled the call (after the SDK's own retries). Retried by the ASL with back-off. */
  AwsThrottled: 'AwsThrottled',
  /** AWS answered 5xx or the connection failed. Retried by the ASL. */
  AwsUnavailable: 'AwsUnavailable',
  /** AWS refused the request (4xx that retrying cannot fix). */
  AwsRequestRejected: 'AwsRequestRejected',
  /** A read-modify-write lost the race (stale ETag / version). Retried: the task re-reads. */
  PreconditionFailed: 'PreconditionFailed',
  /** A resource reached a terminal failure state (failed-provision, Failed, ...). */
  ResourceFailed: 'ResourceFailed',
  /** A quota blocks the step (anycast list quota 0, 5 BYOASNs, ...). */
  QuotaExceeded: 'QuotaExceeded',
  /** The authorization message or signature is wrong. */
  AuthorizationInvalid: 'AuthorizationInvalid',
  /** A human rejected the plan, or the approval expired. */
  ApprovalRejected: 'ApprovalRejected',
  /** A wait exceeded its profile's timeout. */
  WaitTimedOut: 'WaitTimedOut',
  /** Another execution holds the lock on the resource. */
  ResourceLocked: 'ResourceLocked',
  /** A safety rule refused the step (e.g. advertise without approval). */
  SafetyViolation: 'SafetyViolation',
  /** Compensation could not undo everything; the output lists what is left. */
  CompensationIncomplete: 'CompensationIncomplete',
  /** AWS returned something the task cannot interpret. */
  UnexpectedResponse: 'UnexpectedResponse',
  /** The deployment's configuration (domain/deployment.ts) is missing or invalid where a task needs it. */
  ConfigurationInvalid: 'ConfigurationInvalid',
  /** A public service (RDAP, RIPEstat, a validator export) could not be reached or answered 5xx/429. Retried by the ASL. */
  InternetServiceUnavailable: 'InternetServiceUnavailable',
  /** A public service answered something unusable: a 4xx, too large, not JSON, or not in its documented format. */
  InternetResponseInvalid: 'InternetResponseInvalid',
  /** A pre-flight check outside AWS failed (RDAP certificate, ROA, current routes): nothing was changed in AWS. */
  PreflightCheckFailed: 'PreflightCheckFailed',
  /**
   * After the advertisement, the prefixes were not seen as expected (origin, share of collector peers,
   * old origin gone) within the deadline. Never rolled back automatically: an operator decides.
   */
  BgpVisibilityFailed: 'BgpVisibilityFailed',
  /**
   * What the approval showed no longer holds (a DNS record, a distribution or a CIDR changed while the
   * approval waited): nothing was advertised; the migration parks and a new run plans and asks again.
   */
  PlanChanged: 'PlanChanged',
} as const;

export type ErrorName = (typeof ErrorNames)[keyof typeof ErrorNames];

/** An error whose `name` is one of the taxonomy names, so Step Functions can match it. */
export class WorkflowError extends Error {
  constructor(
    override readonly name: ErrorName,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const inputInvalid = (message: string, details?: Record<string, unknown>) => new WorkflowError(ErrorNames.InputInvalid, message, details);

/** Errors that the ASL retries; everything else is caught into compensation. */
export const RETRYABLE_ERRORS: readonly string[] = [ErrorNames.AwsThrottled, ErrorNames.AwsUnavailable];

/**
 * The names AWS services throttle with (the SDK's own list plus the service-specific ones), shared by the
 * error mapper (platform/sdk-errors.ts) and the simulator's errors (sim/aws-error.ts).
 */
export const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
