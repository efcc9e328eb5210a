/** The exact plan a human approves before a teardown withdraws anything from the internet. */
import * as z from 'zod';
import { defineTask } from '../lib/handler';

const Event = z.object({
  migrationId: z.string(),
  cidrs: z.array(z.string()),
  topLevelCidrs: z.array(z.string()),
  deprovisionTopLevel: z.boolean(),
  deletePools: z.boolean(),
  approvers: z.array(z.string()),
  restoreDistributions: z.array(z.object({ distributionId: z.string(), before: z.object({ PriceClass: z.string(), IsIPV6Enabled: z.boolean() }) })).default([]),
  state: z.object({
    anycastList: z.object({ found: z.boolean(), id: z.string(), anycastIps: z.array(z.string()) }),
    distributionIds: z.array(z.string()),
    globalPool: z.object({ found: z.boolean(), poolId: z.string() }),
    topLevelPool: z.object({ found: z.boolean(), poolId: z.string() }),
  }),
});

export const handler = defineTask('PlanTeardown', Event, async (input) => {
  const s = input.state;
  const changes = [
    ...s.distributionIds.map((d) => {
      const back = input.restoreDistributions.find((r) => r.distributionId === d)?.before;
      const settings = back ? `, ${back.PriceClass}, IPv6 ${back.IsIPV6Enabled ? 'on' : 'off'} as before the onboarding` : '';
      return { kind: 'distribution', target: d, from: `Anycast static IP list ${s.anycastList.id}`, to: `no anycast list (CloudFront default IPs)${settings}` };
    }),
    ...(s.anycastList.found ? [{ kind: 'anycast-ip-list', target: s.anycastList.id, from: s.anycastList.anycastIps.join(', '), to: 'deleted' }] : []),
    ...input.cidrs.map((c) => ({ kind: 'withdraw', target: c, from: 'advertised by AWS', to: 'not advertised by AWS' })),
    ...(s.globalPool.found
      ? input.cidrs.map((c) => ({ kind: 'deprovision', target: c, from: `global pool ${s.globalPool.poolId}`, to: 'deprovisioned' }))
      : []),
    ...(input.deprovisionTopLevel && s.topLevelPool.found
      ? input.topLevelCidrs.map((c) => ({
          kind: 'deprovision',
          target: c,
          from: `top-level pool ${s.topLevelPool.poolId}`,
          to: 'deprovisioned (back to the customer)',
        }))
      : []),
  ];
  return {
    title: `Tear down CloudFront BYOIP for ${input.cidrs.join(', ')} (${input.migrationId})`,
    approvers: input.approvers,
    changes,
    prerequisite: 'DNS no longer points at the anycast IPs; whoever advertises these prefixes next is ready to do so.',
  };
});
