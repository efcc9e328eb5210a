import { toWorkflowError } from '../../platform/sdk-errors';
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

describe('a task as Powertools intends', () => {
  it('logs its failure with the Lambda request id and the task name, and ends with the mapped error name', async () => {
    const { defineTask } = await import('../../tasks/lib/handler');
    const { logger } = await import('../../platform/logger');
    const { z } = await import('zod');
    const lines: string[] = [];
    // Powertools prints through its own Console (bound to stdout at start-up).
    const write = jest.spyOn((logger as any).console, 'warn').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    const level = logger.getLevelName();
    logger.setLogLevel('WARN');
    try {
      const task = defineTask('ProbeTask', z.object({ cidr: z.string() }), async () => {
        throw awsError('RequestLimitExceeded', 'slow down');
      });
      const context = {
        awsRequestId: 'req-0123',
        functionName: 'byoip-ProbeTask',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:byoip-ProbeTask',
        memoryLimitInMB: '256',
        functionVersion: '$LATEST',
      } as any;
      await expect(task({ cidr: '198.18.0.0/24' }, context)).rejects.toMatchObject({ name: 'AwsThrottled' });
    } finally {
      logger.setLogLevel(level as any);
      write.mockRestore();
    }
    const failed = lines
      .map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return undefined;
        }
      })
      .find((l) => l?.message === 'task failed');
    expect(failed).toMatchObject({
      function_request_id: 'req-0123',
      function_name: 'byoip-ProbeTask',
      task: 'ProbeTask',
      error: 'AwsThrottled',
      detail: 'RequestLimitExceeded: slow down',
    });
    expect(lines.filter((l) => /reserved key/.test(l))).toEqual([]);
    // The event is never logged: it may carry task tokens or signatures.
    expect(lines.join('')).not.toContain('198.18.0.0/24');
  });

  it("validates the event with Powertools' parser before the task runs: a wrong event is InputInvalid, naming every field", async () => {
    const { defineTask } = await import('../../tasks/lib/handler');
    const { z } = await import('zod');
    const ran = jest.fn(async (e: { cidr: string }) => e.cidr);
    const task = defineTask('ProbeTask', z.object({ cidr: z.string(), nested: z.object({ port: z.number() }) }), ran);
    const context = { awsRequestId: 'req-1', functionName: 'byoip-ProbeTask' } as any;
    await expect(task({ cidr: 7, nested: { port: 'x' } }, context)).rejects.toMatchObject({
      name: 'InputInvalid',
      message: expect.stringMatching(/^ProbeTask received an invalid event: cidr: .*; nested\.port: /),
    });
    expect(ran).not.toHaveBeenCalled();
    // A valid event reaches the task as the schema's output.
    await expect(task({ cidr: '198.18.0.0/24', nested: { port: 443 }, extra: true }, context)).resolves.toBe('198.18.0.0/24');
  });
});
