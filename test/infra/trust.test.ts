/**
 * Decisions you can trust, as deployed (issue #15): the configuration a synth insists on, the operator
 * bus and its policy, per-approver subscriptions, the page's authorizer, and which functions learn
 * which part of the configuration.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { DEPLOYMENT_FIELDS } from '../../infra/deployment-env';
import { CDK_JSON_CONFIG, synthTemplates } from './synth';

const fnEnv = (t: ReturnType<typeof synthTemplates>['orchestrator'], task: string) =>
  (Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(`${task}Fn`))![1] as any).Properties.Environment.Variables;

describe('a deployment you can trust', () => {
  const { orchestrator: t } = synthTemplates();

  it('refuses a configuration without approvers, naming the field', () => {
    expect(() => synthTemplates({ byoip: { ...CDK_JSON_CONFIG, approvers: [], approverPrincipals: [] } })).toThrow(
      /byoip\.approvers: needs at least one approver/,
    );
  });

  it('refuses VPC-origin workflows without team accounts, and takes them out when byoip.workflows leaves them out', () => {
    expect(() => synthTemplates({ byoip: { ...CDK_JSON_CONFIG, teamAccounts: [] } })).toThrow(
      /byoip\.teamAccounts: needs the team accounts vpc-origin-share and vpc-origin-teardown may work with/,
    );
    const { orchestrator } = synthTemplates({
      byoip: { ...CDK_JSON_CONFIG, teamAccounts: [], workflows: ['onboard-cloudfront-byoip', 'teardown-cloudfront-byoip'] },
    });
    const machines = Object.values(orchestrator.findResources('AWS::StepFunctions::StateMachine'))
      .map((m: any) => m.Properties.StateMachineName)
      .sort();
    expect(machines).toEqual(['byoip-onboard-cloudfront-byoip', 'byoip-teardown-cloudfront-byoip']);
  });

  it('never lets a team stack trust its own account: without byoip.orchestratorAccountId a deploy must name the account', () => {
    const before = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
    process.env.CDK_DEFAULT_ACCOUNT = '444455556666'; // deploying the team stack with a team account's credentials
    process.env.CDK_DEFAULT_REGION = 'us-east-1';
    try {
      const { orchestratorAccountId: _none, ...withoutIt } = { ...CDK_JSON_CONFIG, orchestratorAccountId: undefined };
      const { teamAccess } = synthTemplates({ byoip: withoutIt });
      const json = teamAccess.toJSON();
      expect(json.Parameters.OrchestratorAccountId).toMatchObject({ Type: 'String', AllowedPattern: '^\\d{12}$' });
      expect(json.Parameters.OrchestratorAccountId.Default).toBeUndefined();
      const role = Object.values(teamAccess.findResources('AWS::IAM::Role'))[0] as any;
      const trust = JSON.stringify(role.Properties.AssumeRolePolicyDocument);
      expect(trust).not.toContain('444455556666');
      expect(trust).toContain('{"Ref":"OrchestratorAccountId"}');
    } finally {
      for (const [k, v] of [
        ['CDK_DEFAULT_ACCOUNT', before.account],
        ['CDK_DEFAULT_REGION', before.region],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('refuses an approver principal or operator that maps to someone who is not an approver', () => {
    expect(() =>
      synthTemplates({
        byoip: { ...CDK_JSON_CONFIG, approverPrincipals: [{ principal: 'arn:aws:iam::111122223333:role/ops', approver: 'mallory@example.net' }] },
      }),
    ).toThrow(/byoip\.approverPrincipals\.0\.approver: mallory@example\.net is not in byoip\.approvers/);
  });

  it('subscribes each configured approver to their own messages only (no byoip:approverEmails key any more)', () => {
    for (const email of CDK_JSON_CONFIG.approvers) {
      t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, FilterPolicy: { approver: [email] } });
    }
    expect(Object.values(t.findResources('AWS::SNS::Subscription')).filter((s: any) => s.Properties.FilterPolicy?.approver)).toHaveLength(
      CDK_JSON_CONFIG.approvers.length,
    );
  });

  it('starts workflows from events only on its own bus, only from the configured operators with their own source, only for this account', () => {
    t.hasResourceProperties('AWS::Events::EventBus', { Name: 'byoip-orchestrator' });
    const policies = Object.values(t.findResources('AWS::Events::EventBusPolicy')).map((p: any) => p.Properties.Statement);
    expect(policies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Sid: 'cdk-OperatorsPutEvents',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:role/byoip-operator' },
          Action: 'events:PutEvents',
        }),
        expect.objectContaining({
          Sid: 'cdk-OnlyOperators',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/byoip-operator'] } },
        }),
        expect.objectContaining({
          Sid: 'cdk-OwnSourceOnly0',
          Effect: 'Deny',
          Condition: {
            ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/byoip-operator' },
            StringNotEquals: { 'events:source': 'byoip-orchestrator.netops' },
          },
        }),
      ]),
    );
    const rules = Object.values(t.findResources('AWS::Events::Rule')).filter((r: any) => r.Properties.EventPattern?.['detail-type']);
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules as any[]) {
      expect(r.Properties.EventBusName).toEqual({ Ref: expect.stringMatching(/^OperatorBus/) });
      expect(r.Properties.EventPattern.account).toEqual([{ Ref: 'AWS::AccountId' }]);
      expect(r.Properties.EventPattern.source).toEqual(['byoip-orchestrator.netops']);
    }
    // Teardowns are not event-startable unless the configuration opts in.
    const startable = (rs: any[]) => rs.map((r) => r.Properties.EventPattern['detail-type'][0]).sort();
    expect(startable(rules)).not.toEqual(expect.arrayContaining(['vpc-origin-teardown']));
    expect(startable(rules).filter((n: string) => /teardown/.test(n))).toEqual([]);
    const { orchestrator: optedIn } = synthTemplates({ byoip: { ...CDK_JSON_CONFIG, eventStartableTeardowns: true } });
    expect(startable(Object.values(optedIn.findResources('AWS::Events::Rule')).filter((r: any) => r.Properties.EventPattern?.['detail-type']))).toEqual(
      expect.arrayContaining(['vpc-origin-teardown', 'byoasn-teardown']),
    );
  });

  it('lets the signing tasks read exactly the configured key secrets, and nothing else does', () => {
    const roles = t.findResources('AWS::IAM::Role');
    for (const task of ['ProvisionPoolCidrs', 'ProvisionGaByoipCidrs', 'ProvisionByoasn']) {
      const role = Object.entries(roles).find(([id]) => id.startsWith(`${task}Role`))![1] as any;
      const secrets = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement).filter((s: any) => s.Action === 'secretsmanager:GetSecretValue');
      expect([task, secrets.map((s: any) => s.Resource)]).toEqual([task, [CDK_JSON_CONFIG.signing.keySecretArns[0]]]);
    }
    const readers = Object.entries(roles)
      .filter(([, r]: [string, any]) => JSON.stringify(r.Properties.Policies ?? []).includes('signing-key'))
      .map(([id]) => id.replace(/Role.*$/, ''));
    // The signers, and the pre-flight, which derives the key's public part to compare with the RDAP certificate.
    expect(readers.sort()).toEqual(['PreflightInternetChecks', 'ProvisionByoasn', 'ProvisionGaByoipCidrs', 'ProvisionPoolCidrs']);
  });

  it('gives each function only the part of the configuration it reads', () => {
    expect(JSON.parse(fnEnv(t, 'ProvisionPoolCidrs').BYOIP_DEPLOYMENT)).toEqual({ signing: CDK_JSON_CONFIG.signing });
    expect(Object.keys(JSON.parse(fnEnv(t, 'ApprovalPage').BYOIP_DEPLOYMENT)).sort()).toEqual(['approvalPage', 'approverPrincipals']);
    expect(fnEnv(t, 'AdvertiseCidr').BYOIP_DEPLOYMENT).toBeUndefined();
    const withConfig = Object.entries(t.findResources('AWS::Lambda::Function'))
      .filter(([, f]: [string, any]) => f.Properties.Environment?.Variables?.BYOIP_DEPLOYMENT)
      .map(([id]) => id.replace(/Fn[0-9A-F]{8}$/, ''));
    expect(withConfig.sort()).toEqual(Object.keys(DEPLOYMENT_FIELDS).sort());
  });

  it('puts a Cognito authorizer in front of the page when a user pool is configured', () => {
    const { orchestrator } = synthTemplates({
      byoip: {
        ...CDK_JSON_CONFIG,
        approvalPage: { signIn: 'authorizer', cognitoUserPoolArn: 'arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_Example1' },
      },
    });
    orchestrator.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      ProviderARNs: ['arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_Example1'],
    });
    const methods = Object.values(orchestrator.findResources('AWS::ApiGateway::Method')) as any[];
    expect(
      methods
        .filter((m) => m.Properties.AuthorizationType === 'COGNITO_USER_POOLS')
        .map((m) => m.Properties.HttpMethod)
        .sort(),
    ).toEqual(['GET', 'HEAD', 'POST']);
    expect(methods.filter((m) => m.Properties.AuthorizationType === 'NONE')).toEqual(
      [Match.objectLike({ Properties: Match.objectLike({ HttpMethod: 'POST' }) })].map(() => expect.anything()),
    );
  });
});
