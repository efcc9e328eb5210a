/**
 * The AmazonIpSpaceChanged trigger: the subscriber Lambda starts one execution per configured sync,
 * named after the synctoken (duplicate deliveries start nothing), and only AWS's topic can invoke it.
 */
import { SFNClient, StartExecutionCommand, ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { planOriginRangesSync } from '../../domain/origin-ranges';
import { subscribeToIpSpaceChanged } from '../../infra/origin-ranges-trigger';
import { handler } from '../../tasks/origin-lockdown/start-sync';
import { ipSpaceChangedEvent } from '../../sim/ip-ranges';
import { exampleInput } from '../support/world';

const ARN = 'arn:aws:states:eu-west-1:111122223333:stateMachine:byoip-origin-ranges-sync';
const config = () => { const { event: _e, ...rest } = exampleInput('origin-ranges-sync'); return rest; };
const notification = ipSpaceChangedEvent({ syncToken: '1796111100', createdAt: '2026-12-01T07:45:00.000Z', md5: 'a'.repeat(32) });

describe('StartOriginRangesSync (the SNS subscriber)', () => {
  const sfnMock = mockClient(SFNClient);
  beforeEach(() => {
    sfnMock.reset();
    process.env.ORIGIN_RANGES_SYNC_ARN = ARN;
    process.env.ORIGIN_RANGES_SYNC_INPUTS = JSON.stringify([config(), { ...config(), syncName: 'api-origins' }]);
  });

  it('starts one execution per sync, named after the synctoken, with the notification as event', async () => {
    sfnMock.on(StartExecutionCommand).callsFake((i) => ({ executionArn: `${ARN.replace('stateMachine', 'execution')}:${i.name}`, startDate: new Date() }));
    const out = await handler(notification, {} as never);
    const calls = sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.name)).toEqual(['ip-space-changed-1796111100-web-origins', 'ip-space-changed-1796111100-api-origins']);
    expect(calls.every((c) => c.stateMachineArn === ARN)).toBe(true);
    expect(JSON.parse(calls[0].input!)).toMatchObject({ syncName: 'web-origins', event: { Records: [{ Sns: { TopicArn: 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged' } }] } });
    // What it starts is what the workflow accepts.
    expect(planOriginRangesSync(JSON.parse(calls[0].input!)).trigger).toMatchObject({ kind: 'notification', notification: { syncToken: 1796111100 } });
    expect(out).toMatchObject({ syncToken: '1796111100', started: [expect.stringMatching(/web-origins$/), expect.stringMatching(/api-origins$/)], duplicates: [] });
  });

  it('treats a second delivery of the same notification as a duplicate', async () => {
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const out = await handler(notification, {} as never);
    expect(out).toMatchObject({ started: [], duplicates: ['ip-space-changed-1796111100-web-origins', 'ip-space-changed-1796111100-api-origins'] });
  });

  it('refuses messages from any other topic', async () => {
    const other = JSON.parse(JSON.stringify(notification));
    other.Records[0].Sns.TopicArn = 'arn:aws:sns:us-east-1:123456789012:Lookalike';
    await expect(handler(other, {} as never)).rejects.toMatchObject({ name: 'SafetyViolation' });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('subscribeToIpSpaceChanged (CDK)', () => {
  function stack(configured: unknown) {
    const s = new Stack(new App(), 'T', { env: { account: '111122223333', region: 'eu-west-1' } });
    const fn = new lambda.Function(s, 'Starter', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})') });
    const sm = new sfn.StateMachine(s, 'Sm', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(s, 'P')) });
    subscribeToIpSpaceChanged(s, fn, sm, configured);
    return Template.fromStack(s);
  }

  it('subscribes to AWS\'s topic in us-east-1, lets only that topic invoke, and may start only the sync', () => {
    const t = stack([config()]);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', Region: 'us-east-1', TopicArn: 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged' });
    t.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'sns.amazonaws.com', SourceArn: 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged' });
    t.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'states:StartExecution', Resource: { Ref: Match.stringLikeRegexp('Sm') } })]) } });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { ORIGIN_RANGES_SYNC_INPUTS: JSON.stringify([config()]) } } });
  });

  it('also runs each sync on demand once a day, in case a notification is lost', () => {
    const t = stack([config()]);
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)', Targets: [Match.objectLike({ Input: JSON.stringify(config()) })] });
    expect(Object.keys(stack([]).findResources('AWS::Events::Rule'))).toHaveLength(0);
  });

  it('fails the synth on a bad sync configuration, naming the field', () => {
    expect(() => stack([{ ...config(), securityGroups: { vpcId: 'default', ports: [{ port: 443 }] } }])).toThrow(/originRangesSync\[0\]: .*input\.securityGroups\.vpcId: must be a VPC id/s);
    expect(() => stack([{ ...config(), event: {} }])).toThrow(/leave out "event"/);
  });
});
