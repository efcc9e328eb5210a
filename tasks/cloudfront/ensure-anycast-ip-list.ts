/**
 * Ensures the Anycast static IP list exists with the three /24s from the global pool.
 * Re-runs find it by name; a same-named list with other CIDRs is a conflict, not a reuse.
 */
import { CreateAnycastIpListCommand } from '@aws-sdk/client-cloudfront';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { ExecutionRef, orchestratorTags, changeOrConfirm } from '../lib/common';
import { defineTask } from '../lib/handler';
import { cloudfront, findAnycastListByName, getAnycastList } from './cloudfront-client';

const Event = z.object({
  name: z.string(),
  poolArn: z.string(),
  cidrs: z.array(z.string()).length(3),
  migrationId: z.string(),
  execution: ExecutionRef,
});

export const handler = defineTask('EnsureAnycastIpList', Event, async (input) => {
  const existing = await findAnycastListByName(input.name);
  if (existing?.Id) {
    const full = await getAnycastList(existing.Id);
    const cidrs = (full?.AnycastIpList?.IpamConfig?.IpamCidrConfigs ?? []).map((c) => c.Cidr).sort();
    if (JSON.stringify(cidrs) !== JSON.stringify([...input.cidrs].sort())) {
      throw new WorkflowError(
        ErrorNames.InputInvalid,
        `an Anycast static IP list named ${input.name} already exists with other CIDRs (${cidrs.join(', ')}); choose another anycastIpListName`,
      );
    }
    return { id: existing.Id, arn: existing.Arn!, created: false };
  }
  return changeOrConfirm(
    async () => {
      const out = await cloudfront().send(
        new CreateAnycastIpListCommand({
          Name: input.name,
          IpCount: 3,
          IpAddressType: 'ipv4',
          IpamCidrConfigs: input.cidrs.map((Cidr) => ({ Cidr, IpamPoolArn: input.poolArn })),
          Tags: { Items: orchestratorTags(input.execution, 'anycast-ip-list', input.migrationId) },
        }),
      );
      const list = out.AnycastIpList;
      if (!list?.Id) throw new WorkflowError(ErrorNames.UnexpectedResponse, 'CreateAnycastIpList returned no list');
      return { id: list.Id, arn: list.Arn!, created: true };
    },
    // No client token on this API: a list with our name that was not there a moment ago is the one this call made.
    async () => {
      const made = await findAnycastListByName(input.name);
      return made?.Id ? { id: made.Id, arn: made.Arn!, created: true } : undefined;
    },
  );
});
