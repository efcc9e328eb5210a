/**
 * How `byoip start` (and anything else) asks for an execution in AWS: an event on the orchestrator's own
 * bus, which only the configured operators may put, each with its own source. The StartWorkflow task
 * (tasks/start/start-workflow.ts) attests who asked and starts the workflow; StartExecution by hand is
 * refused by every gated workflow's VerifyRequester state. The caller sends the entry with PutEvents.
 */
import { OPERATOR_EVENT_SOURCE_PREFIX } from '../domain/deployment';

/** The orchestrator's event bus (infra/triggers.ts). */
export const ORCHESTRATOR_BUS_NAME = 'byoip-orchestrator';

/** The PutEvents entry that asks for `workflow` with `input`, as operator `operator` (byoip.operators[].name). */
export function startEventEntry(workflow: string, input: unknown, operator: string) {
  return {
    EventBusName: ORCHESTRATOR_BUS_NAME,
    Source: `${OPERATOR_EVENT_SOURCE_PREFIX}${operator}`,
    DetailType: workflow,
    Detail: JSON.stringify(input),
  };
}
