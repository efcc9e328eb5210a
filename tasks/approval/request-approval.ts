/**
 * The approval gate's task (invoked with .waitForTaskToken): stores the token, sealed, under an opaque
 * approval id and emails each approver the plan with their own signed, expiring link. The execution
 * waits until the decision (SendTaskSuccess / SendTaskFailure(ApprovalRejected)) or the task's timeout;
 * VerifyApproval then checks the stored, signed decision, not what SendTaskSuccess said.
 *
 * Who may decide comes from the deployment (byoip.approvers): a plan naming anyone else is refused, and
 * the requester (attested at the start) is never one of them.
 * The task token is a bearer credential: it is never logged, returned, or put in a link.
 */
import * as z from 'zod';
import { approvalIdFor, ApprovalPlan, eligibleApprovers, GateTiming } from '../../domain/approval';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { ExecutionRef } from '../lib/common';
import { deployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';
import { logger } from '../../platform/logger';
import { sendApprovalEmail } from './notify';
import { markNotified, openApproval, toView } from '../../platform/approval/store';

export const RequesterRef = z.object({ principal: z.string().min(1), approver: z.string().nullable(), via: z.string(), at: z.string() }).nullable();

const Event = z
  .object({
    taskToken: z.string().min(1).max(2048),
    workflow: z.string().min(1),
    execution: ExecutionRef,
    gate: z.string().min(1),
    plan: ApprovalPlan,
    requester: RequesterRef.optional(),
  })
  .extend(GateTiming.shape)
  .passthrough();

/** How many distinct approvals a gate needs: 2 for byoip.twoApproverGates ("workflow" or "workflow/Gate"), else 1. */
export function requiredApprovals(workflow: string, gate: string): number {
  const gates = deployment().twoApproverGates;
  return gates.includes(workflow) || gates.includes(`${workflow}/${gate}`) ? 2 : 1;
}

export const handler = defineTask('RequestApproval', Event, async (input, context) => {
  const approvalId = approvalIdFor(input.execution.id, input.gate);
  const configured = deployment().approvers.map((a) => a.toLowerCase());
  const stray = input.plan.approvers.filter((a) => !configured.includes(a.toLowerCase()));
  if (configured.length === 0 || stray.length) {
    throw new WorkflowError(
      ErrorNames.ConfigurationInvalid,
      configured.length === 0
        ? 'the deployment has no approvers (byoip.approvers): nobody could approve this change'
        : `the plan names approvers the deployment does not have (${stray.join(', ')}); only byoip.approvers may decide`,
    );
  }
  const requester = input.requester ?? null;
  // byoip.twoApproverGates naming the workflow covers its operator decisions too (back withdraws from the internet).
  const needed = requiredApprovals(input.workflow, input.gate);
  const eligible = eligibleApprovers(input.plan.approvers, requester ?? undefined);
  if (eligible.length < needed) {
    throw new WorkflowError(
      ErrorNames.ConfigurationInvalid,
      `this change needs ${needed} approver(s) other than the requester ${requester?.approver ?? ''}, but the plan has ${eligible.length}: add approvers to byoip.approvers or to the input's approvers`,
    );
  }
  const now = Date.now();
  const opened = await openApproval({
    approvalId,
    taskToken: input.taskToken,
    workflow: input.workflow,
    execution: input.execution,
    gate: input.gate,
    plan: input.plan,
    requester,
    requiredApprovals: needed,
    timeoutSeconds: input.timeoutSeconds,
    heartbeatSeconds: input.heartbeatSeconds,
    now,
  });
  const view = toView(opened.record);
  if (opened.notify) {
    await sendApprovalEmail('request', view, context);
    await markNotified(approvalId, view.round, Date.now());
  }
  logger.info('approval requested', {
    approvalId,
    round: view.round,
    action: opened.action,
    emailed: opened.notify,
    workflow: input.workflow,
    execution: input.execution.name,
    title: input.plan.title,
    approvers: view.approvers,
    requester: requester?.principal ?? null,
    requiredApprovals: needed,
    changes: input.plan.changes.length,
    expiresAt: new Date(view.expiresAt).toISOString(),
  });
  return { approvalId, round: view.round, emailed: opened.notify };
});
