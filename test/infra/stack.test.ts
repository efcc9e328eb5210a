/** Template assertions: every workflow, task, trigger and alarm is deployed as docs/deploy.md says. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { MAX_BUNDLE_BYTES } from '../../infra/bundling';
import { taskCatalog } from '../../tasks/catalog';
import { workflows } from '../../workflows';
import { bundleSizes } from '../../scripts/bundle-sizes';
import { CDK_JSON_CONFIG, synthTemplates } from './synth';

const ROOT = join(__dirname, '..', '..');

describe('the orchestrator stack', () => {
  const { orchestrator: t, teamAccess } = synthTemplates();

  it.each(workflows.map((w) => [w.name]))('deploys %s as a Standard state machine from its committed ASL', (name) => {
    const asl = readFileSync(join(ROOT, 'asl', `${name}.asl.json`), 'utf8');
    const placeholders = [...new Set([...asl.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))];
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: `byoip-${name}`,
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      // Compact: CloudFormation counts the template's bytes, and a definition's whitespace is most of them.
      DefinitionString: JSON.stringify(JSON.parse(asl)),
      DefinitionSubstitutions: Object.fromEntries(placeholders.map((p) => [p, Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${p.replace(/Arn$/, '')}Fn`), 'Arn'] })])),
    });
    if (!['teardown-cloudfront-byoip', 'teardown-static-ip-byoip', 'byoasn-teardown', 'vpc-origin-teardown'].includes(name)) {
      t.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: Match.stringLikeRegexp('^OperatorBus') },
        EventPattern: { source: ['byoip-orchestrator.netops'], 'detail-type': [name], account: [{ Ref: 'AWS::AccountId' }] },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StartWorkflowFn'), 'Arn'] }, DeadLetterConfig: Match.anyValue() })],
      });
    }
    for (const kind of ['failed', 'timed-out', 'aborted']) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: `byoip-${name}-${kind}`, AlarmActions: [{ Ref: Match.stringLikeRegexp('^OperatorsTopic') }] });
    }
  });

  it('has one ARM64 function on a current Node runtime per task, each with its own role', () => {
    const fns = Object.values(t.findResources('AWS::Lambda::Function')) as any[];
    const tasks = fns.filter((f) => String(f.Properties.Description ?? '').startsWith('byoip-orchestrator task '));
    expect(tasks.map((f) => f.Properties.Description.replace('byoip-orchestrator task ', '')).sort()).toEqual(Object.keys(taskCatalog).sort());
    for (const f of tasks) {
      expect(f.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Environment: { Variables: { STATE_TABLE_NAME: { Ref: expect.stringMatching(/^StateTable/) } } } });
    }
    expect(new Set(tasks.map((f) => JSON.stringify(f.Properties.Role))).size).toBe(tasks.length);
  });


  it('keeps durable state in a table with point-in-time recovery and deletion protection', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      BillingMode: 'PAY_PER_REQUEST',
    });
    t.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });

  it('alarms on an approval that expired unanswered, from what the gate\'s CloseApproval task logs', () => {
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^TaskLogs') },
      FilterPattern: Match.stringLikeRegexp('approval closed.*EXPIRED'),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'byoip-approval-expired', AlarmActions: [{ Ref: Match.stringLikeRegexp('^OperatorsTopic') }] });
  });

  it('sends alarms to an encrypted, SSL-only operators topic', () => {
    t.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'byoip-orchestrator-operators', KmsMasterKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
  });

  it('lets team accounts deploy a role only the orchestrator\'s cross-account task roles can assume (test/infra/iam-conditions.test.ts evaluates it)', () => {
    teamAccess.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'byoip-orchestrator-team-access',
      AssumeRolePolicyDocument: { Statement: Match.arrayWith([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: Match.anyValue() } }]) },
    });
  });

  it('rejects a mistyped setting in cdk.json with the field named', () => {
    expect(() => synthTemplates({ byoip: { ...CDK_JSON_CONFIG, operatorEmail: 'x@example.com' } })).toThrow(/invalid "byoip" context in cdk.json/);
  });
});

describe('task bundles', () => {
  it('are each under 1 MiB', async () => {
    const sizes = await bundleSizes();
    expect(sizes).toHaveLength(Object.keys(taskCatalog).length);
    expect(sizes.filter((s) => s.bytes >= MAX_BUNDLE_BYTES)).toEqual([]);
  }, 180_000);
});
