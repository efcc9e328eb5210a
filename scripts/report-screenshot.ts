/**
 * docs/images/demo-report.png, the picture in the README: the demo's rehearsal (`npm run demo`) as
 * the HTML report, in headless Chromium (scripts/ensure-chromium.sh installs it). Run after changing
 * runner/html-report.ts: npm run report:screenshot
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHtmlReport } from '../runner/html-report';
import { runWorkflow } from '../runner/local-runner';
import { EXAMPLES, readExample } from '../runner/scenarios';
import { createSimulator } from '../sim';
import { ensureChromium, launchBrowser } from '../test/support/chromium';

async function main(): Promise<void> {
  const sim = createSimulator(join(EXAMPLES, 'world.json'));
  const { report } = await runWorkflow({
    workflow: 'onboard-cloudfront-byoip',
    input: readExample('onboard-cloudfront-byoip.input.json'),
    sim,
    approve: 'auto',
    executionName: 'sim-onboard-cloudfront-byoip-demo',
  });
  const file = join(mkdtempSync(join(tmpdir(), 'byoip-report-')), 'demo.html');
  writeFileSync(file, renderHtmlReport(report));
  ensureChromium();
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`file://${file}`);
    // The header, the timeline and the resource lanes: what the README shows.
    const box = await page.locator('#resources').boundingBox();
    const bottom = (box?.y ?? 0) + (box?.height ?? 1600);
    const out = join(__dirname, '..', 'docs', 'images', 'demo-report.png');
    await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(bottom) + 8 } });
    process.stdout.write(`${out}\n`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = 1;
});
