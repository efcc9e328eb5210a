/**
 * Finds what is left to tear down (a re-run after a partial teardown finds less): each team's VPC
 * origin, the shares holding it, and whether our distribution uses it. Refuses, before changing
 * anything, when another distribution also uses a team's origin (this teardown only detaches it
 * from ours, and the origin can't be unshared or deleted while used), or when disabling the
 * distribution would cut off teams that are not being torn down. Disabling the distribution, or
 * removing aliases it serves, changes what the internet sees: those are listed for the approval.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { referencedVpcOrigins } from '../../domain/vpc-origins';
import { defineTask } from '../lib/handler';
import { cloudfrontAs, distributionsUsing, findTeamVpcOrigin, networkingDistribution, ramAs, sharesHolding, TeamRef } from './clients';
import { present } from '../lib/common';

const Event = z.object({
  networkingAccountId: z.string(),
  distributionId: z.string(),
  distributionAction: z.enum(['detach', 'disable']),
  teams: z.array(TeamRef.extend({ host: z.string().nullable() })),
});

export const handler = defineTask('CaptureVpcOriginTeardownState', Event, async (input) => {
  const d = await networkingDistribution(input.distributionId);
  const config = present(d.DistributionConfig, `GetDistribution ${input.distributionId}: DistributionConfig`);
  const referenced = referencedVpcOrigins(config);
  const served = (config.Aliases?.Items ?? []).map((a) => a.toLowerCase());
  const teams = [];
  const problems: string[] = [];
  for (const t of input.teams) {
    const cf = cloudfrontAs(t.roleArn);
    const vo = await findTeamVpcOrigin(cf, t);
    const users = vo?.Arn ? await distributionsUsing(cf, vo.Arn) : [];
    const elsewhere = users.filter((u) => !(u.DistributionId === input.distributionId && u.OwnerAccountId === input.networkingAccountId));
    if (elsewhere.length)
      problems.push(
        `${t.name}'s VPC origin ${vo!.Id} is also used by ${elsewhere.map((u) => `${u.DistributionId} (account ${u.OwnerAccountId})`).join(', ')}; remove it there first`,
      );
    teams.push({
      name: t.name,
      accountId: t.accountId,
      roleArn: t.roleArn,
      host: t.host,
      vpcOrigin: { found: Boolean(vo), id: vo?.Id ?? null, arn: vo?.Arn ?? null, status: vo?.Status ?? 'deleted' },
      shareArns: vo?.Arn ? await sharesHolding(ramAs(t.roleArn), vo.Arn) : [],
      attached: Boolean(vo && referenced.some((r) => r.vpcOriginId === vo.Id && (r.ownerAccountId ?? input.networkingAccountId) === t.accountId)),
    });
  }
  const leaving = new Set(teams.map((t) => t.vpcOrigin.id).filter(Boolean));
  const staying = referenced.filter((r) => !leaving.has(r.vpcOriginId));
  if (input.distributionAction === 'disable' && staying.length) {
    problems.push(
      `disabling ${input.distributionId} would cut off origins that are not being torn down (${staying.map((s) => s.originId).join(', ')}); include their teams or use "detach"`,
    );
  }
  if (problems.length) throw new WorkflowError(ErrorNames.SafetyViolation, `vpc-origin-teardown refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const aliasesGoing = teams.map((t) => t.host).filter((h): h is string => Boolean(h) && served.includes(h!.toLowerCase()));
  const disabling = input.distributionAction === 'disable' && config.Enabled !== false;
  const changes = [
    ...teams
      .filter((t) => t.attached)
      .map((t) => ({
        kind: 'origin',
        target: `${input.distributionId} ${t.name}'s VPC origin ${t.vpcOrigin.id}`,
        from: `attached (account ${t.accountId})`,
        to: '(removed)',
      })),
    ...aliasesGoing.map((h) => ({ kind: 'alias', target: input.distributionId, from: h, to: '(removed: the distribution stops answering for it)' })),
    ...(disabling ? [{ kind: 'distribution', target: input.distributionId, from: 'enabled', to: 'disabled (every name it serves stops answering)' }] : []),
  ];
  return {
    /** Disabling, or taking names off the distribution, needs an approval; detaching origins only does not. */
    approval: { required: disabling || aliasesGoing.length > 0, changes },
    distribution: { id: input.distributionId, enabled: Boolean(d.DistributionConfig?.Enabled) },
    teams,
    vpcOriginIds: teams.map((t) => t.vpcOrigin.id).filter((x): x is string => Boolean(x)),
    aliases: teams.map((t) => t.host).filter((x): x is string => Boolean(x)),
  };
});
