/**
 * Operators hear about every execution that failed, timed out or was aborted, and every approval that
 * expired unanswered, on the operators' topic.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

export function addExecutionAlarms(scope: Construct, name: string, sm: sfn.StateMachine, topic: sns.ITopic): cloudwatch.Alarm[] {
  const action = new actions.SnsAction(topic);
  const make = (id: string, metric: cloudwatch.IMetric, description: string) => {
    const alarm = new cloudwatch.Alarm(scope, `${name}-${id}`, {
      alarmName: `byoip-${name}-${id}`,
      alarmDescription: description,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(action);
    return alarm;
  };
  const period = Duration.minutes(5);
  return [
    make('failed', sm.metricFailed({ period, statistic: 'Sum' }), `${name}: an execution FAILED (it compensated, or says CompensationIncomplete). Open the execution; docs/runbook.md.`),
    make('timed-out', sm.metricTimedOut({ period, statistic: 'Sum' }), `${name}: an execution TIMED OUT. Check what it was waiting for; nothing was undone by the timeout itself.`),
    make('aborted', sm.metricAborted({ period, statistic: 'Sum' }), `${name}: an execution was ABORTED (stopped by hand). Its intents were not compensated; run the matching teardown.`),
  ];
}

/**
 * An approval that expired unanswered. The gate's CloseApproval task logs each expiry (the gate's
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
  const alarm = new cloudwatch.Alarm(scope, 'approval-expired', {
    alarmName: 'byoip-approval-expired',
    alarmDescription: 'An approval expired unanswered; its execution took the rejection path and compensated. `byoip approvals` lists the open ones (docs/approvals.md).',
    metric: expiries.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new actions.SnsAction(topic));
  return alarm;
}
