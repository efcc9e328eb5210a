/**
 * The approval page in a real browser (headless Chromium via Playwright), against a rehearsal run as an
 * operator runs it: `byoip simulate ... --approve prompt` prints the emailed link and waits in real time.
 * Opening the page decides nothing; the Approve button lets the run finish; Reject ends compensated.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { byoipSpawn, byoipSync, type Running } from '../support/cli-process';
import { browserForTests } from '../support/chromium';

const TOKEN_LIKE = /AQB[A-Za-z0-9_-]{100,}/; // the simulator's task tokens (real ones are opaque too)
const LINK = /http:\/\/127\.0\.0\.1:\d+\/approvals\/(apr-[0-9a-f]{24})\?r=\d+&e=\d+&s=[A-Za-z0-9_-]+/;

const browser = browserForTests();

interface Rehearsal { run: Running; env: Record<string, string>; reportFile: string; link: string; approvalId: string; page: Page; urls: string[] }

async function rehearsalAtTheGate(context: BrowserContext): Promise<Rehearsal> {
  const dir = mkdtempSync(join(tmpdir(), 'byoip-browser-'));
  const env = { BYOIP_STATE_DIR: dir, POWERTOOLS_LOG_LEVEL: 'INFO' };
  const reportFile = join(dir, 'report.json');
  const run = byoipSpawn(['simulate', 'onboard-cloudfront-byoip', '-i', 'examples/onboard-cloudfront-byoip.input.json', '--approve', 'prompt', '--report', reportFile, '--verbose'], env);
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
  expect(await r.page.locator('tbody tr').count()).toBe(5);
  expect(await r.page.textContent('body')).toContain('Opening this page changed nothing.');
  await r.page.reload();
  // Loading (twice) approved nothing: the rehearsal still waits, and the approval is still pending.
  const pending = byoipSync(['approvals', '--sim', '--json'], r.env);
  expect(JSON.parse(pending.stdout).map((a: { approvalId: string }) => a.approvalId)).toEqual([r.approvalId]);
  expect(r.run.child.exitCode).toBeNull();
}

async function decide(r: Rehearsal, button: 'approve' | 'reject', reason: string) {
  await r.page.fill('#decidedBy', 'netops-oncall@example.com');
  await r.page.fill('#reason', reason);
  const [response] = await Promise.all([
    r.page.waitForResponse((res) => res.request().method() === 'POST'),
    r.page.click(`button.${button}`),
  ]);
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
      expect(await r.page.textContent('body')).toMatch(/Approved by netops-oncall@example\.com \(approval page\) at 2026-12-01T\d\d:\d\d:\d\dZ\.\s*Reason: CAB approved CHG-1234/);
      expect(await r.run.exited).toBe(0);
      const report = JSON.parse(readFileSync(r.reportFile, 'utf8'));
      expect(report.status).toBe('SUCCEEDED');
      expect(report.output.approval).toMatchObject({ approved: true, approvalId: r.approvalId, decidedBy: 'netops-oncall@example.com', reason: 'CAB approved CHG-1234', via: 'approval page' });
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

  it('Reject ends the rehearsal rolled back', async () => {
    const r = await rehearsalAtTheGate(browser());
    try {
      await openAndCheckNothingChanged(r);
      expect(await decide(r, 'reject', 'the old provider cannot withdraw tonight')).toBe(200);
      expect(await r.page.textContent('body')).toMatch(/Rejected by netops-oncall@example\.com \(approval page\)/);
      expect(await r.run.exited).toBe(1);
      const report = JSON.parse(readFileSync(r.reportFile, 'utf8'));
      expect(report.error.name).toBe('ApprovalRejected');
      expect(report.states.some((s: any) => s.name === 'RolledBack')).toBe(true);
      expect(report.awsCalls.filter((c: any) => c.operation === 'AdvertiseByoipCidr')).toHaveLength(0);
      const world = report.resources;
      expect(world['ec2.ipam'].byoipCidrs).toEqual([]);
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
});
