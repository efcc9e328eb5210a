/**
 * The approval gate's AWS side (docs/approvals.md): the SNS topic the emails go to (KMS-encrypted,
 * TLS-only), the secret that signs the links, and the approval page behind API Gateway (GET shows,
 * POST decides; throttled; no request or response bodies in any log; access logs without query
 * strings, which hold the links' signatures). The tasks get the topic, secret and page URL by environment.
 *
 * Each of byoip.approvers is subscribed with a filter on the message's `approver` attribute: the
 * tasks publish one message per approver, with that approver's own link, so nobody receives another's.
 * With byoip.approvalPage.cognitoUserPoolArn, a Cognito user pool authorizer stands in front of the
 * page and the page requires its verified email to be the link's approver (signIn "authorizer").
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { APPROVAL_KEY_SECRET_NAME, APPROVAL_TOPIC_NAME } from '../domain/approval';
import type { DeploymentConfig } from '../domain/deployment';
import type { TaskName } from '../tasks/catalog';
import { acknowledgeApprovalGate } from './nag';

export interface ApprovalGateProps {
  /** The stack's task functions (tasks/catalog.ts). */
  readonly functions: ReadonlyMap<TaskName, lambda.Function>;
  /** byoip.approvers: each is subscribed, filtered to their own messages. */
  readonly approvers: string[];
  /** byoip.approvalPage: how the page knows who decides. */
  readonly approvalPage?: DeploymentConfig['approvalPage'];
}

const PUBLISHERS: TaskName[] = ['RequestApproval', 'RemindApprovers', 'CloseApproval'];

export class ApprovalGate extends Construct {
  readonly topic: sns.Topic;
  readonly linkKey: secretsmanager.Secret;
  readonly api: apigw.RestApi;

  constructor(scope: Construct, id: string, props: ApprovalGateProps) {
    super(scope, id);
    const fn = (name: TaskName) => {
      const f = props.functions.get(name);
      if (!f) throw new Error(`ApprovalGate needs the ${name} task function`);
      return f;
    };

    const key = new kms.Key(this, 'TopicKey', { description: 'Encrypts the byoip-orchestrator approval emails at rest in SNS', enableKeyRotation: true });
    this.topic = new sns.Topic(this, 'Topic', { topicName: APPROVAL_TOPIC_NAME, displayName: 'BYOIP approvals', masterKey: key, enforceSSL: true });
    for (const email of props.approvers) {
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(email, {
          filterPolicy: { approver: sns.SubscriptionFilter.stringFilter({ allowlist: [email.toLowerCase()] }) },
        }),
      );
    }

    this.linkKey = new secretsmanager.Secret(this, 'LinkKey', {
      secretName: APPROVAL_KEY_SECRET_NAME,
      description: "HMAC key that signs approval links and the approval page's anti-forgery values; rotating it invalidates open links",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    const f = apigw.AccessLogField;
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: 'byoip-approvals',
      description: 'The approval page: GET shows a plan, POST from its form decides',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: 5,
        throttlingBurstLimit: 10,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false, // bodies carry anti-forgery values and reasons; never log them
        metricsEnabled: true,
        tracingEnabled: true,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        // The resource path, not the request URL: the query string holds the link's signature.
        accessLogFormat: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: f.contextRequestId(),
            ip: f.contextIdentitySourceIp(),
            time: f.contextRequestTime(),
            method: f.contextHttpMethod(),
            resource: f.contextResourcePath(),
            status: f.contextStatus(),
            bytes: f.contextResponseLength(),
            userAgent: f.contextIdentityUserAgent(),
          }),
        ),
      },
    });
    const page = fn('ApprovalPage');
    const integration = new apigw.LambdaIntegration(page, { proxy: true, timeout: Duration.seconds(29) });
    const approval = this.api.root.addResource('approvals').addResource('{approvalId}');
    // The link is the capability (signed for one approver, expiring, single-use); with a user pool, sign-in too.
    const validator = this.api.addRequestValidator('Validator', { requestValidatorName: 'path-parameters', validateRequestParameters: true });
    const poolArn = props.approvalPage?.cognitoUserPoolArn;
    const authorizer = poolArn
      ? new apigw.CognitoUserPoolsAuthorizer(this, 'SignIn', {
          cognitoUserPools: [cognito.UserPool.fromUserPoolArn(this, 'Approvers', poolArn)],
          authorizerName: 'byoip-approvers',
        })
      : undefined;
    for (const method of ['GET', 'HEAD', 'POST']) {
      approval.addMethod(method, integration, {
        ...(authorizer ? { authorizationType: apigw.AuthorizationType.COGNITO, authorizer } : { authorizationType: apigw.AuthorizationType.NONE }),
        requestValidator: validator,
        requestParameters: { 'method.request.path.approvalId': true },
      });
    }
    // `byoip approve|reject`: authenticated by the presigned STS GetCallerIdentity in the body, not by the API.
    approval.addResource('decision').addMethod('POST', integration, {
      authorizationType: apigw.AuthorizationType.NONE,
      requestValidator: validator,
      requestParameters: { 'method.request.path.approvalId': true },
    });

    const environment: Record<string, string> = {
      APPROVAL_TOPIC_ARN: this.topic.topicArn,
      APPROVAL_KEY_SECRET_ID: this.linkKey.secretArn,
      APPROVAL_BASE_URL: this.api.url.replace(/\/$/, ''),
    };
    for (const name of new Set([...PUBLISHERS, 'ApprovalPage', 'ArmApprovalReminder', 'StopApprovalReminders'] as TaskName[])) {
      const target = fn(name);
      for (const [k, v] of Object.entries(environment)) if (!(name === 'ApprovalPage' && k === 'APPROVAL_BASE_URL')) target.addEnvironment(k, v);
    }
    // sns:Publish and secretsmanager:GetSecretValue come with each task's role (task-permissions.ts, scoped in
    // iam-scopes.ts); SNS's use of the topic key on the publishers' behalf is granted in the key policy.
    for (const name of PUBLISHERS) {
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `Publish${name}`,
          principals: [fn(name).role!],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'],
        }),
      );
    }
    acknowledgeApprovalGate(this);
  }
}
