/**
 * Evidence from the internet in the provisioning workflows, rehearsed against the simulated internet:
 * the healthy examples pass every check and the report and the approval show them; each fault stops
 * before any changing AWS call (pre-flight) or, after the advertisement, fails with
 * BgpVisibilityFailed without withdrawing anything; a world without an internet section rehearses with
 * the checks skipped.
 */
import { errorMessage } from '../../domain/compensation';
import { isMutating } from '../../sim/simulator';
import type { ApprovalPolicy } from '../../runner/local-runner';
import type { SimulationReport } from '../../runner/report';
import { byoasnInput, byoasnSim, byoasnWorld, signedAsnMessage } from '../support/byoasn';
import { callsOf, exampleInput, exampleSim, exampleWorldJson, run, semanticWorld, signedMessages, WRONG_KEY } from '../support/world';
import { createSimulator } from '../../sim';
import { EXAMPLES } from '../support/world';

const WF = 'onboard-cloudfront-byoip';
const CIDRS = ['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/24'];
const NOW = new Date('2026-12-01T08:00:00Z');

/** Approves, keeping the plan the approvers saw. */
function approveAndKeep(plans: any[]): ApprovalPolicy {
  return async (req) => {
    plans.push(req.payload.plan);
    await req.approve(undefined, 'rehearsal');
  };
}

// Changes to AWS's network: the state table (this execution's leases, taken and given back) is the orchestrator's own.
const changing = (r: SimulationReport) => r.awsCalls.filter((c) => c.service !== 'DynamoDB' && isMutating(c.operation)).map((c) => c.operation);
const evidence = (r: SimulationReport, state: string) => r.internet.find((e) => e.state === state);

describe('internet evidence in onboard-cloudfront-byoip', () => {
  it('passes every check in the example world, and the report and the approval show them', async () => {
    const sim = exampleSim();
    const plans: any[] = [];
    const report = await run(sim, WF, exampleInput(), { approve: approveAndKeep(plans) });
    expect(report.status).toBe('SUCCEEDED');
    const pre = evidence(report, 'PreflightInternetChecks')!;
    expect(pre.outcome).toBe('passed');
    expect(pre.summary).toEqual([
      "RDAP: 198.18.0.0/22 at ARIN (NET-198-18-0-0-1) carries the signing key's certificate, valid until 2036-11-19",
      'RPKI (RIPEstat rpki-validation): valid for AS16509, AS14618, AS64500 on 198.18.0.0/24, 198.18.1.0/24, 198.18.2.0/24',
      ...CIDRS.map((c) =>
        expect.stringMatching(
          new RegExp(`^BGP before \\(2026-12-01T08:00:00\\): ${c.replace(/[./]/g, '\\$&')} originated by AS64500 seen by 3\\d of 40 RIS peers$`),
        ),
      ),
    ]);
    const vis = evidence(report, 'AwaitBgpVisibility')!;
    expect(vis.outcome).toBe('passed');
    expect(vis.summary).toHaveLength(3);
    for (const line of vis.summary) expect(line).toMatch(/AS16509 seen by (3[2-9]|40) of 40 collector peers .*RPKI valid$/);
    // The approvers saw the evidence.
    expect(plans[0].prerequisite).toMatch(/^Pre-flight internet checks passed/);
    expect(plans[0].evidence.preflight).toEqual(pre.summary);
    // The visibility wait is a phase of its own, after the advertisement and before the DNS cutover.
    const names = report.phases.map((p) => p.name);
    expect(names.indexOf('AwaitAdvertised')).toBeLessThan(names.indexOf('AwaitBgpVisibility'));
    expect(names.indexOf('AwaitBgpVisibility')).toBeLessThan(names.indexOf('CutoverDns'));
    const wait = report.phases.find((p) => p.name === 'AwaitBgpVisibility')!;
    expect(wait.seconds).toBeGreaterThan(0);
    expect(wait.seconds).toBeLessThan(600);
    // The pre-flight came before any changing AWS call.
    const preflightAt = report.states.find((s) => s.name === 'PreflightInternetChecks')!.exitedAt!;
    expect(report.awsCalls.filter((c) => isMutating(c.operation)).every((c) => c.at >= preflightAt)).toBe(true);
  });

  it.each([
    [
      'a missing ROA',
      'Rpki=MissingRoa',
      /no ROA authorizes AS16509 to originate 198\.18\.0\.0\/24 \(RPKI invalid_asn/,
      /at ARIN: ARIN Online: Routing Security .* origin AS16509, max length 24; validators usually see/,
    ],
    [
      'a short maxLength',
      'Rpki=ShortMaxLength',
      /the ROA for AS14618 does not allow 198\.18\.1\.0\/24: its max length is shorter than \/24/,
      /at ARIN: .* for 198\.18\.0\.0\/22, origin AS14618, max length 24/,
    ],
    [
      'a certificate that does not match',
      'Rdap=CertificateMismatch',
      /RDAP record of 198\.18\.0\.0\/22 at ARIN \(NET-198-18-0-0-1\) cannot authorize .* not the public key of the signing key in secret byoip\/example-corp\/signing-key/,
      /at ARIN for 198\.18\.0\.0\/22, record NET-198-18-0-0-1: ARIN Online: .*Public Comments/,
    ],
    ['an expired certificate', 'Rdap=CertificateExpired', /certificate CN=Example Corp BYOIP 2024 .* expired on 2025-01-01/, /Public Comments/],
    [
      'another origin announcing the prefix',
      'Bgp=OtherOrigin',
      /AS64511 announces 198\.18\.2\.0\/24 today and is RPKI invalid_asn/,
      /origin AS64511.*or have the announcement stopped/,
    ],
  ])('stops before any changing AWS call on %s, naming the prefix, the ASN and the registry', async (_n, fault, problem, fix) => {
    const sim = exampleSim({ internet: { faults: [fault] } });
    const before = semanticWorld(sim);
    const report = await run(sim, WF, exampleInput());
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('PreflightCheckFailed');
    const message = errorMessage(report.error?.cause);
    expect(message).toMatch(/^Pre-flight: \d+ problem\(s\) outside AWS; nothing was changed in AWS/);
    expect(message).toMatch(problem);
    expect(message).toMatch(fix);
    expect(changing(report)).toEqual([]);
    expect(semanticWorld(sim)).toEqual(before);
    expect(evidence(report, 'PreflightInternetChecks')).toMatchObject({ outcome: 'failed', error: 'PreflightCheckFailed' });
  });

  it('stops before any changing AWS call when the services cannot be reached, and says how to skip', async () => {
    const sim = exampleSim({ internet: { faults: ['Rdap=Unreachable'] } });
    const report = await run(sim, WF, exampleInput());
    expect(report.error?.name).toBe('InternetServiceUnavailable');
    expect(errorMessage(report.error?.cause)).toMatch(
      /cannot reach data\.iana\.org: ECONNREFUSED .* \(3 attempts\)\. Pre-flight could not check the registries; nothing was changed in AWS\. .*skipPreflight/,
    );
    expect(report.states.find((s) => s.name === 'PreflightInternetChecks')?.retries).toBe(3); // the ASL's retries, after the client's
    expect(changing(report)).toEqual([]);
  });

  it('rides out a passing outage of RIPEstat with retries', async () => {
    const sim = exampleSim({ internet: { faults: ['Rpki=ServerErrorx2', 'Bgp=Timeoutx1'] } });
    const report = await run(sim, WF, exampleInput());
    expect(report.status).toBe('SUCCEEDED');
    expect(sim.httpRequests.filter((r) => r.status === 503)).toHaveLength(2);
  });

  it.each([
    ['slow convergence', 'Bgp=SlowConvergence', /198\.18\.0\.0\/24 is seen from AS16509 by \d+ of 40 collector peers \(\d+(\.\d)? %\), below 80 %/],
    [
      'an old provider that does not withdraw',
      'Bgp=OldOriginStays',
      /the old origin AS64500 is still seen for 198\.18\.\d\.0\/24 by \d+ peers .* the previous provider has not withdrawn it/,
    ],
  ])('after the advertisement, %s asks an operator (BgpVisibilityFailed) and withdraws nothing; stop leaves it so', async (_n, fault, problem) => {
    const sim = exampleSim({ internet: { faults: [fault] } });
    const report = await run(sim, WF, exampleInput(), { operator: 'stop' });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('StoppedByOperator');
    const asked = report.approvals.at(-1)!;
    expect(asked.operator).toEqual({
      failedState: 'AwaitBgpVisibility',
      error: 'BgpVisibilityFailed',
      outcome: 'stop',
      pending: false,
      decisions: ['forward', 'back', 'stop'],
    });
    const message = String(asked.plan?.changes?.[0]?.to);
    expect(message).toMatch(/not confirmed within 30 min .* Nothing was withdrawn/);
    expect(message).toMatch(problem);
    expect(callsOf(report, 'AdvertiseByoipCidr')).toHaveLength(3);
    expect(callsOf(report, 'WithdrawByoipCidr')).toHaveLength(0);
    expect(callsOf(report, 'ChangeResourceRecordSets')).toHaveLength(1); // the TTL lowering; no cutover, no undo
    expect(report.states.some((s) => s.name === 'Compensate')).toBe(false);
    expect(semanticWorld(sim).byoip).toEqual(CIDRS.map((cidr) => ({ cidr, state: 'advertised', origin: 'AWS', asns: [] })));
    expect(report.phases.find((p) => p.name === 'AwaitBgpVisibility')!.seconds).toBeGreaterThanOrEqual(1800);
    // The leases were released: the operator can run the next step without waiting for them to expire.
    expect(callsOf(report, 'DeleteItem').filter((c) => c.state === 'StoppedByOperatorReleaseLocks').length).toBeGreaterThan(0);
  });

  it('rehearses a world without an internet section (a registry only, as before) with the checks reported as skipped', async () => {
    const world = exampleWorldJson({
      registry: {
        prefixes: [{ cidr: '198.18.0.0/22', rdapCertificate: 'file:keys/customer-rdap-certificate.pem', roa: { asns: [16509, 14618], maxLength: 24 } }],
      },
    });
    delete world.internet;
    const sim = createSimulator(world, EXAMPLES);
    const plans: any[] = [];
    const report = await run(sim, WF, exampleInput(), { approve: approveAndKeep(plans) });
    expect(report.status).toBe('SUCCEEDED');
    expect(evidence(report, 'PreflightInternetChecks')).toMatchObject({
      outcome: 'skipped',
      summary: [expect.stringMatching(/SKIPPED: the deployment's internet checks are off/)],
    });
    expect(evidence(report, 'AwaitBgpVisibility')).toMatchObject({ outcome: 'skipped' });
    expect(plans[0].prerequisite).toMatch(/^PRE-FLIGHT SKIPPED \(the deployment's internet checks are off/);
    expect(sim.httpRequests).toHaveLength(0);
  });

  it("records --skip-preflight and shows it to the approvers; AWS's own verification still fails a missing ROA, hours later", async () => {
    const sim = exampleSim({ internet: { faults: ['Rpki=MissingRoa'] } });
    const input = exampleInput(WF, { internetChecks: { skipPreflight: true, reason: 'change window: RIPEstat unreachable from the bastion' } });
    const report = await run(sim, WF, input);
    expect(evidence(report, 'PreflightInternetChecks')).toMatchObject({
      outcome: 'skipped',
      summary: [expect.stringMatching(/SKIPPED: requested in the input .* change window: RIPEstat unreachable from the bastion/)],
    });
    expect(report.error?.name).toBe('ResourceFailed');
    expect(errorMessage(report.error?.cause)).toMatch(/failed-provision: The ROA for 198\.18\.0\.0\/22 does not authorize Amazon ASN 16509 and 14618/);
  });

  it('refuses a skip without a reason (the approvers must read why)', async () => {
    const report = await run(exampleSim(), WF, exampleInput(WF, { internetChecks: { skipPreflight: true } }));
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(/internetChecks\.reason: skipPreflight needs a reason/);
  });

  it('checks pre-signed messages against the RDAP certificate: a wrong key stops before AWS', async () => {
    const sim = exampleSim();
    const input = { ...exampleInput(), authorization: { messages: signedMessages(['198.18.0.0/22'], NOW, { key: WRONG_KEY }) } };
    const report = await run(sim, WF, input);
    expect(report.error?.name).toBe('PreflightCheckFailed');
    expect(errorMessage(report.error?.cause)).toMatch(
      /RDAP record of 198\.18\.0\.0\/22 at ARIN .* the signature of "1\|aws\|111122223333\|198\.18\.0\.0\/22\|\d{8}\|SHA256\|RSAPSS" does not verify/,
    );
    expect(report.awsCalls.filter((c) => c.state !== 'VerifyRequester')).toHaveLength(0);
  });

  it.each([['routinator-jsonext'], ['rpki-client-json']])('reads RPKI from a validator export (%s) when the deployment says so', async (format) => {
    const sim = exampleSim({
      internet: { validatorExport: { url: 'https://rpki.example.net/vrps.json', format } },
      deployment: { internet: { rpki: { source: 'vrp-export', vrpExportUrl: 'https://rpki.example.net/vrps.json' } } },
    });
    const report = await run(sim, WF, exampleInput());
    expect(report.status).toBe('SUCCEEDED');
    expect(evidence(report, 'PreflightInternetChecks')!.summary[1]).toMatch(
      /^RPKI \(validator export https:\/\/rpki\.example\.net\/vrps\.json\): valid for AS16509, AS14618/,
    );
    expect(sim.httpRequests.filter((r) => r.url === 'https://rpki.example.net/vrps.json').length).toBeGreaterThanOrEqual(2); // pre-flight and visibility
    expect(sim.httpRequests.some((r) => r.url.includes('rpki-validation'))).toBe(false);
  });
});

describe('internet evidence in byoasn-onboard and static-ip-byoip', () => {
  it("byoasn-onboard: the ASN's RDAP record (RIPE NCC) must carry the certificate of the key that signed the message", async () => {
    const sim = byoasnSim();
    const before = byoasnWorld(sim);
    const report = await run(sim, 'byoasn-onboard', { ...byoasnInput('byoasn-onboard'), authorization: signedAsnMessage('64496', NOW, { key: WRONG_KEY }) });
    expect(report.error?.name).toBe('PreflightCheckFailed');
    expect(errorMessage(report.error?.cause)).toMatch(/RDAP record of AS64496 at RIPE NCC \(AS64496\) .* does not verify/);
    expect(errorMessage(report.error?.cause)).toMatch(/at RIPE NCC for AS64496: RIPE Database: add a "descr:" attribute \(not "remarks:"\)/);
    expect(changing(report)).toEqual([]);
    expect(byoasnWorld(sim)).toEqual(before);
  });

  it("byoasn-onboard: sees the origin move from AS16509 to the customer's ASN, and requires a ROA for it", async () => {
    const ok = await run(byoasnSim(), 'byoasn-onboard', byoasnInput('byoasn-onboard'));
    expect(ok.status).toBe('SUCCEEDED');
    expect(evidence(ok, 'AwaitBgpVisibility')!.summary).toEqual([
      expect.stringMatching(/^198\.19\.0\.0\/24: AS64496 seen by 3\d of 40 collector peers .*; RPKI valid$/),
    ]);
    const noRoa = byoasnSim({ internet: { roas: [16509, 14618].map((asn) => ({ prefix: '198.19.0.0/22', maxLength: 24, asn })) } });
    const failed = await run(noRoa, 'byoasn-onboard', byoasnInput('byoasn-onboard'));
    expect(failed.error?.name).toBe('PreflightCheckFailed');
    expect(errorMessage(failed.error?.cause)).toMatch(/no ROA authorizes AS64496 to originate 198\.19\.0\.0\/24/);
    expect(errorMessage(failed.error?.cause)).toMatch(/at RIPE NCC: LIR Portal: RPKI Dashboard/);
  });

  it('static-ip-byoip: a missing ROA for AS16509 stops before Global Accelerator is asked anything', async () => {
    const sim = exampleSim({ internet: { faults: ['Rpki=MissingRoa'] } });
    const report = await run(sim, 'static-ip-byoip', exampleInput('static-ip-byoip'));
    expect(report.error?.name).toBe('PreflightCheckFailed');
    expect(errorMessage(report.error?.cause)).toMatch(/no ROA authorizes AS16509 to originate 198\.19\.0\.0\/24/);
    expect(report.awsCalls.filter((c) => c.service === 'GlobalAccelerator')).toHaveLength(0);
    expect(changing(report)).toEqual([]);
  });
});
