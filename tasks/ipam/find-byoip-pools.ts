/** Finds the global and top-level pools still holding the CIDRs (a re-run after a partial teardown finds less). */
import { DescribeIpamsCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { contains, parseCidr } from '../../domain/cidr';
import { defineTask } from '../lib/handler';
import { TAG_MIGRATION } from '../lib/common';
import { ec2, findPools, poolCidrs } from './ipam-client';

const Event = z.object({ region: z.string(), ipamId: z.string(), migrationId: z.string(), cidrs: z.array(z.string()), topLevelCidrs: z.array(z.string()) });

const HELD = new Set(['pending-provision', 'provisioned', 'pending-deprovision']);

export const handler = defineTask('FindByoipPools', Event, async (input) => {
  const scopeId = (await ec2(input.region).send(new DescribeIpamsCommand({ IpamIds: [input.ipamId] }))).Ipams?.[0]?.PublicDefaultScopeId;
  const pools = scopeId ? await findPools(input.region, [{ Name: 'ipam-scope-id', Values: [scopeId] }]) : [];
  const holding = async (role: 'global' | 'top-level', cidrs: string[]) => {
    for (const p of pools) {
      const isGlobal = p.AwsService === 'global-services';
      if (!p.IpamPoolId || (role === 'global') !== isGlobal || (role === 'top-level' && p.SourceIpamPoolId) || p.State?.startsWith('delete')) continue;
      const held = (await poolCidrs(input.region, p.IpamPoolId)).filter((c) => HELD.has(c.State ?? '')).map((c) => c.Cidr!);
      if (cidrs.some((c) => held.some((h) => contains(parseCidr(h), parseCidr(c))))) return { poolId: p.IpamPoolId, found: true };
    }
    return { poolId: 'none', found: false };
  };
  const isEmpty = async (poolId: string) => (await poolCidrs(input.region, poolId)).every((c) => !HELD.has(c.State ?? ''));
  let topLevelPool = await holding('top-level', input.topLevelCidrs);
  if (!topLevelPool.found) {
    // A re-run after the top-level CIDRs were deprovisioned: this migration's emptied top-level pool is still to delete.
    for (const p of pools.filter((x) => !x.SourceIpamPoolId && x.AwsService !== 'global-services' && x.IpamPoolId && !x.State?.startsWith('delete'))) {
      if (p.Tags?.some((t) => t.Key === TAG_MIGRATION && t.Value === input.migrationId) && (await isEmpty(p.IpamPoolId!)))
        topLevelPool = { poolId: p.IpamPoolId!, found: true };
    }
  }
  let globalPool = await holding('global', input.cidrs);
  if (!globalPool.found && topLevelPool.found) {
    // A re-run after the /24s were deprovisioned: the emptied global pool under our top-level pool is still to delete.
    for (const p of pools.filter(
      (x) => x.AwsService === 'global-services' && x.SourceIpamPoolId === topLevelPool.poolId && x.IpamPoolId && !x.State?.startsWith('delete'),
    )) {
      if (await isEmpty(p.IpamPoolId!)) globalPool = { poolId: p.IpamPoolId!, found: true };
    }
  }
  return { globalPool, topLevelPool };
});
