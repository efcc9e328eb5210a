/**
 * The approval gate end to end in the simulator: the emailed link, the page (GET shows, POST decides),
 * tampered / expired / reused links, expiry and a lost heartbeat taking the rejection path, and the
 * task token staying out of every URL, page, email and log line.
 */
import { APPROVAL_KEY_SECRET_NAME, approvalKeys, approvalUrl } from '../../domain/approval';
import { errorMessage } from '../../domain/compensation';
import type { ApprovalRequest } from '../../runner/local-runner';
import type { SimulationReport } from '../../runner/report';
import type { Simulator } from '../../sim';
import type { SnsState } from '../../sim/services/sns';
import { loadApproval, type ApprovalRecord } from '../../platform/approval/store';
import { logger } from '../../platform/logger';
import { PageClient, textOf, type PageResponse } from '../support/approval-page';
import { callsOf, exampleInput, exampleSim, run, semanticWorld } from '../support/world';

const WF = 'onboard-cloudfront-byoip';
const APPROVER = 'netops-oncall@example.com';

/** An --approve policy that acts like a person; what it saw is checked after the run (the runner swallows policy errors). */
function person(act: (req: ApprovalRequest, browser: PageClient) => Promise<void>) {
  const seen: { errors: unknown[]; browser: PageClient } = { errors: [], browser: new PageClient() };
  const approve = async (req: ApprovalRequest) => {
    try {
      await act(req, seen.browser);
    } catch (e) {
      seen.errors.push(e);
      await req.reject(undefined, 'the test policy failed').catch(() => undefined);
    }
  };
  return { approve, seen };
}

const sfnDecisions = (sim: Simulator) =>
  sim.calls.filter(
    (c) => c.service === 'SFN' && (c.operation === 'SendTaskSuccess' || (c.operation === 'SendTaskFailure' && (c.input as any).error === 'ApprovalRejected')),
  ).length;
const sns = (sim: Simulator) => sim.state<SnsState>('sns');
const linkKeys = (sim: Simulator) =>
  approvalKeys(sim.state<any>('secretsmanager').secrets.find((s: any) => s.name === APPROVAL_KEY_SECRET_NAME).value as string);

describe('approval gate', () => {
  describe('approved on the page', () => {
    let sim: Simulator;
    let report: SimulationReport;
    const pages: Record<string, PageResponse> = {};
    let pendingAfterViews: ApprovalRecord | undefined;
    let pendingAtRest: ApprovalRecord | undefined;
    let decidedAtRest: ApprovalRecord | undefined;
    let decisionsAfterViews = -1;
    const { approve, seen } = person(async (req, browser) => {
      const link = req.link()!;
      pages.first = await browser.get(link);
      pages.again = await browser.get(link);
      pages.head = await browser.get(link, 'HEAD');
      pendingAfterViews = await loadApproval(req.approvalId);
      decisionsAfterViews = sfnDecisions(req.sim);
      pendingAtRest = await loadApproval(req.approvalId);
      pages.decided = await browser.decide(link, 'approve', { reason: 'change CHG-1234 approved by the CAB' });
      decidedAtRest = await loadApproval(req.approvalId);
      pages.reopened = await browser.get(link);
      pages.resubmitted = await browser.post(link, { csrf: 'x', decision: 'reject', reason: 'second thoughts' });
    });

    beforeAll(async () => {
      sim = exampleSim();
      report = await run(sim, WF, exampleInput(), { approve });
    });

    it('emails the plan with a signed link that carries no token, only to the approver it is for', () => {
      expect(seen.errors).toEqual([]);
      // The input narrows the configured approvers to one: one message, one email, one link.
      expect(sns(sim).messages.map((m) => m.attributes.approver)).toEqual([APPROVER]);
      expect(sns(sim).emails.map((e) => e.to)).toEqual([APPROVER]);
      const email = sns(sim).emails[0];
      expect(email.subject).toMatch(/^\[byoip\] Approval needed: Advertise 198\.18\.0\.0\/24, 198\.18\.1\.0\/24, 198\.18\.2\.0\/24/);
      expect(email.body).toMatch(/advertise 198\.18\.0\.0\/24: provisioned -> advertised by AWS/);
      expect(email.body).toMatch(/dns api\.example\.com\. A \(Z0EXAMPLE000001\): 198\.18\.0\.10 TTL 3600 -> .* TTL 60/);
      const link = new URL(/^https?:\/\/\S+$/m.exec(email.body)![0]);
      expect(link.pathname).toMatch(/^\/approvals\/apr-[0-9a-f]{24}$/);
      expect([...link.searchParams.keys()]).toEqual(['r', 'a', 'e', 's']);
      expect(link.searchParams.get('a')).toBe(APPROVER);
    });

    it('keeps the task token only sealed while pending, and not at all once delivered', () => {
      const token = [...sim.taskTokens.issued];
      expect(pendingAtRest?.taskTokenSealed).toEqual(expect.any(String));
      expect(JSON.stringify(pendingAtRest)).not.toMatch(/AQB[A-Za-z0-9_-]{100,}/);
      for (const t of token) expect(JSON.stringify(pendingAtRest)).not.toContain(t);
      expect(decidedAtRest).toMatchObject({ status: 'APPROVED', delivery: 'delivered' });
      expect(decidedAtRest?.taskTokenSealed).toBeUndefined();
      expect(decidedAtRest?.taskTokenDigest).toBeUndefined();
    });

    it('shows the plan on GET and HEAD and changes nothing', () => {
      expect(pages.first.status).toBe(200);
      expect(textOf(pages.first.html)).toMatch(/Advertise 198\.18\.0\.0\/24.*advertise 198\.18\.0\.0\/24 provisioned advertised by AWS/);
      expect(pages.first.html).toContain('<button class="approve" type="submit" name="decision" value="approve">');
      expect(pages.first.headers).toMatchObject({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' });
      expect(pages.first.setCookie[0]).toMatch(/^byoip_form_[0-9a-f]{24}=[A-Za-z0-9_-]+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
      expect(pages.again.status).toBe(200);
      expect(pages.head).toMatchObject({ status: 200, html: '' });
      expect(pendingAfterViews?.status).toBe('PENDING');
      expect(pendingAfterViews?.decision).toBeUndefined();
      expect(decisionsAfterViews).toBe(0);
    });

    it('records who approved, when and why, and the run completes', () => {
      expect(pages.decided.status).toBe(200);
      expect(textOf(pages.decided.html)).toMatch(
        /Approved by netops-oncall@example\.com \(approval page\) at 2026-12-01T\d\d:\d\d:\d\dZ \(authenticated by their emailed link\)\. Reason: change CHG-1234 approved by the CAB/,
      );
      expect(report.status).toBe('SUCCEEDED');
      expect((report.output as any).approval).toEqual({
        approved: true,
        approvalId: expect.stringMatching(/^apr-/),
        outcome: 'approve',
        decidedBy: APPROVER,
        decidedAt: expect.any(String),
        reason: 'change CHG-1234 approved by the CAB',
        via: 'approval page',
        authentication: 'link',
        principal: `approver:${APPROVER}`,
        approvers: [APPROVER],
        planHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        requestedBy: 'arn:aws:sts::111122223333:assumed-role/byoip-operator/rehearsal',
        confirmed:
          'the previous provider withdraws 198.18.0.0/24, 198.18.1.0/24, 198.18.2.0/24 at the moment AWS starts advertising them, right after this approval',
      });
      const approvedAt = callsOf(report, 'SendTaskSuccess').filter((c) => !c.error);
      expect(approvedAt).toHaveLength(1);
      expect(callsOf(report, 'AdvertiseByoipCidr').every((c) => c.at >= approvedAt[0].at)).toBe(true);
    });

    it('shows the recorded decision on a second use of the link and decides nothing again', () => {
      expect(pages.reopened.status).toBe(200);
      expect(textOf(pages.reopened.html)).toMatch(/Already approved.*Approved by netops-oncall@example\.com .*This link has been used/);
      expect(pages.reopened.html).not.toContain('<form');
      expect(pages.resubmitted.status).toBe(409);
      expect(textOf(pages.resubmitted.html)).toMatch(/Approved by netops-oncall@example\.com.*Nothing was changed by this request/);
      expect(sfnDecisions(sim)).toBe(1);
    });

    it('ends the reminder loop as soon as the decision arrives', () => {
      const gate = report.states.find((s) => s.name === 'AwaitApproval')!;
      const over = report.states.find((s) => s.name === 'AwaitApprovalRemindersOver')!;
      expect(over.exitedAt).toBe(gate.exitedAt);
      expect(gate.status).toBe('SUCCEEDED');
    });
  });

  it('rolls everything back when the approver rejects on the page', async () => {
    const sim = exampleSim();
    const before = semanticWorld(sim);
    const { approve, seen } = person(async (req, browser) => {
      const res = await browser.decide(req.link()!, 'reject', { reason: 'the old provider cannot withdraw tonight' });
      expect(res.status).toBe(200);
    });
    const report = await run(sim, WF, exampleInput(WF, { onReject: 'undo-all' }), { approve });
    expect(seen.errors).toEqual([]);
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('ApprovalRejected');
    expect(errorMessage(report.error?.cause)).toMatch(
      /^rejected by netops-oncall@example\.com \(approval page\) at .*: the old provider cannot withdraw tonight \(approval apr-/,
    );
    expect(callsOf(report, 'AdvertiseByoipCidr')).toHaveLength(0);
    expect(report.states.some((s) => s.name === 'RolledBack')).toBe(true);
    expect(semanticWorld(sim)).toEqual(before);
  });

  it("refuses tampered links (another approver's address included), forged or missing form values with a clear page, changing nothing", async () => {
    const sim = exampleSim();
    const results: Record<string, PageResponse> = {};
    let untouched: ApprovalRecord | undefined;
    const { approve, seen } = person(async (req, browser) => {
      const link = req.link()!;
      const url = new URL(link);
      const variant = (change: (u: URL) => void) => {
        const u = new URL(url);
        change(u);
        return u.toString();
      };
      const sig = url.searchParams.get('s')!;
      results.signature = await browser.get(variant((u) => u.searchParams.set('s', `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`)));
      results.expiry = await browser.get(variant((u) => u.searchParams.set('e', String(Number(u.searchParams.get('e')) + 86_400))));
      results.round = await browser.get(variant((u) => u.searchParams.set('r', '2')));
      results.otherId = await browser.get(
        variant((u) => {
          u.pathname = '/approvals/apr-000000000000000000000000';
        }),
      );
      results.otherApprover = await browser.get(variant((u) => u.searchParams.set('a', 'mallory@example.net')));
      results.otherApproverPost = await browser.post(
        variant((u) => u.searchParams.set('a', 'netops-lead@example.com')),
        { decision: 'approve', reason: 'x' },
      );
      results.noSignature = await browser.get(variant((u) => u.searchParams.delete('s')));
      results.tamperedPost = await browser.post(
        variant((u) => u.searchParams.set('s', sig.split('').reverse().join(''))),
        { decision: 'approve', reason: 'x' },
      );
      const page = await browser.get(link);
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)![1];
      results.noCsrf = await browser.post(link, { decision: 'approve', reason: 'x' });
      results.forgedCsrf = await browser.post(link, { csrf: `${csrf.split('.')[0]}.${'A'.repeat(43)}`, decision: 'approve', reason: 'x' });
      const cookieless = new PageClient();
      results.noCookie = await cookieless.post(link, { csrf, decision: 'approve', reason: 'x' });
      // A typed-in identity is ignored: the link says who decides.
      results.typedIdentity = await browser.decide(link, 'approve', { decidedBy: 'mallory@example.net', reason: '  ' });
      results.noReason = await browser.decide(link, 'approve', { reason: '  ' });
      untouched = await loadApproval(req.approvalId);
      await browser.decide(link, 'reject', { reason: 'end of the test' });
    });
    const report = await run(sim, WF, exampleInput(WF, { onReject: 'undo-all' }), { approve });
    expect(seen.errors).toEqual([]);
    for (const name of ['signature', 'expiry', 'round', 'otherId', 'otherApprover', 'otherApproverPost', 'noSignature', 'tamperedPost']) {
      expect([name, results[name].status]).toEqual([name, 403]);
      expect(textOf(results[name].html)).toMatch(
        /Link not valid.*This approval link is not valid: it was changed or cut short after it was sent\..*Nothing was changed\./,
      );
    }
    for (const name of ['noCsrf', 'forgedCsrf', 'noCookie']) {
      expect([name, results[name].status]).toEqual([name, 403]);
      expect(textOf(results[name].html)).toMatch(/Form not accepted.*did not come from the approval page in this browser.*Nothing was changed/);
    }
    expect(results.typedIdentity.status).toBe(422);
    expect(textOf(results.typedIdentity.html)).toMatch(/You decide as netops-oncall@example\.com/);
    expect(results.typedIdentity.html).not.toContain('mallory');
    expect(results.noReason.status).toBe(422);
    expect(textOf(results.noReason.html)).toMatch(/give a reason/);
    expect(untouched).toMatchObject({ status: 'PENDING' });
    expect(untouched?.decision).toBeUndefined();
    expect(callsOf(report, 'SendTaskSuccess')).toHaveLength(0);
    expect(report.error?.name).toBe('ApprovalRejected');
  });

  it('refuses an expired link, even with a valid signature', async () => {
    const sim = exampleSim();
    const results: PageResponse[] = [];
    const { approve, seen } = person(async (req, browser) => {
      const record = (await loadApproval(req.approvalId))!;
      const expired = approvalUrl('https://approvals.example', linkKeys(sim), {
        approvalId: req.approvalId,
        round: record.round,
        approver: APPROVER,
        expiresAt: Date.now() - 1000,
      });
      results.push(await browser.get(expired), await browser.post(expired, { decision: 'approve', reason: 'late' }));
      await req.reject(APPROVER, 'end of the test');
    });
    await run(sim, WF, exampleInput(), { approve });
    expect(seen.errors).toEqual([]);
    for (const res of results) {
      expect(res.status).toBe(410);
      expect(textOf(res.html)).toMatch(
        /Link expired.*This link expired at 2026-12-01T\d\d:\d\d:\d\dZ; nobody can decide with it any more\..*Nothing was changed/,
      );
    }
  });

  describe('nobody decides', () => {
    let sim: Simulator;
    let report: SimulationReport;
    let before: ReturnType<typeof semanticWorld>;
    beforeAll(async () => {
      sim = exampleSim();
      before = semanticWorld(sim);
      report = await run(sim, WF, exampleInput(WF, { approval: { timeoutSeconds: 86_400 }, onReject: 'undo-all' }), { approve: 'none' });
    });

    it('reminds the approvers half-way and near the end, then expires and compensates', () => {
      expect(report.status).toBe('FAILED');
      expect(report.error?.name).toBe('ApprovalRejected');
      expect(errorMessage(report.error?.cause)).toMatch(/^approval apr-[0-9a-f]{24} expired: nobody decided within 1 day \(States\.Timeout\)/);
      const gate = report.states.find((s) => s.name === 'AwaitApproval')!;
      const kinds = sns(sim).messages.map((m) => [
        m.attributes.kind,
        Math.round(sim.elapsedSeconds(m.at) - sim.elapsedSeconds(sim.startedAt + gate.enteredAt * 1000)),
      ]);
      expect(kinds).toEqual([
        ['approval-request', 0],
        ['approval-reminder', 43_200],
        ['approval-reminder', 77_760],
        ['approval-expired', 86_400],
      ]);
      expect(sns(sim).emails.map((e) => e.subject)).toEqual([
        expect.stringMatching(/^\[byoip\] Approval needed: /),
        expect.stringMatching(/^\[byoip\] Reminder, 12 h left to decide: /),
        expect.stringMatching(/^\[byoip\] Reminder, 2 h 24 min left to decide: /),
        expect.stringMatching(/^\[byoip\] Approval expired, rolling back: /),
      ]);
      expect(callsOf(report, 'AdvertiseByoipCidr')).toHaveLength(0);
      expect(report.states.some((s) => s.name === 'RolledBack')).toBe(true);
      expect(semanticWorld(sim)).toEqual(before);
    });

    it('kept the waiting task alive with heartbeats well inside HeartbeatSeconds', () => {
      const beats = callsOf(report, 'SendTaskHeartbeat').map((c) => c.at);
      expect(beats.length).toBeGreaterThanOrEqual(12);
      for (let i = 1; i < beats.length; i++) expect(beats[i] - beats[i - 1]).toBeLessThanOrEqual(2 * 3600);
    });

    it('leaves the stored approval EXPIRED, so its link says so', async () => {
      const link = /^https?:\/\/\S+$/m.exec(sns(sim).emails[0].body)![0];
      const page = await sim.clock.drive(async () => {
        const { connectSimulator } = await import('../../sim/transport');
        const disconnect = connectSimulator(sim);
        try {
          return await new PageClient().get(link);
        } finally {
          disconnect();
        }
      });
      expect(page.status).toBe(410);
      expect(textOf(page.html)).toMatch(/Expired.*Nobody decided before 2026-12-\d\dT\d\d:\d\d:\d\dZ\. The change was not made/);
      expect(page.html).not.toContain('<form');
    });
  });

  it('fails the gate by its heartbeat when the reminder loop stops, and compensates', async () => {
    const sim = exampleSim();
    const before = semanticWorld(sim);
    sim.faults.add('SendTaskHeartbeat=AccessDenied');
    const report = await run(sim, WF, exampleInput(WF, { onReject: 'undo-all' }), { approve: 'none' });
    expect(report.error?.name).toBe('ApprovalRejected');
    expect(errorMessage(report.error?.cause)).toMatch(/stopped: its reminder loop sent no heartbeat for 6 hours \(States\.HeartbeatTimeout\)/);
    const gate = report.states.find((s) => s.name === 'AwaitApproval')!;
    expect(gate.exitedAt! - gate.enteredAt).toBe(6 * 3600);
    expect(semanticWorld(sim)).toEqual(before);
  });

  it('keeps the task token out of every URL, page, email, report and log line', async () => {
    const sim = exampleSim();
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture as never);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture as never);
    // injectLambdaContext re-applies the configured level (SILENT in tests) at each invocation's sampling refresh.
    const sampling = jest.spyOn(logger, 'refreshSampleRateCalculation').mockImplementation(() => undefined);
    logger.setLogLevel('DEBUG');
    let report: SimulationReport;
    const { approve, seen } = person(async (req, browser) => {
      await browser.get(req.link()!);
      await req.sim.clock.sleep(120_000); // let the reminder loop arm its own token too
      await browser.decide(req.link()!, 'approve', { reason: 'token hygiene check' });
    });
    try {
      report = await run(sim, WF, exampleInput(), { approve });
    } finally {
      logger.setLogLevel('SILENT');
      sampling.mockRestore();
      out.mockRestore();
      err.mockRestore();
    }
    expect(seen.errors).toEqual([]);
    expect(report.status).toBe('SUCCEEDED');
    const tokens = [...sim.taskTokens.issued];
    expect(tokens.length).toBeGreaterThanOrEqual(2); // the decision's and the reminder loop's
    const logs = lines.join('');
    expect(logs).toMatch(/"message":"approval requested"/); // the capture works
    expect(logs).toMatch(/"message":"approval decided"/);
    const urls = [
      ...sns(sim).messages.flatMap((m) => m.message.match(/https?:\/\/\S+/g) ?? []),
      ...seen.browser.responses.flatMap((r) => r.html.match(/(?:href|action)="[^"]*"/g) ?? []),
    ];
    expect(urls.length).toBeGreaterThan(0);
    const surfaces: Record<string, string> = {
      logs,
      urls: urls.join('\n'),
      emails: JSON.stringify(sns(sim)),
      pages: JSON.stringify(seen.browser.responses),
      report: JSON.stringify(report!),
      executionHistory: JSON.stringify(report!.states) + JSON.stringify(report!.output),
    };
    for (const [where, text] of Object.entries(surfaces)) {
      for (const token of tokens) expect([where, text.includes(token)]).toEqual([where, false]);
      expect([where, /AQB[A-Za-z0-9_-]{100,}/.test(text)]).toEqual([where, false]);
    }
    expect(surfaces.report).toContain('<task token>'); // the stored token is blanked, not missing by accident
  });
});
