/**
 * Authorizes the planned rules on one group (a Map iteration), first of all changes. Re-reads the
 * group and sends only what is missing, so a retry after a lost response sends nothing twice. Only a
 * group tagged with the sync's name is changed, on TCP 80, 443 or 1024-65535 only.
 */
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { ownedRulesOf, selectRules, TAG_ORIGIN_LOCKDOWN, toIpPermissions, type PortRange, type RuleSpec } from '../../domain/origin-lockdown';
import { defineTask } from '../lib/handler';
import { describeGroup, ec2, ownedBySync, PortRangeSchema, resolveGroup, RuleSpecSchema } from './network';

const Event = z.object({
  region: z.string(),
  syncName: z.string(),
  ref: z.string(),
  refs: z.record(z.string(), z.string()),
  rules: z.array(RuleSpecSchema).min(1),
  ports: z.array(PortRangeSchema).min(1),
});

async function missingRules(region: string, syncName: string, groupId: string, rules: RuleSpec[], ports: PortRange[]): Promise<RuleSpec[]> {
  const group = await describeGroup(region, groupId);
  if (!group) throw new WorkflowError(ErrorNames.UnexpectedResponse, `security group ${groupId} disappeared during the sync`);
  if (!ownedBySync(group.Tags, syncName))
    throw new WorkflowError(
      ErrorNames.SafetyViolation,
      `security group ${groupId} is not tagged ${TAG_ORIGIN_LOCKDOWN}=${syncName}; the sync changes only its own groups`,
    );
  return selectRules(rules, ownedRulesOf(group.IpPermissions ?? [], ports), false);
}

export const handler = defineTask('AuthorizeOriginRanges', Event, async (input) => {
  const groupId = resolveGroup(input.ref, input.refs);
  let missing = await missingRules(input.region, input.syncName, groupId, input.rules, input.ports);
  const count = missing.reduce((n, r) => n + r.portKeys.length, 0);
  const ranges = missing.map((r) => r.cidr);
  for (let attempt = 1; missing.length > 0; attempt++) {
    try {
      await ec2(input.region).send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: toIpPermissions(missing, input.ports) }));
      break;
    } catch (e) {
      const name = (e as Error).name;
      // The call is all or nothing: a duplicate means an earlier attempt (an SDK retry after a lost
      // response) or another writer got there first. Re-read and send what is still missing.
      if (name === 'InvalidPermission.Duplicate' && attempt < 3) {
        missing = await missingRules(input.region, input.syncName, groupId, input.rules, input.ports);
        continue;
      }
      if (name === 'RulesPerSecurityGroupLimitExceeded') {
        throw new WorkflowError(
          ErrorNames.QuotaExceeded,
          `${groupId}: ${(e as Error).message}. Is rulesPerGroup in the input the account's quota (L-0EA8095F)?`,
        );
      }
      throw e;
    }
  }
  return { groupId, authorized: count, ranges };
});
