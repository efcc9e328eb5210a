/**
 * The HTML report in a real browser (headless Chromium): `byoip simulate … --html` for the demo and
 * `byoip report … --html` for a rolled-back rehearsal. The page renders with no script and no request
 * beyond itself, every phase has its row and bar, every resource its lane, and a screenshot is taken.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { AFTER_FAILURE, type SimulationReport } from '../../runner/report';
import { byoipSync } from '../support/cli-process';
import { browserForTests } from '../support/chromium';

const browser = browserForTests();
const dir = mkdtempSync(join(tmpdir(), 'byoip-html-'));

async function open(file: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser().newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.setViewportSize({ width: 1280, height: 900 });
  const res = await page.goto(`file://${file}`);
  expect(res?.ok()).toBe(true);
  return { page, requests };
}

/** Every phase that took time or did something has a row with a visible bar; every resource a lane with its states. */
async function checkPicture(page: Page, report: SimulationReport) {
  const rows = await page.locator('svg.timeline g.phase').evaluateAll((gs) =>
    gs.map((g) => ({
      phase: g.getAttribute('data-phase'),
      bars: [...g.querySelectorAll('rect.bar')].filter((r) => Number(r.getAttribute('width')) > 0).length,
    })),
  );
  const drawn = report.phases.filter((p) => !(p.seconds === 0 && report.states.filter((s) => s.name === p.name).every((s) => s.type === 'Pass')));
  expect(drawn.length).toBeGreaterThan(10);
  for (const p of drawn) expect(rows.find((r) => r.phase === p.name)).toEqual({ phase: p.name, bars: expect.any(Number) });
  expect(rows.every((r) => r.bars >= 1)).toBe(true);
  for (const p of report.phases.filter((x) => !drawn.includes(x))) expect(await page.textContent('#timeline')).toContain(p.name);
  const lanes = await page
    .locator('svg.lanes g.lane')
    .evaluateAll((gs) => gs.map((g) => ({ resource: g.getAttribute('data-resource'), segments: g.querySelectorAll('rect.seg').length })));
  const resources = [...new Set(report.transitions.map((t) => t.resource))].sort();
  expect(lanes.map((l) => l.resource).sort()).toEqual(resources);
  for (const l of lanes) expect(l.segments).toBeGreaterThanOrEqual(1);
}

function checkSelfContained(html: string, requests: string[], file: string) {
  expect(requests).toEqual([`file://${file}`]);
  expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
  expect(html).toContain("default-src 'none'");
}

describe('the HTML report in Chromium', () => {
  it('draws the demo: a row and bars for every phase, a lane per resource, the plan and the time breakdown', async () => {
    const html = join(dir, 'demo.html');
    const json = join(dir, 'demo.json');
    const res = byoipSync([
      'simulate',
      'onboard-cloudfront-byoip',
      '-i',
      'examples/onboard-cloudfront-byoip.input.json',
      '-q',
      '--report',
      json,
      '--html',
      html,
    ]);
    expect(res.status).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as SimulationReport;
    const { page, requests } = await open(html);
    try {
      expect(await page.textContent('h1')).toBe('onboard-cloudfront-byoip SUCCEEDED');
      await checkPicture(page, report);
      // Decisions are diamonds, the approval gate is its own kind of row, poll checks are ticks with the moment the change happened.
      expect(await page.locator('g.phase[data-phase="ShouldRestoreTtl"][data-kind="decision"] path.st-choice').count()).toBe(1);
      expect(await page.locator('g.phase[data-phase="AwaitApproval"][data-kind="approval"]').count()).toBe(1);
      expect(await page.locator('g.phase[data-phase="AwaitTopLevelProvisioned"] line.check').count()).toBe(
        report.polls.find((p) => p.state === 'AwaitTopLevelProvisioned')!.checks,
      );
      expect(await page.locator('g.phase[data-phase="AwaitTopLevelProvisioned"] path.ready').count()).toBe(1);
      expect(await page.textContent('#plan')).toMatch(/Advertise 198\.18\.0\.0\/24, .*api\.example\.com\. A/s);
      expect(await page.textContent('#decisions')).toMatch(/AwaitApprovalDecision.*approved.*netops-oncall@example\.com/s);
      const shares = await page.locator('table.breakdown tbody td:last-child').allTextContents();
      expect(Math.round(shares.reduce((a, s) => a + Number.parseFloat(s), 0) * 10) / 10).toBe(100);
      expect(await page.locator('#failure').count()).toBe(0);
      const shot = await page.screenshot({ fullPage: true });
      expect(shot.subarray(1, 4).toString()).toBe('PNG');
      expect(shot.readUInt32BE(16)).toBe(1280); // width from the IHDR chunk
      expect(shot.readUInt32BE(20)).toBeGreaterThan(1500);
      checkSelfContained(readFileSync(html, 'utf8'), requests, html);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('draws a rolled-back run from its JSON report: the time after the failure, what was undone and the runbook section', async () => {
    const json = join(dir, 'rejected.json');
    const html = join(dir, 'rejected.html');
    const input = join(dir, 'undo-all.json');
    writeFileSync(input, JSON.stringify({ ...JSON.parse(readFileSync('examples/onboard-cloudfront-byoip.input.json', 'utf8')), onReject: 'undo-all' }));
    expect(byoipSync(['simulate', 'onboard-cloudfront-byoip', '-i', input, '-q', '--approve', 'reject', '--report', json]).status).toBe(1);
    const out = byoipSync(['report', json, '--html', html]);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(
      /after the failure \(rollback\)\s+01:04:46\s+16\.3 %\n\s+total\s+06:37:19\s+100\.0 %\nrollback after ApprovalRejected: undone: 11;/,
    );
    const report = JSON.parse(readFileSync(json, 'utf8')) as SimulationReport;
    const { page, requests } = await open(html);
    try {
      expect(await page.textContent('h1')).toBe('onboard-cloudfront-byoip FAILED');
      await checkPicture(page, report);
      const after = page.locator(`g.phase[data-phase="${AFTER_FAILURE}"]`);
      expect(await after.getAttribute('data-kind')).toBe('after-failure');
      expect(await after.locator('circle.undo.u-undone').count()).toBe(11);
      const failure = await page.textContent('#failure');
      expect(failure).toMatch(/rollback after ApprovalRejected: undone: 11; left as it was: nothing; needs attention: nothing/);
      expect(failure).toMatch(/delete the anycast IP list/);
      expect(failure).toContain('docs/runbook.md#what-each-error-means');
      expect(await page.textContent('table.breakdown tbody tr.failure')).toMatch(/after the failure \(rollback\)\s*01:04:46\s*16\.3 %/);
      const shot = await page.screenshot();
      expect(shot.subarray(1, 4).toString()).toBe('PNG');
      checkSelfContained(readFileSync(html, 'utf8'), requests, html);
    } finally {
      await page.close();
    }
  }, 120_000);
});
