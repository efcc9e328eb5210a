/**
 * The approval page in a real browser (headless Chromium via Playwright), against a rehearsal run as an
 * operator runs it: `byoip simulate ... --approve prompt` prints the emailed link and waits in real time.
 * Opening the page decides nothing; the Approve button lets the run finish; Reject ends compensated.
 * With sign-in required, the link sent to approver A, opened without A's identity, cannot approve; A's
 * own decision works, and the report says who decided and how they were authenticated.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { byoipSpawn, byoipSync, type Running } from '../support/cli-process';
import { browserForTests } from '../support/chromium';

const TOKEN_LIKE = /AQB[A-Za-z0-9_-]{100,}/; // the simulator's task tokens (real ones are opaque too)
const LINK = /http:\/\/127\.0\.0\.1:\d+\/approvals\/(apr-[0-9a-f]{24})\?r=\d+&a=[^&\s]+&e=\d+&s=[A-Za-z0-9_-]+/;
const EXAMPLES = join(__dirname, '..', '..', 'examples');

/** The example world with sign-in required in front of the page (file: references made absolute). */
function signInWorld(dir: string): string {
  const text = readFileSync(join(EXAMPLES, 'world.json'), 'utf8').replace(/"file:(?!\/)/g, `"file:${EXAMPLES}/`);
  const world = JSON.parse(text);
  world.deployment.approvalPage = { signIn: 'authorizer' };
  const file = join(dir, 'world-sign-in.json');
  writeFileSync(file, JSON.stringify(world));
  return file;
}

const browser = browserForTests();

interface Rehearsal {
  run: Running;
  env: Record<string, string>;
  reportFile: string;
  link: string;
  approvalId: string;
  page: Page;
  urls: string[];
}

async function rehearsalAtTheGate(context: BrowserContext, o: { signIn?: boolean } = {}): Promise<Rehearsal> {
  const dir = mkdtempSync(join(tmpdir(), 'byoip-browser-'));
  const env = { BYOIP_STATE_DIR: dir, POWERTOOLS_LOG_LEVEL: 'INFO' };
  const reportFile = join(dir, 'report.json');
  const world = o.signIn ? ['--world', signInWorld(dir)] : [];
  const run = byoipSpawn(
    [
      'simulate',
      'onboard-cloudfront-byoip',
      '-i',
      'examples/onboard-cloudfront-byoip.input.json',
      ...world,
      '--approve',
      'prompt',
      '--report',
      reportFile,
      '--verbose',
    ],
    env,
  );
  const [link, approvalId] = await run.waitFor(LINK);
  const page = await context.newPage();
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return { run, env, reportFile, link, approvalId, page, urls };
}

async function openAndCheckNothingChanged(r: Rehearsal) {
  const first = await r.page.goto(r.link);
  expect(first?.status()).toBe(200);
  expect(await r.page.textContent('h1')).toMatch(/^Advertise 198\.18\.0\.0\/24, 198\.18\.1\.0\/24, 198\.18\.2\.0\/24 from CloudFront/);
  expect(await r.page.locator('tbody tr').count()).toBe(11); // 3 advertisements, 6 distribution settings, 2 DNS records
  expect(await r.page.textContent('body')).toContain('Opening this page changed nothing.');
  await r.page.reload();
  // Loading (twice) approved nothing: the rehearsal still waits, and the approval is still pending.
  const pending = byoipSync(['approvals', '--sim', '--json'], r.env);
  expect(JSON.parse(pending.stdout).map((a: { approvalId: string }) => a.approvalId)).toEqual([r.approvalId]);
  expect(r.run.child.exitCode).toBeNull();
}

async function decide(r: Rehearsal, button: 'approve' | 'reject', reason: string) {
  // Nobody types who they are: the link (and the sign-in, where required) says it.
  expect(await r.page.locator('#decidedBy').count()).toBe(0);
  expect(await r.page.textContent('#decider')).toMatch(/You decide as netops-oncall@example\.com/);
  await r.page.fill('#reason', reason);
  // Approving confirms what the plan asks (the previous provider's withdrawal); rejecting does not.
  if (button === 'approve') {
    expect(await r.page.textContent('body')).toMatch(
      /I confirm: the previous provider withdraws 198\.18\.0\.0\/24, 198\.18\.1\.0\/24, 198\.18\.2\.0\/24 at the moment AWS starts advertising them/,
    );
    await r.page.check('input[name=confirmed]');
  }
  const [response] = await Promise.all([r.page.waitForResponse((res) => res.request().method() === 'POST'), r.page.click(`button.${button}`)]);
  await r.page.waitForLoadState('load');
  return response.status();
}

function checkNoTokenAnywhere(r: Rehearsal) {
  expect(r.run.stdout).toMatch(/"message":"approval requested"/); // the tasks' logs were captured
  expect(r.run.stdout).toMatch(/"message":"approval decided"/);
  for (const text of [r.run.stdout, r.run.stderr, r.urls.join('\n'), r.link]) expect(TOKEN_LIKE.test(text)).toBe(false);
  expect(r.urls.length).toBeGreaterThanOrEqual(3);
}

describe('the approval page in Chromium', () => {
  it('shows the plan without approving; Approve lets the rehearsal finish', async () => {
    const r = await rehearsalAtTheGate(browser());
    try {
      await openAndCheckNothingChanged(r);
      expect(await decide(r, 'approve', 'CAB approved CHG-1234')).toBe(200);
      expect(await r.page.textContent('body')).toMatch(
        /Approved by netops-oncall@example\.com \(approval page\) at 2026-12-01T\d\d:\d\d:\d\dZ \(authenticated by their emailed link\)\.\s*Reason: CAB approved CHG-1234/,
      );
      expect(await r.run.exited).toBe(0);
      const report = JSON.parse(readFileSync(r.reportFile, 'utf8'));
      expect(report.status).toBe('SUCCEEDED');
      expect(report.output.approval).toMatchObject({
        approved: true,
        approvalId: r.approvalId,
        decidedBy: 'netops-oncall@example.com',
        reason: 'CAB approved CHG-1234',
        via: 'approval page',
        authentication: 'link',
      });
      const approvedAt = report.approvals.find((a: any) => a.approved).decidedAt;
      expect(approvedAt).toBeGreaterThan(0);
      const advertised = report.awsCalls.filter((c: any) => c.operation === 'AdvertiseByoipCidr');
      expect(advertised).toHaveLength(3);
      expect(advertised.every((c: any) => c.at >= approvedAt)).toBe(true);
      checkNoTokenAnywhere(r);
    } finally {
      r.run.child.kill();
      await r.page.close();
    }
  }, 180_000);

  it('Reject parks the rehearsal: the provisioned CIDRs stay, the rest is rolled back', async () => {
    const r = await rehearsalAtTheGate(browser());
    try {
      await openAndCheckNothingChanged(r);
      expect(await decide(r, 'reject', 'the old provider cannot withdraw tonight')).toBe(200);
      expect(await r.page.textContent('body')).toMatch(/Rejected by netops-oncall@example\.com \(approval page\)/);
      expect(await r.run.exited).toBe(0);
      const report = JSON.parse(readFileSync(r.reportFile, 'utf8'));
      expect(report.output).toMatchObject({ status: 'Parked', rejection: { Error: 'ApprovalRejected' } });
      expect(report.states.some((s: any) => s.name === 'Parked')).toBe(true);
      expect(report.awsCalls.filter((c: any) => c.operation === 'AdvertiseByoipCidr')).toHaveLength(0);
      const world = report.resources;
      expect(world['ec2.ipam'].byoipCidrs.map((c: any) => c.State)).toEqual(['provisioned', 'provisioned', 'provisioned']);
      expect(world.cloudfront.anycastLists).toEqual([]);
      expect(world.cloudfront.distributions.filter((d: any) => d.AnycastIpListId)).toEqual([]);
      const api = world.route53.hostedZones[0].ResourceRecordSets.find((x: any) => x.Name === 'api.example.com.');
      expect(api).toEqual({ Name: 'api.example.com.', Type: 'A', TTL: 3600, ResourceRecords: [{ Value: '198.18.0.10' }] });
      checkNoTokenAnywhere(r);
    } finally {
      r.run.child.kill();
      await r.page.close();
    }
  }, 180_000);

  it("with sign-in required, A's link without A's identity cannot approve; A's own decision works and the report says how A was authenticated", async () => {
    const r = await rehearsalAtTheGate(browser(), { signIn: true });
    const origin = new URL(r.link).origin;
    const signInAs = async (email: string, password: string) => {
      await browser().clearCookies();
      await r.page.goto(`${origin}/signin`);
      await r.page.fill('#email', email);
      await r.page.fill('#password', password);
      await Promise.all([r.page.waitForResponse((res) => res.request().method() === 'POST'), r.page.click('#signin')]);
      expect(await r.page.textContent('#signed-in')).toBe(`Signed in as ${email}.`);
    };
    try {
      expect(new URL(r.link).searchParams.get('a')).toBe('netops-oncall@example.com');
      // 1. A fresh browser with only the link: no plan, no approver list, no form; a forged POST decides nothing.
      await browser().clearCookies();
      const anonymous = await r.page.goto(r.link);
      expect(anonymous?.status()).toBe(401);
      expect(await r.page.textContent('body')).toMatch(
        /This link was sent to netops-oncall@example\.com\. Sign in as netops-oncall@example\.com to review and decide\./,
      );
      expect(await r.page.locator('form').count()).toBe(0);
      expect(await r.page.textContent('body')).not.toMatch(/Approvers/);
      const forged = await browser().request.post(r.link, { form: { decision: 'approve', reason: 'looks fine', decidedBy: 'netops-oncall@example.com' } });
      expect(forged.status()).toBe(401);
      // 2. Signed in as another approver: still not theirs to use.
      await signInAs('netops-lead@example.com', 'rehearsal-lead');
      const colleague = await r.page.goto(r.link);
      expect(colleague?.status()).toBe(403);
      expect(await r.page.textContent('body')).toMatch(/This link was sent to netops-oncall@example\.com, but you are signed in as netops-lead@example\.com\./);
      expect(await r.page.locator('button.approve').count()).toBe(0);
      const pending = byoipSync(['approvals', '--sim', '--json'], r.env);
      expect(JSON.parse(pending.stdout).map((a: { approvalId: string }) => a.approvalId)).toEqual([r.approvalId]);
      expect(r.run.child.exitCode).toBeNull();
      // 3. A, signed in, opens A's link and approves.
      await signInAs('netops-oncall@example.com', 'rehearsal-oncall');
      const own = await r.page.goto(r.link);
      expect(own?.status()).toBe(200);
      expect(await r.page.textContent('#decider')).toMatch(/signed in, and this link was sent to you/);
      expect(await decide(r, 'approve', 'CAB approved CHG-2001')).toBe(200);
      expect(await r.page.textContent('body')).toMatch(
        /Approved by netops-oncall@example\.com \(approval page\) at 2026-12-01T\d\d:\d\d:\d\dZ \(authenticated by their emailed link and sign-in\)\./,
      );
      expect(await r.run.exited).toBe(0);
      const report = JSON.parse(readFileSync(r.reportFile, 'utf8'));
      expect(report.status).toBe('SUCCEEDED');
      expect(report.output.approval).toMatchObject({
        approved: true,
        decidedBy: 'netops-oncall@example.com',
        authentication: 'link+authorizer',
        principal: 'authorizer:sim-user:netops-oncall@example.com',
        via: 'approval page',
      });
      const approvedAt = report.approvals.find((a: any) => a.approved).decidedAt;
      expect(report.awsCalls.filter((c: any) => c.operation === 'AdvertiseByoipCidr').every((c: any) => c.at >= approvedAt)).toBe(true);
      checkNoTokenAnywhere(r);
    } finally {
      r.run.child.kill();
      await r.page.close();
    }
  }, 180_000);
});
