/**
 * byoasn-onboard end to end in the simulator: the committed ASL, the real handlers, the simulated
 * IPAM with the customer's RDAP records and ROAs, the virtual clock.
 */
import { errorMessage } from '../../domain/compensation';
import type { SimulationReport } from '../../runner/report';
import { byoasnInput, byoasnSim, byoasnWorld, CIDR_A, CIDR_B, signedAsnMessage } from '../support/byoasn';
import { callsOf, CERTIFICATE, run, WRONG_KEY } from '../support/world';
import { leasesHeld, operatorView } from '../../runner/world-view';

const WF = 'byoasn-onboard';
const IPAM = 'ipam-0a1b2c3d4e5f60001';
const NOW = new Date('2026-12-01T08:00:00Z');

const firstAt = (r: SimulationReport, op: string) => callsOf(r, op).filter((c) => !c.error)[0]?.at;
const transitionAt = (r: SimulationReport, resource: string, to: string) => r.transitions.find((t) => t.resource === resource && t.to === to)?.at;

describe('byoasn-onboard', () => {
  describe('happy path', () => {
    let report: SimulationReport;
    let sim: ReturnType<typeof byoasnSim>;
    let approvalPayload: any;
    beforeAll(async () => {
      sim = byoasnSim();
      report = await run(sim, WF, byoasnInput(WF), {
        approve: async (req) => {
          approvalPayload = req.payload;
          await req.sim.clock.sleep(60_000);
          await req.approve('netops-oncall@example.com', 'looks right');
        },
      });
    });

    it('succeeds', () => {
      expect(report.error).toBeNull();
      expect(report.status).toBe('SUCCEEDED');
      expect(report.output).toEqual({ migrationId: 'example-corp-as64496', asn: '64496', ipamId: IPAM, cidrs: [CIDR_A], advertised: true });
    });

    it("signs the ASN message with the customer's key and provisions, associates, then advertises, each after the previous is verified", () => {
      const provision = callsOf(report, 'ProvisionIpamByoasn')[0].input as any;
      expect(provision).toMatchObject({ IpamId: IPAM, Asn: '64496', AsnAuthorizationContext: { Message: '1|aws|111122223333|64496|20261231|SHA256|RSAPSS' } });
      expect(provision.AsnAuthorizationContext.Signature).toMatch(/^[A-Za-z0-9\-_~]+$/);
      const provisioned = transitionAt(report, 'byoasn:AS64496', 'provisioned')!;
      const associated = transitionAt(report, `asn-association:AS64496/${CIDR_A}`, 'associated')!;
      expect(firstAt(report, 'AssociateIpamByoasn')).toBeGreaterThanOrEqual(provisioned);
      expect(firstAt(report, 'SendTaskSuccess')).toBeGreaterThanOrEqual(associated);
      const advertise = callsOf(report, 'AdvertiseByoipCidr');
      expect(advertise.map((c) => [c.input, c.error])).toEqual([[{ Cidr: CIDR_A, Asn: '64496' }, null]]);
      expect(advertise[0].at).toBeGreaterThanOrEqual(firstAt(report, 'SendTaskSuccess'));
    });

    it('asks for approval with the exact change, under the RequestApproval contract', () => {
      expect(approvalPayload).toMatchObject({
        workflow: 'byoasn-onboard',
        timeoutSeconds: 604800,
        execution: { name: report.executionName },
        plan: {
          title: 'Advertise 198.19.0.0/24 from AS64496 (example-corp-as64496)',
          approvers: ['netops-oncall@example.com'],
          changes: [
            { kind: 'asn-origin', target: CIDR_A, from: 'advertised from the AWS ASN (no change recorded by this tool)', to: 'advertised from AS64496' },
          ],
          prerequisite: expect.stringMatching(/ROA of each prefix authorizes AS64496/),
        },
      });
      expect(approvalPayload.taskToken).toEqual(expect.any(String));
      expect(report.phases.map((p) => p.name)).toEqual(
        expect.arrayContaining(['AwaitAsnProvisioned', 'AwaitAssociated', 'AwaitApproval', 'AdvertiseFromAsn', 'AwaitAdvertised']),
      );
    });

    it("leaves the CIDR advertised from the customer's ASN, and the guard knows when", () => {
      expect(byoasnWorld(sim)).toMatchObject({
        byoip: [
          { cidr: CIDR_A, state: 'advertised', origin: '64496', asns: ['64496:associated'] },
          { cidr: CIDR_B, state: 'advertised', origin: 'AWS', asns: ['64497:associated'] },
        ],
        byoasns: ['64496:provisioned', '64497:provisioned'],
      });
      const item = (sim.snapshot() as any).dynamodb.tables[0].items.find((i: any) => i.pk.S === `ASNSWAP#111122223333#us-east-1#${CIDR_A}`);
      expect(item.lastCustomChange.M.asn.S).toBe('64496');
    });
  });

  it('rolls back the association and the ASN it provisioned when the approval is rejected', async () => {
    const sim = byoasnSim();
    const before = byoasnWorld(sim);
    const report = await run(sim, WF, byoasnInput(WF), { approve: 'reject' });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('ApprovalRejected');
    expect(callsOf(report, 'AdvertiseByoipCidr')).toHaveLength(0);
    expect(callsOf(report, 'DisassociateIpamByoasn').map((c) => c.input)).toEqual([{ Asn: '64496', Cidr: CIDR_A }]);
    expect(callsOf(report, 'DeprovisionIpamByoasn').map((c) => c.input)).toEqual([{ IpamId: IPAM, Asn: '64496' }]);
    expect(firstAt(report, 'DeprovisionIpamByoasn')).toBeGreaterThanOrEqual(transitionAt(report, `asn-association:AS64496/${CIDR_A}`, 'disassociated')!);
    expect(report.states.some((s) => s.name === 'RolledBack')).toBe(true);
    expect(byoasnWorld(sim)).toEqual(before);
  });

  it('undoes only what this execution did: a second CIDR for an ASN already onboarded keeps the ASN and the first CIDR', async () => {
    const sim = byoasnSim();
    expect((await run(sim, WF, byoasnInput(WF))).status).toBe('SUCCEEDED');
    const report = await run(sim, WF, byoasnInput(WF, { cidrs: [CIDR_B] }), { approve: 'reject' });
    expect(report.error?.name).toBe('ApprovalRejected');
    expect(callsOf(report, 'ProvisionIpamByoasn')).toHaveLength(0);
    expect(callsOf(report, 'DeprovisionIpamByoasn')).toHaveLength(0);
    expect(callsOf(report, 'DisassociateIpamByoasn').map((c) => c.input)).toEqual([{ Asn: '64496', Cidr: CIDR_B }]);
    expect(byoasnWorld(sim)).toMatchObject({
      byoip: [
        { cidr: CIDR_A, origin: '64496', asns: ['64496:associated'] },
        { cidr: CIDR_B, origin: 'AWS', asns: ['64497:associated'] },
      ],
      byoasns: ['64496:provisioned', '64497:provisioned'],
    });
  });

  it('puts the AWS ASN back when a step after the advertisement fails and the operator decides back', async () => {
    const sim = byoasnSim();
    const before = byoasnWorld(sim);
    let armed = false;
    const report = await run(sim, WF, byoasnInput(WF), {
      operator: 'back',
      onProgress: (e) => {
        if (!armed && e.kind === 'state-entered' && e.state === 'AwaitAdvertised') {
          armed = true;
          sim.faults.add('DescribeByoipCidrs=AccessDeniedx1');
        }
      },
    });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('AwsRequestRejected');
    expect(callsOf(report, 'AdvertiseByoipCidr').map((c) => [(c.input as any).Asn, c.error?.name ?? null])).toEqual([
      ['64496', null],
      ['AWS', null],
    ]);
    expect(firstAt(report, 'DisassociateIpamByoasn')).toBeGreaterThan(callsOf(report, 'AdvertiseByoipCidr')[1].at);
    expect(byoasnWorld(sim)).toEqual(before);
  });

  it('fails clearly on failed-provision (signature from another key, pre-flight skipped) and leaves the CIDRs alone', async () => {
    const sim = byoasnSim();
    const before = byoasnWorld(sim);
    // The pre-flight would stop this before AWS (test/workflows/internet-evidence.test.ts); skipped, AWS's own verification fails it.
    const input = {
      ...byoasnInput(WF),
      authorization: signedAsnMessage('64496', NOW, { key: WRONG_KEY }),
      internetChecks: { skipPreflight: true, reason: "rehearse AWS's own verification" },
    };
    const report = await run(sim, WF, input);
    expect(report.error?.name).toBe('ResourceFailed');
    expect(errorMessage(report.error?.cause)).toMatch(
      /AS64496 is failed-provision: The signature .* could not be verified against the X\.509 certificate in the RDAP record of AS64496/,
    );
    expect(callsOf(report, 'AssociateIpamByoasn')).toHaveLength(0);
    // AWS keeps a failed-provision BYOASN for 7 days; nothing else changed.
    expect(byoasnWorld(sim)).toEqual({ ...before, byoasns: [...before.byoasns, '64496:failed-provision'].sort() });
  });

  it("fails clearly when the prefix's ROA does not name the ASN, and rolls back", async () => {
    const sim = byoasnSim({
      registry: {
        prefixes: [{ cidr: '198.19.0.0/22', rdapCertificate: 'file:keys/customer-rdap-certificate.pem', roa: { asns: [16509, 14618, 64497], maxLength: 24 } }],
      },
    });
    const before = byoasnWorld(sim);
    const report = await run(sim, WF, byoasnInput(WF));
    expect(report.error?.name).toBe('ResourceFailed');
    expect(errorMessage(report.error?.cause)).toMatch(
      /AS64496 and 198\.19\.0\.0\/24 are failed-association: The ROA for 198\.19\.0\.0\/22 does not authorize AS64496/,
    );
    expect(callsOf(report, 'SendTaskSuccess')).toHaveLength(0);
    expect(byoasnWorld(sim)).toEqual(before);
  });

  it("stops at the 5-ASN quota with AWS's message", async () => {
    const seeded = ['64497', '64498', '64499', '64500', '64501'].map((asn) => ({ asn, ipamId: IPAM, associations: asn === '64497' ? [CIDR_B] : [] }));
    const sim = byoasnSim({ ipam: { byoasns: seeded } });
    const report = await run(sim, WF, byoasnInput(WF));
    expect(report.error?.name).toBe('QuotaExceeded');
    expect(errorMessage(report.error?.cause)).toMatch(/ResourceLimitExceeded: You have reached the limit of 5 BYOASNs/);
    expect(byoasnWorld(sim).byoasns).toHaveLength(5);
  });

  it('is idempotent when a response is lost', async () => {
    const sim = byoasnSim();
    for (const f of ['ProvisionIpamByoasn=InternalErrorx1@after', 'AssociateIpamByoasn=InternalErrorx1@after', 'AdvertiseByoipCidr=InternalErrorx1@after'])
      sim.faults.add(f);
    const report = await run(sim, WF, byoasnInput(WF));
    expect(report.error).toBeNull();
    expect(byoasnWorld(sim).byoip[0]).toMatchObject({ cidr: CIDR_A, origin: '64496', asns: ['64496:associated'] });
    expect(byoasnWorld(sim).byoasns).toEqual(['64496:provisioned', '64497:provisioned']);
  });

  it.each([
    ['ASN 0', { asn: 0 }, /input\.asn: AS0 is reserved/],
    ['AS_TRANS', { asn: 23456 }, /input\.asn: AS23456 is AS_TRANS/],
    ['an ASN above 4294967295', { asn: '4294967296' }, /input\.asn: 4294967296 is above 4294967295/],
    ['a private ASN', { asn: '65000' }, /input\.asn: AS65000 is private use/],
    [
      'a malformed message',
      { authorization: { message: '1|aws|111122223333|64496|2026-12-31|SHA256|RSAPSS', signature: signedAsnMessage('64496', NOW).signature } },
      /input\.authorization\.message: expiry "2026-12-31" is not a calendar date/,
    ],
    [
      'an expired message',
      { authorization: signedAsnMessage('64496', new Date('2026-09-01T00:00:00Z'), { days: 60 }) },
      /input\.authorization\.message: message expired on 20261031/,
    ],
    [
      'a signature from the wrong key',
      { authorization: { ...signedAsnMessage('64496', NOW, { key: WRONG_KEY }), certificatePem: CERTIFICATE } },
      /input\.authorization\.signature: does not verify against certificatePem/,
    ],
  ])('rejects %s before any AWS call', async (_n, patch, why) => {
    const sim = byoasnSim();
    const report = await run(sim, WF, { ...byoasnInput(WF), ...patch });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(why);
    expect(report.awsCalls).toHaveLength(0);
  });

  it('fails at its first AWS read when a CIDR is not a BYOIP CIDR here', async () => {
    const sim = byoasnSim();
    const report = await run(sim, WF, byoasnInput(WF, { cidrs: [CIDR_A, '198.19.2.0/24'] }));
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(/input\.cidrs\[1\]: 198\.19\.2\.0\/24 is not a BYOIP CIDR of account 111122223333 in us-east-1/);
    // VerifyRequester reads the approval key (who asked); the execution takes its leases (two CIDRs and the ASN); the
    // first read of AWS's network state fails; the leases are given back.
    const calls = report.awsCalls.map((c) => c.operation);
    expect(calls).toEqual(['GetSecretValue', ...Array(3).fill('PutItem'), 'DescribeByoipCidrs', ...Array(3).fill('DeleteItem')]);
    expect(leasesHeld(operatorView(sim))).toEqual([]);
  });
});
