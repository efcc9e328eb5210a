/** EC2 reads shared by the IPAM tasks and their undo steps. */
import {
  DescribeIpamPoolsCommand,
  EC2Client,
  paginateDescribeByoipCidrs,
  paginateDescribeIpamPools,
  paginateGetIpamPoolCidrs,
  type ByoipCidr,
  type IpamPool,
  type IpamPoolCidr,
} from '@aws-sdk/client-ec2';
import { client } from '../../platform/aws';

export const ec2 = (region: string) => client(EC2Client, { region });

export async function describePool(region: string, poolId: string): Promise<IpamPool | undefined> {
  try {
    const out = await ec2(region).send(new DescribeIpamPoolsCommand({ IpamPoolIds: [poolId] }));
    return out.IpamPools?.[0];
  } catch (e) {
    if ((e as Error).name === 'InvalidIpamPoolId.NotFound') return undefined;
    throw e;
  }
}

export async function findPools(region: string, filters: Array<{ Name: string; Values: string[] }>): Promise<IpamPool[]> {
  const pools: IpamPool[] = [];
  for await (const page of paginateDescribeIpamPools({ client: ec2(region), pageSize: 100 }, { Filters: filters })) pools.push(...(page.IpamPools ?? []));
  return pools;
}

export async function poolCidrs(region: string, poolId: string): Promise<IpamPoolCidr[]> {
  const cidrs: IpamPoolCidr[] = [];
  for await (const page of paginateGetIpamPoolCidrs({ client: ec2(region), pageSize: 100 }, { IpamPoolId: poolId })) cidrs.push(...(page.IpamPoolCidrs ?? []));
  return cidrs;
}

/** The latest record per CIDR (a CIDR can have an old failed-provision record and a new one). */
export function latestByCidr(records: IpamPoolCidr[]): Map<string, IpamPoolCidr> {
  const map = new Map<string, IpamPoolCidr>();
  for (const r of records) if (r.Cidr) map.set(r.Cidr, r);
  return map;
}

/** DescribeByoipCidrs has no CIDR filter and requires MaxResults: page through and match. */
export async function byoipCidrs(region: string): Promise<Map<string, ByoipCidr>> {
  const map = new Map<string, ByoipCidr>();
  for await (const page of paginateDescribeByoipCidrs({ client: ec2(region), pageSize: 100 }, { MaxResults: 100 })) {
    for (const b of page.ByoipCidrs ?? []) if (b.Cidr) map.set(b.Cidr, b);
  }
  return map;
}
