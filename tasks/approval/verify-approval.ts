/**
 * After every approval gate: does not trust what reached the gate (SendTaskSuccess can be called by
 * anyone holding the token, which also sits in the execution history). It re-reads the stored approval
 * and requires, for this execution and this plan:
 *  - the approval APPROVED in its current round, with a decision whose MAC the approval tasks made;
 *  - the decision's plan hash equal to the hash of the plan in this execution's state;
 *  - the decider one of the deployment's approvers and of the plan's, and not the requester;
 *  - as many distinct valid approvals as the gate needs.
 * Otherwise it closes a still-pending approval (its links then say so) and fails with SafetyViolation;
 * the gate comes before any change, so the execution compensates.
 */
import * as z from 'zod';
import { approvalIdFor, ApprovalPlan, confirmationFor, decisionMacValid, outcomePasses, planHash } from '../../domain/approval';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { ExecutionRef } from '../lib/common';
import { deployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';
import { logger } from '../../platform/logger';
import { approvalKeyMaterial } from '../../platform/approval/config';
import { RequesterRef } from './request-approval';
import { closePending, loadApproval, validApprovals } from '../../platform/approval/store';

const Event = z.object({
  execution: ExecutionRef,
  gate: z.string().min(1),
  plan: ApprovalPlan,
  requester: RequesterRef.optional(),
});

export const handler = defineTask('VerifyApproval', Event, async (input) => {
  const approvalId = approvalIdFor(input.execution.id, input.gate);
  const keys = await approvalKeyMaterial();
  const record = await loadApproval(approvalId);
  const d = record?.decision;
  const configured = deployment().approvers.map((a) => a.toLowerCase());
  const requester = input.requester ?? null;
  const problems: string[] = [];
  if (!record?.status) problems.push('no approval is stored for this gate');
  else {
    if (record.executionId !== input.execution.id) problems.push('the stored approval belongs to another execution');
    const passed = input.plan.decisions ? 'DECIDED' : 'APPROVED';
    if (record.status !== passed) problems.push(`the stored approval is ${record.status}, not ${passed}`);
    if (!d) problems.push('no decision is recorded');
    else {
      if (!decisionMacValid(keys, approvalId, record.round, d)) problems.push('the decision is not signed by the approval tasks (forged or altered)');
      if (!outcomePasses(input.plan, d.outcome)) problems.push(`the decision's outcome is "${d.outcome}"`);
      const needs = confirmationFor(input.plan, d.outcome);
      if (needs && d.confirmed !== needs) problems.push(`the decision does not confirm what it needs to: ${needs}`);
      if (d.planHash !== planHash(input.plan) || record.planHash !== planHash(input.plan))
        problems.push("the decision approves another plan than this execution's");
      const who = d.decidedBy.toLowerCase();
      if (!configured.includes(who)) problems.push(`${d.decidedBy} is not one of the deployment's approvers`);
      if (!input.plan.approvers.some((a) => a.toLowerCase() === who)) problems.push(`${d.decidedBy} is not an approver of this plan`);
      if (requester && (requester.approver?.toLowerCase() === who || requester.principal === d.principal))
        problems.push(`${d.decidedBy} asked for this change and cannot approve it`);
      const valid = validApprovals(
        keys,
        {
          ...record,
          approvers: record.approvers.filter((a) => configured.includes(a.toLowerCase()) && a.toLowerCase() !== requester?.approver?.toLowerCase()),
        },
        record.approvals,
      );
      if (valid.length < (record.requiredApprovals ?? 1)) problems.push(`${valid.length} valid approval(s); this gate needs ${record.requiredApprovals}`);
    }
  }
  if (problems.length) {
    if (record?.status === 'PENDING') await closePending(record, 'CLOSED', `the gate was passed without a valid decision: ${problems.join('; ')}`, Date.now());
    logger.error('approval not verified', { approvalId, problems });
    throw new WorkflowError(ErrorNames.SafetyViolation, `refusing to go on past ${input.gate}: ${problems.join('; ')} (approval ${approvalId})`);
  }
  const approvals = validApprovals(keys, record!, record!.approvals);
  return {
    approved: true as const,
    approvalId,
    outcome: d!.outcome,
    decidedBy: d!.decidedBy,
    decidedAt: d!.decidedAt,
    reason: d!.reason,
    via: d!.via,
    authentication: d!.authentication,
    principal: d!.principal,
    approvers: approvals.map((a) => a.decidedBy),
    planHash: d!.planHash,
    requestedBy: requester?.principal ?? null,
    confirmed: d!.confirmed ?? null,
  };
});
