/**
 * The simulated BYOASN APIs behave like AWS's where the workflows depend on it: provisioning checked
 * against the ASN's RDAP certificate, the 5-ASN quota, associations checked against the ROA, the
 * cleanup order, and the once-per-hour AWS → custom origin rule. Calls go through the real SDK client.
 */
import {
  AdvertiseByoipCidrCommand,
  AssociateIpamByoasnCommand,
  DeprovisionIpamByoasnCommand,
  DeprovisionIpamPoolCidrCommand,
  DescribeByoipCidrsCommand,
  DescribeIpamByoasnCommand,
  DisassociateIpamByoasnCommand,
  EC2Client,
  ProvisionIpamByoasnCommand,
  WithdrawByoipCidrCommand,
} from '@aws-sdk/client-ec2';
import { client } from '../../platform/aws';
import { byoasnSim, CIDR_A, CIDR_B, REGIONAL_POOL, signedAsnMessage } from '../support/byoasn';
import { WRONG_KEY, within } from '../support/world';

const REGION = 'us-east-1';
const IPAM = 'ipam-0a1b2c3d4e5f60001';
const ec2 = () => client(EC2Client, { region: REGION });

const asnState = async (asn: string) => (await ec2().send(new DescribeIpamByoasnCommand({}))).Byoasns?.find((a) => a.Asn === asn);
const cidr = async (c: string) => (await ec2().send(new DescribeByoipCidrsCommand({ MaxResults: 10 }))).ByoipCidrs?.find((b) => b.Cidr === c);
const provision = (asn: string, auth = signedAsnMessage(asn, new Date(Date.now()))) =>
  ec2().send(new ProvisionIpamByoasnCommand({ IpamId: IPAM, Asn: asn, AsnAuthorizationContext: { Message: auth.message, Signature: auth.signature } }));

describe('simulated BYOASN', () => {
  it('provisions a signed ASN after a few minutes (pending-provision → provisioned)', async () => {
    const sim = byoasnSim({ timings: { byoasnProvision: 300 } });
    await within(sim, async () => {
      await expect(provision('64496')).resolves.toMatchObject({ Byoasn: { Asn: '64496', State: 'pending-provision' } });
      await sim.clock.sleep(299_000);
      expect((await asnState('64496'))?.State).toBe('pending-provision');
      await sim.clock.sleep(1_000);
      expect(await asnState('64496')).toMatchObject({ State: 'provisioned', IpamId: IPAM });
      await expect(provision('64496')).resolves.toMatchObject({ Byoasn: { State: 'provisioned' } }); // idempotent
    });
  });

  it("fails provisioning when the signature is not from the key in the ASN's RDAP record, and drops the record after 7 days", async () => {
    const sim = byoasnSim();
    await within(sim, async () => {
      await provision('64496', signedAsnMessage('64496', new Date(Date.now()), { key: WRONG_KEY }));
      await sim.clock.sleep(3600_000);
      expect(await asnState('64496')).toMatchObject({
        State: 'failed-provision',
        StatusMessage: expect.stringMatching(/could not be verified against the X\.509 certificate in the RDAP record of AS64496/),
      });
      await sim.clock.sleep(7 * 86_400_000);
      expect(await asnState('64496')).toBeUndefined();
    });
  });

  it('refuses bad ASNs and messages at once', async () => {
    const sim = byoasnSim();
    await within(sim, async () => {
      await expect(provision('23456')).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringMatching(/AS_TRANS/) });
      await expect(provision('64512')).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringMatching(/private use/) });
      const expired = signedAsnMessage('64496', new Date(Date.now() - 90 * 86_400_000));
      await expect(provision('64496', expired)).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringMatching(/expired/) });
      await expect(provision('64496', signedAsnMessage('64497', new Date(Date.now())))).rejects.toMatchObject({
        message: expect.stringMatching(/names 64497, but the request provisions 64496/),
      });
    });
  });

  it('refuses an ASN that another IPAM of the account already holds', async () => {
    const ipams = [
      { ipamId: IPAM, account: '111122223333', region: REGION, publicScopeId: 'ipam-scope-0a1b2c3d4e5fpub1', privateScopeId: 'ipam-scope-0a1b2c3d4e5fprv1' },
      {
        ipamId: 'ipam-0a1b2c3d4e5f60002',
        account: '111122223333',
        region: REGION,
        publicScopeId: 'ipam-scope-0a1b2c3d4e5fpub2',
        privateScopeId: 'ipam-scope-0a1b2c3d4e5fprv2',
      },
    ];
    const sim = byoasnSim({ ipam: { ipams } });
    await within(sim, async () => {
      const auth = signedAsnMessage('64497', new Date(Date.now()));
      await expect(
        ec2().send(
          new ProvisionIpamByoasnCommand({
            IpamId: 'ipam-0a1b2c3d4e5f60002',
            Asn: '64497',
            AsnAuthorizationContext: { Message: auth.message, Signature: auth.signature },
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringMatching(/already provisioned to IPAM ipam-0a1b2c3d4e5f60001/) });
    });
  });

  it('keeps to 5 BYOASNs per IPAM unless the quota is raised', async () => {
    const asns = ['64496', '64498', '64499', '64500', '64501'];
    const sim = byoasnSim();
    await within(sim, async () => {
      for (const asn of asns.slice(0, 4)) await provision(asn); // AS64497 is already there
      await expect(provision('64502')).rejects.toMatchObject({ name: 'ResourceLimitExceeded', message: expect.stringMatching(/limit of 5 BYOASNs/) });
    });
    const raised = byoasnSim({ accounts: [{ id: '111122223333', quotas: { byoasns: 6 } }] });
    await within(raised, async () => {
      for (const asn of [...asns.slice(0, 4), '64502']) await provision(asn);
    });
  });

  it('associates only a provisioned ASN with a regional EC2-pool CIDR whose ROA names it', async () => {
    const rdap = 'file:keys/customer-rdap-certificate.pem';
    const sim = byoasnSim({
      registry: {
        asns: [
          { asn: '64496', rdapCertificate: rdap },
          { asn: '64510', rdapCertificate: rdap },
        ],
      },
    });
    await within(sim, async () => {
      await expect(ec2().send(new AssociateIpamByoasnCommand({ Asn: '64496', Cidr: CIDR_A }))).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: expect.stringMatching(/not a provisioned BYOASN/),
      });
      await provision('64496');
      await provision('64510');
      await sim.clock.sleep(600_000);
      await expect(ec2().send(new AssociateIpamByoasnCommand({ Asn: '64496', Cidr: CIDR_A }))).resolves.toMatchObject({
        AsnAssociation: { State: 'pending-association' },
      });
      await ec2().send(new AssociateIpamByoasnCommand({ Asn: '64510', Cidr: CIDR_A }));
      await sim.clock.sleep(120_000);
      expect((await cidr(CIDR_A))?.AsnAssociations).toEqual([
        { Asn: '64496', Cidr: CIDR_A, State: 'associated' },
        {
          Asn: '64510',
          Cidr: CIDR_A,
          State: 'failed-association',
          StatusMessage: 'The ROA for 198.19.0.0/22 does not authorize AS64510 to originate 198.19.0.0/24',
        },
      ]);
    });
    const cloudfront = byoasnSim({
      ipam: {
        pools: [
          { ipamPoolId: 'ipam-pool-0b0a5e00000000001', ipamId: IPAM, cidrs: [{ cidr: '198.19.0.0/22' }] },
          {
            ipamPoolId: REGIONAL_POOL,
            ipamId: IPAM,
            sourceIpamPoolId: 'ipam-pool-0b0a5e00000000001',
            awsService: 'global-services',
            cidrs: [{ cidr: CIDR_A }, { cidr: CIDR_B }],
          },
        ],
      },
    });
    await within(cloudfront, async () => {
      await expect(ec2().send(new AssociateIpamByoasnCommand({ Asn: '64497', Cidr: CIDR_A }))).rejects.toMatchObject({
        message: expect.stringMatching(/need a regional pool with service EC2 and a locale/),
      });
    });
  });

  it('allows one change from the AWS ASN to a custom ASN per CIDR per hour; back to AWS any time', async () => {
    const sim = byoasnSim();
    const t0 = sim.clock.now();
    await within(sim, async () => {
      await expect(ec2().send(new AdvertiseByoipCidrCommand({ Cidr: CIDR_A, Asn: '64497' }))).rejects.toMatchObject({
        name: 'IncorrectState',
        message: expect.stringMatching(/not associated with 198\.19\.0\.0\/24/),
      });
      await sim.clock.sleep(10_000);
      await ec2().send(new AdvertiseByoipCidrCommand({ Cidr: CIDR_B, Asn: '64497' }));
      await sim.clock.sleep(200_000);
      expect(await cidr(CIDR_B)).toMatchObject({ State: 'advertised' });
      await ec2().send(new AdvertiseByoipCidrCommand({ Cidr: CIDR_B, Asn: 'AWS' }));
      await sim.clock.sleep(200_000);
      const early = ec2().send(new AdvertiseByoipCidrCommand({ Cidr: CIDR_B, Asn: '64497' }));
      await expect(early).rejects.toMatchObject({
        name: 'OperationNotPermitted',
        message: expect.stringMatching(/only once per hour; the last change was at 2026-12-01T08:00:10/),
      });
      await sim.clock.sleep(t0 + 10_000 + 3600_000 - Date.now());
      await expect(ec2().send(new AdvertiseByoipCidrCommand({ Cidr: CIDR_B, Asn: '64497' }))).resolves.toMatchObject({
        ByoipCidr: { State: 'pending-advertising' },
      });
    });
    expect(sim.calls.filter((c) => c.error?.name === 'OperationNotPermitted')).toHaveLength(1);
  });

  it('cleans up only in order: no disassociation while advertised from the ASN, no deprovision while associated', async () => {
    const sim = byoasnSim({
      ipam: {
        pools: [
          { ipamPoolId: 'ipam-pool-0b0a5e00000000001', ipamId: IPAM, cidrs: [{ cidr: '198.19.0.0/22' }] },
          {
            ipamPoolId: REGIONAL_POOL,
            ipamId: IPAM,
            sourceIpamPoolId: 'ipam-pool-0b0a5e00000000001',
            locale: 'us-east-1',
            awsService: 'ec2',
            cidrs: [{ cidr: CIDR_A }, { cidr: CIDR_B, advertised: true, asn: '64497' }],
          },
        ],
      },
    });
    await within(sim, async () => {
      await expect(ec2().send(new DisassociateIpamByoasnCommand({ Asn: '64497', Cidr: CIDR_B }))).rejects.toMatchObject({
        name: 'IncorrectState',
        message: expect.stringMatching(/advertised with AS64497/),
      });
      await expect(ec2().send(new DeprovisionIpamByoasnCommand({ IpamId: IPAM, Asn: '64497' }))).rejects.toMatchObject({
        name: 'IncorrectState',
        message: expect.stringMatching(/still associated with 198\.19\.1\.0\/24/),
      });
      await ec2().send(new WithdrawByoipCidrCommand({ Cidr: CIDR_B }));
      await sim.clock.sleep(200_000);
      await expect(ec2().send(new DeprovisionIpamPoolCidrCommand({ IpamPoolId: REGIONAL_POOL, Cidr: CIDR_B }))).rejects.toMatchObject({
        message: expect.stringMatching(/associated with AS64497 \(associated\); disassociate/),
      });
      await ec2().send(new DisassociateIpamByoasnCommand({ Asn: '64497', Cidr: CIDR_B }));
      await sim.clock.sleep(120_000);
      expect((await cidr(CIDR_B))?.AsnAssociations).toEqual([]);
      await ec2().send(new DeprovisionIpamByoasnCommand({ IpamId: IPAM, Asn: '64497' }));
      await sim.clock.sleep(300_000);
      expect(await asnState('64497')).toMatchObject({ State: 'deprovisioned' });
      await ec2().send(new DeprovisionIpamPoolCidrCommand({ IpamPoolId: REGIONAL_POOL, Cidr: CIDR_B }));
    });
  });
});
