/**
 * The operator event starter: the target of the orchestrator's own event bus rules (infra/triggers.ts).
 * An event { source: "byoip-orchestrator.<operator>", detail-type: "<workflow>", detail: <input> } starts
 * that workflow with the detail as input, attested with who sent it (domain/approval.ts attestRequester).
 *
 * Who sent it: the bus policy lets only byoip.operators put events, and each operator only with its own
 * source, so the source names the sending principal. The event must come from this account, name an
 * operator, and name a workflow events may start (teardowns only with byoip.eventStartableTeardowns).
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { attestRequester } from '../../domain/approval';
import { approverOfPrincipal, eventStartable, OPERATOR_EVENT_SOURCE_PREFIX } from '../../domain/deployment';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { approvalKeyMaterial } from '../../platform/approval/config';
import { client, defaultRegion } from '../../platform/aws';
import { deployment, ownAccount } from '../../platform/deployment';
import { defineTask } from '../lib/handler';
import { logger } from '../../platform/logger';

const OperatorEvent = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  'detail-type': z.string().regex(/^[a-z0-9-]{1,64}$/),
  source: z.string().min(1),
  account: z.string(),
  time: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

export const handler = defineTask('StartWorkflow', OperatorEvent, async (event, context) => {
  const config = deployment();
  const account = ownAccount(context);
  const workflow = event['detail-type'];
  const refuse = (why: string) => {
    logger.error('operator event refused', { id: event.id, source: event.source, account: event.account, workflow, why });
    return new WorkflowError(ErrorNames.SafetyViolation, `refusing to start ${workflow} for event ${event.id}: ${why}`);
  };
  if (event.account !== account) throw refuse(`it was sent from account ${event.account}, not this deployment's account ${account}`);
  const operator = config.operators.find((o) => `${OPERATOR_EVENT_SOURCE_PREFIX}${o.name}` === event.source);
  if (!operator) throw refuse(`source "${event.source}" is not one of this deployment's operators (byoip.operators)`);
  if (!eventStartable(config, workflow)) {
    throw refuse(
      config.workflows && !config.workflows.includes(workflow)
        ? 'that workflow is not deployed'
        : 'teardowns are not started by events here (byoip.eventStartableTeardowns)',
    );
  }
  const stateMachine = `byoip-${workflow}`;
  const executionName = `evt-${event.id}`.slice(0, 80);
  const input = attestRequester(await approvalKeyMaterial(), {
    stateMachine,
    executionName,
    input: event.detail,
    requester: {
      principal: operator.principal,
      approver: operator.approver ?? approverOfPrincipal(config, operator.principal) ?? null,
      via: `event from ${operator.name}`,
      at: event.time,
    },
  });
  const region = defaultRegion();
  const stateMachineArn = `arn:${context.invokedFunctionArn.split(':')[1]}:states:${region}:${account}:stateMachine:${stateMachine}`;
  try {
    const out = await client(SFNClient, { region }).send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
    logger.info('workflow started by an operator event', { workflow, execution: executionName, operator: operator.name });
    return { executionArn: out.executionArn, executionName, started: true };
  } catch (e) {
    // EventBridge delivers at least once: the same event again finds its execution already there.
    if (e instanceof ExecutionAlreadyExists || (e as Error).name === 'ExecutionAlreadyExists') return { executionName, started: false };
    throw e;
  }
});
