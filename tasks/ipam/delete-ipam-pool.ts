/** Deletes an IPAM pool; an already deleted (or deleting) pool is fine (re-runnable). */
import { DeleteIpamPoolCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { describePool, ec2 } from './ipam-client';

const Event = z.object({ region: z.string(), poolId: z.string() });

export const handler = defineTask('DeleteIpamPool', Event, async (input) => {
  const pool = await describePool(input.region, input.poolId);
  if (!pool || pool.State?.startsWith('delete')) return { poolId: input.poolId, deleted: false };
  await ec2(input.region).send(new DeleteIpamPoolCommand({ IpamPoolId: input.poolId }));
  return { poolId: input.poolId, deleted: true };
});
