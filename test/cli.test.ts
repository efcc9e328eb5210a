/** The `byoip` command as an operator runs it: exit codes, the report file and its documented shape. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { worldProblems } from '../sim/world-schema';

const ROOT = join(__dirname, '..');
const byoip = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'byoip.cjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });

describe('byoip simulate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'byoip-cli-'));

  it('runs a migration rehearsal, exits 0 and writes the documented report', () => {
    const reportFile = join(dir, 'ok.json');
    const worldFile = join(dir, 'after', 'world.json');
    const res = byoip(
      'simulate',
      'onboard-cloudfront-byoip',
      '--input',
      'examples/onboard-cloudfront-byoip.input.json',
      '--report',
      reportFile,
      '--world-out',
      worldFile,
    );
    expect(res.stderr).toMatch(/onboard-cloudfront-byoip: SUCCEEDED after/);
    expect(res.stderr).toMatch(/where the virtual time went:\n\s+AwaitTopLevelProvisioned/);
    // Live progress: a decision says where it went; actions, bookkeeping and waits read differently.
    expect(res.stderr).toMatch(/\] ◇ ShouldRestoreTtl → NoTtlRestoreChanges\n.*\] · NoTtlRestoreChanges\n.*\] RestoreDnsTtl\n/);
    expect(res.stderr).toMatch(/\] ⧗ WaitOutOldTtl\n/);
    expect(res.stderr).not.toMatch(/\] (◇ )?AwaitTopLevelProvisionedDone/);
    expect(res.status).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['workflow', 'status', 'error', 'output', 'virtualSeconds', 'states', 'awsCalls', 'resources']));
    expect(report.states[0]).toEqual(expect.objectContaining({ name: 'Initialize', type: 'Pass', enteredAt: 0, exitedAt: 0, status: 'SUCCEEDED' }));
    expect(Object.keys(report.awsCalls[0]).sort()).toEqual(['account', 'at', 'error', 'input', 'operation', 'region', 'service', 'state']);
    expect(report).toMatchObject({ safety: { violations: [] }, approvals: [expect.objectContaining({ approved: true })] });
    expect(report.lowerBoundSeconds).toBeLessThanOrEqual(report.virtualSeconds);
    expect(JSON.parse(res.stdout)).toMatchObject({ migrationId: 'example-corp-edge' });
    // --world-out: the world as the run left it, a valid world file to continue from.
    expect(res.stderr).toContain(`world: ${worldFile} (continue from here: --world ${worldFile})`);
    const after = JSON.parse(readFileSync(worldFile, 'utf8'));
    expect(worldProblems(after)).toEqual([]);
    expect(after.startTime).toBe('2026-12-01T13:53:36.000Z');
    expect(after.cloudfront.anycastLists.map((l: { name: string }) => l.name)).toEqual(['example-corp-edge']);
  });

  it('a rejected onboarding parks: exits 0 with the Parked output, the pools kept and the rest undone', () => {
    const res = byoip('simulate', 'onboard-cloudfront-byoip', '-i', 'examples/onboard-cloudfront-byoip.input.json', '--approve', 'reject', '-q');
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'Parked', kept: { provisionedCidrs: ['198.18.0.0/22'] } });
    expect(res.stderr).toMatch(/rollback after ApprovalRejected: undone: 5; left as it was: nothing; needs attention: nothing/);
    expect(res.stderr).not.toMatch(/delete the top-level pool/);
  });

  it('exits 1 with the error when the approval is rejected with "onReject": "undo-all", after compensating', () => {
    const input = join(dir, 'undo-all.json');
    writeFileSync(
      input,
      JSON.stringify({ ...JSON.parse(readFileSync(join(ROOT, 'examples/onboard-cloudfront-byoip.input.json'), 'utf8')), onReject: 'undo-all' }),
    );
    const res = byoip('simulate', 'onboard-cloudfront-byoip', '-i', input, '--approve', 'reject', '-q');
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/FAILED .*\n\s+error: ApprovalRejected: rejected by simulator/);
    // It ends with the breakdown (summing to 100 %, the rollback its own line), the rollback in words and the runbook section.
    const breakdown = res.stderr.slice(res.stderr.indexOf('where the virtual time went:')).split('\n');
    const shares = breakdown
      .map((l) => / (\d+\.\d) %$/.exec(l)?.[1])
      .filter(Boolean)
      .map(Number);
    expect(shares.at(-1)).toBe(100);
    expect(Math.round(shares.slice(0, -1).reduce((a, b) => a + b, 0) * 10) / 10).toBe(100);
    expect(breakdown.find((l) => l.includes('after the failure (rollback)'))).toMatch(/01:04:46\s+16\.3 %$/);
    const ending = res.stderr.trimEnd().split('\n').slice(-5);
    expect(ending[0]).toBe('rollback after ApprovalRejected: undone: 11; left as it was: nothing; needs attention: nothing');
    expect(ending[1]).toMatch(
      /^ {2}undone: {10}restore DNS records and TTLs; .*delete the anycast IP list; .*delete the top-level pool this execution created; release the leases/,
    );
    expect(ending[3]).toBe('  needs attention: nothing');
    expect(ending[4]).toBe('read: docs/runbook.md#what-each-error-means ("What each error means, the ApprovalRejected row")');
  });

  it('injects faults from the command line', () => {
    const res = byoip(
      'simulate',
      'onboard-cloudfront-byoip',
      '-i',
      'examples/onboard-cloudfront-byoip.input.json',
      '-q',
      '--fault',
      'CreateAnycastIpList=AccessDenied',
    );
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/error: AwsRequestRejected: AccessDenied: injected fault/);
  });

  it('refuses a fault that could never fire (a misspelt state, service or operation) naming the closest valid ones, with exit 2', () => {
    const sim = (fault: string) => byoip('simulate', 'onboard-cloudfront-byoip', '-i', 'examples/onboard-cloudfront-byoip.input.json', '-q', '--fault', fault);
    const state = sim('CutovrDns/ChangeResourceRecordSets=InvalidChangeBatch');
    expect(state.status).toBe(2);
    expect(state.stderr).toMatch(/--fault: the workflow has no state "CutovrDns"; closest: CutoverDns,/);
    const op = sim('Route53:ChangeResourceRecordSet=InvalidChangeBatch');
    expect(op.status).toBe(2);
    expect(op.stderr).toMatch(/--fault: Route53 has no operation "ChangeResourceRecordSet"; closest: ChangeResourceRecordSets/);
    const service = sim('Route35:ChangeResourceRecordSets=InvalidChangeBatch');
    expect(service.stderr).toMatch(/--fault: the simulator has no service "Route35"; closest: Route53/);
  });

  it('after the point of no return: a scoped fault leaves the run waiting for an operator; --operator answers it', () => {
    const fault = ['--fault', 'CutoverDns/ChangeResourceRecordSets=InvalidChangeBatchx99'];
    const held = byoip('simulate', 'onboard-cloudfront-byoip', '-i', 'examples/onboard-cloudfront-byoip.input.json', '-q', ...fault);
    expect(held.status).toBe(1);
    expect(held.stderr).toMatch(/onboard-cloudfront-byoip: WAITING_FOR_OPERATOR after/);
    expect(held.stderr).toMatch(
      /operator decision pending: CutoverDns failed \(AwsRequestRejected\) after the point of no return; nothing was undone\. Decide forward, back, stop/,
    );
    expect(held.stderr).toMatch(/read: docs\/runbook\.md#operator-decisions-after-the-point-of-no-return/);
    const stopped = byoip('simulate', 'onboard-cloudfront-byoip', '-i', 'examples/onboard-cloudfront-byoip.input.json', '-q', ...fault, '--operator', 'stop');
    expect(stopped.stderr).toMatch(/error: StoppedByOperator/);
    expect(stopped.stderr).toMatch(/operator decision: stop by netops-oncall@example\.com after CutoverDns failed/);
    expect(byoip('decide', 'apr-000000000000000000000000', 'sideways', '--reason', 'x').status).toBe(2);
  });

  it('refuses a malformed fault or an unknown workflow with exit 2', () => {
    expect(byoip('simulate', 'onboard-cloudfront-byoip', '-i', 'examples/onboard-cloudfront-byoip.input.json', '--fault', 'nonsense').status).toBe(2);
    const unknown = byoip('simulate', 'no-such-workflow', '-i', 'examples/onboard-cloudfront-byoip.input.json');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown workflow "no-such-workflow"/);
  });
});
