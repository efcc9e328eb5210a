/**
 * What one execution costs in AWS's terms (bench section 1; docs/performance.md states the prices):
 * Step Functions state transitions and history events, Lambda invocations and GB-seconds, and the
 * list price of it all with the DynamoDB, Secrets Manager and SNS requests it makes.
 */
import type { SimulationReport } from '../runner/report';

/** List prices, US East (N. Virginia), December 2026; free tiers not deducted. */
export const PRICES = {
  /** Step Functions Standard: $0.025 per 1,000 state transitions. */
  stateTransition: 0.025 / 1000,
  /** Lambda requests: $0.20 per million. */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda duration on Arm (the tasks' architecture): $0.0000133334 per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** DynamoDB on-demand (since November 2024): $0.625 per million write, $0.125 per million read request units. */
  dynamoWrite: 0.625 / 1e6,
  dynamoRead: 0.125 / 1e6,
  /** Secrets Manager: $0.05 per 10,000 API calls. */
  secretsCall: 0.05 / 1e4,
  /** SNS email notifications: $2.00 per 100,000 (one per Publish to the one-subscriber topic). */
  snsEmail: 2 / 1e5,
};

/** The tasks' memory (infra/task-function.ts). */
export const TASK_MEMORY_GB = 0.25;
/**
 * What the simulator cannot measure: the round trip of each AWS API call from Lambda. Added to the
 * handlers' measured run time (which has no network) to estimate their billed duration.
 */
export const API_CALL_MS = 50;

export interface ExecutionCost {
  stateTransitions: number;
  historyEvents: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  usd: number;
}

const DYNAMO_WRITES: Record<string, number> = { PutItem: 1, UpdateItem: 1, DeleteItem: 1 };

export function executionCost(report: SimulationReport, taskRuns: ReadonlyArray<{ ms: number }>): ExecutionCost {
  // Every state entered is a transition, and so is every retry of it (AWS bills both).
  const stateTransitions = report.states.length + report.states.reduce((n, s) => n + (s.retries ?? 0), 0);
  const lambdaInvocations = taskRuns.length;
  const billedMs = taskRuns.reduce((n, r) => n + Math.max(1, Math.ceil(r.ms)), 0) + API_CALL_MS * report.awsCalls.length;
  const lambdaGbSeconds = (billedMs / 1000) * TASK_MEMORY_GB;
  let usd = stateTransitions * PRICES.stateTransition + lambdaInvocations * PRICES.lambdaRequest + lambdaGbSeconds * PRICES.lambdaGbSecond;
  for (const c of report.awsCalls) {
    if (c.service === 'DynamoDB') {
      // A transaction costs two units per item.
      const items = c.operation === 'TransactWriteItems' ? 2 * ((c.input as { TransactItems?: unknown[] }).TransactItems?.length ?? 1) : 0;
      if (items) usd += items * PRICES.dynamoWrite;
      else if (DYNAMO_WRITES[c.operation]) usd += PRICES.dynamoWrite;
      else usd += PRICES.dynamoRead;
    } else if (c.service === 'SecretsManager') usd += PRICES.secretsCall;
    else if (c.service === 'SNS' && c.operation === 'Publish') usd += PRICES.snsEmail;
  }
  return {
    stateTransitions,
    historyEvents: report.stepFunctions.historyEvents,
    lambdaInvocations,
    lambdaGbSeconds: Math.round(lambdaGbSeconds * 1000) / 1000,
    usd,
  };
}
