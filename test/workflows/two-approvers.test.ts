/**
 * byoip.twoApproverGates: a gate that needs two different approvers. The first approval is recorded and
 * delivers nothing; the same approver again is refused; a second approver's decision lets the workflow go
 * on, and the verified result names both.
 */
import type { ApprovalRequest } from '../../runner/local-runner';
import type { SnsState } from '../../sim/services/sns';
import { PageClient, textOf, type PageResponse } from '../support/approval-page';
import { callsOf, exampleInput, exampleSim, run } from '../support/world';

const WF = 'onboard-cloudfront-byoip';

it('a two-approver gate waits for a second, different approver', async () => {
  const sim = exampleSim({ deployment: { twoApproverGates: [WF] } });
  const pages: Record<string, PageResponse> = {};
  let successesAfterFirst = -1;
  const errors: unknown[] = [];
  const approve = async (req: ApprovalRequest) => {
    try {
      const linkFor = (who: string) =>
        sim
          .state<SnsState>('sns')
          .messages.map((m) => /^(https?:\/\/\S+)$/m.exec(m.message)?.[1])
          .find((l) => l && new URL(l).searchParams.get('a') === who)!;
      pages.first = await new PageClient().decide(linkFor('netops-oncall@example.com'), 'approve', { reason: 'first pair of eyes' });
      successesAfterFirst = req.sim.calls.filter((c) => c.operation === 'SendTaskSuccess').length;
      pages.again = await new PageClient().get(linkFor('netops-oncall@example.com'));
      pages.againPost = await new PageClient().post(linkFor('netops-oncall@example.com'), { decision: 'approve', reason: 'me again' });
      pages.second = await new PageClient().decide(linkFor('netops-lead@example.com'), 'approve', { reason: 'second pair of eyes' });
    } catch (e) {
      errors.push(e);
    }
  };
  const report = await run(sim, WF, exampleInput(WF, { approvers: ['netops-oncall@example.com', 'netops-lead@example.com'] }), { approve });
  expect(errors).toEqual([]);
  expect(pages.first.status).toBe(200);
  expect(textOf(pages.first.html)).toMatch(/Approval recorded.*Waiting for 1 more approver\(s\)/);
  expect(successesAfterFirst).toBe(0);
  expect(pages.again.status).toBe(200); // the first link decided once: no form any more
  expect(pages.again.html).not.toContain('<form');
  expect(pages.againPost.status).toBe(409);
  expect(pages.second.status).toBe(200);
  expect(report.status).toBe('SUCCEEDED');
  expect((report.output as any).approval).toMatchObject({
    decidedBy: 'netops-lead@example.com',
    approvers: ['netops-oncall@example.com', 'netops-lead@example.com'],
  });
  expect(callsOf(report, 'SendTaskSuccess')).toHaveLength(1);
});

it('an operator decision under a two-approver policy needs two approvers who agree', async () => {
  const sim = exampleSim({ deployment: { twoApproverGates: [WF] } });
  sim.faults.add('CutoverDns/Route53:ChangeResourceRecordSets=AccessDeniedx1');
  const outcomes: Array<Record<string, unknown>> = [];
  const identity = (approver: string) => ({ approver, principal: `approver:${approver}`, authentication: 'link' as const });
  const approve = async (req: ApprovalRequest) => {
    const { decideApproval } = await import('../../platform/approval/store');
    const decide = (who: string, outcome: string) =>
      decideApproval({ approvalId: req.approvalId, outcome, reason: 'CHG-9', via: 'test', identity: identity(who), confirmed: true });
    if (!req.payload.plan.decisions) {
      await decide('netops-oncall@example.com', 'approve');
      await decide('netops-lead@example.com', 'approve');
      return;
    }
    outcomes.push((await decide('netops-oncall@example.com', 'forward')) as never);
    outcomes.push((await decide('netops-lead@example.com', 'back')) as never);
    outcomes.push((await decide('netops-lead@example.com', 'forward')) as never);
  };
  const report = await run(sim, WF, exampleInput(WF, { approvers: ['netops-oncall@example.com', 'netops-lead@example.com'] }), { approve });
  expect(outcomes.map((o) => o.kind)).toEqual(['recorded', 'refused', 'decided']);
  expect(outcomes[1]).toMatchObject({ problems: [expect.stringMatching(/netops-oncall@example\.com decided "forward"; a second decision must agree/)] });
  expect(report.status).toBe('SUCCEEDED');
  expect(report.approvals.at(-1)?.operator).toMatchObject({ failedState: 'CutoverDns', outcome: 'forward' });
});
