/**
 * Ensures the IPAM pool a step needs exists: reuses a suitable pool (or the one this execution
 * already created), else creates it with a client token and this execution's tags.
 * - top-level: public scope, BYOIP, no source pool, locale None.
 * - global: child of the top-level pool for CloudFront (AwsService global-services, locale None).
 */
import { CreateIpamPoolCommand, DescribeIpamsCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { contains, parseCidr } from '../../domain/cidr';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { clientToken, ExecutionRef, orchestratorTags, TAG_EXECUTION, TAG_ROLE } from '../lib/common';
import { defineTask } from '../lib/handler';
import { ec2, findPools, poolCidrs } from './ipam-client';

const Event = z.object({
  region: z.string(),
  ipamId: z.string(),
  role: z.enum(['top-level', 'global']),
  sourcePoolId: z.string().optional(),
  /** CIDRs the pool must hold or be able to hold. */
  cidrs: z.array(z.string()).min(1),
  migrationId: z.string(),
  execution: ExecutionRef,
});

const LIVE = new Set(['pending-provision', 'provisioned']);

export const handler = defineTask('EnsureIpamPool', Event, async (input) => {
  const ipams = await ec2(input.region).send(new DescribeIpamsCommand({ IpamIds: [input.ipamId] }));
  const scopeId = ipams.Ipams?.[0]?.PublicDefaultScopeId;
  if (!scopeId) throw new WorkflowError(ErrorNames.UnexpectedResponse, `IPAM ${input.ipamId} has no public default scope`);
  if (input.role === 'global' && !input.sourcePoolId) throw new WorkflowError(ErrorNames.InputInvalid, 'a global pool needs sourcePoolId');

  // 1. A pool this execution created earlier (a retry after a lost response).
  const ours = await findPools(input.region, [
    { Name: `tag:${TAG_EXECUTION}`, Values: [input.execution.name] },
    { Name: `tag:${TAG_ROLE}`, Values: [input.role] },
  ]);
  // 2. An existing pool to reuse.
  const candidates =
    ours.length > 0
      ? ours
      : (await findPools(input.region, [{ Name: 'ipam-scope-id', Values: [scopeId] }])).filter((p) =>
          input.role === 'top-level'
            ? !p.SourceIpamPoolId && p.PublicIpSource !== 'amazon' && !p.AwsService && p.AddressFamily === 'ipv4'
            : p.SourceIpamPoolId === input.sourcePoolId && p.AwsService === 'global-services',
        );
  const wanted = input.cidrs.map((c) => parseCidr(c));
  for (const pool of candidates) {
    if (!pool.IpamPoolId || pool.State?.startsWith('delete') || pool.State === 'create-failed') continue;
    const cidrs = await poolCidrs(input.region, pool.IpamPoolId);
    const live = cidrs.filter((c) => c.Cidr && LIVE.has(c.State ?? ''));
    // A top-level pool is reused only if it already holds (or is provisioning) the customer's space;
    // a global pool of the right parent is always the right one.
    const fits = ours.length > 0 || input.role === 'global' || wanted.every((w) => live.some((c) => contains(parseCidr(c.Cidr!), w)));
    if (!fits) continue;
    const created = ours.includes(pool);
    return {
      poolId: pool.IpamPoolId,
      poolArn: pool.IpamPoolArn!,
      state: pool.State!,
      created,
      scopeId,
      // What was there before this execution: undo keeps these. A pool we created keeps nothing.
      existingCidrs: created ? [] : live.map((c) => c.Cidr!),
    };
  }

  const out = await ec2(input.region).send(
    new CreateIpamPoolCommand({
      IpamScopeId: scopeId,
      AddressFamily: 'ipv4',
      Locale: 'None',
      SourceIpamPoolId: input.sourcePoolId,
      ...(input.role === 'global' ? { AwsService: 'global-services', PublicIpSource: 'byoip' } : {}),
      Description: input.role === 'top-level' ? `BYOIP top-level pool (${input.migrationId})` : `CloudFront global pool (${input.migrationId})`,
      ClientToken: clientToken(input.execution, `pool-${input.role}`),
      TagSpecifications: [{ ResourceType: 'ipam-pool', Tags: orchestratorTags(input.execution, input.role, input.migrationId) }],
    }),
  );
  const pool = out.IpamPool;
  if (!pool?.IpamPoolId || !pool.IpamPoolArn) throw new WorkflowError(ErrorNames.UnexpectedResponse, 'CreateIpamPool returned no pool');
  return {
    poolId: pool.IpamPoolId,
    poolArn: pool.IpamPoolArn,
    state: pool.State ?? 'create-in-progress',
    created: true,
    scopeId,
    existingCidrs: [] as string[],
  };
});
