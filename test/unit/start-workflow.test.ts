/**
 * Attack 5 of #15 (anyone who may put events starts any workflow with any input): the event starter
 * starts only what a configured operator of this account asked for, with its own source, and attests
 * who that was; teardowns only when the deployment opts in. (The bus policy itself: test/infra/trust.test.ts.)
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { approvalKeys, verifyRequester } from '../../domain/approval';
import { parseDeploymentConfig } from '../../domain/deployment';
import { installDeployment } from '../../platform/deployment';
import { handler } from '../../tasks/start/start-workflow';

const SECRET = 'x'.repeat(48);
const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:byoip-StartWorkflow' } as Context;
const event = (patch: Record<string, unknown> = {}) => ({
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'onboard-cloudfront-byoip',
  source: 'byoip-orchestrator.netops',
  account: '111122223333',
  time: '2026-12-01T08:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { migrationId: 'example-corp-edge' },
  ...patch,
});

describe('StartWorkflow (the operator event starter)', () => {
  const sfn = mockClient(SFNClient);
  const secrets = mockClient(SecretsManagerClient);
  beforeEach(() => {
    sfn.reset();
    secrets.reset();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-east-1:111122223333:execution:byoip-onboard-cloudfront-byoip:evt-1' });
    installDeployment(
      parseDeploymentConfig({
        approvers: ['netops-oncall@example.com', 'netops-lead@example.com'],
        operators: [{ name: 'netops', principal: 'arn:aws:iam::111122223333:role/byoip-operator', approver: 'netops-lead@example.com' }],
      }),
    );
  });
  afterAll(() => installDeployment(undefined));

  it('starts the workflow with the detail as input, attested as the operator who sent it', async () => {
    await expect(handler(event(), context)).resolves.toMatchObject({ started: true, executionName: 'evt-7bf73129-1428-4cd3-a780-95db273d1602' });
    const call = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(call.stateMachineArn).toBe('arn:aws:states:us-east-1:111122223333:stateMachine:byoip-onboard-cloudfront-byoip');
    const input = JSON.parse(call.input!);
    expect(input.migrationId).toBe('example-corp-edge');
    expect(verifyRequester(approvalKeys(SECRET), { stateMachine: 'byoip-onboard-cloudfront-byoip', executionName: call.name!, input })).toEqual({
      ok: true,
      requester: {
        principal: 'arn:aws:iam::111122223333:role/byoip-operator',
        approver: 'netops-lead@example.com',
        via: 'event from netops',
        at: '2026-12-01T08:00:00Z',
      },
    });
  });

  it('treats a redelivered event as started', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(handler(event(), context)).resolves.toMatchObject({ started: false });
  });

  it.each([
    [
      "an unknown operator's source",
      { source: 'byoip-orchestrator.mallory' },
      /source "byoip-orchestrator\.mallory" is not one of this deployment's operators/,
    ],
    ['another account', { account: '999988887777' }, /it was sent from account 999988887777, not this deployment's account 111122223333/],
    ['a teardown', { 'detail-type': 'vpc-origin-teardown' }, /teardowns are not started by events here \(byoip\.eventStartableTeardowns\)/],
  ])('refuses %s, starting nothing', async (_n, patch, why) => {
    await expect(handler(event(patch), context)).rejects.toMatchObject({ name: 'SafetyViolation', message: expect.stringMatching(why) });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('starts a teardown when the deployment opts in', async () => {
    installDeployment(
      parseDeploymentConfig({
        approvers: ['a@example.com'],
        eventStartableTeardowns: true,
        operators: [{ name: 'netops', principal: 'arn:aws:iam::111122223333:role/byoip-operator' }],
      }),
    );
    await expect(handler(event({ 'detail-type': 'vpc-origin-teardown' }), context)).resolves.toMatchObject({ started: true });
  });
});
