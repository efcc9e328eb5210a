/**
 * `byoip approvals`, `byoip approve|reject` as operators run them: against a running simulation
 * (--sim, through its local approval server) and against "AWS" (the approval API, here the simulated one,
 * in process). Who decides is whoever the caller's AWS credentials prove to STS (the world's simulated
 * principals), mapped through byoip.approverPrincipals; --as only has to agree.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main';
import { errorMessage } from '../domain/compensation';
import type { ApprovalRequest } from '../runner/local-runner';
import { byoipSpawn, byoipSync } from './support/cli-process';
import { exampleInput, exampleSim, run } from './support/world';

const INPUT = 'examples/onboard-cloudfront-byoip.input.json';
const ONCALL = { AWS_ACCESS_KEY_ID: 'ASIASIMULATEDONCALL1', AWS_SECRET_ACCESS_KEY: 'simulated-secret-netops-oncall-0001' };
const MALLORY = { AWS_ACCESS_KEY_ID: 'ASIASIMULATEDMALLORY', AWS_SECRET_ACCESS_KEY: 'simulated-secret-mallory-000000001' };

describe('byoip approvals / approve / reject', () => {
  it('decide a rehearsal waiting at the gate (--approve prompt), from another terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'byoip-approvals-'));
    const env = { BYOIP_STATE_DIR: dir };
    const reportFile = join(dir, 'report.json');
    const sim = byoipSpawn(['simulate', 'onboard-cloudfront-byoip', '-i', INPUT, '--approve', 'prompt', '--report', reportFile], env);
    try {
      const [, approvalId] = await sim.waitFor(/byoip approve\|reject (apr-[0-9a-f]{24}) --sim/);
      const listed = byoipSync(['approvals', '--sim'], env);
      expect(listed.status).toBe(0);
      expect(listed.stdout).toMatch(
        new RegExp(
          `^${approvalId}  onboard-cloudfront-byoip  sim-onboard-cloudfront-byoip-\\w+  expires 2026-12-08T\\d\\d:\\d\\d:\\d\\dZ \\(7d 00:00:00 left\\)\\n    Advertise 198\\.18\\.0\\.0/24.* \\(11 changes\\); approvers: netops-oncall@example\\.com`,
        ),
      );
      const stranger = byoipSync(['approve', approvalId, '--sim', '--as', 'netops-oncall@example.com', '--reason', 'why not'], { ...env, ...MALLORY });
      expect(stranger.status).toBe(1);
      expect(stranger.stderr).toMatch(
        /not recorded:\n {2}- arn:aws:sts::111122223333:assumed-role\/byoip-operator\/mallory@example\.net is not an approver's principal/,
      );
      const rejected = byoipSync(['reject', approvalId, '--sim', '--as', 'netops-oncall@example.com', '--reason', 'maintenance window moved'], {
        ...env,
        ...ONCALL,
      });
      expect(rejected.stderr).toBe('');
      expect(rejected.stdout).toBe(
        `rejected ${approvalId} as netops-oncall@example.com (authenticated by aws-sts: arn:aws:sts::111122223333:assumed-role/byoip-approver/netops-oncall@example.com): maintenance window moved\n`,
      );
      expect(rejected.status).toBe(0);
      expect(await sim.exited).toBe(0); // a rejected onboarding parks
      const report = JSON.parse(readFileSync(reportFile, 'utf8'));
      expect(report.output).toMatchObject({ status: 'Parked', rejection: { Error: 'ApprovalRejected' } });
      expect(errorMessage(report.output.rejection.Cause)).toMatch(/^rejected by netops-oncall@example\.com \(byoip reject\) at .*: maintenance window moved/);
      expect(report.states.some((s: { name: string }) => s.name === 'Parked')).toBe(true);
      expect(existsSync(join(dir, 'approval-server.json'))).toBe(false); // the server is gone with the run
      const late = byoipSync(['approvals', '--sim'], env);
      expect(late.status).toBe(2);
      expect(late.stderr).toMatch(/no simulation is waiting for an approval here/);
    } finally {
      sim.child.kill();
    }
  });

  it("decide through the approval API with the operator's AWS credentials (the same code path)", async () => {
    const sim = exampleSim();
    const printed: string[] = [];
    const codes: number[] = [];
    const api = ['--api', 'https://approval-page.invalid'];
    const approve = async (req: ApprovalRequest) => {
      const out = jest.spyOn(process.stdout, 'write').mockImplementation((c) => {
        printed.push(String(c));
        return true;
      });
      const err = jest.spyOn(process.stderr, 'write').mockImplementation((c) => {
        printed.push(String(c));
        return true;
      });
      Object.assign(process.env, ONCALL);
      try {
        codes.push(await main(['node', 'byoip', 'approvals', '--region', 'us-east-1']));
        // Approving confirms the previous provider's withdrawal: without --confirm it is refused, naming what to confirm.
        codes.push(await main(['node', 'byoip', 'approve', req.approvalId, '--as', 'netops-oncall@example.com', '--reason', 'CHG-42', ...api]));
        codes.push(await main(['node', 'byoip', 'approve', req.approvalId, '--as', 'netops-oncall@example.com', '--reason', 'CHG-42', '--confirm', ...api]));
        codes.push(await main(['node', 'byoip', 'reject', req.approvalId, '--reason', 'too late', ...api]));
      } finally {
        out.mockRestore();
        err.mockRestore();
        delete process.env.AWS_ACCESS_KEY_ID;
        delete process.env.AWS_SECRET_ACCESS_KEY;
      }
    };
    const report = await run(sim, 'onboard-cloudfront-byoip', exampleInput(), { approve });
    expect(codes).toEqual([0, 1, 0, 1]);
    expect(printed[0]).toMatch(/^apr-[0-9a-f]{24} {2}onboard-cloudfront-byoip [\s\S]* \(11 changes\); approvers: netops-oncall@example\.com\n$/);
    expect(printed.splice(1, 1)[0]).toBe(
      'not recorded:\n  - approving needs your confirmation: the previous provider withdraws 198.18.0.0/24, 198.18.1.0/24, 198.18.2.0/24 at the moment AWS starts advertising them, right after this approval\n',
    );
    expect(printed[1]).toMatch(
      /^approved apr-[0-9a-f]{24} as netops-oncall@example\.com \(authenticated by aws-sts: arn:aws:sts::111122223333:assumed-role\/byoip-approver\/netops-oncall@example\.com\): CHG-42\n$/,
    );
    expect(printed[2]).toMatch(/is no longer pending \(APPROVED\); nothing was changed:\n {2}Approved by netops-oncall@example\.com \(byoip approve\)/);
    expect(report.status).toBe('SUCCEEDED');
    expect((report.output as any).approval).toMatchObject({
      decidedBy: 'netops-oncall@example.com',
      reason: 'CHG-42',
      via: 'byoip approve',
      authentication: 'aws-sts',
    });
    // The signed decision records what was confirmed, and when.
    expect((report.output as any).approval).toMatchObject({
      confirmed: expect.stringMatching(/^the previous provider withdraws 198\.18\.0\.0\/24, /),
      decidedAt: expect.stringMatching(/^2026-12-01T/),
    });
  });
});
