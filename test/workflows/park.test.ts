/**
 * Rejection parks (issue #16): a rejected or expired onboarding keeps the provisioned pools and CIDRs
 * (hours to a week of provisioning) and undoes only what is cheap to redo; the same input later resumes
 * without provisioning again; teardown removes a parked migration; "undo-all" undoes everything.
 */
import { operatorView, viewDifferences } from '../../runner/world-view';
import { callsOf, exampleInput, exampleSim, run, semanticWorld } from '../support/world';

const WF = 'onboard-cloudfront-byoip';

describe('a rejected onboarding parks', () => {
  it('keeps the provisioned pools and CIDRs, undoes DNS TTLs, distribution settings, the anycast list and the leases, and ends Parked', async () => {
    const sim = exampleSim();
    const before = operatorView(sim);
    const report = await run(sim, WF, exampleInput(), { approve: 'reject' });
    expect(report.status).toBe('SUCCEEDED');
    expect(report.output).toMatchObject({
      status: 'Parked',
      migrationId: 'example-corp-edge',
      kept: { topLevelPoolId: expect.any(String), globalPoolId: expect.any(String) },
      rejection: { Error: 'ApprovalRejected' },
    });
    const after = operatorView(sim);
    // Only IPAM differs from before: the pools and their provisioned CIDRs stay, provisioned, not advertised.
    expect(viewDifferences(before, after).sort()).toEqual(['byoip', 'poolCidrs', 'pools']);
    expect(after.byoip.map((b: { state: string }) => b.state)).toEqual(['provisioned', 'provisioned', 'provisioned']);
    expect(after.poolCidrs.filter((c: string) => c.endsWith(':provisioned')).length).toBeGreaterThanOrEqual(4);
    expect(callsOf(report, 'AdvertiseByoipCidr')).toHaveLength(0);
    expect(callsOf(report, 'DeprovisionIpamPoolCidr')).toHaveLength(0);
    expect(callsOf(report, 'DeleteIpamPool')).toHaveLength(0);
    expect(callsOf(report, 'DeleteAnycastIpList')).toHaveLength(1);
  });

  it('an expired approval parks the same way', async () => {
    const sim = exampleSim();
    const report = await run(sim, WF, exampleInput(WF, { approval: { timeoutSeconds: 3600 } }), { approve: 'none' });
    expect(report.status).toBe('SUCCEEDED');
    expect(report.output).toMatchObject({ status: 'Parked', rejection: { Error: 'ApprovalRejected' } });
    expect(callsOf(report, 'DeleteIpamPool')).toHaveLength(0);
  });

  it('the same input later resumes to the advertisement without provisioning again', async () => {
    const sim = exampleSim();
    await run(sim, WF, exampleInput(), { approve: 'reject' });
    sim.clock.advance(86_400_000);
    const again = await run(sim, WF, exampleInput());
    expect(again.status).toBe('SUCCEEDED');
    expect(callsOf(again, 'ProvisionIpamPoolCidr')).toHaveLength(0);
    expect(callsOf(again, 'CreateIpamPool')).toHaveLength(0);
    expect(callsOf(again, 'AdvertiseByoipCidr')).toHaveLength(3);
  });

  it('teardown-cloudfront-byoip removes a parked migration', async () => {
    const sim = exampleSim();
    const before = operatorView(sim);
    await run(sim, WF, exampleInput(), { approve: 'reject' });
    const teardown = await run(sim, 'teardown-cloudfront-byoip', exampleInput('teardown-cloudfront-byoip'));
    expect(teardown.status).toBe('SUCCEEDED');
    expect(callsOf(teardown, 'WithdrawByoipCidr')).toHaveLength(0);
    expect(viewDifferences(before, operatorView(sim))).toEqual([]);
  });

  it('onReject "undo-all" undoes everything and fails with ApprovalRejected', async () => {
    const sim = exampleSim();
    const before = operatorView(sim);
    const report = await run(sim, WF, exampleInput(WF, { onReject: 'undo-all' }), { approve: 'reject' });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('ApprovalRejected');
    expect(viewDifferences(before, operatorView(sim))).toEqual([]);
  });

  it('refuses a misspelt onReject before any AWS call', async () => {
    const sim = exampleSim();
    const report = await run(sim, WF, exampleInput(WF, { onReject: 'undo' }));
    expect(report.error?.name).toBe('InputInvalid');
    expect(report.error?.cause).toMatch(/onReject/);
    expect(report.awsCalls.filter((c) => !['SecretsManager', 'DynamoDB'].includes(c.service))).toEqual([]);
  });
});

describe('what the approval showed must still hold when it is given', () => {
  it('a DNS record changed while the approval waited: nothing is advertised, the migration parks naming the record, a new run asks again', async () => {
    const sim = exampleSim();
    const report = await run(sim, WF, exampleInput(), {
      approve: async (req) => {
        // Someone repoints www while the approvers read the plan.
        await sim.call({
          service: 'Route53',
          operation: 'ChangeResourceRecordSets',
          account: '111122223333',
          region: 'us-east-1',
          input: {
            HostedZoneId: 'Z0EXAMPLE000001',
            ChangeBatch: {
              Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'www.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.99' }] } }],
            },
          },
        });
        await req.approve();
      },
    });
    expect(report.output).toMatchObject({ status: 'Parked', rejection: { Error: 'PlanChanged' } });
    expect((report.output as any).rejection.Cause).toMatch(
      /changed since the plan was approved: www\.example\.com\. A now answers 192\.0\.2\.99 \(the plan had 198\.18\.1\.20\)/,
    );
    expect(callsOf(report, 'AdvertiseByoipCidr')).toHaveLength(0);
    expect(report.states.some((s) => s.name === 'PointOfNoReturn')).toBe(false);
    // The rollback leaves the other person's record alone (and says so); api, which only this run touched, is restored.
    const zone = semanticWorld(sim).dns[0].records;
    expect(zone.find((r: any) => r.Name === 'www.example.com.')).toMatchObject({ TTL: 60, ResourceRecords: [{ Value: '192.0.2.99' }] });
    expect(zone.find((r: any) => r.Name === 'api.example.com.')).toMatchObject({ TTL: 3600, ResourceRecords: [{ Value: '198.18.0.10' }] });
    expect(JSON.stringify((report.output as any).undone)).toMatch(
      /changed by someone else meanwhile, left as it is: www\.example\.com\. A \(now 192\.0\.2\.99\)/,
    );
    // Asked again: a new run plans from what is there now and reaches the approval.
    const again = await run(sim, WF, exampleInput());
    expect(again.status).toBe('SUCCEEDED');
    expect(again.approvals[0].plan?.changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'dns', target: 'www.example.com. A (Z0EXAMPLE000001)', from: '192.0.2.99 TTL 60' })]),
    );
  });
});
