/**
 * The orchestrator, deployed into the customer's IPAM/networking account:
 *  - a Lambda function per task (tasks/catalog.ts), each with its own role (task-function.ts);
 *  - one nested stack per workflow family (families.ts, family-stack.ts) with its Standard state
 *    machines, their log groups and alarms, and the tasks only that family uses; the tasks several
 *    families share stay here, so each template grows with its own family only;
 *  - the state table (locks, ASN swap guard, approvals, sync tokens): PITR and deletion protection;
 *  - triggers (EventBridge custom events, the AmazonIpSpaceChanged subscription) and alarms.
 */
import { Aws, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { taskCatalog, type TaskName } from '../tasks/catalog';
import { STATE_TTL_ATTRIBUTE } from '../platform/state-table';
import { APPROVAL_KEY_SECRET_NAME } from '../domain/approval';
import { eventStartable } from '../domain/deployment';
import { ApprovalGate } from './approval-construct';
import { addApprovalExpiryAlarm, addOperationalAlarms, addOperatorDecisionAlarm } from './alarms';
import { deployedWorkflows, type OrchestratorConfig } from './config';
import { FamilyStack } from './family-stack';
import { FAMILIES, familyOf, taskHome, type Family } from './families';
import type { ScopeContext } from './iam-scopes';
import { deployOriginLockdown } from './origin-ranges-trigger';
import { addTaskFunction, STATE_TABLE_NAME, TASK_LOG_GROUP_NAME, type TaskContext } from './task-function';
import { addTriggers } from './triggers';

export { ROOT } from './task-function';
export { tasksOf } from './families';

export interface OrchestratorStackProps extends StackProps {
  readonly config: OrchestratorConfig;
}

export class OrchestratorStack extends Stack {
  readonly functions = new Map<TaskName, lambda.Function>();
  readonly stateMachines = new Map<string, sfn.StateMachine>();
  readonly families = new Map<Family, FamilyStack>();
  readonly stateTable: dynamodb.Table;
  readonly operatorsTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: OrchestratorStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.stateTable = new dynamodb.Table(this, 'StateTable', {
      tableName: STATE_TABLE_NAME,
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
      // By name, not by reference: the policy reads the same in the parent and in the family stacks.
      stateTableArn: `arn:${Aws.PARTITION}:dynamodb:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/${STATE_TABLE_NAME}`,
      signingKeySecretArns: config.signing.keySecretArns,
      hostedZoneIds: config.hostedZoneIds,
      teamRoleArns: config.teamAccounts.map((a) => `arn:${Aws.PARTITION}:iam::${a}:role/${config.teamAccessRoleName}`),
      topicArns: [],
      approvalKeySecretName: APPROVAL_KEY_SECRET_NAME,
      eventStartableStateMachines: deployedWorkflows(config)
        .filter((w) => eventStartable(config, w.name))
        .map((w) => `byoip-${w.name}`),
    };

    const taskLogs = new logs.LogGroup(this, 'TaskLogs', {
      logGroupName: TASK_LOG_GROUP_NAME,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const task: Omit<TaskContext, 'logGroup'> = {
      config,
      iamScope,
      stateTableName: this.stateTable.tableName,
      operatorsTopicArn: this.operatorsTopic.topicArn,
    };
    const tasks = Object.keys(taskCatalog) as TaskName[];
    for (const name of tasks.filter((t) => taskHome(t) === 'shared')) this.functions.set(name, addTaskFunction(this, name, { ...task, logGroup: taskLogs }));

    const deployed = deployedWorkflows(config);
    for (const family of Object.keys(FAMILIES) as Family[]) {
      const members = deployed.filter((w) => familyOf(w.name) === family);
      if (members.length === 0) continue;
      const stack = new FamilyStack(this, family, {
        description: `byoip-orchestrator: the ${family} workflows (${members.map((w) => w.name).join(', ')})`,
        workflows: members,
        localTasks: tasks.filter((t) => taskHome(t) === family),
        sharedFunctions: this.functions,
        task,
        operatorsTopic: this.operatorsTopic,
      });
      // The functions log to the parent's group and the tables' policies name the table: both exist first.
      stack.node.addDependency(taskLogs);
      stack.node.addDependency(this.stateTable);
      this.families.set(family, stack);
      for (const [name, fn] of stack.functions) this.functions.set(name, fn);
      for (const [name, sm] of stack.stateMachines) this.stateMachines.set(name, sm);
    }

    const trigger = addTriggers(this, { stateMachines: this.stateMachines, starter: this.functions.get('StartWorkflow')!, config });

    new CfnOutput(this, 'StateTableName', { value: this.stateTable.tableName });
    new CfnOutput(this, 'OperatorsTopicArn', { value: this.operatorsTopic.topicArn });
    const originSync = this.stateMachines.get('origin-ranges-sync');
    if (originSync)
      deployOriginLockdown(this, { functions: this.functions, stateMachine: originSync, config, legacyContext: this.node.tryGetContext('originRangesSync') });

    const gate = new ApprovalGate(this, 'ApprovalGate', { functions: this.functions, approvers: config.approvers, approvalPage: config.approvalPage });
    addApprovalExpiryAlarm(this, taskLogs, this.operatorsTopic);
    addOperatorDecisionAlarm(this, taskLogs, this.operatorsTopic);
    addOperationalAlarms(this, {
      topic: this.operatorsTopic,
      triggerDlq: trigger.dlq,
      ipSpaceChangedStarter:
        originSync && config.subscribeToIpRangeChanges && Object.keys(config.originLockdown.syncs).length
          ? this.functions.get('StartOriginRangesSync')
          : undefined,
      approvalPage: gate.api,
      approvalPageFunction: this.functions.get('ApprovalPage')!,
    });
  }
}
