/**
 * The orchestrator in one stack: a Lambda function per task (bundled locally with esbuild, ARM64,
 * pinned SDK clients inside the bundle) and a Standard state machine per workflow, defined inline
 * from the committed asl/ file with its "${<Task>Arn}" placeholders substituted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { taskCatalog, type TaskName } from '../tasks/catalog';
import { workflows } from '../workflows';
import { ApprovalGate } from './approval-construct';
import { taskPermissions } from './task-permissions';

export const ROOT = join(__dirname, '..');

/** The task names a definition references. */
export function tasksOf(definition: string): TaskName[] {
  return [...new Set([...definition.matchAll(/\$\{(\w+)Arn\}/g)].map((m) => m[1] as TaskName))];
}

export class OrchestratorStack extends Stack {
  readonly functions = new Map<TaskName, NodejsFunction>();
  readonly stateMachines = new Map<string, sfn.StateMachine>();

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    for (const [name, entry] of Object.entries(taskCatalog) as Array<[TaskName, string]>) {
      const fn = new NodejsFunction(this, `${name}Fn`, {
        entry: join(ROOT, entry),
        handler: 'handler',
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        timeout: Duration.seconds(60),
        description: `byoip-orchestrator task ${name}`,
        logGroup: new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY }),
        environment: { POWERTOOLS_SERVICE_NAME: 'byoip-orchestrator', POWERTOOLS_LOG_LEVEL: 'INFO' },
        bundling: {
          minify: true,
          sourceMap: false,
          target: 'node22',
          format: OutputFormat.CJS,
          // Bundle the pinned SDK clients rather than trusting the runtime's copy (new APIs like IpamCidrConfigs).
          externalModules: [],
          mainFields: ['module', 'main'],
          forceDockerBundling: false,
        },
        depsLockFilePath: join(ROOT, 'package-lock.json'),
        projectRoot: ROOT,
      });
      const actions = taskPermissions[name];
      if (actions.length > 0) fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: ['*'] }));
      this.functions.set(name, fn);
    }

    for (const wf of workflows) {
      const definition = readFileSync(join(ROOT, 'asl', `${wf.name}.asl.json`), 'utf8');
      const used = tasksOf(definition);
      const logGroup = new logs.LogGroup(this, `${wf.name}-logs`, { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
      const sm = new sfn.StateMachine(this, `${wf.name}-sm`, {
        stateMachineName: `byoip-${wf.name}`,
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: sfn.DefinitionBody.fromString(definition),
        definitionSubstitutions: Object.fromEntries(used.map((t) => [`${t}Arn`, this.functions.get(t)!.functionArn])),
        tracingEnabled: true,
        // Execution data stays out of the logs: it carries approval plans and, in callback states, task tokens.
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
        comment: wf.description,
      });
      for (const t of used) this.functions.get(t)!.grantInvoke(sm);
      this.stateMachines.set(wf.name, sm);
    }

    new ApprovalGate(this, 'ApprovalGate', { functions: this.functions });
  }
}
