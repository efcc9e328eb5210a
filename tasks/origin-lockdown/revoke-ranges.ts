/**
 * Revokes the planned rules from one group (a Map iteration), after every authorization and
 * attachment succeeded. Re-reads the group and revokes only what is still there.
 */
import { RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { ownedRulesOf, selectRules, TAG_ORIGIN_LOCKDOWN, toIpPermissions } from '../../domain/origin-lockdown';
import { defineTask } from '../lib/handler';
import { describeGroup, ec2, ownedBySync, PortRangeSchema, RuleSpecSchema } from './network';

const Event = z.object({
  region: z.string(),
  syncName: z.string(),
  groupId: z.string(),
  rules: z.array(RuleSpecSchema).min(1),
  ports: z.array(PortRangeSchema).min(1),
});

export const handler = defineTask('RevokeOriginRanges', Event, async (input) => {
  const group = await describeGroup(input.region, input.groupId);
  if (!group) return { groupId: input.groupId, revoked: 0, ranges: [] as string[] };
  if (!ownedBySync(group.Tags, input.syncName))
    throw new WorkflowError(
      ErrorNames.SafetyViolation,
      `security group ${input.groupId} is not tagged ${TAG_ORIGIN_LOCKDOWN}=${input.syncName}; the sync changes only its own groups`,
    );
  const present = selectRules(input.rules, ownedRulesOf(group.IpPermissions ?? [], input.ports), true);
  const count = present.reduce((n, r) => n + r.portKeys.length, 0);
  if (count === 0) return { groupId: input.groupId, revoked: 0, ranges: [] as string[] };
  await ec2(input.region).send(new RevokeSecurityGroupIngressCommand({ GroupId: input.groupId, IpPermissions: toIpPermissions(present, input.ports) }));
  return { groupId: input.groupId, revoked: count, ranges: present.map((r) => r.cidr) };
});
