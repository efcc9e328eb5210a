/**
 * `byoip plan`: every change an onboarding would make, before anything changes (issue #16), from the
 * same domain function as the approval's plan, with read-only calls only.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planCommand, type Preview } from '../cli/plan';
import { isMutating } from '../sim/simulator';
import { byoipSync } from './support/cli-process';
import { exampleInput, exampleSim, run } from './support/world';

const INPUT = 'examples/onboard-cloudfront-byoip.input.json';
const dir = mkdtempSync(join(tmpdir(), 'byoip-plan-'));
const sink = () => {
  const text: string[] = [];
  return { text, stream: { write: (s: string) => text.push(s) > 0 } };
};

describe('byoip plan onboard-cloudfront-byoip', () => {
  it('prints every change as a table: pools, provisioning, the list, TTLs, distribution settings, advertisements, each DNS record', () => {
    const res = byoipSync(['plan', 'onboard-cloudfront-byoip', '-i', INPUT, '--world', 'examples/world.json']);
    expect(res.status).toBe(0);
    for (const line of [
      /^before approval +provision +198\.18\.0\.0\/22 +absent +-> +provisioned \(signed for this account/m,
      /^before approval +dns ttl +api\.example\.com\. A \(Z0EXAMPLE000001\) +TTL 3600 +-> +TTL 60, then wait out the old TTL$/m,
      /^before approval +distribution +E1EXAMPLEAPI01 price class +PriceClass_100 +-> +PriceClass_All$/m,
      /^before approval +distribution +E2EXAMPLEWWW02 IPv6 +on +-> +off \(AAAA answers stop\)$/m,
      /^approved +advertise +198\.18\.2\.0\/24 +provisioned +-> +advertised by AWS/m,
      /^approved +dns +www\.example\.com\. A \(Z0EXAMPLE000001\) +198\.18\.1\.20 TTL 300 +-> +<the list's 3 anycast IPs> TTL 60$/m,
      /^after +dns ttl +api\.example\.com\. A \(Z0EXAMPLE000001\) +TTL 60 +-> +TTL 3600/m,
      /^Approving confirms: the previous provider withdraws 198\.18\.0\.0\/24, 198\.18\.1\.0\/24, 198\.18\.2\.0\/24/m,
    ])
      expect(res.stdout).toMatch(line);
  });

  it("lists, as JSON, what the workflow's approval then shows, and reads without changing anything", async () => {
    const sim = exampleSim();
    const out = sink();
    expect(await planCommand('onboard-cloudfront-byoip', { input: INPUT, json: true }, out.stream, out.stream, sim)).toBe(0);
    const preview = JSON.parse(out.text.join('')) as Preview;
    expect(sim.calls.length).toBeGreaterThan(0);
    expect(sim.calls.filter((c) => isMutating(c.operation))).toEqual([]);
    // The same world, onboarded: the approval's changes are the plan's "approved" and distribution rows, anycast IPs filled in.
    const report = await run(exampleSim(), 'onboard-cloudfront-byoip', exampleInput());
    const approved = report.approvals[0].plan!.changes!.map((c) => `${c.kind} ${c.target} ${c.from}`);
    const planned = preview.rows.filter((r) => r.phase === 'approved' || r.kind === 'distribution').map((r) => `${r.kind} ${r.target} ${r.from}`);
    expect(planned.sort()).toEqual(approved.sort());
  });

  it('refuses bad input and a misspelt DNS name before any call, naming the field and the closest names (exit 2)', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(exampleInput('onboard-cloudfront-byoip', { dns: { cutoverTtl: 0 } })));
    const res = byoipSync(['plan', 'onboard-cloudfront-byoip', '-i', bad, '--world', 'examples/world.json']);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/input\.dns\.cutoverTtl: must be at least 1 second/);
    const typo = exampleInput();
    typo.dns.records[1].name = 'ww.example.com';
    writeFileSync(bad, JSON.stringify(typo));
    const sim = exampleSim();
    const err = sink();
    expect(await planCommand('onboard-cloudfront-byoip', { input: bad }, sink().stream, err.stream, sim)).toBe(2);
    expect(err.text.join('')).toMatch(/ww\.example\.com\. does not exist in zone .*closest A records: www\.example\.com\./);
    expect(sim.calls.filter((c) => isMutating(c.operation))).toEqual([]);
  });
});

describe('byoip plan static-ip-byoip', () => {
  it('lists the provisioning and exactly the changes its approval then shows, reading only', async () => {
    const sim = exampleSim();
    const out = sink();
    expect(await planCommand('static-ip-byoip', { input: 'examples/static-ip-byoip.input.json', json: true }, out.stream, out.stream, sim)).toBe(0);
    const preview = JSON.parse(out.text.join('')) as Preview;
    expect(sim.calls.filter((c) => isMutating(c.operation))).toEqual([]);
    expect(preview.rows.filter((r) => r.phase === 'before approval').map((r) => r.kind)).toEqual(['provision', 'provision']);
    const report = await run(exampleSim(), 'static-ip-byoip', exampleInput('static-ip-byoip'));
    const approved = report.approvals[0].plan!.changes!.map((c) => `${c.kind} ${c.target} ${c.from} ${c.to}`);
    expect(preview.rows.filter((r) => r.phase === 'approved').map((r) => `${r.kind} ${r.target} ${r.from} ${r.to}`)).toEqual(approved);
  });

  it('says which workflows it previews for the others (exit 2)', () => {
    const res = byoipSync(['plan', 'asn-swap', '-i', 'examples/asn-swap.input.json']);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/asn-swap has no preview yet \(onboard-cloudfront-byoip, static-ip-byoip have\)/);
  });
});
