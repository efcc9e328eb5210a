/**
 * Creates the security groups the plan needs, tagged as managed by the sync (so later runs find them)
 * and by this execution (so a retry after a lost response finds them instead of creating twins, and
 * compensation knows which ones are ours). Named <syncName>-<n>, the first free n in the VPC.
 */
import { CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { TAG_ORIGIN_LOCKDOWN } from '../../domain/origin-lockdown';
import { ExecutionRef, orchestratorTags, TAG_EXECUTION, TAG_ROLE } from '../lib/common';
import { defineTask } from '../lib/handler';
import { describeGroups, ec2, shardRole } from './network';

const Event = z.object({
  region: z.string(),
  vpcId: z.string(),
  syncName: z.string(),
  refs: z.array(z.string().regex(/^new-\d+$/)),
  execution: ExecutionRef,
});

export const handler = defineTask('EnsureOriginGroups', Event, async (input) => {
  const refs: Record<string, string> = {};
  const created: string[] = [];
  const ours = await describeGroups(input.region, [
    { Name: 'vpc-id', Values: [input.vpcId] },
    { Name: `tag:${TAG_EXECUTION}`, Values: [input.execution.name] },
  ]);
  let names: Set<string> | undefined;
  for (const ref of input.refs) {
    const earlier = ours.find((g) => g.Tags?.some((t) => t.Key === TAG_ROLE && t.Value === shardRole(ref)));
    if (earlier) {
      refs[ref] = earlier.GroupId!;
      continue;
    }
    names ??= new Set((await describeGroups(input.region, [{ Name: 'vpc-id', Values: [input.vpcId] }])).map((g) => g.GroupName!));
    for (let n = 1, attempts = 0; ; n++) {
      const name = `${input.syncName}-${n}`;
      if (names.has(name)) continue;
      try {
        const out = await ec2(input.region).send(
          new CreateSecurityGroupCommand({
            GroupName: name,
            VpcId: input.vpcId,
            Description: `CloudFront origin-facing ranges (${input.syncName}), kept in sync by byoip-orchestrator`,
            TagSpecifications: [
              {
                ResourceType: 'security-group',
                Tags: [
                  ...orchestratorTags(input.execution, shardRole(ref), input.syncName),
                  { Key: TAG_ORIGIN_LOCKDOWN, Value: input.syncName },
                  { Key: 'Name', Value: name },
                ],
              },
            ],
          }),
        );
        refs[ref] = out.GroupId!;
        created.push(out.GroupId!);
        names.add(name);
        break;
      } catch (e) {
        if ((e as Error).name === 'InvalidGroup.Duplicate') {
          // Our own earlier attempt (the SDK retried after a lost response), or someone else took the name.
          const mine = (
            await describeGroups(input.region, [
              { Name: 'vpc-id', Values: [input.vpcId] },
              { Name: `tag:${TAG_EXECUTION}`, Values: [input.execution.name] },
              { Name: `tag:${TAG_ROLE}`, Values: [shardRole(ref)] },
            ])
          )[0];
          if (mine) {
            refs[ref] = mine.GroupId!;
            created.push(mine.GroupId!);
            names.add(name);
            break;
          }
        }
        if ((e as Error).name !== 'InvalidGroup.Duplicate' || ++attempts > 5) {
          if ((e as Error).name === 'SecurityGroupLimitExceeded')
            throw new WorkflowError(ErrorNames.QuotaExceeded, `${(e as Error).message} (quota L-E79EC296)`);
          throw e;
        }
        names.add(name);
      }
    }
  }
  return { refs, created };
});
