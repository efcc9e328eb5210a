/**
 * Puts the managed groups (new ones included) on every interface that carries one of them, after the
 * rules are in and before anything is revoked. ModifyNetworkInterfaceAttribute replaces the whole list,
 * so each interface is re-read and only extended.
 */
import { ModifyNetworkInterfaceAttributeCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { ec2, interfacesWithGroups, resolveGroup } from './network';

const Event = z.object({
  region: z.string(),
  attachments: z.array(z.object({ networkInterfaceId: z.string(), add: z.array(z.string()).min(1) }).passthrough()),
  refs: z.record(z.string(), z.string()),
});

export const handler = defineTask('AttachOriginGroups', Event, async (input) => {
  const attached: Array<{ networkInterfaceId: string; groups: string[] }> = [];
  const now = await interfacesWithGroups(input.region, [], input.attachments.map((a) => a.networkInterfaceId));
  for (const a of input.attachments) {
    const eni = now.find((i) => i.NetworkInterfaceId === a.networkInterfaceId);
    if (!eni) throw new WorkflowError(ErrorNames.UnexpectedResponse, `network interface ${a.networkInterfaceId} disappeared during the sync`);
    const current = (eni.Groups ?? []).map((g) => g.GroupId!);
    const groups = [...new Set([...current, ...a.add.map((r) => resolveGroup(r, input.refs))])];
    if (groups.length === current.length) continue;
    try {
      await ec2(input.region).send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: a.networkInterfaceId, Groups: groups }));
    } catch (e) {
      if ((e as Error).name === 'SecurityGroupsPerInterfaceLimitExceeded') throw new WorkflowError(ErrorNames.QuotaExceeded, `${a.networkInterfaceId}: ${(e as Error).message} (quota L-2AFB9258)`);
      throw e;
    }
    attached.push({ networkInterfaceId: a.networkInterfaceId, groups });
  }
  return { attached };
});
