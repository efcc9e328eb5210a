/**
 * The gate's task, called directly against the simulated AWS: idempotent when invoked again, a retried
 * task replaces its token without a second email, a gate entered again after a decision opens a new
 * round (old links then say so), and a bad plan is refused before any AWS call.
 */
import type { Context } from 'aws-lambda';
import { APPROVAL_KEY_SECRET_NAME, approvalKeys, openToken } from '../../domain/approval';
import type { Simulator } from '../../sim';
import type { SnsState } from '../../sim/services/sns';
import { handler as requestApproval } from '../../tasks/approval/request-approval';
import { decideApproval, listPending, loadApproval } from '../../platform/approval/store';
import { PageClient, textOf } from '../support/approval-page';
import { exampleSim, within } from '../support/world';

const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:byoip-RequestApproval' } as Context;
const event = (taskToken: string, patch: Record<string, unknown> = {}) => ({
  taskToken,
  workflow: 'onboard-cloudfront-byoip',
  gate: 'AwaitApproval',
  timeoutSeconds: 86_400,
  heartbeatSeconds: 21_600,
  execution: { id: 'arn:aws:states:us-east-1:111122223333:execution:byoip-onboard-cloudfront-byoip:run-1', name: 'run-1' },
  plan: {
    title: 'Advertise 198.18.0.0/24',
    approvers: ['netops-oncall@example.com'],
    changes: [{ kind: 'advertise', target: '198.18.0.0/24', from: 'provisioned', to: 'advertised' }],
  },
  ...patch,
});
const TOKEN_1 = `AQB${'1'.repeat(120)}`;
const TOKEN_2 = `AQB${'2'.repeat(120)}`;
const TOKEN_3 = `AQB${'3'.repeat(120)}`;

const keysOf = (sim: Simulator) => approvalKeys(sim.state<any>('secretsmanager').secrets.find((x: any) => x.name === APPROVAL_KEY_SECRET_NAME).value);
const storedToken = (sim: Simulator, r: { approvalId: string; taskTokenSealed?: string } | undefined) =>
  r?.taskTokenSealed ? openToken(keysOf(sim), r.taskTokenSealed, r.approvalId) : undefined;
const simulator = { approver: 'netops-oncall@example.com', principal: 'simulator', authentication: 'simulator' as const };

describe('RequestApproval', () => {
  it('stores the request once, replaces the token of a retried task, and opens a new round after a decision', async () => {
    const sim = exampleSim();
    const emails = () => sim.state<SnsState>('sns').emails;
    await within(sim, async () => {
      const first = (await requestApproval(event(TOKEN_1), context)) as { approvalId: string; round: number; emailed: boolean };
      expect(first).toMatchObject({ round: 1, emailed: true });
      expect(await requestApproval(event(TOKEN_1), context)).toMatchObject({ round: 1, emailed: false });
      expect(emails()).toHaveLength(1);
      expect(await listPending()).toEqual([expect.objectContaining({ approvalId: first.approvalId, round: 1, title: 'Advertise 198.18.0.0/24', changes: 1 })]);

      // The task failed and Step Functions retried it: a new token, the same request, no second email.
      await sim.clock.sleep(5_000);
      expect(await requestApproval(event(TOKEN_2), context)).toMatchObject({ round: 1, emailed: false });
      expect(storedToken(sim, await loadApproval(first.approvalId))).toBe(TOKEN_2);
      expect(JSON.stringify(await loadApproval(first.approvalId))).not.toContain(TOKEN_2);
      expect(emails()).toHaveLength(1);

      // Decided (the token is gone in the simulator, so delivery fails and the approval closes), then the gate runs again.
      const outcome = await decideApproval({ approvalId: first.approvalId, outcome: 'reject', identity: simulator, reason: 'no', via: 'test' });
      expect(outcome).toMatchObject({ kind: 'not-delivered', view: { status: 'CLOSED' } });
      expect(await listPending()).toEqual([]);
      const oldLink = /^https?:\/\/\S+$/m.exec(emails()[0].body)![0];
      expect(await requestApproval(event(TOKEN_3), context)).toMatchObject({ round: 2, emailed: true });
      expect(await loadApproval(first.approvalId)).toMatchObject({ round: 2, status: 'PENDING' });
      expect(storedToken(sim, await loadApproval(first.approvalId))).toBe(TOKEN_3);
      expect((await loadApproval(first.approvalId))?.decision).toBeUndefined();
      expect(emails()).toHaveLength(2);
      const old = await new PageClient().get(oldLink);
      expect(old.status).toBe(410);
      expect(textOf(old.html)).toMatch(/Link replaced.*earlier request for this change \(round 1\); the latest email has the current link \(round 2\)/);
      const current = await new PageClient().get(/^https?:\/\/\S+$/m.exec(emails()[1].body)![0]);
      expect(current.status).toBe(200);
    });
  });

  it('refuses a plan that breaks the contract before any AWS call', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await expect(requestApproval(event(TOKEN_1, { plan: { title: 'x', approvers: ['not-an-email'], changes: [] } }), context)).rejects.toMatchObject({
        name: 'InputInvalid',
        message: expect.stringMatching(/plan\.approvers\.0/),
      });
      await expect(requestApproval(event(TOKEN_1, { timeoutSeconds: 30 * 86_400 }), context)).rejects.toMatchObject({ name: 'InputInvalid' });
    });
    expect(sim.calls).toHaveLength(0);
  });

  it('refuses a plan naming someone who is not a configured approver, and a plan only the requester could approve', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await expect(requestApproval(event(TOKEN_1, { plan: { ...event('').plan, approvers: ['mallory@example.net'] } }), context)).rejects.toMatchObject({
        name: 'ConfigurationInvalid',
        message: expect.stringMatching(/the plan names approvers the deployment does not have \(mallory@example\.net\)/),
      });
      const requester = {
        principal: 'arn:aws:sts::111122223333:assumed-role/byoip-operator/netops-oncall@example.com',
        approver: 'netops-oncall@example.com',
        via: 'event',
        at: '2026-12-01T08:00:00Z',
      };
      await expect(requestApproval(event(TOKEN_1, { requester }), context)).rejects.toMatchObject({
        name: 'ConfigurationInvalid',
        message: expect.stringMatching(/needs 1 approver\(s\) other than the requester netops-oncall@example\.com, but the plan has 0/),
      });
    });
    expect(sim.calls.filter((c) => c.operation === 'Publish')).toHaveLength(0);
  });
});
