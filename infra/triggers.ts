/**
 * How executions start besides the console and the CLI:
 *  - the orchestrator's own event bus "byoip-orchestrator": only byoip.operators may put events on it,
 *    each only with its own source "byoip-orchestrator.<name>" (the bus policy refuses any other
 *    principal, and any other source from that principal). A rule per event-startable workflow, matching
 *    those sources and this account, sends the whole event to StartWorkflow, which attests who sent it
 *    and starts the workflow with the detail as input (docs/deploy.md shows the event). Teardowns are
 *    not event-startable unless byoip.eventStartableTeardowns is set. Nothing listens on the default bus.
 *  - AWS's AmazonIpSpaceChanged notification starts origin-ranges-sync (origin-ranges-trigger.ts).
 */
import { Aws, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ORCHESTRATOR_BUS_NAME } from '../cli/start';
import { eventStartable, OPERATOR_EVENT_SOURCE_PREFIX, type DeploymentConfig } from '../domain/deployment';

export const EVENT_SOURCE_PREFIX = OPERATOR_EVENT_SOURCE_PREFIX;

export function addTriggers(
  scope: Construct,
  o: { stateMachines: Map<string, sfn.StateMachine>; starter: lambda.Function; config: DeploymentConfig },
): { bus: events.EventBus; dlq: sqs.Queue } {
  const bus = new events.EventBus(scope, 'OperatorBus', {
    eventBusName: ORCHESTRATOR_BUS_NAME,
    description: 'byoip-orchestrator: operators ask for workflows here (byoip.operators only)',
  });
  const sources = o.config.operators.map((op) => `${OPERATOR_EVENT_SOURCE_PREFIX}${op.name}`);
  const operators = o.config.operators.map((op) => op.principal);
  const busArn = bus.eventBusArn;
  if (operators.length) {
    bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OperatorsPutEvents',
        effect: iam.Effect.ALLOW,
        principals: operators.map((p) => new iam.ArnPrincipal(p)),
        actions: ['events:PutEvents'],
        resources: [busArn],
      }),
    );
  }
  // Explicit denies hold against same-account principals whose own policies allow events:PutEvents on "*".
  bus.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OnlyOperators',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['events:PutEvents'],
      resources: [busArn],
      conditions: operators.length ? { ArnNotEquals: { 'aws:PrincipalArn': operators } } : undefined,
    }),
  );
  o.config.operators.forEach((op, i) => {
    bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `OwnSourceOnly${i}`,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [busArn],
        conditions: { ArnEquals: { 'aws:PrincipalArn': op.principal }, StringNotEquals: { 'events:source': `${OPERATOR_EVENT_SOURCE_PREFIX}${op.name}` } },
      }),
    );
  });
  const dlq = new sqs.Queue(scope, 'TriggerDlq', { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED, retentionPeriod: Duration.days(14) });
  for (const [name] of o.stateMachines) {
    if (!eventStartable(o.config, name) || sources.length === 0) continue;
    new events.Rule(scope, `${name}-trigger`, {
      eventBus: bus,
      ruleName: `byoip-${name}`,
      description: `Operator events {source: "${OPERATOR_EVENT_SOURCE_PREFIX}<operator>", detail-type: "${name}"} from this account start byoip-${name} through StartWorkflow`,
      eventPattern: { source: sources, detailType: [name], account: [Aws.ACCOUNT_ID] },
      targets: [new targets.LambdaFunction(o.starter, { deadLetterQueue: dlq, retryAttempts: 3, maxEventAge: Duration.hours(2) })],
    });
  }
  return { bus, dlq };
}
