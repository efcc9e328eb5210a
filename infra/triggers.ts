/**
 * How executions start besides the console and the CLI:
 *  - EventBridge: a custom event { source: "byoip-orchestrator", detail-type: "<workflow name>" } starts
 *    that workflow with the event's detail as input (docs/deploy.md shows the event);
 *  - AWS's AmazonIpSpaceChanged notification (us-east-1) starts origin-ranges-sync, through an SQS
 *    queue and an EventBridge Pipe, so no notification is lost while executions run.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export const EVENT_SOURCE = 'byoip-orchestrator';
export const AMAZON_IP_SPACE_CHANGED = 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged';
export const IP_RANGES_WORKFLOW = 'origin-ranges-sync';

export function addTriggers(scope: Construct, o: { stateMachines: Map<string, sfn.StateMachine>; subscribeToIpRangeChanges: boolean }): void {
  const dlq = new sqs.Queue(scope, 'TriggerDlq', { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED, retentionPeriod: Duration.days(14) });
  for (const [name, sm] of o.stateMachines) {
    new events.Rule(scope, `${name}-trigger`, {
      ruleName: `byoip-${name}`,
      description: `Starts byoip-${name} for events {source: "${EVENT_SOURCE}", detail-type: "${name}"}; the detail is the input`,
      eventPattern: { source: [EVENT_SOURCE], detailType: [name] },
      targets: [new targets.SfnStateMachine(sm, { input: events.RuleTargetInput.fromEventPath('$.detail'), deadLetterQueue: dlq, retryAttempts: 3 })],
    });
  }
  const sync = o.stateMachines.get(IP_RANGES_WORKFLOW);
  if (sync && o.subscribeToIpRangeChanges) new IpRangesSubscription(scope, 'IpRangesSubscription', sync);
}

/** AmazonIpSpaceChanged → SQS → Pipe → origin-ranges-sync, with the SNS envelope as the input. */
class IpRangesSubscription extends Construct {
  constructor(scope: Construct, id: string, sm: sfn.StateMachine) {
    super(scope, id);
    const queueDlq = new sqs.Queue(this, 'Dlq', { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED, retentionPeriod: Duration.days(14) });
    const queue = new sqs.Queue(this, 'Queue', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      visibilityTimeout: Duration.minutes(5),
      deadLetterQueue: { queue: queueDlq, maxReceiveCount: 5 },
    });
    sns.Topic.fromTopicArn(this, 'AmazonIpSpaceChanged', AMAZON_IP_SPACE_CHANGED).addSubscription(new subscriptions.SqsSubscription(queue));
    const role = new iam.Role(this, 'PipeRole', { assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com') });
    queue.grantConsumeMessages(role);
    sm.grantStartExecution(role);
    new pipes.CfnPipe(this, 'Pipe', {
      name: 'byoip-ip-space-changed',
      description: 'AmazonIpSpaceChanged notifications start origin-ranges-sync',
      roleArn: role.roleArn,
      source: queue.queueArn,
      sourceParameters: { sqsQueueParameters: { batchSize: 1 } },
      target: sm.stateMachineArn,
      targetParameters: {
        stepFunctionStateMachineParameters: { invocationType: 'FIRE_AND_FORGET' },
        // The SQS body is the SNS envelope; origin-ranges-sync validates it (and its Message) itself.
        inputTemplate: '{"snsEnvelope": <$.body>}',
      },
    });
  }
}
