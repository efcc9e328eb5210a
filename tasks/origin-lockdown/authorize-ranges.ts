/**
 * Authorizes the planned rules on one group (a Map iteration), first of all changes. Re-reads the
 * group and sends only what is missing, so a retry after a lost response sends nothing twice.
 */
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { ownedRulesOf, selectRules, toIpPermissions } from '../../domain/origin-lockdown';
import { defineTask } from '../lib/handler';
import { describeGroup, ec2, PortRangeSchema, resolveGroup, RuleSpecSchema } from './network';

const Event = z.object({
  region: z.string(),
  ref: z.string(),
  refs: z.record(z.string(), z.string()),
  rules: z.array(RuleSpecSchema).min(1),
  ports: z.array(PortRangeSchema).min(1),
});

export const handler = defineTask('AuthorizeOriginRanges', Event, async (input) => {
  const groupId = resolveGroup(input.ref, input.refs);
  const group = await describeGroup(input.region, groupId);
  if (!group) throw new WorkflowError(ErrorNames.UnexpectedResponse, `security group ${groupId} disappeared during the sync`);
  const missing = selectRules(input.rules, ownedRulesOf(group.IpPermissions ?? [], input.ports), false);
  const count = missing.reduce((n, r) => n + r.portKeys.length, 0);
  if (count === 0) return { groupId, authorized: 0, ranges: [] as string[] };
  try {
    await ec2(input.region).send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: toIpPermissions(missing, input.ports) }));
  } catch (e) {
    if ((e as Error).name === 'RulesPerSecurityGroupLimitExceeded') {
      throw new WorkflowError(ErrorNames.QuotaExceeded, `${groupId}: ${(e as Error).message}. Is rulesPerGroup in the input the account's quota (L-0EA8095F)?`);
    }
    throw e;
  }
  return { groupId, authorized: count, ranges: missing.map((r) => r.cidr) };
});
