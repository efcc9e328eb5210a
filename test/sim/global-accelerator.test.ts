/**
 * The simulated Global Accelerator behaves like the real one where static-ip-byoip depends on it.
 * Calls go through the real SDK v3 client, as the tasks' do.
 */
import {
  AdvertiseByoipCidrCommand,
  CreateAcceleratorCommand,
  CreateEndpointGroupCommand,
  CreateListenerCommand,
  DeleteAcceleratorCommand,
  DeleteListenerCommand,
  DeprovisionByoipCidrCommand,
  DescribeAcceleratorCommand,
  GlobalAcceleratorClient,
  ListByoipCidrsCommand,
  ProvisionByoipCidrCommand,
  UpdateAcceleratorCommand,
  WithdrawByoipCidrCommand,
  AcceleratorNotDisabledException,
} from '@aws-sdk/client-global-accelerator';
import { client } from '../../platform/aws';
import type { Simulator } from '../../sim';
import { exampleSim, signedMessages, WRONG_KEY, within } from '../support/world';

const ALB = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/partner-api/0123456789abcdef';

const ga = (region = 'us-west-2') => client(GlobalAcceleratorClient, { region });
const state = async (cidr: string) => (await ga().send(new ListByoipCidrsCommand({}))).ByoipCidrs?.find((c) => c.Cidr === cidr)?.State;

async function provision(_sim: Simulator, cidr: string, key?: string) {
  const [auth] = signedMessages([cidr], new Date(Date.now()), { key });
  return ga().send(new ProvisionByoipCidrCommand({ Cidr: cidr, CidrAuthorizationContext: { Message: auth.message, Signature: auth.signature } }));
}

/** Both example ranges provisioned and advertised. */
const advertised = {
  globalAccelerator: {
    byoipCidrs: [
      { account: '111122223333', cidr: '198.19.0.0/24', state: 'ADVERTISING' },
      { account: '111122223333', cidr: '198.19.1.0/24', state: 'ADVERTISING' },
    ],
  },
};

describe('simulated Global Accelerator', () => {
  it('answers only in us-west-2, like the real endpoint', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await expect(ga('us-east-1').send(new ListByoipCidrsCommand({}))).rejects.toMatchObject({
        code: 'ENOTFOUND',
        message: expect.stringMatching(/globalaccelerator\.us-east-1\.amazonaws\.com.*only in us-west-2/),
      });
      await expect(ga().send(new ListByoipCidrsCommand({}))).resolves.toMatchObject({ ByoipCidrs: [] });
    });
  });

  it('provisions a signed range after the modelled delay: PENDING_PROVISIONING → READY → (advertise) → ADVERTISING', async () => {
    const sim = exampleSim({ timings: { gaByoipProvision: 7200, gaAdvertise: 120 } });
    await within(sim, async () => {
      expect((await provision(sim, '198.19.0.0/24')).ByoipCidr?.State).toBe('PENDING_PROVISIONING');
      await expect(ga().send(new AdvertiseByoipCidrCommand({ Cidr: '198.19.0.0/24' }))).rejects.toMatchObject({ name: 'IncorrectCidrStateException' });
      await sim.clock.sleep(7199_000);
      expect(await state('198.19.0.0/24')).toBe('PENDING_PROVISIONING');
      await sim.clock.sleep(1000);
      expect(await state('198.19.0.0/24')).toBe('READY');
      expect((await ga().send(new AdvertiseByoipCidrCommand({ Cidr: '198.19.0.0/24' }))).ByoipCidr?.State).toBe('PENDING_ADVERTISING');
      await sim.clock.sleep(120_000);
      expect(await state('198.19.0.0/24')).toBe('ADVERTISING');
    });
  });

  it("ends in FAILED_PROVISION with the reason in the events when the signature is not the RDAP key's", async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await provision(sim, '198.19.0.0/24', WRONG_KEY);
      await sim.clock.sleep(86_400_000);
      const c = (await ga().send(new ListByoipCidrsCommand({}))).ByoipCidrs![0];
      expect(c.State).toBe('FAILED_PROVISION');
      expect(c.Events!.at(-1)?.Message).toMatch(/signature .* could not be verified against the X\.509 certificate in the RDAP record of 198\.19\.0\.0\/23/);
    });
  });

  it('refuses at once what AWS refuses synchronously: a /25, an expired message, a third range', async () => {
    const sim = exampleSim({ globalAccelerator: { byoipCidrs: [{ account: '111122223333', cidr: '203.0.113.0/24' }] } });
    await within(sim, async () => {
      await expect(provision(sim, '198.19.0.0/25')).rejects.toMatchObject({
        name: 'InvalidArgumentException',
        message: expect.stringMatching(/most specific IP prefix .* \/24/),
      });
      const [old] = signedMessages(['198.19.0.0/24'], new Date(Date.now() - 90 * 86_400_000), { days: 30 });
      await expect(
        ga().send(new ProvisionByoipCidrCommand({ Cidr: '198.19.0.0/24', CidrAuthorizationContext: { Message: old.message, Signature: old.signature } })),
      ).rejects.toMatchObject({ name: 'InvalidArgumentException', message: expect.stringMatching(/expired/) });
      await provision(sim, '198.19.0.0/24');
      // LimitExceededException: the SDK retries it as throttling, then gives up with the same error.
      await expect(provision(sim, '198.19.1.0/24')).rejects.toMatchObject({
        name: 'LimitExceededException',
        message: expect.stringMatching(/up to 2 address ranges/),
      });
    });
  });

  it('refuses a range that is already brought to AWS through VPC IPAM (one range, one service)', async () => {
    const sim = exampleSim({ ipam: { pools: [{ ipamPoolId: 'ipam-pool-0ec2', ipamId: 'ipam-0a1b2c3d4e5f60001', cidrs: [{ cidr: '198.19.0.0/23' }] }] } });
    await within(sim, async () => {
      await expect(provision(sim, '198.19.1.0/24')).rejects.toMatchObject({
        name: 'InvalidArgumentException',
        message: expect.stringMatching(
          /198\.19\.0\.0\/23 is provisioned in VPC IPAM pool ipam-pool-0ec2 for Amazon EC2\. You can't use the IP addresses that you bring to AWS for one AWS service with another service/,
        ),
      });
    });
  });

  it("assigns BYOIP addresses only from ADVERTISING ranges, one per range, the second from Amazon's pool", async () => {
    const sim = exampleSim({
      globalAccelerator: { byoipCidrs: [...advertised.globalAccelerator.byoipCidrs, { account: '111122223333', cidr: '203.0.113.0/24', state: 'READY' }] },
    });
    await within(sim, async () => {
      await expect(ga().send(new CreateAcceleratorCommand({ Name: 'a', IpAddresses: ['203.0.113.5'] }))).rejects.toMatchObject({
        name: 'InvalidArgumentException',
        message: expect.stringMatching(/203\.0\.113\.0\/24 is READY; it must be ADVERTISING/),
      });
      await expect(ga().send(new CreateAcceleratorCommand({ Name: 'a', IpAddresses: ['198.19.0.5', '198.19.0.6'] }))).rejects.toMatchObject({
        message: expect.stringMatching(/one IP address from each address range/),
      });
      await expect(ga().send(new CreateAcceleratorCommand({ Name: 'a', IpAddresses: ['192.0.2.1'] }))).rejects.toMatchObject({
        message: expect.stringMatching(/not in an address pool that you brought/),
      });
      const a = (await ga().send(new CreateAcceleratorCommand({ Name: 'a', IpAddresses: ['198.19.0.5'] }))).Accelerator!;
      expect(a.Status).toBe('IN_PROGRESS');
      const ips = a.IpSets![0].IpAddresses!;
      expect(ips[0]).toBe('198.19.0.5');
      expect(ips[1]).toMatch(/^99\.83\./);
      await expect(ga().send(new CreateAcceleratorCommand({ Name: 'b', IpAddresses: ['198.19.0.5'] }))).rejects.toMatchObject({
        message: expect.stringMatching(/already in use by accelerator/),
      });
      await sim.clock.sleep(120_000);
      expect((await ga().send(new DescribeAcceleratorCommand({ AcceleratorArn: a.AcceleratorArn }))).Accelerator?.Status).toBe('DEPLOYED');
    });
  });

  it("lets Amazon's replaced addresses come back for 10 days, not after", async () => {
    const sim = exampleSim(advertised);
    await within(sim, async () => {
      const a = (await ga().send(new CreateAcceleratorCommand({ Name: 'amazon' }))).Accelerator!;
      const amazon = a.IpSets![0].IpAddresses!;
      await ga().send(new UpdateAcceleratorCommand({ AcceleratorArn: a.AcceleratorArn, IpAddresses: ['198.19.0.10', '198.19.1.10'] }));
      await sim.clock.sleep(9 * 86_400_000);
      const back = await ga().send(new UpdateAcceleratorCommand({ AcceleratorArn: a.AcceleratorArn, IpAddresses: amazon }));
      expect(back.Accelerator?.IpSets?.[0].IpAddresses).toEqual(amazon);
      await ga().send(new UpdateAcceleratorCommand({ AcceleratorArn: a.AcceleratorArn, IpAddresses: ['198.19.0.10', '198.19.1.10'] }));
      await sim.clock.sleep(11 * 86_400_000);
      await expect(ga().send(new UpdateAcceleratorCommand({ AcceleratorArn: a.AcceleratorArn, IpAddresses: amazon }))).rejects.toMatchObject({
        name: 'InvalidArgumentException',
        message: expect.stringMatching(/more than 10 days ago .* returned to the Amazon IP address pool/),
      });
    });
  });

  it('deletes an accelerator only without listeners, disabled and deployed; frees its range only when gone', async () => {
    const sim = exampleSim(advertised); // the example world's elbv2 has the partner API's ALB
    await within(sim, async () => {
      const arn = (await ga().send(new CreateAcceleratorCommand({ Name: 'a', IpAddresses: ['198.19.0.10'] }))).Accelerator!.AcceleratorArn!;
      const listener = (await ga().send(new CreateListenerCommand({ AcceleratorArn: arn, Protocol: 'TCP', PortRanges: [{ FromPort: 443, ToPort: 443 }] })))
        .Listener!;
      await expect(
        ga().send(new CreateListenerCommand({ AcceleratorArn: arn, Protocol: 'TCP', PortRanges: [{ FromPort: 400, ToPort: 500 }] })),
      ).rejects.toMatchObject({ name: 'InvalidPortRangeException' });
      await expect(
        ga().send(
          new CreateEndpointGroupCommand({
            ListenerArn: listener.ListenerArn,
            EndpointGroupRegion: 'eu-west-1',
            EndpointConfigurations: [{ EndpointId: ALB }],
          }),
        ),
      ).rejects.toMatchObject({ message: expect.stringMatching(/is in us-east-1, not in the endpoint group's Region eu-west-1/) });
      await ga().send(
        new CreateEndpointGroupCommand({ ListenerArn: listener.ListenerArn, EndpointGroupRegion: 'us-east-1', EndpointConfigurations: [{ EndpointId: ALB }] }),
      );
      await expect(ga().send(new WithdrawByoipCidrCommand({ Cidr: '198.19.0.0/24' }))).rejects.toMatchObject({
        name: 'IncorrectCidrStateException',
        message: expect.stringMatching(/used by accelerator/),
      });
      await expect(ga().send(new DeleteListenerCommand({ ListenerArn: listener.ListenerArn }))).rejects.toMatchObject({
        name: 'AssociatedEndpointGroupFoundException',
      });
      await expect(ga().send(new DeleteAcceleratorCommand({ AcceleratorArn: arn }))).rejects.toMatchObject({ name: 'AssociatedListenerFoundException' });
      const { DeleteEndpointGroupCommand, ListEndpointGroupsCommand } = await import('@aws-sdk/client-global-accelerator');
      const [group] = (await ga().send(new ListEndpointGroupsCommand({ ListenerArn: listener.ListenerArn }))).EndpointGroups!;
      await ga().send(new DeleteEndpointGroupCommand({ EndpointGroupArn: group.EndpointGroupArn }));
      await ga().send(new DeleteListenerCommand({ ListenerArn: listener.ListenerArn }));
      await sim.clock.sleep(120_000);
      await expect(ga().send(new DeleteAcceleratorCommand({ AcceleratorArn: arn }))).rejects.toBeInstanceOf(AcceleratorNotDisabledException);
      await ga().send(new UpdateAcceleratorCommand({ AcceleratorArn: arn, Enabled: false }));
      await expect(ga().send(new DeleteAcceleratorCommand({ AcceleratorArn: arn }))).rejects.toMatchObject({
        message: expect.stringMatching(/Status IN_PROGRESS/),
      });
      await sim.clock.sleep(120_000);
      await ga().send(new DeleteAcceleratorCommand({ AcceleratorArn: arn }));
      await expect(ga().send(new WithdrawByoipCidrCommand({ Cidr: '198.19.0.0/24' }))).rejects.toMatchObject({ name: 'IncorrectCidrStateException' });
      await sim.clock.sleep(120_000);
      await expect(ga().send(new DescribeAcceleratorCommand({ AcceleratorArn: arn }))).rejects.toMatchObject({ name: 'AcceleratorNotFoundException' });
      expect((await ga().send(new WithdrawByoipCidrCommand({ Cidr: '198.19.0.0/24' }))).ByoipCidr?.State).toBe('PENDING_WITHDRAWING');
    });
  });

  it('allows one withdrawal per 10 s per account, and deprovisioning only once withdrawn', async () => {
    const sim = exampleSim(advertised);
    await within(sim, async () => {
      await ga().send(new WithdrawByoipCidrCommand({ Cidr: '198.19.0.0/24' }));
      await expect(ga().send(new DeprovisionByoipCidrCommand({ Cidr: '198.19.1.0/24' }))).rejects.toMatchObject({
        name: 'IncorrectCidrStateException',
        message: expect.stringMatching(/stop advertising/),
      });
      // The SDK retries ThrottlingException itself; its back-off (< 10 s in total here) is not enough.
      await expect(ga().send(new WithdrawByoipCidrCommand({ Cidr: '198.19.1.0/24' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
      await sim.clock.sleep(10_000);
      await ga().send(new WithdrawByoipCidrCommand({ Cidr: '198.19.1.0/24' }));
      await sim.clock.sleep(180_000);
      expect((await ga().send(new DeprovisionByoipCidrCommand({ Cidr: '198.19.1.0/24' }))).ByoipCidr?.State).toBe('PENDING_DEPROVISIONING');
      await sim.clock.sleep(600_000);
      expect(await state('198.19.1.0/24')).toBeUndefined();
    });
  });
});
