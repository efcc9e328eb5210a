/**
 * One task: its Lambda function (local esbuild bundle, ARM64, current Node runtime) and its own role
 * granting exactly the actions its handler calls (task-permissions.ts) on the narrowest resources AWS
 * allows (iam-scopes.ts), inline in the role (no separate AWS::IAM::Policy per task: resource budget).
 * Created in the parent stack or in a family's nested stack (infra/families.ts); the role's policy names
 * resources by ARN built from names and pseudo parameters only, so it reads the same in either template.
 */
import { join } from 'node:path';
import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { TaskName } from '../tasks/catalog';
import { DEPLOYMENT_ENV } from '../domain/deployment';
import { taskCode } from './bundling';
import type { OrchestratorConfig } from './config';
import { deploymentEnvFor } from './deployment-env';
import { CROSS_ACCOUNT_TASKS, crossAccountRoleName, taskStatements, type ScopeContext } from './iam-scopes';

/** Tasks that wait on the internet's services (several requests with retries) get longer than the default 60 s. */
const TASK_TIMEOUT_SECONDS: Partial<Record<TaskName, number>> = { PreflightInternetChecks: 150, CheckBgpVisibility: 100 };

export const ROOT = join(__dirname, '..');

/** One log group for all tasks (Powertools logs carry function_name): per-task groups would cost a resource each. */
export const TASK_LOG_GROUP_NAME = '/aws/lambda/byoip-orchestrator-tasks';
export const STATE_TABLE_NAME = 'byoip-orchestrator-state';

export interface TaskContext {
  readonly config: OrchestratorConfig;
  readonly iamScope: ScopeContext;
  /** The shared task log group, as seen from the stack the function is in. */
  readonly logGroup: logs.ILogGroup;
  readonly stateTableName: string;
  readonly operatorsTopicArn: string;
}

export function taskLogGroupArn(): string {
  return `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${TASK_LOG_GROUP_NAME}:*`;
}

export function addTaskFunction(scope: Construct, name: TaskName, ctx: TaskContext): lambda.Function {
  const { config } = ctx;
  const role = new iam.Role(scope, `${name}Role`, {
    // The team-access role trusts these by exact ARN (infra/team-access-stack.ts), so they have fixed names.
    roleName: CROSS_ACCOUNT_TASKS.includes(name) ? crossAccountRoleName(config.stackName, name) : undefined,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `byoip-orchestrator task ${name}: only the actions its handler calls`,
    inlinePolicies: {
      task: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [taskLogGroupArn()] }),
          ...taskStatements(name, ctx.iamScope).map((st) => new iam.PolicyStatement(st)),
        ],
      }),
    },
  });
  const deployment = deploymentEnvFor(name, config);
  return new lambda.Function(scope, `${name}Fn`, {
    code: taskCode(name),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(TASK_TIMEOUT_SECONDS[name] ?? 60),
    description: `byoip-orchestrator task ${name}`,
    role,
    logGroup: ctx.logGroup,
    environment: {
      POWERTOOLS_SERVICE_NAME: 'byoip-orchestrator',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      STATE_TABLE_NAME: ctx.stateTableName,
      OPERATORS_TOPIC_ARN: ctx.operatorsTopicArn,
      ...(deployment ? { [DEPLOYMENT_ENV]: deployment } : {}),
    },
  });
}
