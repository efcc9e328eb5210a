import { toWorkflowError } from '../../tasks/lib/handler';
import { awsError } from '../../sim/aws-error';
import { WorkflowError } from '../../domain/errors';

describe('AWS errors → workflow error names (what the ASL retries or catches)', () => {
  const net = Object.assign(new Error('getaddrinfo ENOTFOUND route53.amazonaws.com'), { code: 'ENOTFOUND', $metadata: {} });
  it.each([
    ['throttling', awsError('RequestLimitExceeded', 'slow down'), 'AwsThrottled'],
    ['429', Object.assign(new Error('x'), { name: 'Weird', $metadata: { httpStatusCode: 429 } }), 'AwsThrottled'],
    ['5xx', awsError('InternalError', 'oops'), 'AwsUnavailable'],
    ['network failure', net, 'AwsUnavailable'],
    ['stale ETag', awsError('PreconditionFailed', 'stale', 412), 'PreconditionFailed'],
    ['quota', awsError('EntityLimitExceeded', 'no'), 'QuotaExceeded'],
    ['other 4xx', awsError('InvalidParameterValue', 'bad'), 'AwsRequestRejected'],
  ])('%s', (_n, error, name) => {
    expect(toWorkflowError(error).name).toBe(name);
  });

  it('keeps workflow errors and programming errors as they are', () => {
    const wf = new WorkflowError('ResourceLocked', 'held');
    expect(toWorkflowError(wf)).toBe(wf);
    expect(toWorkflowError(new TypeError('x is undefined')).name).toBe('TypeError');
  });
});
