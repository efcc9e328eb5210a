/**
 * Finds what is left to tear down (a re-run after a partial teardown finds less): the anycast list
 * and the distributions using it, the global and top-level pools holding the CIDRs, and refuses to
 * go on while DNS still points at the anycast IPs (withdrawing them would black-hole that traffic).
 */
import { ListDistributionsByAnycastIpListIdCommand } from '@aws-sdk/client-cloudfront';
import { DescribeIpamsCommand } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { contains, parseCidr } from '../../domain/cidr';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { cloudfront, findAnycastListByName, getAnycastList } from '../cloudfront/cloudfront-client';
import { currentRecord } from '../dns/route53-client';
import { ec2, findPools, poolCidrs } from '../ipam/ipam-client';

const Event = z.object({
  region: z.string(),
  ipamId: z.string(),
  cidrs: z.array(z.string()),
  topLevelCidrs: z.array(z.string()),
  anycastIpListName: z.string(),
  dnsRecordsToCheck: z.array(z.object({ hostedZoneId: z.string(), name: z.string(), type: z.string() })),
});

const HELD = new Set(['pending-provision', 'provisioned', 'pending-deprovision']);

export const handler = defineTask('CaptureTeardownState', Event, async (input) => {
  const summary = await findAnycastListByName(input.anycastIpListName);
  const list = summary?.Id ? await getAnycastList(summary.Id) : undefined;
  const anycastIps = list?.AnycastIpList?.AnycastIps ?? [];
  const distributionIds = summary?.Id
    ? ((await cloudfront().send(new ListDistributionsByAnycastIpListIdCommand({ AnycastIpListId: summary.Id }))).DistributionList?.Items ?? []).map((d) => d.Id!)
    : [];
  for (const r of input.dnsRecordsToCheck) {
    const now = await currentRecord(r.hostedZoneId, r.name, r.type);
    const still = (now?.ResourceRecords ?? []).map((v) => v.Value).filter((v) => v && anycastIps.includes(v));
    if (still.length) throw new WorkflowError(ErrorNames.SafetyViolation, `${r.name} still answers ${still.join(', ')} (anycast IPs of ${input.anycastIpListName}); move DNS away before tearing down`);
  }
  const scopeId = (await ec2(input.region).send(new DescribeIpamsCommand({ IpamIds: [input.ipamId] }))).Ipams?.[0]?.PublicDefaultScopeId;
  const pools = scopeId ? await findPools(input.region, [{ Name: 'ipam-scope-id', Values: [scopeId] }]) : [];
  const holding = async (role: 'global' | 'top-level', cidrs: string[]) => {
    for (const p of pools) {
      const isGlobal = p.AwsService === 'global-services';
      if (!p.IpamPoolId || (role === 'global') !== isGlobal || (role === 'top-level' && p.SourceIpamPoolId)) continue;
      if (p.State?.startsWith('delete')) continue;
      const held = (await poolCidrs(input.region, p.IpamPoolId)).filter((c) => HELD.has(c.State ?? '')).map((c) => c.Cidr!);
      if (cidrs.some((c) => held.some((h) => contains(parseCidr(h), parseCidr(c))))) return { poolId: p.IpamPoolId, found: true };
    }
    return { poolId: 'none', found: false };
  };
  const globalPool = await holding('global', input.cidrs);
  const topLevelPool = await holding('top-level', input.topLevelCidrs);
  return {
    anycastList: { found: !!summary?.Id, id: summary?.Id ?? 'none', anycastIps },
    distributionIds,
    globalPool,
    topLevelPool,
  };
});
