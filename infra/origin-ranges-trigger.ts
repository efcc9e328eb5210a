/**
 * origin-ranges-sync in the stack: its configuration, and AmazonIpSpaceChanged → the workflow.
 *
 * The syncs are the deployment configuration's `originLockdown.syncs` (domain/deployment.ts, validated
 * at synth). Only the three functions that read it at run time get it (BYOIP_DEPLOYMENT), and only
 * that part: ValidateOriginRangesInput and PlanOriginSync (targets, ports, limits) and the starter
 * (the sync names). An execution's input names the sync and carries the notification, nothing else.
 *
 * SNS cannot start a state machine, so a small Lambda (tasks/origin-lockdown/start-sync.ts) subscribes
 * to AWS's topic (us-east-1; CDK sets the subscription's Region when the stack lives elsewhere) and
 * starts one execution per sync. Only that topic may invoke it (the permission's SourceArn), and its
 * role may start only this state machine (infra/iam-scopes.ts).
 *
 * AWS notes that notifications depend on the endpoint's availability, so each sync also runs on
 * demand once a day (EventBridge schedule): a lost notification is caught up within a day, and an
 * on-demand run of an already-applied version changes nothing.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { DeploymentConfig } from '../domain/deployment';
import { ENV_STATE_MACHINE, IP_SPACE_CHANGED_TOPIC } from '../domain/origin-ranges';

export interface OriginLockdownProps {
  readonly functions: ReadonlyMap<string, lambda.Function>;
  readonly stateMachine: sfn.StateMachine;
  readonly config: Pick<DeploymentConfig, 'originLockdown' | 'subscribeToIpRangeChanges'>;
  /** The retired CDK context key `originRangesSync`: refused, so an old deployment does not silently lose its syncs. */
  readonly legacyContext?: unknown;
}

export function deployOriginLockdown(stack: Stack, props: OriginLockdownProps): void {
  const { config, stateMachine } = props;
  if (props.legacyContext !== undefined) {
    throw new Error(
      'context originRangesSync is retired: configure each sync under byoip.originLockdown.syncs.<syncName> (docs/origin-lockdown.md); executions take only the sync name',
    );
  }
  const syncNames = Object.keys(config.originLockdown.syncs);
  if (!config.subscribeToIpRangeChanges || syncNames.length === 0) return;
  const starter = props.functions.get('StartOriginRangesSync')!;
  starter.addEnvironment(ENV_STATE_MACHINE, stateMachine.stateMachineArn);
  const topic = sns.Topic.fromTopicArn(stack, 'AmazonIpSpaceChanged', IP_SPACE_CHANGED_TOPIC);
  topic.addSubscription(new subscriptions.LambdaSubscription(starter));
  syncNames.forEach((syncName, i) => {
    new events.Rule(stack, `OriginRangesSyncDaily${i}`, {
      description: `origin-ranges-sync ${syncName} on demand, daily (catches a lost notification)`,
      schedule: events.Schedule.rate(Duration.days(1)),
      targets: [new targets.SfnStateMachine(stateMachine, { input: events.RuleTargetInput.fromObject({ syncName }) })],
    });
  });
}
