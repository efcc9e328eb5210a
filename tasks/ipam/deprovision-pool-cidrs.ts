/** Deprovisions CIDRs from a pool, skipping those already deprovisioned or in progress (re-runnable). */
import { DeprovisionIpamPoolCidrCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { ec2, latestByCidr, poolCidrs } from './ipam-client';

const Event = z.object({ region: z.string(), poolId: z.string(), cidrs: z.array(z.string()).min(1) });

export const handler = defineTask('DeprovisionPoolCidrs', Event, async (input) => {
  const current = latestByCidr(await poolCidrs(input.region, input.poolId));
  const requested: string[] = [];
  for (const cidr of input.cidrs) {
    if (current.get(cidr)?.State !== 'provisioned') continue;
    await ec2(input.region).send(new DeprovisionIpamPoolCidrCommand({ IpamPoolId: input.poolId, Cidr: cidr }));
    requested.push(cidr);
  }
  return { poolId: input.poolId, requested };
});
