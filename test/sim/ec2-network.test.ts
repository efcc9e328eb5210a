/**
 * The simulated EC2 networking and ip-ranges.amazonaws.com behave as AWS documents, through the real
 * SDK v3 clients: rule quotas per family, prefix-list weights, interfaces, prefix-list versions.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  ModifyManagedPrefixListCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupIngressCommand,
  DeleteSecurityGroupCommand,
} from '@aws-sdk/client-ec2';
import { client } from '../../platform/aws';
import { httpRequest } from '../../platform/http';
import { publicationInfo, serveIpRanges } from '../../sim/services/ip-ranges';
import { exampleSim, within } from '../support/world';

const ec2 = () => client(EC2Client, { region: 'us-east-1' });
const SG = 'sg-0a1b2c3d4e5f60001';
const VPC = 'vpc-0a1b2c3d4e5f60001';
const cidrs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ CidrIp: `13.${from + i}.0.0/16` }));
const cidrs6 = (n: number) => Array.from({ length: n }, (_, i) => ({ CidrIpv6: `2600:9000:${(i + 1).toString(16)}::/48` }));

const rejects = (p: Promise<unknown>, name: string, message?: RegExp) =>
  expect(p).rejects.toMatchObject({ name, ...(message ? { message: expect.stringMatching(message) } : {}) });

describe('simulated security groups', () => {
  it("answers protocol -1 rules without ports, as AWS does (the sample Lambda's KeyError)", async () => {
    const sim = exampleSim();
    const groups = await within(sim, async () => (await ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0a1b2c3d4e5f60002'] }))).SecurityGroups!);
    expect(groups[0].IpPermissions).toEqual([
      {
        IpProtocol: '-1',
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: 'sg-0a1b2c3d4e5f60002', Description: 'app tier talks to itself' }],
      },
    ]);
  });

  it('enforces 60 inbound rules per family: IPv4 and IPv6 counted apart', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      // The seeded group already has one IPv4 rule (SSH).
      await ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: SG,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: cidrs(59), Ipv6Ranges: cidrs6(60) }],
        }),
      );
      await rejects(
        ec2().send(
          new AuthorizeSecurityGroupIngressCommand({ GroupId: SG, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: cidrs(1) }] }),
        ),
        'RulesPerSecurityGroupLimitExceeded',
        /maximum number of rules per security group has been reached/,
      );
    });
  });

  it('weighs a referenced prefix list as its MaxEntries (the AWS-managed CloudFront list: 55)', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: SG,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-3b927c52' }] }],
        }),
      );
      await ec2().send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: SG, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: cidrs(4) }] }),
      );
      await rejects(
        ec2().send(
          new AuthorizeSecurityGroupIngressCommand({ GroupId: SG, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: cidrs(1, 50) }] }),
        ),
        'RulesPerSecurityGroupLimitExceeded',
      );
    });
    expect((sim.snapshot() as any)['ec2.network'].securityGroups[0].weight).toEqual({ ipv4: 60, ipv6: 0 });
  });

  it('fails a whole authorization on one duplicate (all or nothing), canonicalising CIDRs first', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await rejects(
        ec2().send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: SG,
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '198.51.100.0/24' }, { CidrIp: '203.0.113.7/24' }] }],
          }),
        ),
        'InvalidPermission.Duplicate',
        /203\.0\.113\.0\/24, TCP, from port: 22/,
      );
    });
    expect((sim.snapshot() as any)['ec2.network'].securityGroups[0].weight.ipv4).toBe(1);
  });

  it('revokes what exists and reports the rest as unknown', async () => {
    const sim = exampleSim();
    const out = await within(sim, async () =>
      ec2().send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: SG,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24' }, { CidrIp: '198.51.100.0/24' }] }],
        }),
      ),
    );
    expect(out.UnknownIpPermissions?.[0].IpRanges).toEqual([{ CidrIp: '198.51.100.0/24' }]);
    expect((sim.snapshot() as any)['ec2.network'].securityGroups[0].weight.ipv4).toBe(0);
  });

  it('refuses duplicate names in a VPC and deleting a group an interface uses', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await rejects(ec2().send(new CreateSecurityGroupCommand({ GroupName: 'web-origins-1', Description: 'x', VpcId: VPC })), 'InvalidGroup.Duplicate');
      await rejects(ec2().send(new DeleteSecurityGroupCommand({ GroupId: SG })), 'DependencyViolation');
      const { GroupId } = await ec2().send(new CreateSecurityGroupCommand({ GroupName: 'web-origins-2', Description: 'x', VpcId: VPC }));
      await ec2().send(new DeleteSecurityGroupCommand({ GroupId }));
    });
  });

  it('allows 5 security groups per interface', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await ec2().send(new CreateSecurityGroupCommand({ GroupName: `g${i}`, Description: 'x', VpcId: VPC }))).GroupId!);
      await ec2().send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: 'eni-0a1b2c3d4e5f60001', Groups: [SG, ...ids.slice(0, 4)] }));
      await rejects(
        ec2().send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: 'eni-0a1b2c3d4e5f60001', Groups: [SG, 'sg-0a1b2c3d4e5f60002', ...ids] })),
        'SecurityGroupsPerInterfaceLimitExceeded',
      );
    });
  });
});

describe('simulated prefix lists', () => {
  const PL = 'pl-0a1b2c3d4e5f60001';

  it('versions every change, requires the current version, and is busy while modifying', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      const state = async () => (await ec2().send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [PL] }))).PrefixLists![0];
      await ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: PL, CurrentVersion: 1, AddEntries: cidrs(3).map((c) => ({ Cidr: c.CidrIp })) }));
      expect(await state()).toMatchObject({ Version: 2, State: 'modify-in-progress' });
      await rejects(
        ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: PL, CurrentVersion: 2, AddEntries: [{ Cidr: '14.0.0.0/16' }] })),
        'IncorrectState',
      );
      await sim.clock.sleep(5000);
      expect(await state()).toMatchObject({ Version: 2, State: 'modify-complete' });
      await rejects(
        ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: PL, CurrentVersion: 1, AddEntries: [{ Cidr: '14.0.0.0/16' }] })),
        'PrefixListVersionMismatch',
        /incorrect version number/,
      );
      const old = await ec2().send(new GetManagedPrefixListEntriesCommand({ PrefixListId: PL, TargetVersion: 1 }));
      expect(old.Entries).toEqual([]);
    });
  });

  it('takes at most 100 entries per call, and entries or size, never both', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: PL, MaxEntries: 200 }));
      await sim.clock.sleep(5000);
      await rejects(
        ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: PL, AddEntries: cidrs(101).map((c) => ({ Cidr: c.CidrIp })) })),
        'InvalidParameterValue',
        /cannot exceeds limit \(100\)/,
      );
      await rejects(
        ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: PL, MaxEntries: 300, AddEntries: [{ Cidr: '13.0.0.0/16' }] })),
        'InvalidParameterCombination',
      );
      await rejects(
        ec2().send(new CreateManagedPrefixListCommand({ PrefixListName: 'big', AddressFamily: 'IPv4', MaxEntries: 1001 })),
        'InvalidParameterValue',
        /between 1 and 1000/,
      );
    });
  });

  it("refuses more entries than MaxEntries, and a resize that would break a referencing group's quota", async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await rejects(
        ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: PL, AddEntries: cidrs(41).map((c) => ({ Cidr: c.CidrIp })) })),
        'InvalidParameterValue',
        /more than its max entries of 40; resize it first/,
      );
      await ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: SG,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: PL }] }],
        }),
      );
      await rejects(
        ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: PL, MaxEntries: 60 })),
        'RulesPerSecurityGroupLimitExceeded',
        /would make sg-0a1b2c3d4e5f60001 weigh 61 rules/,
      );
    });
  });

  it('keeps the AWS-managed CloudFront list in step with the published ranges, and read-only', async () => {
    const sim = exampleSim();
    serveIpRanges(sim, 0);
    await within(sim, async () => {
      const entries = async () => (await ec2().send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-3b927c52' }))).Entries!.map((e) => e.Cidr);
      expect(await entries()).toEqual(publicationInfo(sim, 0).originFacing.ipv4);
      serveIpRanges(sim, 1);
      expect(await entries()).toEqual(publicationInfo(sim, 1).originFacing.ipv4);
      const list = (
        await ec2().send(
          new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.global.cloudfront.origin-facing'] }] }),
        )
      ).PrefixLists!;
      expect(list).toEqual([expect.objectContaining({ PrefixListId: 'pl-3b927c52', MaxEntries: 55, OwnerId: 'AWS', AddressFamily: 'IPv4' })]);
      await rejects(
        ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: 'pl-3b927c52', AddEntries: [{ Cidr: '13.0.0.0/16' }] })),
        'InvalidPrefixListModification',
      );
    });
  });
});

describe('simulated ip-ranges.amazonaws.com', () => {
  it('serves the chosen publication over HTTPS with an md5 matching the bytes; nothing else', async () => {
    const sim = exampleSim({ ipRanges: { outage: { status: 503, requests: 1 } } });
    await within(sim, async () => {
      expect((await httpRequest({ url: 'https://ip-ranges.amazonaws.com/ip-ranges.json' })).status).toBe(503);
      const res = await httpRequest({ url: 'https://ip-ranges.amazonaws.com/ip-ranges.json' });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe(`"${publicationInfo(sim).md5}"`);
      expect(JSON.parse(res.body).syncToken).toBe(publicationInfo(sim).syncToken);
      expect((await httpRequest({ url: 'http://ip-ranges.amazonaws.com/ip-ranges.json' })).status).toBe(301);
      expect((await httpRequest({ url: 'https://ip-ranges.amazonaws.com/other.json' })).status).toBe(404);
      await expect(httpRequest({ url: 'https://ip-ranges.example.com/ip-ranges.json' })).rejects.toMatchObject({ code: 'ENOTFOUND' });
    });
    expect(sim.httpRequests.map((r) => r.status)).toEqual([503, 200, 301, 404, 0]);
  });

  it('serves a later publication from the time it is scheduled (a file lagging its notification)', async () => {
    const sim = exampleSim();
    serveIpRanges(sim, 0);
    serveIpRanges(sim, 1, { afterSeconds: 120 });
    await within(sim, async () => {
      const token = async () => JSON.parse((await httpRequest({ url: 'https://ip-ranges.amazonaws.com/ip-ranges.json' })).body).syncToken;
      expect(await token()).toBe(publicationInfo(sim, 0).syncToken);
      await sim.clock.sleep(120_000);
      expect(await token()).toBe(publicationInfo(sim, 1).syncToken);
    });
  });
});
