/**
 * static-ip-byoip, run end to end in the simulator: the committed ASL, the real handlers, the
 * simulated Global Accelerator (and IPAM, for the one-range-one-service rule), the virtual clock.
 */
import { errorMessage } from '../../domain/compensation';
import type { SimulationReport } from '../../runner/report';
import type { Simulator } from '../../sim';
import { gaWorld, locksLeft } from '../support/global-accelerator';
import { CERTIFICATE, callsOf, exampleInput, exampleSim, run, signedMessages, WRONG_KEY } from '../support/world';
import { registryPrefixFor } from '../../sim/services/ec2/ipam';

const WF = 'static-ip-byoip';
const CIDRS = ['198.19.0.0/24', '198.19.1.0/24'];
const IPS = ['198.19.0.10', '198.19.1.10'];
const ALB = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/partner-api/0123456789abcdef';
const STACK_ACCELERATOR = 'arn:aws:globalaccelerator::111122223333:accelerator/0f1e2d3c-4b5a-6978-8899-aabbccddeeff';

/** A deployed StaticIpLambdaEndpoint: an accelerator with Amazon's addresses, a 443 listener and the ALB. */
const stackAccelerator = {
  globalAccelerator: {
    accelerators: [
      {
        account: '111122223333',
        name: 'partner-api-stack',
        arn: STACK_ACCELERATOR,
        tags: { 'aws:cloudformation:stack-name': 'PartnerApi' },
        listeners: [
          { protocol: 'TCP', portRanges: [{ fromPort: 443, toPort: 443 }], endpointGroups: [{ region: 'us-east-1', endpoints: [{ endpointId: ALB }] }] },
        ],
      },
    ],
  },
};
function updateInput() {
  const input = exampleInput(WF);
  delete input.accelerator.name;
  input.accelerator.arn = STACK_ACCELERATOR;
  return input;
}

function approvedAt(report: SimulationReport): number {
  const sent = callsOf(report, 'SendTaskSuccess').filter((c) => !c.error);
  expect(sent).toHaveLength(1);
  return sent[0].at;
}

describe('static-ip-byoip', () => {
  describe("happy path: a new accelerator on the customer's addresses", () => {
    let sim: Simulator;
    let report: SimulationReport;
    beforeAll(async () => {
      sim = exampleSim();
      report = await run(sim, WF, exampleInput(WF));
    });

    it('succeeds and reports the static IPs', () => {
      expect(report.error).toBeNull();
      expect(report.status).toBe('SUCCEEDED');
      expect(report.output).toMatchObject({
        cidrs: CIDRS,
        byoipAddresses: IPS,
        staticIps: IPS,
        created: true,
        dnsName: expect.stringMatching(/\.awsglobalaccelerator\.com$/),
      });
    });

    it('calls Global Accelerator only in us-west-2, whatever the stack region', () => {
      const gaCalls = report.awsCalls.filter((c) => c.service === 'GlobalAccelerator');
      expect(gaCalls.length).toBeGreaterThan(10);
      expect(gaCalls.every((c) => c.region === 'us-west-2' && !c.error)).toBe(true);
      expect(callsOf(report, 'GetSecretValue')[0].region).toBe('us-east-1');
    });

    it('provisions with signed messages, advertises only after the approval, uses the addresses only once ADVERTISING', () => {
      const provision = callsOf(report, 'ProvisionByoipCidr');
      expect(provision.map((c: any) => c.input.Cidr)).toEqual(CIDRS);
      expect((provision[0].input as any).CidrAuthorizationContext.Message).toMatch(/^1\|aws\|111122223333\|198\.19\.0\.0\/24\|\d{8}\|SHA256\|RSAPSS$/);
      const approval = approvedAt(report);
      const ready = Math.max(...report.transitions.filter((t) => t.resource.startsWith('ga-byoip:') && t.to === 'READY').map((t) => t.at));
      expect(ready).toBeLessThanOrEqual(approval);
      const advertise = callsOf(report, 'AdvertiseByoipCidr');
      expect(advertise.every((c) => c.at >= approval)).toBe(true);
      const advertising = Math.max(...report.transitions.filter((t) => t.resource.startsWith('ga-byoip:') && t.to === 'ADVERTISING').map((t) => t.at));
      const create = callsOf(report, 'CreateAccelerator');
      expect(create).toHaveLength(1);
      expect(create[0].at).toBeGreaterThanOrEqual(advertising);
      expect(create[0].input).toMatchObject({
        Name: 'partner-api',
        IpAddresses: IPS,
        IpAddressType: 'IPV4',
        Tags: expect.arrayContaining([{ Key: 'byoip-orchestrator:migration', Value: 'example-corp-partner-api' }]),
      });
    });

    it('leaves the ranges advertised and the accelerator deployed, routing TCP 443 to the internal ALB', () => {
      expect(gaWorld(sim)).toEqual({
        gaCidrs: CIDRS.map((cidr) => `${cidr}:ADVERTISING`),
        accelerators: [
          {
            name: 'partner-api',
            status: 'DEPLOYED',
            enabled: true,
            ips: IPS,
            routing: [{ ports: [{ FromPort: 443, ToPort: 443 }], groups: [{ EndpointGroupRegion: 'us-east-1', endpoints: [ALB] }] }],
          },
        ],
      });
      expect(callsOf(report, 'CreateEndpointGroup')[0].input).toMatchObject({
        EndpointConfigurations: [{ EndpointId: ALB, ClientIPPreservationEnabled: true }],
      });
    });

    it('spends its time waiting for provisioning, in Wait states', () => {
      const phase = report.phases.find((p) => p.name === 'AwaitCidrsReady')!;
      expect(phase.seconds).toBeGreaterThanOrEqual(86_400);
      expect(phase.seconds).toBeLessThan(86_400 * 1.06); // detected within the profile's 5 %
      expect(report.states.filter((s) => s.name === 'AwaitCidrsReadyWait').length).toBeGreaterThan(10);
    });

    it('takes and gives back the leases on the ranges and the accelerator', () => {
      const taken = new Set(callsOf(report, 'PutItem').map((c: any) => c.input.Item.pk.S));
      expect([...taken].sort()).toEqual(['LOCK#byoip-cidr/198.19.0.0/24', 'LOCK#byoip-cidr/198.19.1.0/24', 'LOCK#ga-accelerator/partner-api']);
      expect(locksLeft(sim)).toEqual([]);
    });
  });

  it('a rejection parks: nothing advertised, the ranges stay provisioned to Global Accelerator, the leases released; a new run resumes without provisioning', async () => {
    const sim = exampleSim();
    const report = await run(sim, WF, exampleInput(WF), { approve: 'reject' });
    expect(report.status).toBe('SUCCEEDED');
    expect(report.output).toMatchObject({ status: 'Parked', kept: { provisionedCidrs: CIDRS }, rejection: { Error: 'ApprovalRejected' } });
    expect(callsOf(report, 'AdvertiseByoipCidr')).toHaveLength(0);
    expect(callsOf(report, 'DeprovisionByoipCidr')).toHaveLength(0);
    expect(gaWorld(sim).gaCidrs).toEqual(CIDRS.map((cidr) => `${cidr}:READY`));
    expect(locksLeft(sim)).toEqual([]);
    const again = await run(sim, WF, exampleInput(WF));
    expect(again.status).toBe('SUCCEEDED');
    expect(callsOf(again, 'ProvisionByoipCidr')).toHaveLength(0);
  });

  it('rolls everything back when the approval is rejected with onReject "undo-all": nothing advertised, ranges deprovisioned', async () => {
    const sim = exampleSim();
    const before = gaWorld(sim);
    const report = await run(sim, WF, exampleInput(WF, { onReject: 'undo-all' }), { approve: 'reject' });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('ApprovalRejected');
    expect(callsOf(report, 'AdvertiseByoipCidr')).toHaveLength(0);
    expect(callsOf(report, 'CreateAccelerator')).toHaveLength(0);
    expect(callsOf(report, 'DeprovisionByoipCidr').map((c: any) => c.input.Cidr)).toEqual([...CIDRS].reverse());
    expect(gaWorld(sim)).toEqual(before);
    expect(report.states.some((s) => s.name === 'RolledBack')).toBe(true);
  });

  it('after the advertisement (the point of no return), a routing failure waits for an operator and undoes nothing', async () => {
    const sim = exampleSim();
    sim.faults.add('CreateEndpointGroup=AccessDeniedException');
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.status).toBe('WAITING_FOR_OPERATOR');
    expect(report.approvals.at(-1)).toMatchObject({ state: 'AwaitOperatorDecision', operator: { failedState: 'EnsureEndpointGroup', pending: true } });
    for (const op of ['WithdrawByoipCidr', 'DeprovisionByoipCidr', 'DeleteAccelerator', 'DeleteListener']) expect(callsOf(report, op)).toHaveLength(0);
    expect(gaWorld(sim).gaCidrs).toEqual(CIDRS.map((cidr) => `${cidr}:ADVERTISING`));
  });

  it('undoes the accelerator, the advertisement and the provisioning when the operator decides back after a routing failure', async () => {
    const sim = exampleSim();
    sim.faults.add('CreateEndpointGroup=AccessDeniedException');
    const report = await run(sim, WF, exampleInput(WF), { operator: 'back' });
    expect(report.approvals.at(-1)?.operator).toMatchObject({ outcome: 'back', pending: false });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('AwsRequestRejected');
    expect(gaWorld(sim)).toEqual({ gaCidrs: [], accelerators: [] });
    // Reverse order: accelerator (listener, disable, delete once deployed) → withdraw → deprovision.
    const t = (op: string) =>
      callsOf(report, op)
        .filter((c) => !c.error)
        .map((c) => c.at);
    expect(Math.max(...t('DeleteListener'))).toBeLessThanOrEqual(Math.min(...t('UpdateAccelerator')));
    expect(Math.max(...t('DeleteAccelerator'))).toBeLessThanOrEqual(Math.min(...t('WithdrawByoipCidr')));
    const deleted = report.transitions.find((x) => x.resource === 'accelerator:partner-api' && x.to === 'DELETED')!;
    expect(deleted.at).toBeLessThanOrEqual(Math.min(...t('WithdrawByoipCidr')));
    expect(Math.max(...t('WithdrawByoipCidr'))).toBeLessThan(Math.min(...t('DeprovisionByoipCidr')));
    const w = t('WithdrawByoipCidr');
    expect(w[1] - w[0]).toBeGreaterThanOrEqual(10);
  });

  describe('moving an existing accelerator (a StaticIpLambdaEndpoint) onto the addresses', () => {
    it('updates its addresses and keeps its routing', async () => {
      const sim = exampleSim(stackAccelerator);
      const [amazon] = gaWorld(sim).accelerators.map((a: any) => a.ips);
      const report = await run(sim, WF, updateInput());
      expect(report.error).toBeNull();
      expect(report.output).toMatchObject({ acceleratorArn: STACK_ACCELERATOR, created: false, staticIps: IPS });
      expect(callsOf(report, 'CreateAccelerator')).toHaveLength(0);
      expect(callsOf(report, 'CreateListener')).toHaveLength(0);
      expect(callsOf(report, 'CreateEndpointGroup')).toHaveLength(0);
      expect(callsOf(report, 'UpdateAccelerator')[0].input).toEqual({ AcceleratorArn: STACK_ACCELERATOR, IpAddresses: IPS });
      const [acc] = gaWorld(sim).accelerators;
      expect(acc).toMatchObject({ name: 'partner-api-stack', ips: IPS, routing: [{ groups: [{ endpoints: [ALB] }] }] });
      expect(amazon.every((ip: string) => !IPS.includes(ip))).toBe(true);
    });

    it("puts Amazon's addresses back when a later step fails", async () => {
      const sim = exampleSim(stackAccelerator);
      const before = gaWorld(sim);
      // A second listener for 8443: the addresses are already moved when its endpoint group fails.
      const input = updateInput();
      input.accelerator.listener = { protocol: 'TCP', portRanges: [{ fromPort: 8443, toPort: 8443 }], clientAffinity: 'NONE' };
      sim.faults.add('CreateEndpointGroup=InvalidArgumentException');
      const report = await run(sim, WF, input, { operator: 'back' });
      expect(report.status).toBe('FAILED');
      expect(callsOf(report, 'UpdateAccelerator').map((c: any) => c.input.IpAddresses)).toEqual([IPS, before.accelerators[0].ips]);
      expect(callsOf(report, 'DeleteListener')).toHaveLength(1); // only the 8443 listener this execution added
      expect(gaWorld(sim)).toEqual({ gaCidrs: [], accelerators: before.accelerators });
    });
  });

  it('refuses a range already brought to AWS through VPC IPAM for CloudFront, clearly, and leaves nothing behind', async () => {
    const sim = exampleSim({
      ipam: {
        pools: [
          { ipamPoolId: 'ipam-pool-0top', ipamId: 'ipam-0a1b2c3d4e5f60001', cidrs: [{ cidr: '198.18.0.0/22' }] },
          {
            ipamPoolId: 'ipam-pool-0glb',
            ipamId: 'ipam-0a1b2c3d4e5f60001',
            sourceIpamPoolId: 'ipam-pool-0top',
            awsService: 'global-services',
            cidrs: [{ cidr: '198.18.0.0/24' }],
          },
        ],
      },
    });
    const input = exampleInput(WF, { cidrs: ['198.18.0.0/24'], accelerator: { ipAddresses: ['198.18.0.10'] } });
    const report = await run(sim, WF, input);
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('AwsRequestRejected');
    expect(errorMessage(report.error?.cause)).toMatch(
      /198\.18\.0\.0\/24 is already brought to AWS: 198\.18\.0\.0\/24 is provisioned in VPC IPAM pool ipam-pool-0glb for CloudFront\. You can't use the IP addresses that you bring to AWS for one AWS service with another service/,
    );
    expect(callsOf(report, 'AdvertiseByoipCidr')).toHaveLength(0);
    expect(gaWorld(sim)).toEqual({ gaCidrs: [], accelerators: [] });
    expect(report.states.some((s) => s.name === 'AwaitApproval')).toBe(false);
  });

  it('refuses a /24 that onboard-cloudfront-byoip brought to CloudFront, naming the IPAM pool', async () => {
    const sim = exampleSim();
    const onboarded = await run(sim, 'onboard-cloudfront-byoip', exampleInput('onboard-cloudfront-byoip'));
    expect(onboarded.status).toBe('SUCCEEDED');
    const globalPool = (onboarded.output as { globalPoolId: string }).globalPoolId;
    const report = await run(sim, WF, exampleInput(WF, { cidrs: ['198.18.1.0/24'], accelerator: { ipAddresses: ['198.18.1.10'] } }));
    expect(report.error?.name).toBe('AwsRequestRejected');
    expect(errorMessage(report.error?.cause)).toMatch(
      new RegExp(`198\\.18\\.1\\.0/24 is already brought to AWS: 198\\.18\\.1\\.0/24 is provisioned in VPC IPAM pool ${globalPool} for CloudFront`),
    );
    expect(gaWorld(sim)).toEqual({ gaCidrs: [], accelerators: [] });
  });

  it("fails on FAILED_PROVISION with GA's reason (a ROA without AS16509); the same input succeeds once the ROA is fixed", async () => {
    const world = {
      registry: {
        prefixes: [{ cidr: '198.19.0.0/23', rdapCertificate: 'file:keys/customer-rdap-certificate.pem', roa: { asns: [14618, 64496], maxLength: 24 } }],
      },
    };
    const sim = exampleSim(world);
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('ResourceFailed');
    expect(errorMessage(report.error?.cause)).toMatch(
      /198\.19\.0\.0\/24 is FAILED_PROVISION in Global Accelerator .*: The ROA for 198\.19\.0\.0\/23 does not authorize Amazon ASN 16509/,
    );
    expect(callsOf(report, 'SendTaskSuccess')).toHaveLength(0);
    expect(gaWorld(sim)).toEqual({ gaCidrs: CIDRS.map((cidr) => `${cidr}:FAILED_PROVISION`), accelerators: [] });

    // The customer fixes the ROA; the same input, run again, provisions the failed ranges anew.
    registryPrefixFor(sim, '198.19.0.0/23')!.roa.asns = [16509, 14618];
    const again = await run(sim, WF, exampleInput(WF));
    expect(again.error).toBeNull();
    expect(callsOf(again, 'ProvisionByoipCidr')).toHaveLength(2);
  });

  it('keeps a range that was provisioned before this execution when rolling back', async () => {
    const sim = exampleSim({ globalAccelerator: { byoipCidrs: [{ account: '111122223333', cidr: '198.19.0.0/24', state: 'READY' }] } });
    const report = await run(sim, WF, exampleInput(WF, { onReject: 'undo-all' }), { approve: 'reject' });
    expect(report.error?.name).toBe('ApprovalRejected');
    expect(callsOf(report, 'ProvisionByoipCidr').map((c: any) => c.input.Cidr)).toEqual(['198.19.1.0/24']);
    expect(callsOf(report, 'DeprovisionByoipCidr').map((c: any) => c.input.Cidr)).toEqual(['198.19.1.0/24']);
    expect(gaWorld(sim).gaCidrs).toEqual(['198.19.0.0/24:READY']);
  });

  it('refuses the third range (two per account) as a quota, not as throttling', async () => {
    const sim = exampleSim({
      globalAccelerator: {
        byoipCidrs: [
          { account: '111122223333', cidr: '203.0.113.0/24' },
          { account: '111122223333', cidr: '198.51.100.0/24' },
        ],
      },
    });
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.error?.name).toBe('QuotaExceeded');
    expect(errorMessage(report.error?.cause)).toMatch(/up to 2 address ranges/);
    expect(gaWorld(sim).gaCidrs).toEqual(['198.51.100.0/24:READY', '203.0.113.0/24:READY']);
  });

  it('fails before provisioning when another accelerator already uses an address', async () => {
    const sim = exampleSim({
      globalAccelerator: {
        byoipCidrs: [{ account: '111122223333', cidr: '198.19.0.0/24', state: 'ADVERTISING' }],
        accelerators: [{ account: '111122223333', name: 'legacy', ipAddresses: ['198.19.0.10'] }],
      },
    });
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(/input\.accelerator\.ipAddresses\[0\]: 198\.19\.0\.10 is already used by accelerator legacy/);
    expect(callsOf(report, 'ProvisionByoipCidr')).toHaveLength(0);
  });

  it('absorbs throttling, and a lost CreateAccelerator response without creating a second accelerator', async () => {
    const sim = exampleSim();
    // Lost three times (the SDK's own retries repeat the token); the task's retry by Step Functions then finds the accelerator.
    for (const f of [
      'ListByoipCidrs=ThrottlingExceptionx4',
      'CreateAccelerator=InternalServiceErrorExceptionx3@after',
      'DescribeAccelerator=TransactionInProgressExceptionx2',
    ])
      sim.faults.add(f);
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.error).toBeNull();
    const create = callsOf(report, 'CreateAccelerator');
    expect(create.map((c) => [c.error?.name ?? null, c.effects?.includes('idempotent-repeat') ?? false])).toEqual([
      ['InternalServiceErrorException', false],
      ['InternalServiceErrorException', true],
      ['InternalServiceErrorException', true],
    ]);
    expect(report.states.find((s) => s.name === 'EnsureAccelerator')?.retries).toBe(1);
    expect(gaWorld(sim).accelerators).toHaveLength(1);
  });

  it("a response lost once is absorbed by the SDK's retry with the same token", async () => {
    const sim = exampleSim();
    sim.faults.add('CreateAccelerator=InternalServiceErrorExceptionx1@after');
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.error).toBeNull();
    expect(callsOf(report, 'CreateAccelerator').map((c) => c.error?.name ?? 'repeat')).toEqual(['InternalServiceErrorException', 'repeat']);
    expect(report.states.find((s) => s.name === 'EnsureAccelerator')?.retries ?? 0).toBe(0);
    expect(gaWorld(sim).accelerators).toHaveLength(1);
  });

  it.each([
    ['an IPv6 range', { cidrs: ['2001:db8::/48'] }, /input\.cidrs\[0\]: "2001:db8::\/48" is IPv6/],
    [
      'a /25',
      { cidrs: ['198.19.0.0/25', '198.19.1.0/24'] },
      /input\.cidrs\[0\]: "198\.19\.0\.0\/25" is a \/25; the most specific range Global Accelerator accepts is \/24/,
    ],
    [
      'three ranges',
      { cidrs: ['198.19.0.0/24', '198.19.1.0/24', '203.0.113.0/24'] },
      /input\.cidrs: Global Accelerator takes at most 2 BYOIP ranges per account/,
    ],
    [
      'two addresses from one range',
      { accelerator: { ipAddresses: ['198.19.0.10', '198.19.0.11'] } },
      /input\.accelerator\.ipAddresses\[1\]: 198\.19\.0\.11 and ipAddresses\[0\] are both in 198\.19\.0\.0\/24/,
    ],
    [
      'an address outside the ranges',
      { accelerator: { ipAddresses: ['192.0.2.10'] } },
      /input\.accelerator\.ipAddresses\[0\]: 192\.0\.2\.10 is not inside any of cidrs/,
    ],
    ['an address with /32', { accelerator: { ipAddresses: ['198.19.0.10/32'] } }, /without a \/32 suffix/],
    [
      'an ALB in another region',
      { accelerator: { endpointGroup: { region: 'eu-west-1' } } },
      /input\.accelerator\.endpointGroup\.endpoints\[0\]\.albArn: is in us-east-1, but endpointGroup\.region is eu-west-1/,
    ],
    ['an approval longer than 2 days', { approval: { timeoutSeconds: 7 * 86_400 } }, /input\.approval\.timeoutSeconds: must be at most 2 days/],
    ['a private range', { cidrs: ['10.1.0.0/24'], accelerator: { ipAddresses: ['10.1.0.10'] } }, /overlaps 10\.0\.0\.0\/8, private/],
  ])('rejects %s before any AWS call', async (_n, patch, message) => {
    const sim = exampleSim();
    const report = await run(sim, WF, exampleInput(WF, patch));
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(message);
    expect(report.awsCalls).toHaveLength(0);
  });

  it('checks signed messages before any AWS call, signatures too when the RDAP certificate is given', async () => {
    const now = new Date('2026-12-01T08:00:00Z');
    const one = await run(exampleSim(), WF, { ...exampleInput(WF), authorization: { messages: signedMessages(['198.19.0.0/24'], now) } });
    expect(errorMessage(one.error?.cause)).toMatch(/input\.authorization\.messages: has no message for 198\.19\.1\.0\/24/);
    expect(one.awsCalls).toHaveLength(0);
    const wrong = [...signedMessages(['198.19.0.0/24'], now), ...signedMessages(['198.19.1.0/24'], now, { key: WRONG_KEY })];
    const two = await run(exampleSim(), WF, { ...exampleInput(WF), authorization: { messages: wrong, certificatePem: CERTIFICATE } });
    expect(errorMessage(two.error?.cause)).toMatch(/input\.authorization\.messages\[1\]\.signature: does not verify against certificatePem/);
    expect(two.awsCalls).toHaveLength(0);
    const good = await run(exampleSim(), WF, { ...exampleInput(WF), authorization: { messages: signedMessages(CIDRS, now), certificatePem: CERTIFICATE } });
    expect(good.error).toBeNull();
    // The only secret read is the approval tasks' link key, never a signing key.
    expect(callsOf(good, 'GetSecretValue').filter((c) => (c.input as any).SecretId !== 'byoip-orchestrator/approval-link-key')).toHaveLength(0);
  });

  it('refuses to advertise or attach the addresses without a recorded approval (defense in depth)', async () => {
    const advertise = require('../../tasks/global-accelerator/advertise-byoip-cidrs').handler;
    const ensure = require('../../tasks/global-accelerator/ensure-accelerator').handler;
    await expect(advertise({ cidrs: CIDRS, approval: { approved: false } }, {} as never)).rejects.toMatchObject({ name: 'SafetyViolation' });
    await expect(
      ensure({ mode: 'create', arn: 'none', name: 'x', ipAddresses: IPS, migrationId: 'm', execution: { name: 'e', id: 'i' } }, {} as never),
    ).rejects.toMatchObject({ name: 'SafetyViolation' });
  });
});
