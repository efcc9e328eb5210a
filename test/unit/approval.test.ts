import fc from 'fast-check';
import { operatorDecisionPlan } from '../../domain/pivots';
import {
  ApprovalPlan,
  approvalEmail,
  approvalIdFor,
  approvalKeys,
  approvalUrl,
  attestRequester,
  checkDecider,
  confirmationFor,
  decisionMac,
  decisionMacValid,
  emailSubject,
  formToken,
  gateFailure,
  openToken,
  reminderOffsets,
  reminderTick,
  sealToken,
  signLink,
  verifyFormToken,
  verifyLink,
  verifyRequester,
  type Decision,
} from '../../domain/approval';

const SECRET = 'k'.repeat(16) + 'e'.repeat(16) + 'y'.repeat(11);
const KEY = approvalKeys(SECRET);
const OTHER_KEY = approvalKeys(`${SECRET}x`);
const T0 = Date.UTC(2026, 11, 1, 8);
const ID = approvalIdFor('arn:aws:states:us-east-1:111122223333:execution:byoip-x:run-1', 'AwaitApproval');
const claims = { approvalId: ID, round: 1, approver: 'Alice@Example.com', expiresAt: T0 + 7 * 86_400_000 };

describe('approval links', () => {
  it('carry only an opaque id, the round, the approver they were sent to, the expiry and a signature', () => {
    const url = new URL(approvalUrl('https://abc.execute-api.us-east-1.amazonaws.com/v1/', KEY, claims));
    expect(url.pathname).toBe(`/v1/approvals/${ID}`);
    expect(ID).toMatch(/^apr-[0-9a-f]{24}$/);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      r: '1',
      a: 'alice@example.com',
      e: String((T0 + 7 * 86_400_000) / 1000),
      s: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
  });

  it("are one per approver: a link for one approver does not verify as another's", () => {
    const q = signLink(KEY, claims);
    expect(verifyLink(KEY, ID, { ...q, a: 'bob@example.com' }, T0)).toEqual({ ok: false, reason: 'tampered' });
    expect(verifyLink(KEY, ID, { ...q, a: 'ALICE@example.com' }, T0)).toMatchObject({ ok: true, approver: 'alice@example.com' });
  });

  it('are the same id for every attempt of one gate, and differ between gates and executions', () => {
    expect(approvalIdFor('exec-a', 'AwaitApproval')).toBe(approvalIdFor('exec-a', 'AwaitApproval'));
    expect(approvalIdFor('exec-a', 'AwaitApproval')).not.toBe(approvalIdFor('exec-b', 'AwaitApproval'));
    expect(approvalIdFor('exec-a', 'AwaitApproval')).not.toBe(approvalIdFor('exec-a', 'AwaitSwapApproval'));
  });

  it('verify while valid and report expiry at the signed second', () => {
    const q = signLink(KEY, claims);
    expect(verifyLink(KEY, ID, q, T0)).toEqual({ ok: true, round: 1, approver: 'alice@example.com', expiresAt: claims.expiresAt, expired: false });
    expect(verifyLink(KEY, ID, q, claims.expiresAt - 1)).toMatchObject({ ok: true, expired: false });
    expect(verifyLink(KEY, ID, q, claims.expiresAt)).toMatchObject({ ok: true, expired: true });
  });

  it('refuse any change to the id, round, expiry or signature, and another key', () => {
    const q = signLink(KEY, claims);
    fc.assert(
      fc.property(fc.constantFrom('id', 'r', 'e', 's'), fc.nat(), fc.integer({ min: 1, max: 15 }), (field, position, delta) => {
        const change = (text: string, alphabet: string) => {
          const i = position % text.length;
          const next = alphabet[(alphabet.indexOf(text[i]) + delta) % alphabet.length];
          return text.slice(0, i) + next + text.slice(i + 1);
        };
        const hex = '0123456789abcdef';
        const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const id = field === 'id' ? `apr-${change(ID.slice(4), hex)}` : ID;
        const query = {
          ...q,
          ...(field === 'r' ? { r: String(Number(q.r) + delta) } : {}),
          ...(field === 'e' ? { e: String(Number(q.e) + delta) } : {}),
          ...(field === 's' ? { s: change(q.s, b64) } : {}),
        };
        expect(verifyLink(KEY, id, query, T0)).toEqual({ ok: false, reason: 'tampered' });
      }),
    );
    expect(verifyLink(OTHER_KEY, ID, q, T0)).toEqual({ ok: false, reason: 'tampered' });
    expect(verifyLink(KEY, ID, { r: q.r, e: q.e }, T0)).toEqual({ ok: false, reason: 'tampered' });
    expect(verifyLink(KEY, '../etc', q, T0)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('refuse a key too short to be a key', () => {
    expect(() => approvalKeys('short')).toThrow(/at least 32 characters/);
  });
});

describe("the form's anti-forgery value", () => {
  const form = { approvalId: ID, round: 1, approver: 'alice@example.com', nonce: 'n0nce-n0nce-n0nce-1' };
  it("is bound to the approval, the round, the link's approver and the browser's cookie nonce, and ages out", () => {
    const token = formToken(KEY, { ...form, issuedAt: T0 });
    expect(verifyFormToken(KEY, token, form, T0 + 60_000)).toBe('ok');
    expect(verifyFormToken(KEY, token, { ...form, nonce: 'another-nonce-value' }, T0)).toBe('invalid');
    expect(verifyFormToken(KEY, token, { ...form, round: 2 }, T0)).toBe('invalid');
    expect(verifyFormToken(KEY, token, { ...form, approver: 'bob@example.com' }, T0)).toBe('invalid');
    expect(verifyFormToken(KEY, token, { ...form, approvalId: approvalIdFor('x', 'y') }, T0)).toBe('invalid');
    expect(verifyFormToken(KEY, token, { ...form, nonce: undefined }, T0)).toBe('invalid');
    expect(verifyFormToken(KEY, undefined, form, T0)).toBe('invalid');
    expect(verifyFormToken(KEY, `${Number(token.split('.')[0]) + 1}.${token.split('.')[1]}`, form, T0)).toBe('invalid');
    expect(verifyFormToken(KEY, token, form, T0 + 13 * 3600_000)).toBe('stale');
  });
});

describe('reminders', () => {
  it('come half-way and near the end (at most a day before)', () => {
    expect(reminderOffsets(7 * 86_400)).toEqual([302_400, 544_320]);
    expect(reminderOffsets(86_400)).toEqual([43_200, 77_760]);
    expect(reminderOffsets(600)).toEqual([300, 540]);
  });

  it('are sent once each, and the loop checks in at least three times per heartbeat period', () => {
    const r = { createdAt: T0, timeoutSeconds: 86_400, heartbeatSeconds: 6 * 3600, remindersSent: 0 };
    expect(reminderTick(r, T0)).toEqual({ remind: false, reminderNumber: 0, nextDelaySeconds: 7200 });
    expect(reminderTick(r, T0 + 42_000_000)).toEqual({ remind: false, reminderNumber: 0, nextDelaySeconds: 1200 });
    expect(reminderTick(r, T0 + 43_200_000)).toEqual({ remind: true, reminderNumber: 1, nextDelaySeconds: 7200 });
    expect(reminderTick({ ...r, remindersSent: 1 }, T0 + 43_200_000)).toMatchObject({ remind: false });
    // A loop that was down through both reminder times sends one reminder, not two.
    expect(reminderTick(r, T0 + 80_000_000)).toEqual({ remind: true, reminderNumber: 2, nextDelaySeconds: 7200 });
  });
});

describe('who may decide', () => {
  const approvers = ['Alice@Example.com', 'bob@example.com'];
  const as = (approver: string, principal = `approver:${approver}`) => ({ approver, principal, authentication: 'link' as const });
  it('an approver of the plan, with a reason, recorded as the plan spells the approver', () => {
    expect(checkDecider(approvers, as(' alice@example.COM '), ' CAB said yes ')).toEqual({ ok: true, approver: 'Alice@Example.com', reason: 'CAB said yes' });
    expect(checkDecider(approvers, as('mallory@example.net'), 'ok')).toEqual({
      ok: false,
      problems: ['mallory@example.net is not an approver of this change'],
    });
    expect(checkDecider(approvers, undefined, '')).toEqual({
      ok: false,
      problems: ['your identity as an approver could not be established', 'give a reason: it is recorded with the decision'],
    });
    expect(checkDecider(approvers, as('bob@example.com'), 'x'.repeat(1001))).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/longer than 1000/)],
    });
  });

  it('never the requester, whether named as an approver or by the same AWS principal', () => {
    const requester = { principal: 'arn:aws:sts::111122223333:assumed-role/ops/bob', approver: 'bob@example.com', via: 'event', at: '2026-12-01T08:00:00Z' };
    expect(checkDecider(approvers, as('bob@example.com'), 'mine', requester)).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^bob@example\.com asked for this change .*someone else must decide it$/)],
    });
    expect(checkDecider(approvers, as('alice@example.com', requester.principal), 'shared role', { ...requester, approver: null })).toMatchObject({ ok: false });
    expect(checkDecider(approvers, as('alice@example.com'), 'ok', requester)).toMatchObject({ ok: true, approver: 'Alice@Example.com' });
  });
});

describe('signed decisions, sealed tokens, attested requesters', () => {
  const unsigned: Omit<Decision, 'mac'> = {
    outcome: 'approve',
    approved: true,
    decidedBy: 'alice@example.com',
    decidedAt: '2026-12-01T09:00:00.000Z',
    reason: 'CAB',
    via: 'approval page',
    authenticated: false,
    authentication: 'link',
    principal: 'approver:alice@example.com',
    planHash: 'a'.repeat(64),
  };
  it('a decision verifies only with its MAC, for its approval and round, unchanged', () => {
    const d = { ...unsigned, mac: decisionMac(KEY, ID, 1, unsigned) };
    expect(decisionMacValid(KEY, ID, 1, d)).toBe(true);
    expect(decisionMacValid(KEY, ID, 2, d)).toBe(false);
    expect(decisionMacValid(OTHER_KEY, ID, 1, d)).toBe(false);
    for (const change of [
      { decidedBy: 'bob@example.com' },
      { outcome: 'reject' },
      { planHash: 'b'.repeat(64) },
      { principal: 'simulator' },
      { decidedAt: '2026-12-02T09:00:00.000Z' },
    ]) {
      expect(decisionMacValid(KEY, ID, 1, { ...d, ...change })).toBe(false);
    }
    expect(decisionMacValid(KEY, ID, 1, { ...unsigned, mac: 'A'.repeat(43) })).toBe(false);
    expect(decisionMacValid(KEY, ID, 1, undefined)).toBe(false);
  });

  it('what a decision confirmed is signed with it: adding, removing or changing the confirmation breaks the MAC', () => {
    const confirmed = { ...unsigned, confirmed: 'the previous provider withdraws 198.18.0.0/24 at the advertisement' };
    const d = { ...confirmed, mac: decisionMac(KEY, ID, 1, confirmed) };
    expect(decisionMacValid(KEY, ID, 1, d)).toBe(true);
    const { confirmed: _dropped, ...withoutConfirmation } = d;
    expect(decisionMacValid(KEY, ID, 1, withoutConfirmation)).toBe(false);
    expect(decisionMacValid(KEY, ID, 1, { ...d, confirmed: 'nothing' })).toBe(false);
    const plain = { ...unsigned, mac: decisionMac(KEY, ID, 1, unsigned) };
    expect(decisionMacValid(KEY, ID, 1, { ...plain, confirmed: d.confirmed })).toBe(false);
  });

  it("approve confirms the plan's statement, back the old provider announcing again; the rest confirm nothing", () => {
    const plan = { confirm: 'the previous provider withdraws' };
    expect(confirmationFor(plan, 'approve')).toBe('the previous provider withdraws');
    expect(confirmationFor({}, 'approve')).toBeUndefined();
    expect(confirmationFor(plan, 'back')).toBe('the old provider announces the prefixes again');
    for (const o of ['reject', 'forward', 'stop']) expect(confirmationFor(plan, o)).toBeUndefined();
  });

  it('a task token is sealed for its approval and opens only with the token key', () => {
    const sealed = sealToken(KEY, 'AQBtoken', ID);
    expect(sealed).not.toContain('AQB');
    expect(openToken(KEY, sealed, ID)).toBe('AQBtoken');
    expect(() => openToken(OTHER_KEY, sealed, ID)).toThrow();
    expect(() => openToken(KEY, sealed, approvalIdFor('x', 'y'))).toThrow();
  });

  it('a requester is attested for one execution and one input', () => {
    const requester = { principal: 'arn:aws:sts::111122223333:assumed-role/ops/bob', approver: null, via: 'event', at: '2026-12-01T08:00:00Z' };
    const input = attestRequester(KEY, { stateMachine: 'byoip-x', executionName: 'run-1', input: { cidr: '198.18.0.0/24' }, requester });
    expect(verifyRequester(KEY, { stateMachine: 'byoip-x', executionName: 'run-1', input })).toEqual({ ok: true, requester });
    expect(verifyRequester(KEY, { stateMachine: 'byoip-x', executionName: 'run-2', input })).toMatchObject({ ok: false });
    expect(verifyRequester(KEY, { stateMachine: 'byoip-y', executionName: 'run-1', input })).toMatchObject({ ok: false });
    expect(verifyRequester(KEY, { stateMachine: 'byoip-x', executionName: 'run-1', input: { ...input, cidr: '198.18.1.0/24' } })).toMatchObject({ ok: false });
    const forged = { ...input, requestedBy: { ...(input.requestedBy as object), principal: 'arn:aws:sts::111122223333:assumed-role/ops/carol' } };
    expect(verifyRequester(KEY, { stateMachine: 'byoip-x', executionName: 'run-1', input: forged })).toMatchObject({ ok: false });
    expect(verifyRequester(KEY, { stateMachine: 'byoip-x', executionName: 'run-1', input: { cidr: '198.18.0.0/24' } })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/has no requestedBy/),
    });
  });
});

describe('the plan and the email', () => {
  it('takes the contract {title, approvers, changes: [{kind, target, from, to}], prerequisite?} and keeps extra context', () => {
    const plan = ApprovalPlan.parse({
      title: 'Swap ASN',
      approvers: ['a@example.com'],
      changes: [{ kind: 'asn', target: '198.18.0.0/24', from: 16509, to: null }],
      context: { asn: 64496 },
    });
    expect(plan.changes[0]).toEqual({ kind: 'asn', target: '198.18.0.0/24', from: '16509', to: '(none)' });
    expect(plan.context).toEqual({ asn: 64496 });
    expect(ApprovalPlan.safeParse({ title: 'x', approvers: ['not-an-email'], changes: [] }).success).toBe(false);
  });

  it('writes subjects SNS accepts: no control characters, fewer than 100 characters', () => {
    expect(emailSubject('a\nb\tc')).toBe('a b c');
    const long = emailSubject(`[byoip] ${'x'.repeat(200)}`);
    expect(long.length).toBe(99);
    expect(long.endsWith('...')).toBe(true);
  });

  it('lists every change from → to and the link, and says an opened page changes nothing', () => {
    const plan = ApprovalPlan.parse({
      title: 'Advertise 198.18.0.0/24',
      approvers: ['a@example.com'],
      changes: [{ kind: 'advertise', target: '198.18.0.0/24', from: 'provisioned', to: 'advertised' }],
      prerequisite: 'Old provider withdraws.',
    });
    const { subject, body } = approvalEmail(
      'request',
      { approvalId: ID, round: 1, workflow: 'wf', executionName: 'run-1', plan, createdAt: T0, expiresAt: T0 + 86_400_000 },
      'https://x/approvals/a?r=1&e=1&s=s',
      T0,
    );
    expect(subject).toBe('[byoip] Approval needed: Advertise 198.18.0.0/24');
    expect(body).toContain('  1. advertise 198.18.0.0/24: provisioned -> advertised');
    expect(body).toContain('Before you approve: Old provider withdraws.');
    expect(body).toMatch(/Opening the page changes nothing[^\n]*\nhttps:\/\/x\/approvals\/a\?r=1&e=1&s=s\n/);
    expect(body).toContain(`byoip approve ${ID} --reason`);
    expect(body).toContain('your AWS credentials say who you are');
  });

  it("an operator decision's email says nothing is undone without a decision and how to decide from a terminal", () => {
    const plan = operatorDecisionPlan({
      workflow: 'onboard-cloudfront-byoip',
      pivot: { label: 'the first advertisement', backNeeds: 'have the old provider announce the prefixes again' },
      failedState: 'CutoverDns',
      failure: { Error: 'AwsRequestRejected', Cause: JSON.stringify({ errorMessage: 'Route 53 said no' }) },
      approvers: ['a@example.com'],
      decisions: ['forward', 'back', 'stop'],
      intents: { dns: { action: 'Route53.RestoreRecords', label: 'restore DNS records' } },
      order: ['dns'],
    });
    const summary = { approvalId: ID, round: 1, workflow: 'onboard-cloudfront-byoip', executionName: 'run-1', plan, createdAt: T0, expiresAt: T0 + 86_400_000 };
    const { subject, body } = approvalEmail('request', summary, 'https://x/approvals/a?r=1&e=1&s=s', T0);
    expect(subject).toMatch(/^\[byoip\] Decision needed: CutoverDns failed past the point of no return: forward, back or stop\?/);
    expect(body).toContain('(without a decision the execution ends held: nothing is undone)');
    expect(body).toContain('  1. failed step CutoverDns: AwsRequestRejected -> Route 53 said no');
    expect(body).toContain('back undoes restore DNS records: (as now) -> undone');
    expect(body).toContain(`byoip decide ${ID} forward|back|stop --reason "..." (back: --old-provider-announces)`);
    expect(body).not.toContain('rolled back');
    expect(approvalEmail('expired', summary, undefined, T0).body).toMatch(/Nothing was undone; the execution ended HeldForOperator/);
  });
});

describe('a gate that ends without a decision', () => {
  it('ends as ApprovalRejected when it expires or its heartbeat stops; other failures pass through', () => {
    const timing = { timeoutSeconds: 7 * 86_400, heartbeatSeconds: 6 * 3600 };
    expect(gateFailure(ID, { Error: 'States.Timeout', Cause: 'task timed out' }, timing)).toEqual({
      Error: 'ApprovalRejected',
      Cause: expect.stringMatching(/expired: nobody decided within 7 days \(States\.Timeout\)/),
    });
    expect(gateFailure(ID, { Error: 'States.HeartbeatTimeout' }, timing)).toEqual({
      Error: 'ApprovalRejected',
      Cause: expect.stringMatching(/no heartbeat for 6 hours/),
    });
    expect(gateFailure(ID, { Error: 'ApprovalRejected', Cause: 'rejected by a' }, timing)).toEqual({ Error: 'ApprovalRejected', Cause: 'rejected by a' });
    expect(gateFailure(ID, { Error: 'AwsRequestRejected', Cause: 'NotFound' }, timing)).toEqual({ Error: 'AwsRequestRejected', Cause: 'NotFound' });
  });
});

describe('planHash', () => {
  const { planHash, canonicalJson } = jest.requireActual('../../domain/approval') as typeof import('../../domain/approval');
  it('does not depend on key order, and changes with any value', () => {
    const a = { title: 't', changes: [{ kind: 'advertise', target: '198.18.0.0/24', from: 'provisioned', to: 'advertised' }], approvers: ['a@example.com'] };
    const b = { approvers: ['a@example.com'], changes: [{ to: 'advertised', from: 'provisioned', target: '198.18.0.0/24', kind: 'advertise' }], title: 't' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(planHash(a)).toBe(planHash(b));
    expect(planHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash({ ...a, changes: [{ ...a.changes[0], target: '198.18.1.0/24' }] })).not.toBe(planHash(a));
  });
});
