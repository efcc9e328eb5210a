/**
 * One workflow family (infra/families.ts) as a nested stack: its Standard state machines (compact
 * definitions with "${<Task>Arn}" DefinitionSubstitutions, logging ALL without execution data, X-Ray
 * traced), their log groups and alarms, and the task functions only its workflows use. Tasks shared with
 * other families live in the parent stack; their ARNs come in as this stack's parameters "<Task>Arn",
 * one per shared task the family's definitions reference, used both for the substitution and for the
 * state machine's invoke permission.
 */
import { Aws, CfnParameter, Fn, NestedStack, RemovalPolicy, type NestedStackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { TaskName } from '../tasks/catalog';
import type { WorkflowDefinition } from '../workflows/lib/workflow';
import { addExecutionAlarms } from './alarms';
import { compactDefinition, definitionOf, tasksOf } from './families';
import { acknowledgeInvokeGrants, invokeReason } from './nag';
import { addTaskFunction, TASK_LOG_GROUP_NAME, type TaskContext } from './task-function';

export interface FamilyStackProps extends NestedStackProps {
  readonly workflows: WorkflowDefinition[];
  /** The tasks whose functions live in this stack. */
  readonly localTasks: TaskName[];
  /** The parent's functions (shared tasks). */
  readonly sharedFunctions: ReadonlyMap<TaskName, lambda.IFunction>;
  readonly task: Omit<TaskContext, 'logGroup'>;
  readonly operatorsTopic: sns.ITopic;
}

export class FamilyStack extends NestedStack {
  readonly functions = new Map<TaskName, lambda.Function>();
  readonly stateMachines = new Map<string, sfn.StateMachine>();

  constructor(scope: Construct, id: string, props: FamilyStackProps) {
    super(scope, id, props);
    const logGroup = logs.LogGroup.fromLogGroupName(this, 'TaskLogs', TASK_LOG_GROUP_NAME);
    for (const name of props.localTasks) this.functions.set(name, addTaskFunction(this, name, { ...props.task, logGroup }));

    const sharedArns = new Map<TaskName, string>();
    const sharedArn = (t: TaskName): string => {
      let arn = sharedArns.get(t);
      if (!arn) {
        const fn = props.sharedFunctions.get(t);
        if (!fn) throw new Error(`${id}: task ${t} is neither in this family's stack nor shared`);
        arn = new CfnParameter(this, `${t}Arn`, { type: 'String', description: `ARN of the shared task function ${t}` }).valueAsString;
        this.setParameter(`${t}Arn`, fn.functionArn);
        sharedArns.set(t, arn);
      }
      return arn;
    };

    const stackCreationId = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
    for (const wf of props.workflows) {
      const definition = definitionOf(wf.name);
      const used = tasksOf(definition);
      const arnOf = (t: TaskName) => this.functions.get(t)?.functionArn ?? sharedArn(t);
      // Retained (the executions' record outlives the stack), so its name carries this stack's creation
      // id: a redeploy after `cdk destroy` creates a new group instead of failing on the kept one.
      const smLogs = new logs.LogGroup(this, `${wf.name}-logs`, {
        logGroupName: `/aws/vendedlogs/states/byoip-${wf.name}-${stackCreationId}`,
        retention: logs.RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const sm = new sfn.StateMachine(this, `${wf.name}-sm`, {
        stateMachineName: `byoip-${wf.name}`,
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: sfn.DefinitionBody.fromString(compactDefinition(definition)),
        definitionSubstitutions: Object.fromEntries(used.map((t) => [`${t}Arn`, arnOf(t)])),
        tracingEnabled: true,
        // Execution data stays out of the logs: it carries approval plans and, in callback states, task tokens.
        logs: { destination: smLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
        comment: wf.description,
      });
      const local = used.filter((t) => this.functions.has(t));
      for (const t of local) this.functions.get(t)!.grantInvoke(sm);
      acknowledgeInvokeGrants(
        sm.role,
        local.map((t) => this.functions.get(t)!),
      );
      const shared = used.filter((t) => !this.functions.has(t));
      if (shared.length) {
        sm.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: shared.flatMap((t) => [sharedArn(t), `${sharedArn(t)}:*`]) }),
        );
        for (const t of shared) Validations.of(sm.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${t}Arn>:*]`, reason: invokeReason() });
      }
      this.stateMachines.set(wf.name, sm);
      addExecutionAlarms(this, wf.name, sm, props.operatorsTopic);
    }
  }
}
