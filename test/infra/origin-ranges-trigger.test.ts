/**
 * The AmazonIpSpaceChanged trigger and the sync configuration in the stack: the subscriber starts one
 * execution per configured sync, named after the synctoken, with only the sync name and the
 * notification as input; only AWS's topic can invoke it; the configuration reaches only the functions
 * that read it, and a bad or retired configuration fails the synth.
 */
import { SFNClient, StartExecutionCommand, ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { DEPLOYMENT_ENV, parseDeploymentConfig } from '../../domain/deployment';
import { planOriginRangesSync } from '../../domain/origin-ranges';
import { deploymentEnvFor } from '../../infra/deployment-env';
import { deployOriginLockdown } from '../../infra/origin-ranges-trigger';

const ORIGIN_LOCKDOWN_READERS = ['ValidateOriginRangesInput', 'PlanOriginSync', 'StartOriginRangesSync'] as const;
import { handler } from '../../tasks/origin-lockdown/start-sync';
import { ipSpaceChangedEvent } from '../../sim/services/ip-ranges/publications';
import { exampleWorldJson } from '../support/world';

const ARN = 'arn:aws:states:eu-west-1:111122223333:stateMachine:byoip-origin-ranges-sync';
const sync = () => exampleWorldJson().deployment.originLockdown.syncs['web-origins'];
const lockdown = (names = ['web-origins', 'api-origins']) => ({ syncs: Object.fromEntries(names.map((n) => [n, sync()])) });
const notification = ipSpaceChangedEvent({ syncToken: '1796111100', createdAt: '2026-12-01T07:45:00.000Z', md5: 'a'.repeat(32) });

describe('StartOriginRangesSync (the SNS subscriber)', () => {
  const sfnMock = mockClient(SFNClient);
  beforeEach(() => {
    sfnMock.reset();
    process.env.ORIGIN_RANGES_SYNC_ARN = ARN;
    process.env[DEPLOYMENT_ENV] = JSON.stringify({ originLockdown: lockdown() });
  });
  afterAll(() => {
    delete process.env[DEPLOYMENT_ENV];
  });

  it('starts one execution per configured sync, named after the synctoken, with only the sync name and the notification', async () => {
    sfnMock.on(StartExecutionCommand).callsFake((i) => ({ executionArn: `${ARN.replace('stateMachine', 'execution')}:${i.name}`, startDate: new Date() }));
    const out = await handler(notification, {} as never);
    const calls = sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.name)).toEqual(['ip-space-changed-1796111100-web-origins', 'ip-space-changed-1796111100-api-origins']);
    expect(calls.every((c) => c.stateMachineArn === ARN)).toBe(true);
    expect(Object.keys(JSON.parse(calls[0].input!)).sort()).toEqual(['event', 'syncName']);
    expect(JSON.parse(calls[0].input!)).toMatchObject({
      syncName: 'web-origins',
      event: { Records: [{ Sns: { TopicArn: 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged' } }] },
    });
    // What it starts is what the workflow accepts.
    expect(planOriginRangesSync(JSON.parse(calls[0].input!), parseDeploymentConfig(process.env[DEPLOYMENT_ENV]).originLockdown).trigger).toMatchObject({
      kind: 'notification',
      notification: { syncToken: 1796111100 },
    });
    expect(out).toMatchObject({
      syncToken: '1796111100',
      started: [expect.stringMatching(/web-origins$/), expect.stringMatching(/api-origins$/)],
      duplicates: [],
    });
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

  it('fails closed without its configuration, and refuses a rehearsal flag in AWS', async () => {
    delete process.env[DEPLOYMENT_ENV];
    await expect(handler(notification, {} as never)).rejects.toMatchObject({ name: 'ConfigurationInvalid' });
    process.env[DEPLOYMENT_ENV] = JSON.stringify({ rehearsal: true });
    await expect(handler(notification, {} as never)).rejects.toMatchObject({
      name: 'ConfigurationInvalid',
      message: expect.stringMatching(/byoip\.rehearsal: is for simulated worlds only/),
    });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('deployOriginLockdown (CDK)', () => {
  function stack(config: unknown, legacyContext?: unknown) {
    const s = new Stack(new App(), 'T', { env: { account: '111122223333', region: 'eu-west-1' } });
    const functions = new Map<string, lambda.Function>();
    for (const name of [...ORIGIN_LOCKDOWN_READERS, 'CheckSyncToken']) {
      functions.set(
        name,
        new lambda.Function(s, name, {
          runtime: lambda.Runtime.NODEJS_22_X,
          handler: 'index.handler',
          code: lambda.Code.fromInline('exports.handler=async()=>({})'),
          description: name,
        }),
      );
    }
    const sm = new sfn.StateMachine(s, 'Sm', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(s, 'P')) });
    deployOriginLockdown(s, { functions, stateMachine: sm, config: parseDeploymentConfig(config), legacyContext });
    return Template.fromStack(s);
  }

  it("subscribes to AWS's topic in us-east-1 and lets only that topic invoke the starter", () => {
    const t = stack({ originLockdown: lockdown(['web-origins']) });
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Region: 'us-east-1',
      TopicArn: 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged',
    });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'sns.amazonaws.com',
      SourceArn: 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged',
    });
  });

  it('gives the configuration to the three functions that read it, and only its originLockdown part', () => {
    const config = parseDeploymentConfig({ originLockdown: lockdown(['web-origins']), operatorEmails: ['noc@example.com'] });
    for (const name of ORIGIN_LOCKDOWN_READERS) expect(JSON.parse(deploymentEnvFor(name, config)!)).toEqual({ originLockdown: config.originLockdown });
    expect(deploymentEnvFor('CheckSyncToken', config)).toBeUndefined();
  });

  it('runs each sync on demand once a day with only its name as input', () => {
    const t = stack({ originLockdown: lockdown(['web-origins']) });
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [Match.objectLike({ Input: JSON.stringify({ syncName: 'web-origins' }) })],
    });
    expect(Object.keys(stack({}).findResources('AWS::Events::Rule'))).toHaveLength(0);
    expect(Object.keys(stack({}).findResources('AWS::SNS::Subscription'))).toHaveLength(0);
  });

  it('fails the synth on a bad sync configuration, naming the field, and on the retired context key', () => {
    const bad = {
      originLockdown: { syncs: { 'web-origins': { ...sync(), securityGroups: { vpcId: 'vpc-0a1b2c3d4e5f60001', ports: [{ protocol: 'udp', port: 53 }] } } } },
    };
    expect(() => stack(bad)).toThrow(/byoip\.originLockdown\.syncs\.web-origins\.securityGroups\.ports\.0\.protocol: must be tcp/);
    expect(() => stack({ originLockdown: lockdown(['web-origins']) }, [{ syncName: 'web-origins' }])).toThrow(
      /context originRangesSync is retired: configure each sync under byoip\.originLockdown\.syncs/,
    );
    expect(() => stack({ rehearsal: true })).toThrow(/byoip\.rehearsal: is for simulated worlds only/);
  });

  it("refuses a configuration too large for a function's environment", () => {
    const many = parseDeploymentConfig({ originLockdown: lockdown(Array.from({ length: 12 }, (_, i) => `sync-${i + 10}`)) });
    expect(() => deploymentEnvFor('PlanOriginSync', many)).toThrow(
      /byoip\.originLockdown is \d+ bytes as JSON for PlanOriginSync; a function's environment holds 4 KB/,
    );
  });
});
