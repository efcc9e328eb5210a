/**
 * The attacks of issue #15 ("Decisions you can trust"), each rehearsed in the simulator and refused with a
 * clear error, with nothing signed, advertised, published or disabled (checked on the simulated world and
 * on the report's AWS calls).
 */
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { main } from '../../cli/main';
import { approvalIdFor } from '../../domain/approval';
import { errorMessage } from '../../domain/compensation';
import type { ApprovalRequest } from '../../runner/local-runner';
import type { SimulationReport } from '../../runner/report';
import { createSimulator, type Simulator } from '../../sim';
import type { SnsState } from '../../sim/services/sns';
import { handler as provisionByoasn } from '../../tasks/byoasn/provision-asn';
import { handler as advertiseWithAsn } from '../../tasks/byoasn/advertise-with-asn';
import { handler as withdrawCidr } from '../../tasks/byoip/withdraw-cidr';
import { handler as provisionGa } from '../../tasks/global-accelerator/provision-byoip-cidrs';
import { approvalKey, loadApproval, type ApprovalRecord } from '../../platform/approval/store';
import { client } from '../../platform/aws';
import { stateTable, stateTableName } from '../../platform/state-table';
import { handler as detachTeamOrigins } from '../../tasks/vpc-origins/detach-team-origins';
import { handler as acquireLock } from '../../tasks/locks/acquire-lock';
import { PageClient, textOf } from '../support/approval-page';
import { byoasnInput, byoasnSim } from '../support/byoasn';
import { vpcWorld } from '../support/vpc-origins';
import { callsOf, EXAMPLES, exampleInput, exampleSim, exampleWorldJson, run, semanticWorld, within } from '../support/world';

const WF = 'onboard-cloudfront-byoip';
const OWN = '111122223333';
const ATTACKER = '999988887777';
const LINK_KEY = 'byoip-orchestrator/approval-link-key';
const context = (task: string) => ({ invokedFunctionArn: `arn:aws:lambda:us-east-1:${OWN}:function:byoip-${task}` }) as Context;

/** Calls that sign, announce, publish DNS or change a distribution: none may happen in a refused attack. */
const INTERNET_CHANGES = [
  'ProvisionIpamPoolCidr',
  'ProvisionByoipCidr',
  'ProvisionIpamByoasn',
  'AdvertiseByoipCidr',
  'ChangeResourceRecordSets',
  'UpdateDistribution',
  'AcceptResourceShareInvitation',
];
const changesIn = (r: SimulationReport) => r.awsCalls.filter((c) => !c.error && INTERNET_CHANGES.includes(c.operation)).map((c) => c.operation);
const signingKeyReads = (r: { awsCalls?: SimulationReport['awsCalls'] } | Simulator) =>
  ('awsCalls' in r && r.awsCalls ? r.awsCalls : (r as Simulator).calls).filter(
    (c) => c.operation === 'GetSecretValue' && (c.input as any).SecretId !== LINK_KEY,
  );

/** Runs `fn` inside an --approve policy and keeps what it saw (the runner swallows policy errors). */
function policy(act: (req: ApprovalRequest) => Promise<void>) {
  const seen: { errors: unknown[] } = { errors: [] };
  const approve = async (req: ApprovalRequest) => {
    try {
      await act(req);
    } catch (e) {
      seen.errors.push(e);
    }
  };
  return { approve, seen };
}

/** `byoip approve|reject` in this process, against the simulated AWS, with the given principal's simulated credentials. */
async function cli(args: string[], keys?: { id: string; secret: string }): Promise<{ code: number; out: string }> {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = keys?.id ?? 'ASIAUNKNOWNPRINCIPAL';
  process.env.AWS_SECRET_ACCESS_KEY = keys?.secret ?? 'not-a-real-secret-0000000000';
  const printed: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((c) => {
    printed.push(String(c));
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((c) => {
    printed.push(String(c));
    return true;
  });
  try {
    return { code: await main(['node', 'byoip', ...args, '--api', 'https://approval-page.invalid']), out: printed.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  }
}
const ONCALL = { id: 'ASIASIMULATEDONCALL1', secret: 'simulated-secret-netops-oncall-0001' };
const LEAD = { id: 'ASIASIMULATEDLEAD001', secret: 'simulated-secret-netops-lead-00001' };
const MALLORY = { id: 'ASIASIMULATEDMALLORY', secret: 'simulated-secret-mallory-000000001' };

describe('attack 1: the signing oracle', () => {
  it('refuses an onboarding for another account with a year-long authorization before any AWS call', async () => {
    const sim = exampleSim();
    const report = await run(
      sim,
      WF,
      exampleInput(WF, { accountId: ATTACKER, authorization: { signingKeySecretId: 'byoip/example-corp/signing-key', expiresInDays: 365 } }),
    );
    expect(report.error?.name).toBe('InputInvalid');
    const why = errorMessage(report.error?.cause);
    expect(why).toMatch(`input.accountId: ${ATTACKER} is not this deployment's account ${OWN}`);
    expect(why).toMatch(/input\.authorization\.expiresInDays: 365 is longer than this deployment allows \(byoip\.signing\.maxAuthorizationDays: 30\)/);
    expect(report.awsCalls).toEqual([]);
  });

  it('refuses prefixes and key secrets the deployment does not list', async () => {
    const report = await run(
      exampleSim(),
      WF,
      exampleInput(WF, {
        cidrs: ['203.0.113.0/24', '198.18.1.0/24', '198.18.2.0/24'],
        topLevelCidrs: ['203.0.113.0/24', '198.18.0.0/22'],
        authorization: { signingKeySecretId: 'byoip/someone-else/key', expiresInDays: 30 },
      }),
    );
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(
      /input\.authorization\.signingKeySecretId: byoip\/someone-else\/key is not a signing key this deployment may use/,
    );
    expect(errorMessage(report.error?.cause)).toMatch(
      /input: 203\.0\.113\.0\/24 is outside the prefixes this deployment may sign for \(byoip\.signing\.prefixes: 198\.18\.0\.0\/22, 198\.19\.0\.0\/22\)/,
    );
    expect(report.awsCalls).toEqual([]);
  });

  it('the signer itself, invoked with a crafted event, signs only for its own account, its prefixes and ASNs, within the cap', async () => {
    const sim = exampleSim();
    const key = { signingKeySecretId: 'byoip/example-corp/signing-key', expiresInDays: 30 };
    await within(sim, async () => {
      await expect(provisionGa({ cidrs: ['198.19.0.0/24'], accountId: ATTACKER, authorization: key }, context('ProvisionGaByoipCidrs'))).rejects.toMatchObject({
        name: 'SafetyViolation',
        message: `refusing to sign: the plan names account ${ATTACKER}, but this deployment runs in account ${OWN}; the RIR key signs only for its own account`,
      });
      await expect(provisionGa({ cidrs: ['203.0.113.0/24'], authorization: key }, context('ProvisionGaByoipCidrs'))).rejects.toMatchObject({
        name: 'SafetyViolation',
        message: expect.stringMatching(/203\.0\.113\.0\/24 is not in this deployment's byoip\.signing\.prefixes/),
      });
      await expect(
        provisionGa({ cidrs: ['198.19.0.0/24'], authorization: { ...key, expiresInDays: 365 } }, context('ProvisionGaByoipCidrs')),
      ).rejects.toMatchObject({
        name: 'SafetyViolation',
        message: expect.stringMatching(/365 days is longer than byoip\.signing\.maxAuthorizationDays \(30\)/),
      });
      await expect(
        provisionGa(
          {
            cidrs: ['198.19.0.0/24'],
            authorization: { ...key, signingKeySecretId: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:byoip/other-AbCdEf' },
          },
          context('ProvisionGaByoipCidrs'),
        ),
      ).rejects.toMatchObject({ name: 'SafetyViolation', message: expect.stringMatching(/is not a signing key this deployment may use/) });
    });
    expect(signingKeyReads(sim)).toEqual([]);
    expect(sim.calls.filter((c) => c.operation === 'ProvisionByoipCidr')).toEqual([]);
    const asn = byoasnSim();
    await within(asn, async () => {
      const event = { region: 'us-east-1', ipamId: 'ipam-0a1b2c3d4e5f60001', authorization: key };
      await expect(provisionByoasn({ ...event, asn: '64496', accountId: ATTACKER }, context('ProvisionByoasn'))).rejects.toMatchObject({
        name: 'SafetyViolation',
        message: expect.stringContaining(ATTACKER),
      });
      await expect(provisionByoasn({ ...event, asn: '64499' }, context('ProvisionByoasn'))).rejects.toMatchObject({
        name: 'SafetyViolation',
        message: expect.stringMatching(/AS64499 is not in this deployment's byoip\.signing\.asns/),
      });
      // Another account's function (its own invocation context) cannot be talked into this account either.
      await expect(
        provisionByoasn({ ...event, asn: '64496', accountId: OWN }, { invokedFunctionArn: `arn:aws:lambda:us-east-1:${ATTACKER}:function:x` } as Context),
      ).rejects.toMatchObject({ name: 'SafetyViolation' });
    });
    expect(signingKeyReads(asn)).toEqual([]);
    expect(asn.calls.filter((c) => c.operation === 'ProvisionIpamByoasn')).toEqual([]);
  });

  it('signs inside the provisioning call: the signature goes only to AWS, never into a state or the output', async () => {
    const report = await run(exampleSim(), WF, exampleInput(WF));
    expect(report.status).toBe('SUCCEEDED');
    const carrying = report.awsCalls.filter((c) => JSON.stringify(c.input).includes('|SHA256|RSAPSS')).map((c) => `${c.state}:${c.operation}`);
    expect(carrying).toEqual(['ProvisionTopLevelCidrs:ProvisionIpamPoolCidr']);
    // The pre-flight reads the same configured key for its public part only (it signs nothing: see `carrying`).
    expect(signingKeyReads(report).map((c) => c.state)).toEqual(['PreflightInternetChecks', 'ProvisionTopLevelCidrs']);
    expect(JSON.stringify(report.output)).not.toMatch(/RSAPSS|signature/i);
    expect(report.states.map((s) => s.name)).not.toContain('PrepareAuthorizations');
  });
});

describe('attack 2: anyone holding the link approves', () => {
  it("with sign-in required, the link opened without its approver's identity decides nothing; the approver's own does", async () => {
    const sim = exampleSim({ deployment: { approvalPage: { signIn: 'authorizer' } } });
    const before = semanticWorld(sim);
    const seen: Record<string, { status: number; text: string; html: string }> = {};
    let pendingAfterAttempts: ApprovalRecord | undefined;
    const { approve, seen: errors } = policy(async (req) => {
      const link = req.link()!;
      const keep = async (name: string, p: Promise<{ status: number; html: string }>) => {
        const r = await p;
        seen[name] = { status: r.status, html: r.html, text: textOf(r.html) };
      };
      const stranger = new PageClient();
      await keep('strangerGet', stranger.get(link));
      await keep('strangerPost', stranger.post(link, { decision: 'approve', reason: 'looks fine', decidedBy: 'netops-oncall@example.com' }));
      const colleague = new PageClient('netops-lead@example.com');
      await keep('colleagueGet', colleague.get(link));
      pendingAfterAttempts = await loadApproval(req.approvalId);
      const owner = new PageClient('netops-oncall@example.com');
      await keep('ownerDecides', owner.decide(link, 'approve', { reason: 'CHG-77 approved by the CAB' }));
    });
    const report = await run(sim, WF, exampleInput(WF), { approve });
    expect(errors.errors).toEqual([]);
    expect(seen.strangerGet).toMatchObject({ status: 401 });
    expect(seen.strangerGet.text).toMatch(
      /This link was sent to netops-oncall@example\.com\. Sign in as netops-oncall@example\.com to review and decide\. Nothing was changed\./,
    );
    expect(seen.strangerGet.html).not.toContain('<form');
    expect(seen.strangerPost).toMatchObject({ status: 401 });
    expect(seen.colleagueGet.status).toBe(403);
    expect(seen.colleagueGet.text).toMatch(/you are signed in as netops-lead@example\.com/);
    // No page shows the approver list to anyone but the approver it was sent to.
    for (const name of ['strangerGet', 'strangerPost', 'colleagueGet']) expect([name, /Approvers/.test(seen[name].text)]).toEqual([name, false]);
    expect(pendingAfterAttempts).toMatchObject({ status: 'PENDING' });
    expect(pendingAfterAttempts?.decision).toBeUndefined();
    expect(seen.ownerDecides.status).toBe(200);
    expect(report.status).toBe('SUCCEEDED');
    expect((report.output as any).approval).toMatchObject({
      decidedBy: 'netops-oncall@example.com',
      authentication: 'link+authorizer',
      principal: 'authorizer:user-netops-oncall@example.com',
    });
    expect(semanticWorld(sim)).not.toEqual(before); // the approved change happened
  });
});

describe('attack 3: the gate passed without the page', () => {
  it("byoip approve --as someone else is refused; the caller's AWS identity decides, never the flag", async () => {
    const sim = exampleSim();
    const results: Record<string, { code: number; out: string }> = {};
    const { approve, seen } = policy(async (req) => {
      const id = req.approvalId;
      results.asOther = await cli(['approve', id, '--as', 'netops-oncall@example.com', '--reason', 'I say so'], MALLORY);
      results.forgedKeys = await cli(['approve', id, '--as', 'netops-oncall@example.com', '--reason', 'x'], {
        id: ONCALL.id,
        secret: 'guessed-secret-000000000000000',
      });
      results.leadAsOncall = await cli(['approve', id, '--as', 'netops-oncall@example.com', '--reason', 'x'], LEAD);
      results.oncall = await cli(['approve', id, '--reason', 'CHG-88', '--confirm'], ONCALL);
    });
    const report = await run(sim, WF, exampleInput(WF), { approve });
    expect(seen.errors).toEqual([]);
    expect(results.asOther).toMatchObject({
      code: 1,
      out: expect.stringMatching(/arn:aws:sts::111122223333:assumed-role\/byoip-operator\/mallory@example\.net is not an approver's principal/),
    });
    expect(results.forgedKeys).toMatchObject({ code: 1, out: expect.stringMatching(/AWS STS did not confirm the identity \(SignatureDoesNotMatch\)/) });
    expect(results.leadAsOncall).toMatchObject({
      code: 1,
      out: expect.stringMatching(/--as netops-oncall@example\.com is not who your AWS credentials say you are/),
    });
    expect(results.oncall).toMatchObject({
      code: 0,
      out: expect.stringMatching(
        /^approved apr-\w+ as netops-oncall@example\.com \(authenticated by aws-sts: arn:aws:sts::111122223333:assumed-role\/byoip-approver\/netops-oncall@example\.com\): CHG-88/,
      ),
    });
    expect((report.output as any).approval).toMatchObject({ decidedBy: 'netops-oncall@example.com', authentication: 'aws-sts', via: 'byoip approve' });
  });

  it("a made-up SendTaskSuccess with the token fails the gate's verification: nothing is advertised, everything is rolled back", async () => {
    const sim = exampleSim();
    const before = semanticWorld(sim);
    let approvalId = '';
    const { approve, seen } = policy(async (req) => {
      approvalId = req.approvalId;
      // The token is in the execution history (the waiting task's parameter): anyone with states:GetExecutionHistory sees it.
      await client(SFNClient).send(
        new SendTaskSuccessCommand({
          taskToken: req.task.token,
          output: JSON.stringify({ approved: true, decidedBy: 'netops-oncall@example.com', reason: 'forged' }),
        }),
      );
    });
    const report = await run(sim, WF, exampleInput(WF), { approve });
    expect(seen.errors).toEqual([]);
    expect(report.error?.name).toBe('SafetyViolation');
    expect(errorMessage(report.error?.cause)).toMatch(
      /refusing to go on past AwaitApproval: the stored approval is PENDING, not APPROVED; no decision is recorded/,
    );
    expect(callsOf(report, 'AdvertiseByoipCidr')).toEqual([]);
    expect(report.states.some((s) => s.name === 'RolledBack')).toBe(true);
    expect(semanticWorld(sim)).toEqual(before);
    await within(sim, async () =>
      expect(await loadApproval(approvalId)).toMatchObject({ status: 'CLOSED', closedReason: expect.stringMatching(/passed without a valid decision/) }),
    );
  });

  it('a decision written straight into the table is never delivered, and with a made-up SendTaskSuccess fails verification', async () => {
    const sim = exampleSim();
    const before = semanticWorld(sim);
    let stored: ApprovalRecord | undefined;
    const { approve, seen } = policy(async (req) => {
      const decision = {
        outcome: 'approve',
        approved: true,
        decidedBy: 'netops-oncall@example.com',
        decidedAt: new Date().toISOString(),
        reason: 'planted',
        via: 'approval page',
        authenticated: true,
        authentication: 'link',
        principal: 'approver:netops-oncall@example.com',
        planHash: 'x',
        mac: 'A'.repeat(43),
      };
      await stateTable().send(
        new UpdateCommand({
          TableName: stateTableName(),
          Key: approvalKey(req.approvalId),
          UpdateExpression: 'SET #s = :s, #d = :d, #v = :v',
          ExpressionAttributeNames: { '#s': 'status', '#d': 'decision', '#v': 'delivery' },
          ExpressionAttributeValues: { ':s': 'APPROVED', ':d': decision, ':v': 'failed' },
        }),
      );
      await req.sim.clock.sleep(3 * 3600_000); // the reminder loop ticks and tries to deliver it
      stored = await loadApproval(req.approvalId);
      await client(SFNClient).send(new SendTaskSuccessCommand({ taskToken: req.task.token, output: '{"approved":true}' }));
    });
    const report = await run(sim, WF, exampleInput(WF), { approve });
    expect(seen.errors).toEqual([]);
    expect(stored).toMatchObject({ delivery: 'refused: the decision is not signed by the approval tasks' });
    // Only the made-up call reached Step Functions; the gate's own tasks delivered nothing.
    expect(callsOf(report, 'SendTaskSuccess')).toHaveLength(1);
    expect(report.error?.name).toBe('SafetyViolation');
    expect(errorMessage(report.error?.cause)).toMatch(/the decision is not signed by the approval tasks \(forged or altered\)/);
    expect(callsOf(report, 'AdvertiseByoipCidr')).toEqual([]);
    expect(semanticWorld(sim)).toEqual(before);
  });
});

describe('attack 4: the requester chooses the approvers', () => {
  it('an input may only narrow the configured approvers', async () => {
    const report = await run(exampleSim(), WF, exampleInput(WF, { approvers: ['mallory@evil.example'] }));
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(/input\.approvers: mallory@evil\.example is not a configured approver/);
    expect(report.awsCalls).toEqual([]);
  });

  it('whoever asked cannot approve: not by email, not with their own credentials; someone else must', async () => {
    const sim = exampleSim();
    const requester = { principal: 'arn:aws:sts::111122223333:assumed-role/byoip-operator/netops-lead@example.com' }; // maps to netops-lead
    const results: Record<string, { code: number; out: string }> = {};
    const { approve, seen } = policy(async (req) => {
      results.self = await cli(['approve', req.approvalId, '--reason', 'my own change'], LEAD);
      results.other = await cli(['approve', req.approvalId, '--reason', 'four eyes', '--confirm'], ONCALL);
    });
    const report = await run(sim, WF, exampleInput(WF, { approvers: ['netops-lead@example.com', 'netops-oncall@example.com'] }), { approve, requester });
    expect(seen.errors).toEqual([]);
    expect(results.self).toMatchObject({
      code: 1,
      out: expect.stringMatching(
        /netops-lead@example\.com asked for this change \(arn:aws:sts::111122223333:assumed-role\/byoip-operator\/netops-lead@example\.com\); someone else must decide it/,
      ),
    });
    expect(results.other.code).toBe(0);
    // The requester was not even emailed a link.
    expect(sim.state<SnsState>('sns').messages.map((m) => m.attributes.approver)).toEqual(['netops-oncall@example.com']);
    expect((report.output as any).approval).toMatchObject({ decidedBy: 'netops-oncall@example.com', requestedBy: requester.principal });
  });

  it("an execution started by hand, without a starter's attestation (or with one copied from another execution), stops before any change", async () => {
    const bare = await run(exampleSim(), WF, exampleInput(WF), { requester: false });
    expect(bare.error?.name).toBe('SafetyViolation');
    expect(errorMessage(bare.error?.cause)).toMatch(/the input has no requestedBy: executions are started by `byoip start`, an operator event or a rehearsal/);
    expect(changesIn(bare)).toEqual([]);
    const forged = await run(
      exampleSim(),
      WF,
      {
        ...exampleInput(WF),
        requestedBy: {
          principal: 'arn:aws:sts::111122223333:assumed-role/byoip-operator/someone',
          approver: null,
          via: 'event',
          at: '2026-12-01T08:00:00Z',
          attestation: 'A'.repeat(43),
        },
      },
      { requester: false },
    );
    expect(forged.error?.name).toBe('SafetyViolation');
    expect(errorMessage(forged.error?.cause)).toMatch(/was not attested for this execution and this input/);
    expect(changesIn(forged)).toEqual([]);
  });
});

describe('attack 6: changes with no gate', () => {
  it('vpc-origin-share refuses a team account the deployment does not list, before any AWS call', async () => {
    const sim = exampleSim();
    const before = vpcWorld(sim);
    const input = exampleInput('vpc-origin-share');
    input.teams[0] = {
      ...input.teams[0],
      name: 'login',
      accountId: ATTACKER,
      roleArn: `arn:aws:iam::${ATTACKER}:role/byoip-orchestrator-team-access`,
      albArn: `arn:aws:elasticloadbalancing:us-east-1:${ATTACKER}:loadbalancer/app/login/0f0f0f0f0f0f0f0f`,
      host: 'login.example.com',
      pathPattern: '/login/*',
    };
    const report = await run(sim, 'vpc-origin-share', input);
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(`input.teams[0].accountId: ${ATTACKER} is not a team account of this deployment`);
    expect(report.awsCalls).toEqual([]);
    expect(vpcWorld(sim)).toEqual(before);
  });

  it("vpc-origin-share accepts a RAM invitation only from the team's own configured account", async () => {
    const w = exampleWorldJson();
    w.accounts.push({ id: ATTACKER, name: 'someone else' });
    w.cloudfront.vpcOrigins.push({
      id: 'vo_Attacker000001',
      account: ATTACKER,
      name: 'login-vpc-origin',
      endpointArn: `arn:aws:elasticloadbalancing:us-east-1:${ATTACKER}:loadbalancer/app/login/0f0f0f0f0f0f0f0f`,
      createdAt: '2026-12-01T07:30:00Z',
    });
    w.ram.resourceShares.push({
      name: 'login',
      owner: ATTACKER,
      resources: [`arn:aws:cloudfront::${ATTACKER}:vpcorigin/vo_Attacker000001`],
      principals: [OWN],
      invitationStatus: 'PENDING',
      createdAt: '2026-12-01T07:30:00Z',
    });
    const sim = createSimulator(w, EXAMPLES);
    const { handler: accept } = await import('../../tasks/vpc-origins/accept-share-invitation');
    await within(sim, async () => {
      const arn = sim.state<any>('ram').invitations.find((i: any) => i.sender === ATTACKER).arn;
      await expect(
        accept(
          { team: 'team-a', accountId: '444455556666', invitationArn: arn, status: 'PENDING', execution: { name: 'x', id: 'x' } },
          context('AcceptShareInvitation'),
        ),
      ).rejects.toMatchObject({
        name: 'SafetyViolation',
        message: expect.stringMatching(`refusing to accept .*: it was sent by account ${ATTACKER}, and only team-a's account 444455556666`),
      });
      await expect(
        accept(
          { team: 'login', accountId: ATTACKER, invitationArn: arn, status: 'PENDING', execution: { name: 'x', id: 'x' } },
          context('AcceptShareInvitation'),
        ),
      ).rejects.toMatchObject({ name: 'SafetyViolation', message: expect.stringMatching(/one of byoip\.teamAccounts/) });
    });
    expect(sim.calls.filter((c) => c.operation === 'AcceptResourceShareInvitation')).toEqual([]);
  });

  it('vpc-origin-teardown disables the shared distribution only after an approval', async () => {
    const sim = exampleSim();
    const report = await run(sim, 'vpc-origin-teardown', exampleInput('vpc-origin-teardown', { distributionAction: 'disable' }), { approve: 'reject' });
    expect(report.error?.name).toBe('ApprovalRejected');
    expect(callsOf(report, 'UpdateDistribution')).toEqual([]);
    expect(vpcWorld(sim).distribution.enabled).toBe(true);
    const email = sim.state<SnsState>('sns').emails[0];
    expect(email.subject).toMatch(/Approval needed: Disable shared distribution E3EXAMPLETEAMS03 and remove team-c\.example/);
    expect(email.body).toContain('distribution E3EXAMPLETEAMS03: enabled -> disabled (every name it serves stops answering)');
    // The task itself refuses without an approval, whoever invokes it (even holding the distribution's lease).
    await within(sim, async () => {
      await acquireLock({ resources: ['cloudfront-distribution/E3EXAMPLETEAMS03'], owner: 'x', leaseSeconds: 3600 }, context('AcquireLock'));
      const detach = {
        distributionId: 'E3EXAMPLETEAMS03',
        lockResource: 'cloudfront-distribution/E3EXAMPLETEAMS03',
        execution: { name: 'x', id: 'x' },
        vpcOriginIds: [],
        aliases: [],
      };
      await expect(detachTeamOrigins({ ...detach, disable: true }, context('DetachTeamOrigins'))).rejects.toMatchObject({
        name: 'SafetyViolation',
        message: 'refusing to disable distribution E3EXAMPLETEAMS03: no approval is recorded for this execution, and it is not compensation',
      });
      await expect(detachTeamOrigins({ ...detach, aliases: ['team-c.example.com'], disable: false }, context('DetachTeamOrigins'))).rejects.toMatchObject({
        name: 'SafetyViolation',
        message: expect.stringMatching(/refusing to remove team-c\.example\.com from distribution E3EXAMPLETEAMS03/),
      });
    });
    expect(sim.calls.filter((c) => c.operation === 'UpdateDistribution')).toEqual([]);
    expect(vpcWorld(sim).distribution).toMatchObject({ enabled: true, aliases: ['team-c.example.com'] });
  });

  it('asn-swap to the AWS ASN never announces a withdrawn CIDR without an approval', async () => {
    const sim = byoasnSim();
    const cidr = '198.19.1.0/24';
    await within(sim, async () => {
      await sim.call({ service: 'EC2', operation: 'WithdrawByoipCidr', account: OWN, region: 'us-east-1', input: { Cidr: cidr } });
      await sim.clock.sleep(600_000);
    });
    const report = await run(sim, 'asn-swap', byoasnInput('asn-swap', { cidr, to: 'AWS' }));
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(/is provisioned, not advertised/);
    expect(callsOf(report, 'AdvertiseByoipCidr')).toEqual([]);
    // The task, invoked with a crafted event (or after the CIDR was withdrawn meanwhile), refuses as well.
    await within(sim, async () => {
      await expect(
        advertiseWithAsn({ accountId: OWN, region: 'us-east-1', cidr, asn: 'AWS', execution: { name: 'x', id: 'x' } }, context('AdvertiseWithAsn')),
      ).rejects.toMatchObject({
        name: 'SafetyViolation',
        message: expect.stringMatching(/it is provisioned, not advertised, and announcing it again needs an approval/),
      });
    });
    expect(sim.calls.filter((c) => c.operation === 'AdvertiseByoipCidr')).toEqual([]);
    expect((sim.snapshot() as any)['ec2.ipam'].byoipCidrs.find((c: any) => c.Cidr === cidr).State).toBe('provisioned');
  });

  it('withdraw tasks need an approval or the compensation marker', async () => {
    const sim = byoasnSim();
    await within(sim, async () => {
      await expect(withdrawCidr({ region: 'us-east-1', cidr: '198.19.0.0/24' }, context('WithdrawCidr'))).rejects.toMatchObject({
        name: 'SafetyViolation',
        message: 'refusing to withdraw 198.19.0.0/24: no approval is recorded for this execution, and it is not compensation',
      });
      await expect(withdrawCidr({ region: 'us-east-1', cidr: '198.19.0.0/24', approval: { approved: false } }, context('WithdrawCidr'))).rejects.toMatchObject({
        name: 'SafetyViolation',
      });
      await expect(
        withdrawCidr({ region: 'us-east-1', cidr: '198.19.0.0/24', compensation: { service: 'EC2' } }, context('WithdrawCidr')),
      ).resolves.toBeDefined();
    });
    expect(sim.calls.filter((c) => c.operation === 'WithdrawByoipCidr')).toHaveLength(1); // only the compensating one
  });

  it("an approval id names one execution's gate (a decision cannot be moved to another)", () => {
    expect(approvalIdFor('exec-a', 'AwaitApproval')).not.toBe(approvalIdFor('exec-b', 'AwaitApproval'));
  });
});
