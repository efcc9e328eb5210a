/**
 * Puts the managed groups (new ones included) on every interface that carries one of them, after the
 * rules are in and before anything is revoked. ModifyNetworkInterfaceAttribute replaces the whole list,
 * so each interface is re-read and only extended. An interface that carries none of the sync's groups
 * is opened to CloudFront for the first time: that needs the run's approval naming it, checked here
 * again on what the interface carries now (before any interface is changed).
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
  /** The sync's groups before this run (tagged with its name): an interface carrying one is already the sync's. */
  managed: z.array(z.string()),
  /** The approval of first attachments, when the run needed one. */
  approval: z.object({ approved: z.boolean().optional() }).passthrough(),
  approvedInterfaces: z.array(z.string()),
});

export const handler = defineTask('AttachOriginGroups', Event, async (input) => {
  const attached: Array<{ networkInterfaceId: string; groups: string[] }> = [];
  const now = await interfacesWithGroups(
    input.region,
    [],
    input.attachments.map((a) => a.networkInterfaceId),
  );
  const approved = new Set(input.approval.approved === true ? input.approvedInterfaces : []);
  const plan = input.attachments.map((a) => {
    const eni = now.find((i) => i.NetworkInterfaceId === a.networkInterfaceId);
    if (!eni) throw new WorkflowError(ErrorNames.UnexpectedResponse, `network interface ${a.networkInterfaceId} disappeared during the sync`);
    const current = (eni.Groups ?? []).map((g) => g.GroupId!);
    if (!current.some((g) => input.managed.includes(g)) && !approved.has(a.networkInterfaceId)) {
      throw new WorkflowError(
        ErrorNames.SafetyViolation,
        `${a.networkInterfaceId} carries none of the sync's groups and no approval names it: attaching would open it to CloudFront's ranges for the first time`,
      );
    }
    return { a, current, groups: [...new Set([...current, ...a.add.map((r) => resolveGroup(r, input.refs))])] };
  });
  for (const { a, current, groups } of plan) {
    if (groups.length === current.length) continue;
    try {
      await ec2(input.region).send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: a.networkInterfaceId, Groups: groups }));
    } catch (e) {
      if ((e as Error).name === 'SecurityGroupsPerInterfaceLimitExceeded')
        throw new WorkflowError(ErrorNames.QuotaExceeded, `${a.networkInterfaceId}: ${(e as Error).message} (quota L-2AFB9258)`);
      throw e;
    }
    attached.push({ networkInterfaceId: a.networkInterfaceId, groups });
  }
  return { attached };
});
