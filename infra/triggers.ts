/**
 * How executions start besides the console and the CLI:
 *  - EventBridge: a custom event { source: "byoip-orchestrator", detail-type: "<workflow name>" } starts
 *    that workflow with the event's detail as input (docs/deploy.md shows the event);
 *  - AWS's AmazonIpSpaceChanged notification starts origin-ranges-sync (origin-ranges-trigger.ts).
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

export const EVENT_SOURCE = 'byoip-orchestrator';

export function addTriggers(scope: Construct, o: { stateMachines: Map<string, sfn.StateMachine> }): void {
  const dlq = new sqs.Queue(scope, 'TriggerDlq', { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED, retentionPeriod: Duration.days(14) });
  for (const [name, sm] of o.stateMachines) {
    new events.Rule(scope, `${name}-trigger`, {
      ruleName: `byoip-${name}`,
      description: `Starts byoip-${name} for events {source: "${EVENT_SOURCE}", detail-type: "${name}"}; the detail is the input`,
      eventPattern: { source: [EVENT_SOURCE], detailType: [name] },
      targets: [new targets.SfnStateMachine(sm, { input: events.RuleTargetInput.fromEventPath('$.detail'), deadLetterQueue: dlq, retryAttempts: 3 })],
    });
  }
}
