/** The BYOASN workflows as an operator runs them: `byoip simulate <name>` on the BYOASN rehearsal world. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const byoip = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'byoip.cjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });

describe('byoip simulate (BYOASN)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'byoasn-cli-'));

  it('lists the three workflows', () => {
    const out = byoip('workflows').stdout;
    for (const w of ['byoasn-onboard', 'asn-swap', 'byoasn-teardown']) expect(out).toMatch(new RegExp(`^${w} `, 'm'));
  });

  it.each([
    ['byoasn-onboard', 'AdvertiseByoipCidr', { Cidr: '198.19.0.0/24', Asn: '64496' }],
    ['asn-swap', 'AdvertiseByoipCidr', { Cidr: '198.19.1.0/24', Asn: '64497' }],
    ['byoasn-teardown', 'DeprovisionIpamByoasn', { IpamId: 'ipam-0a1b2c3d4e5f60001', Asn: '64497' }],
  ])('runs %s with the example input, exits 0 and reports its calls', (workflow, operation, input) => {
    const reportFile = join(dir, `${workflow}.json`);
    const res = byoip(
      'simulate',
      workflow,
      '--input',
      `examples/${workflow}.input.json`,
      '--world',
      'examples/byoasn-world.json',
      '-q',
      '--report',
      reportFile,
    );
    expect(res.stderr).toMatch(new RegExp(`${workflow}: SUCCEEDED after`));
    expect(res.status).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report.awsCalls.filter((c: any) => c.operation === operation).map((c: any) => [c.input, c.error])).toEqual([[input, null]]);
    expect(report.awsCalls.filter((c: any) => c.service === 'EC2' && c.error)).toEqual([]);
  });
});
