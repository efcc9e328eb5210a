/**
 * The orchestrator, deployed into the customer's IPAM/networking account:
 *  - a Lambda function per task (tasks/catalog.ts): local esbuild bundles, ARM64, current Node runtime,
 *    each with its own role granting exactly the actions its handler calls (task-permissions.ts),
 *    on the narrowest resources AWS allows (iam-scopes.ts);
 *  - a Standard state machine per workflow, defined inline from the committed asl/ file with its
 *    "${<Task>Arn}" placeholders substituted, logging ALL without execution data, X-Ray traced;
 *  - the state table (locks, ASN swap guard, approvals, sync tokens): PITR and deletion protection;
 *  - triggers (EventBridge custom events, the AmazonIpSpaceChanged subscription) and alarms.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { taskCatalog, type TaskName } from '../tasks/catalog';
import { STATE_TTL_ATTRIBUTE } from '../tasks/lib/state-table';
import { APPROVAL_KEY_SECRET_NAME } from '../domain/approval';
import { DEPLOYMENT_ENV, eventStartable } from '../domain/deployment';
import { ApprovalGate } from './approval-construct';
import { addApprovalExpiryAlarm, addExecutionAlarms } from './alarms';
import { acknowledgeInvokeGrants } from './nag';
import { taskBundling } from './bundling';
import { deployedWorkflows, type OrchestratorConfig } from './config';
import { deploymentEnvFor } from './deployment-env';
import { CROSS_ACCOUNT_TASKS, crossAccountRoleName, taskStatements, type ScopeContext } from './iam-scopes';
import { deployOriginLockdown } from './origin-ranges-trigger';
import { addTriggers } from './triggers';

/** Tasks that wait on the internet's services (several requests with retries) get longer than the default 60 s. */
const TASK_TIMEOUT_SECONDS: Partial<Record<TaskName, number>> = { PreflightInternetChecks: 150, CheckBgpVisibility: 100 };

export const ROOT = join(__dirname, '..');

/** The task names a definition references. */
export function tasksOf(definition: string): TaskName[] {
  return [...new Set([...definition.matchAll(/\$\{(\w+)Arn\}/g)].map((m) => m[1] as TaskName))];
}

export interface OrchestratorStackProps extends StackProps {
  readonly config: OrchestratorConfig;
}

export class OrchestratorStack extends Stack {
  readonly functions = new Map<TaskName, NodejsFunction>();
  readonly stateMachines = new Map<string, sfn.StateMachine>();
  readonly stateTable: dynamodb.Table;
  readonly operatorsTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: OrchestratorStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.stateTable = new dynamodb.Table(this, 'StateTable', {
      tableName: 'byoip-orchestrator-state',
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: STATE_TTL_ATTRIBUTE,
    });

    const operatorsKey = new kms.Key(this, 'OperatorsTopicKey', { enableKeyRotation: true, description: 'byoip-orchestrator operator notifications' });
    this.operatorsTopic = new sns.Topic(this, 'OperatorsTopic', { topicName: 'byoip-orchestrator-operators', masterKey: operatorsKey, enforceSSL: true });
    operatorsKey.grantEncryptDecrypt(new iam.ServicePrincipal('cloudwatch.amazonaws.com'));
    for (const email of config.operatorEmails) this.operatorsTopic.addSubscription(new subscriptions.EmailSubscription(email));

    const iamScope: ScopeContext = {
      partition: Aws.PARTITION,
      account: Aws.ACCOUNT_ID,
      region: Aws.REGION,
      stateTableArn: this.stateTable.tableArn,
      signingKeySecretArns: config.signing.keySecretArns,
      hostedZoneIds: config.hostedZoneIds,
      teamRoleArns: config.teamAccounts.map((a) => `arn:${Aws.PARTITION}:iam::${a}:role/${config.teamAccessRoleName}`),
      topicArns: [],
      approvalKeySecretName: APPROVAL_KEY_SECRET_NAME,
      eventStartableStateMachines: deployedWorkflows(config).filter((w) => eventStartable(config, w.name)).map((w) => `byoip-${w.name}`),
    };

    // One log group for all tasks (Powertools logs carry function_name): per-task groups would push the
    // stack past CloudFormation's 500-resource limit as workflows are added.
    const taskLogs = new logs.LogGroup(this, 'TaskLogs', {
      logGroupName: '/aws/lambda/byoip-orchestrator-tasks', retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const [name, entry] of Object.entries(taskCatalog) as Array<[TaskName, string]>) {
      const logGroup = taskLogs;
      // Inline in the role (no separate AWS::IAM::Policy per task), for the same resource limit.
      const role = new iam.Role(this, `${name}Role`, {
        // The team-access role trusts these by exact ARN (infra/team-access-stack.ts), so they have fixed names.
        roleName: CROSS_ACCOUNT_TASKS.includes(name) ? crossAccountRoleName(config.stackName, name) : undefined,
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `byoip-orchestrator task ${name}: only the actions its handler calls`,
        inlinePolicies: {
          task: new iam.PolicyDocument({
            statements: [
              new iam.PolicyStatement({ sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
              ...taskStatements(name, iamScope).map((st) => new iam.PolicyStatement(st)),
            ],
          }),
        },
      });
      const fn = new NodejsFunction(this, `${name}Fn`, {
        entry: join(ROOT, entry),
        handler: 'handler',
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        timeout: Duration.seconds(TASK_TIMEOUT_SECONDS[name] ?? 60),
        description: `byoip-orchestrator task ${name}`,
        role,
        logGroup,
        environment: {
          POWERTOOLS_SERVICE_NAME: 'byoip-orchestrator',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          STATE_TABLE_NAME: this.stateTable.tableName,
          OPERATORS_TOPIC_ARN: this.operatorsTopic.topicArn,
          ...(deploymentEnvFor(name, config) ? { [DEPLOYMENT_ENV]: deploymentEnvFor(name, config)! } : {}),
        },
        bundling: taskBundling,
        depsLockFilePath: join(ROOT, 'package-lock.json'),
        projectRoot: ROOT,
      });
      this.functions.set(name, fn);
    }

    for (const wf of deployedWorkflows(config)) {
      const definition = readFileSync(join(ROOT, 'asl', `${wf.name}.asl.json`), 'utf8');
      const used = tasksOf(definition);
      const logGroup = new logs.LogGroup(this, `${wf.name}-logs`, {
        logGroupName: `/aws/vendedlogs/states/byoip-${wf.name}`,
        retention: logs.RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const sm = new sfn.StateMachine(this, `${wf.name}-sm`, {
        stateMachineName: `byoip-${wf.name}`,
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: sfn.DefinitionBody.fromString(definition),
        definitionSubstitutions: Object.fromEntries(used.map((t) => [`${t}Arn`, this.functions.get(t)!.functionArn])),
        tracingEnabled: true,
        // Execution data stays out of the logs: it carries approval plans and, in callback states, task tokens.
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
        comment: wf.description,
      });
      for (const t of used) this.functions.get(t)!.grantInvoke(sm);
      acknowledgeInvokeGrants(sm.role, used.map((t) => this.functions.get(t)!));
      this.stateMachines.set(wf.name, sm);
      addExecutionAlarms(this, wf.name, sm, this.operatorsTopic);
    }

    addTriggers(this, { stateMachines: this.stateMachines, starter: this.functions.get('StartWorkflow')!, config });

    new CfnOutput(this, 'StateTableName', { value: this.stateTable.tableName });
    new CfnOutput(this, 'OperatorsTopicArn', { value: this.operatorsTopic.topicArn });
    const originSync = this.stateMachines.get('origin-ranges-sync');
    if (originSync) deployOriginLockdown(this, { functions: this.functions, stateMachine: originSync, config, legacyContext: this.node.tryGetContext('originRangesSync') });

    new ApprovalGate(this, 'ApprovalGate', { functions: this.functions, approvers: config.approvers, approvalPage: config.approvalPage });
    addApprovalExpiryAlarm(this, taskLogs, this.operatorsTopic);
  }
}
