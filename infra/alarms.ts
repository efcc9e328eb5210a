/**
 * Operators hear about every execution that failed, timed out or was aborted, every approval that
 * expired unanswered, and what fails outside executions (operational alarms), on the operators' topic.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** An alarm named `byoip-<id>` that tells the operators' topic as soon as `metric` reaches 1 in a period. */
function alarmOnAny(scope: Construct, id: string, topic: sns.ITopic, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmName: `byoip-${id}`,
    alarmDescription: description,
    metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new actions.SnsAction(topic));
  return alarm;
}

export function addExecutionAlarms(scope: Construct, name: string, sm: sfn.StateMachine, topic: sns.ITopic): cloudwatch.Alarm[] {
  const make = (id: string, metric: cloudwatch.IMetric, description: string) => alarmOnAny(scope, `${name}-${id}`, topic, metric, description);
  const period = Duration.minutes(5);
  return [
    make(
      'failed',
      sm.metricFailed({ period, statistic: 'Sum' }),
      `${name}: an execution FAILED (it compensated, or says CompensationIncomplete). Open the execution; docs/runbook.md.`,
    ),
    make(
      'timed-out',
      sm.metricTimedOut({ period, statistic: 'Sum' }),
      `${name}: an execution TIMED OUT. Check what it was waiting for; nothing was undone by the timeout itself.`,
    ),
    make(
      'aborted',
      sm.metricAborted({ period, statistic: 'Sum' }),
      `${name}: an execution was ABORTED (stopped by hand). Its intents were not compensated; run the matching teardown.`,
    ),
  ];
}

/**
 * An approval or operator decision that expired unanswered. The gate's CloseApproval task logs each expiry (the gate's
 * reminder loop also times out callback tasks, routinely, so the execution history cannot tell).
 */
export function addApprovalExpiryAlarm(scope: Construct, taskLogs: logs.ILogGroup, topic: sns.ITopic): cloudwatch.Alarm {
  const expiries = new logs.MetricFilter(scope, 'ApprovalExpiriesFilter', {
    logGroup: taskLogs,
    filterPattern: logs.FilterPattern.literal('{ $.message = "approval closed" && $.status = "EXPIRED" }'),
    metricNamespace: 'byoip-orchestrator',
    metricName: 'ApprovalExpiries',
    metricValue: '1',
  });
  return alarmOnAny(
    scope,
    'approval-expired',
    topic,
    expiries.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
    'An approval or an operator decision expired unanswered. An approval\'s execution took the rejection path (onboard-cloudfront-byoip and static-ip-byoip park: what was provisioned stays, the rest is undone; the others undo everything). An operator decision\'s execution ended HeldForOperator with nothing undone and its leases released: decide by hand, then re-run or run the teardown (docs/runbook.md "Operator decisions"). `byoip approvals` lists the open ones (docs/approvals.md).',
  );
}

/**
 * A step failed after a workflow's point of no return: the execution is waiting for an operator decision
 * (forward / back / stop) and undoes nothing meanwhile. PlanOperatorDecision logs each request.
 */
export function addOperatorDecisionAlarm(scope: Construct, taskLogs: logs.ILogGroup, topic: sns.ITopic): cloudwatch.Alarm {
  const requests = new logs.MetricFilter(scope, 'OperatorDecisionsFilter', {
    logGroup: taskLogs,
    filterPattern: logs.FilterPattern.literal('{ $.message = "operator decision requested" }'),
    metricNamespace: 'byoip-orchestrator',
    metricName: 'OperatorDecisions',
    metricValue: '1',
  });
  return alarmOnAny(
    scope,
    'operator-decision',
    topic,
    requests.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
    'A step failed after the point of no return: the execution waits for an operator decision (forward, back or stop) and undoes nothing meanwhile. `byoip approvals` lists it; docs/runbook.md "Operator decisions".',
  );
}

export interface OperationalAlarmProps {
  readonly topic: sns.ITopic;
  /** The dead-letter queue of the operator-event rules' StartWorkflow target. */
  readonly triggerDlq: sqs.IQueue;
  /** The AmazonIpSpaceChanged subscriber (StartOriginRangesSync), when the stack subscribes. */
  readonly ipSpaceChangedStarter?: lambda.IFunction;
  readonly approvalPage: apigw.RestApi;
  readonly approvalPageFunction: lambda.IFunction;
}

/**
 * What fails outside an execution, where no execution alarm can see it: an operator's event that never
 * started its workflow (it lands in the trigger's dead-letter queue), an AmazonIpSpaceChanged
 * notification the starter could not act on, and an approval page that answers approvers with errors.
 */
export function addOperationalAlarms(scope: Construct, p: OperationalAlarmProps): cloudwatch.Alarm[] {
  const period = Duration.minutes(5);
  const make = (id: string, metric: cloudwatch.IMetric, description: string) => alarmOnAny(scope, id, p.topic, metric, description);
  return [
    make(
      'trigger-dead-letters',
      p.triggerDlq.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      'An operator event did not start its workflow (StartWorkflow failed after retries); the event waits in the trigger dead-letter queue for 14 days. Read it, fix the cause, send the event again.',
    ),
    ...(p.ipSpaceChangedStarter
      ? [
          make(
            'ip-space-changed-errors',
            p.ipSpaceChangedStarter.metricErrors({ period, statistic: 'Sum' }),
            "The AmazonIpSpaceChanged subscriber failed: origin-ranges-sync was not started for a change of AWS's IP ranges. The daily run catches up within a day; start it by hand to apply the change now (docs/origin-lockdown.md).",
          ),
        ]
      : []),
    make(
      'approval-page-errors',
      p.approvalPage.metricServerError({ period, statistic: 'Sum' }),
      "The approval page answered with a server error: approvers may be unable to decide. Check the ApprovalPage function's logs; `byoip approvals` decides from the CLI meanwhile (docs/approvals.md).",
    ),
    make(
      'approval-page-function-errors',
      p.approvalPageFunction.metricErrors({ period, statistic: 'Sum' }),
      'The ApprovalPage function failed. Check its logs in /aws/lambda/byoip-orchestrator-tasks; `byoip approvals` decides from the CLI meanwhile (docs/approvals.md).',
    ),
  ];
}
