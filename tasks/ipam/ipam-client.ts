/** EC2 reads shared by the IPAM tasks and their undo steps. */
import {
  DescribeByoipCidrsCommand, DescribeIpamPoolsCommand, EC2Client, GetIpamPoolCidrsCommand,
  type ByoipCidr, type IpamPool, type IpamPoolCidr,
} from '@aws-sdk/client-ec2';
import { client } from '../lib/aws';

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
  let NextToken: string | undefined;
  do {
    const out = await ec2(region).send(new DescribeIpamPoolsCommand({ Filters: filters, NextToken, MaxResults: 100 }));
    pools.push(...(out.IpamPools ?? []));
    NextToken = out.NextToken;
  } while (NextToken);
  return pools;
}

export async function poolCidrs(region: string, poolId: string): Promise<IpamPoolCidr[]> {
  const cidrs: IpamPoolCidr[] = [];
  let NextToken: string | undefined;
  do {
    const out = await ec2(region).send(new GetIpamPoolCidrsCommand({ IpamPoolId: poolId, NextToken, MaxResults: 100 }));
    cidrs.push(...(out.IpamPoolCidrs ?? []));
    NextToken = out.NextToken;
  } while (NextToken);
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
  let NextToken: string | undefined;
  do {
    const out = await ec2(region).send(new DescribeByoipCidrsCommand({ MaxResults: 100, NextToken }));
    for (const b of out.ByoipCidrs ?? []) if (b.Cidr) map.set(b.Cidr, b);
    NextToken = out.NextToken;
  } while (NextToken);
  return map;
}
