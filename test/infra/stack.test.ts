/** Template assertions: every workflow, task, trigger and alarm is deployed as docs/deploy.md says. */
import { execSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { MAX_BUNDLE_BYTES } from '../../infra/bundling';
import { taskCatalog } from '../../tasks/catalog';
import { workflows } from '../../workflows';
import { bundleSizes } from '../../scripts/bundle-sizes';
import { BUDGET, figuresOf, overBudget } from '../../infra/budget';
import { FAMILIES } from '../../infra/families';
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
      DefinitionSubstitutions: Object.fromEntries(
        placeholders.map((p) => [p, Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${p.replace(/Arn$/, '')}Fn`), 'Arn'] })]),
      ),
    });
    if (!['teardown-cloudfront-byoip', 'teardown-static-ip-byoip', 'byoasn-teardown', 'vpc-origin-teardown'].includes(name)) {
      t.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: Match.stringLikeRegexp('^OperatorBus') },
        EventPattern: { source: ['byoip-orchestrator.netops'], 'detail-type': [name], account: [{ Ref: 'AWS::AccountId' }] },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StartWorkflowFn'), 'Arn'] }, DeadLetterConfig: Match.anyValue() })],
      });
    }
    for (const kind of ['failed', 'timed-out', 'aborted']) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `byoip-${name}-${kind}`,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^OperatorsTopic') }],
      });
    }
  });

  it('has one ARM64 function on a current Node runtime per task, each with its own role', () => {
    const fns = Object.values(t.findResources('AWS::Lambda::Function')) as any[];
    const tasks = fns.filter((f) => String(f.Properties.Description ?? '').startsWith('byoip-orchestrator task '));
    expect(tasks.map((f) => f.Properties.Description.replace('byoip-orchestrator task ', '')).sort()).toEqual(Object.keys(taskCatalog).sort());
    for (const f of tasks) {
      expect(f.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Environment: { Variables: { STATE_TABLE_NAME: { Ref: expect.stringMatching(/^StateTable/) } } },
      });
    }
    expect(new Set(tasks.map((f) => JSON.stringify(f.Properties.Role))).size).toBe(tasks.length);
  });

  it("alarms on what fails outside executions: the trigger's dead letters, the AmazonIpSpaceChanged starter, the approval page", () => {
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')) as any[];
    const named = (name: string) => alarms.find((a) => a.Properties.AlarmName === name)?.Properties;
    expect(named('byoip-trigger-dead-letters')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Value: { 'Fn::GetAtt': [expect.stringMatching(/^TriggerDlq/), 'QueueName'] } }],
    });
    expect(named('byoip-ip-space-changed-errors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Value: { Ref: expect.stringMatching(/^StartOriginRangesSyncFn/) } }],
    });
    expect(named('byoip-approval-page-errors')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError' });
    expect(named('byoip-approval-page-function-errors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Value: { Ref: expect.stringMatching(/^ApprovalPageFn/) } }],
    });
    for (const name of ['byoip-trigger-dead-letters', 'byoip-ip-space-changed-errors', 'byoip-approval-page-errors', 'byoip-approval-page-function-errors']) {
      expect([name, named(name)?.AlarmActions]).toEqual([name, [{ Ref: expect.stringMatching(/^OperatorsTopic/) }]]);
    }
  });

  it('can be deployed again after `cdk destroy`: a retained state-machine log group is named per stack creation', () => {
    const groups = Object.values(t.findResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' })) as any[];
    const machines = groups.filter((g) => JSON.stringify(g.Properties.LogGroupName ?? '').includes('/aws/vendedlogs/states/'));
    expect(machines).toHaveLength(workflows.length);
    // A fixed name would still exist after `cdk destroy` (retained) and fail the next create.
    for (const g of machines) expect(JSON.stringify(g.Properties.LogGroupName)).toContain('AWS::StackId');
    // No other retained resource keeps a fixed name, except the state table (docs/deploy.md: delete or import it).
    const fixed = Object.entries(t.toJSON().Resources as Record<string, any>)
      .filter(([, r]) => r.DeletionPolicy === 'Retain')
      .flatMap(([id, r]) =>
        Object.entries(r.Properties ?? {})
          .filter(([k, v]) => /Name$/.test(k) && k !== 'AttributeName' && typeof v === 'string')
          .map(([k, v]) => `${id.replace(/[0-9A-F]{8}$/, '')} ${k} ${v}`),
      );
    expect(fixed).toEqual(['StateTable TableName byoip-orchestrator-state']);
  });

  it('keeps durable state in a table with point-in-time recovery and deletion protection', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      BillingMode: 'PAY_PER_REQUEST',
    });
    t.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });

  it("alarms on an approval that expired unanswered, from what the gate's CloseApproval task logs", () => {
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^TaskLogs') },
      FilterPattern: Match.stringLikeRegexp('approval closed.*EXPIRED'),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'byoip-approval-expired',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^OperatorsTopic') }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'byoip-operator-decision',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^OperatorsTopic') }],
    });
    t.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.message = "operator decision requested" }' });
  });

  it('sends alarms to an encrypted, SSL-only operators topic', () => {
    t.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'byoip-orchestrator-operators', KmsMasterKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it("lets team accounts deploy a role only the orchestrator's cross-account task roles can assume (test/infra/iam-conditions.test.ts evaluates it)", () => {
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

describe("template budgets (CloudFormation's limits, with room to grow)", () => {
  const { templates } = synthTemplates();
  const figures = templates.map((t) => figuresOf(t.file, t.bytes, t.json));

  it('synthesizes the parent, one nested stack per workflow family, and the team-access stack', () => {
    expect(figures.filter((f) => f.file.endsWith('.nested.template.json'))).toHaveLength(Object.keys(FAMILIES).length);
    expect(figures.map((f) => f.file)).toEqual(expect.arrayContaining(['ByoipOrchestrator.template.json', 'ByoipOrchestratorTeamAccess.template.json']));
    // Every workflow is in a family (familyOf throws otherwise) and every family's workflows exist.
    expect(Object.values(FAMILIES).flat().sort()).toEqual(workflows.map((w) => w.name).sort());
  });

  it("keeps every template within 80 % of CloudFormation's limits (bytes, resources, outputs, parameters, mappings)", () => {
    expect(figures.flatMap((f) => overBudget(f))).toEqual([]);
  });

  it('leaves room to double the workflows: every template within half its budget', () => {
    expect(figures.flatMap((f) => overBudget(f, true))).toEqual([]);
  });

  it('fails a template over budget (the check can fail)', () => {
    const before = { file: 'ByoipOrchestrator.template.json (main at 88ed00c)', bytes: 1_125_463, resources: 371, outputs: 2, parameters: 1, mappings: 0 };
    expect(overBudget(before)).toEqual([
      `ByoipOrchestrator.template.json (main at 88ed00c): 1125463 bytes > ${BUDGET.bytes} (80 % of CloudFormation's 1000000)`,
    ]);
    expect(overBudget({ ...before, bytes: 500_000, resources: 250 }, true)).toEqual([
      'ByoipOrchestrator.template.json (main at 88ed00c): 500000 bytes > 400000 (half the budget, room to double)',
      'ByoipOrchestrator.template.json (main at 88ed00c): 250 resources > 200 (half the budget, room to double)',
    ]);
  });
});

describe('docs/deploy.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
  const section = (title: string) => doc.slice(doc.indexOf(`## ${title}`), doc.indexOf('\n## ', doc.indexOf(`## ${title}`) + 3));

  it('synthesizes with the configuration it shows', () => {
    const shown = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(section('Configure'))![1]).byoip;
    const { orchestrator } = synthTemplates({ byoip: shown });
    expect(Object.keys(orchestrator.findResources('AWS::StepFunctions::StateMachine'))).toHaveLength(workflows.length);
  });

  it('generates a signing key without a passphrase, as the tasks and byoip doctor read it', () => {
    const commands = /Create the key and certificate[\s\S]*?```sh\n([\s\S]*?)\n```/
      .exec(doc)![1]
      .split('\n')
      .filter((l) => l.startsWith('openssl '));
    expect(commands).toHaveLength(2);
    for (const c of commands) expect(c).not.toMatch(/-(aes|des|camellia|aria)\w*|-passout|-pass\b/);
    const dir = mkdtempSync(join(tmpdir(), 'byoip-keys-'));
    for (const c of commands) execSync(c, { cwd: dir, stdio: 'pipe', shell: '/bin/sh' });
    const pem = readFileSync(join(dir, 'private-key.pem'), 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(() => createPrivateKey(pem)).not.toThrow();
    const certificate = readFileSync(join(dir, 'certificate.pem'), 'utf8');
    expect(certificate).toMatch(/^-----BEGIN CERTIFICATE-----.*-----END CERTIFICATE-----$/);
  });
});
