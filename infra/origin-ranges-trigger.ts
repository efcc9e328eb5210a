/**
 * AmazonIpSpaceChanged → origin-ranges-sync. SNS cannot start a state machine, so a small Lambda
 * (tasks/origin-lockdown/start-sync.ts) subscribes to AWS's topic (us-east-1; CDK sets the
 * subscription's Region when the stack lives elsewhere) and starts one execution per configured sync.
 * Only that topic may invoke it (the permission's SourceArn), and it may start only this state machine.
 *
 * AWS notes that notifications depend on the endpoint's availability, so each sync also runs on
 * demand once a day (EventBridge schedule): a lost notification is caught up within a day, and an
 * on-demand run of an already-applied version changes nothing.
 *
 * The syncs come from the CDK context `originRangesSync` (a list of workflow inputs without `event`),
 * validated here so a mistake fails the synth rather than the first notification.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IP_SPACE_CHANGED_TOPIC, planOriginRangesSync } from '../domain/origin-ranges';
import { ENV_INPUTS, ENV_STATE_MACHINE } from '../tasks/origin-lockdown/start-sync';

export function subscribeToIpSpaceChanged(stack: Stack, starter: lambda.Function, stateMachine: sfn.StateMachine, configured: unknown): void {
  const inputs = Array.isArray(configured) ? configured : configured === undefined ? [] : [configured];
  inputs.forEach((input, i) => {
    if (input && typeof input === 'object' && 'event' in input) throw new Error(`context originRangesSync[${i}]: leave out "event"; the notification supplies it`);
    try {
      planOriginRangesSync(input);
    } catch (e) {
      throw new Error(`context originRangesSync[${i}]: ${(e as Error).message}`);
    }
  });
  starter.addEnvironment(ENV_STATE_MACHINE, stateMachine.stateMachineArn);
  starter.addEnvironment(ENV_INPUTS, JSON.stringify(inputs));
  stateMachine.grantStartExecution(starter);
  const topic = sns.Topic.fromTopicArn(stack, 'AmazonIpSpaceChanged', IP_SPACE_CHANGED_TOPIC);
  topic.addSubscription(new subscriptions.LambdaSubscription(starter));
  inputs.forEach((input, i) => {
    new events.Rule(stack, `OriginRangesSyncDaily${i}`, {
      description: `origin-ranges-sync ${(input as { syncName: string }).syncName} on demand, daily (catches a lost notification)`,
      schedule: events.Schedule.rate(Duration.days(1)),
      targets: [new targets.SfnStateMachine(stateMachine, { input: events.RuleTargetInput.fromObject(input) })],
    });
  });
}
