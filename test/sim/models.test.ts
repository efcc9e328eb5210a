/**
 * The simulated AWS behaves like the real one where the workflows depend on it. Calls go through
 * the real SDK v3 clients (the same path the tasks use).
 */
import {
  CloudFrontClient,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
  CreateAnycastIpListCommand,
  PreconditionFailed,
} from '@aws-sdk/client-cloudfront';
import {
  AdvertiseByoipCidrCommand,
  CreateIpamPoolCommand,
  DescribeByoipCidrsCommand,
  EC2Client,
  GetIpamPoolCidrsCommand,
  ProvisionIpamPoolCidrCommand,
} from '@aws-sdk/client-ec2';
import { ChangeResourceRecordSetsCommand, GetChangeCommand, Route53Client } from '@aws-sdk/client-route-53';
import { client } from '../../platform/aws';
import { toWorkflowError } from '../../platform/sdk-errors';
import { awsError } from '../../sim/aws-error';
import { isMutating, throttlingErrorFor } from '../../sim/simulator';
import type { Simulator } from '../../sim';
import { exampleSim, signedMessages, WRONG_KEY, within } from '../support/world';

const REGION = 'us-east-1';

const ec2 = () => client(EC2Client, { region: REGION });
const cf = () => client(CloudFrontClient, { region: REGION });

describe('simulated EC2 / IPAM', () => {
  it('requires MaxResults on DescribeByoipCidrs, as the API does', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await expect(ec2().send(new DescribeByoipCidrsCommand({} as never))).rejects.toMatchObject({ name: 'MissingParameter' });
      await expect(ec2().send(new DescribeByoipCidrsCommand({ MaxResults: 10 }))).resolves.toMatchObject({ ByoipCidrs: [] });
    });
    expect(sim.calls.map((c) => c.operation)).toEqual(['DescribeByoipCidrs', 'DescribeByoipCidrs']);
    expect(sim.calls[0]).toMatchObject({ account: '111122223333', region: REGION, error: { name: 'MissingParameter' } });
  });

  async function topLevelPool(sim: Simulator) {
    const pool = (await ec2().send(new CreateIpamPoolCommand({ IpamScopeId: 'ipam-scope-0a1b2c3d4e5fpub1', AddressFamily: 'ipv4' }))).IpamPool!;
    await sim.clock.sleep(60_000);
    return pool.IpamPoolId!;
  }

  it('provisions a signed CIDR after the modelled delay (pending-provision → provisioned)', async () => {
    const sim = exampleSim({ timings: { byoipProvision: 7200 } });
    await within(sim, async () => {
      const poolId = await topLevelPool(sim);
      const [auth] = signedMessages(['198.18.0.0/22'], new Date(Date.now()));
      await ec2().send(
        new ProvisionIpamPoolCidrCommand({
          IpamPoolId: poolId,
          Cidr: '198.18.0.0/22',
          CidrAuthorizationContext: { Message: auth.message, Signature: auth.signature },
        }),
      );
      const state = async () => (await ec2().send(new GetIpamPoolCidrsCommand({ IpamPoolId: poolId }))).IpamPoolCidrs![0].State;
      expect(await state()).toBe('pending-provision');
      await sim.clock.sleep(7199_000);
      expect(await state()).toBe('pending-provision');
      await sim.clock.sleep(1000);
      expect(await state()).toBe('provisioned');
    });
  });

  it("fails provisioning when the signature is not from the RDAP certificate's key", async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      const poolId = await topLevelPool(sim);
      const [auth] = signedMessages(['198.18.0.0/22'], new Date(Date.now()), { key: WRONG_KEY });
      await ec2().send(
        new ProvisionIpamPoolCidrCommand({
          IpamPoolId: poolId,
          Cidr: '198.18.0.0/22',
          CidrAuthorizationContext: { Message: auth.message, Signature: auth.signature },
        }),
      );
      await sim.clock.sleep(86_400_000);
      const cidr = (await ec2().send(new GetIpamPoolCidrsCommand({ IpamPoolId: poolId }))).IpamPoolCidrs![0];
      expect(cidr).toMatchObject({ State: 'failed-provision', FailureReason: { Message: expect.stringMatching(/signature .* could not be verified/) } });
    });
  });

  it('rejects an expired or mismatched message at once', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      const poolId = await topLevelPool(sim);
      const [expired] = signedMessages(['198.18.0.0/22'], new Date(Date.now() - 90 * 86_400_000), { days: 30 });
      await expect(
        ec2().send(
          new ProvisionIpamPoolCidrCommand({
            IpamPoolId: poolId,
            Cidr: '198.18.0.0/22',
            CidrAuthorizationContext: { Message: expired.message, Signature: expired.signature },
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringMatching(/expired/) });
      const [other] = signedMessages(['198.18.0.0/23'], new Date(Date.now()));
      await expect(
        ec2().send(
          new ProvisionIpamPoolCidrCommand({
            IpamPoolId: poolId,
            Cidr: '198.18.0.0/22',
            CidrAuthorizationContext: { Message: other.message, Signature: other.signature },
          }),
        ),
      ).rejects.toMatchObject({ message: expect.stringMatching(/names 198\.18\.0\.0\/23/) });
    });
  });

  it('allows one Advertise/Withdraw per 10 seconds per account, even for different CIDRs', async () => {
    const sim = exampleSim({
      ipam: {
        pools: [
          { ipamPoolId: 'ipam-pool-0top', ipamId: 'ipam-0a1b2c3d4e5f60001', cidrs: [{ cidr: '198.18.0.0/22' }] },
          {
            ipamPoolId: 'ipam-pool-0glb',
            ipamId: 'ipam-0a1b2c3d4e5f60001',
            sourceIpamPoolId: 'ipam-pool-0top',
            awsService: 'global-services',
            cidrs: [{ cidr: '198.18.0.0/24' }, { cidr: '198.18.1.0/24' }],
          },
        ],
      },
    });
    const noRetry = () => client(EC2Client, { region: REGION });
    await within(sim, async () => {
      await noRetry().send(new AdvertiseByoipCidrCommand({ Cidr: '198.18.0.0/24' }));
      const t = Date.now();
      // The SDK retries throttling itself; its back-off (< 10 s in total here) is not enough.
      await expect(noRetry().send(new AdvertiseByoipCidrCommand({ Cidr: '198.18.1.0/24' }))).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
      expect(Date.now() - t).toBeLessThan(10_000);
      await sim.clock.sleep(10_000);
      await expect(noRetry().send(new AdvertiseByoipCidrCommand({ Cidr: '198.18.1.0/24' }))).resolves.toMatchObject({
        ByoipCidr: { State: 'pending-advertising' },
      });
    });
    expect(sim.calls.filter((c) => c.operation === 'AdvertiseByoipCidr' && c.error).length).toBeGreaterThanOrEqual(2);
  });
});

describe('simulated CloudFront', () => {
  it("refuses a stale ETag with PreconditionFailed (the SDK's own exception class)", async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      const first = await cf().send(new GetDistributionConfigCommand({ Id: 'E1EXAMPLEAPI01' }));
      await cf().send(
        new UpdateDistributionCommand({ Id: 'E1EXAMPLEAPI01', IfMatch: first.ETag, DistributionConfig: { ...first.DistributionConfig!, Comment: 'one' } }),
      );
      const stale = cf().send(
        new UpdateDistributionCommand({ Id: 'E1EXAMPLEAPI01', IfMatch: first.ETag, DistributionConfig: { ...first.DistributionConfig!, Comment: 'two' } }),
      );
      await expect(stale).rejects.toBeInstanceOf(PreconditionFailed);
      await expect(stale).rejects.toMatchObject({ name: 'PreconditionFailed', $fault: 'client', $metadata: { httpStatusCode: 412 } });
    });
  });

  it('keeps the anycast list quota at 0 unless the world raises it', async () => {
    const sim = exampleSim({ accounts: [{ id: '111122223333', quotas: {} }] });
    await within(sim, async () => {
      await expect(cf().send(new CreateAnycastIpListCommand({ Name: 'x', IpCount: 3 }))).rejects.toMatchObject({ name: 'EntityLimitExceeded' });
    });
  });
});

describe('simulated Route 53', () => {
  it('validates change batches and moves changes PENDING → INSYNC', async () => {
    const sim = exampleSim({ timings: { dnsInsync: 45 } });
    const r53 = () => client(Route53Client, { region: REGION });
    await within(sim, async () => {
      await expect(
        r53().send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: 'Z0EXAMPLE000001',
            ChangeBatch: {
              Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: 'api.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] } }],
            },
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidChangeBatch', message: expect.stringMatching(/already exists/) });
      const change = await r53().send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: 'Z0EXAMPLE000001',
          ChangeBatch: {
            Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'api.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] } }],
          },
        }),
      );
      expect(change.ChangeInfo?.Status).toBe('PENDING');
      await sim.clock.sleep(44_000);
      expect((await r53().send(new GetChangeCommand({ Id: change.ChangeInfo!.Id }))).ChangeInfo?.Status).toBe('PENDING');
      await sim.clock.sleep(1_000);
      expect((await r53().send(new GetChangeCommand({ Id: change.ChangeInfo!.Id }))).ChangeInfo?.Status).toBe('INSYNC');
    });
  });
});

describe('which calls change state (the sweep loses only their responses, the throttle buckets count them as writes)', () => {
  it('counts DynamoDB transactions and batch writes as changes, reads as reads', () => {
    expect(['TransactWriteItems', 'BatchWriteItem', 'PutItem', 'UpdateItem', 'ProvisionIpamPoolCidr'].filter((op) => !isMutating(op))).toEqual([]);
    expect(['TransactGetItems', 'GetItem', 'Query', 'DescribeByoipCidrs', 'ListVpcOrigins'].filter(isMutating)).toEqual([]);
  });
});

describe('throttling names', () => {
  it('the simulator throttles with names the error mapper retries as AwsThrottled', () => {
    for (const service of ['EC2', 'CloudFront', 'Route53', 'DynamoDB', 'RAM', 'GlobalAccelerator']) {
      expect(toWorkflowError(awsError(throttlingErrorFor(service), 'Rate exceeded')).name).toBe('AwsThrottled');
    }
    expect(toWorkflowError(awsError('TransactionInProgressException', 'in progress')).name).toBe('AwsThrottled');
  });
});
