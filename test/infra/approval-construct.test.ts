/** The approval gate's infrastructure, synthesized: encrypted TLS-only topic, quiet logs, throttled page, wiring. */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApprovalGate } from '../../infra/approval-construct';
import { taskCatalog, type TaskName } from '../../tasks/catalog';

describe('ApprovalGate construct', () => {
  const stack = new Stack(new App(), 'Test');
  const functions = new Map<TaskName, lambda.Function>();
  for (const name of Object.keys(taskCatalog) as TaskName[]) {
    functions.set(
      name,
      new lambda.Function(stack, `${name}Fn`, {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      }),
    );
  }
  new ApprovalGate(stack, 'Gate', { functions, approvers: ['NetOps-OnCall@example.com', 'netops-lead@example.com'] });
  const template = Template.fromStack(stack);
  const envOf = (name: string) => Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(`${name}Fn`))?.[1];

  it('emails through a KMS-encrypted topic that refuses publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'byoip-orchestrator-approvals', KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    // One subscription per approver, filtered to the messages (links) meant for that approver only.
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'NetOps-OnCall@example.com',
      FilterPolicy: { approver: ['netops-oncall@example.com'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'netops-lead@example.com',
      FilterPolicy: { approver: ['netops-lead@example.com'] },
    });
  });

  it('serves only GET, HEAD and POST on /approvals/{approvalId} and POST on its /decision, throttled, with no bodies or query strings in logs', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'))
      .map((m: any) => m.Properties.HttpMethod)
      .sort();
    expect(methods).toEqual(['GET', 'HEAD', 'POST', 'POST']);
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'decision' });
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{approvalId}' });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ DataTraceEnabled: false, ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 })],
      AccessLogSetting: { Format: Match.stringLikeRegexp('\\$context\\.resourcePath') },
    });
    const format = JSON.stringify(template.findResources('AWS::ApiGateway::Stage'));
    expect(format).not.toMatch(/\$context\.path|querystring/i);
  });

  it('keeps the link key in Secrets Manager and tells the tasks where everything is', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'byoip-orchestrator/approval-link-key',
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
    const vars = (name: string) => (envOf(name) as any).Properties.Environment.Variables;
    expect(Object.keys(vars('RequestApproval')).sort()).toEqual(['APPROVAL_BASE_URL', 'APPROVAL_KEY_SECRET_ID', 'APPROVAL_TOPIC_ARN']);
    expect(JSON.stringify(vars('RequestApproval').APPROVAL_BASE_URL)).toMatch(/execute-api/);
    expect(Object.keys(vars('ApprovalPage')).sort()).toEqual(['APPROVAL_KEY_SECRET_ID', 'APPROVAL_TOPIC_ARN']);
  });
});
