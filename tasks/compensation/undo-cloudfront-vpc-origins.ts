/**
 * CloudFront undo steps of vpc-origin-share (served by UndoCloudFront):
 *  - RemoveTeamOrigins: under the distribution's lock, withdraw this execution's queued additions and
 *    remove the origins, behaviours and aliases it added (never those of teams already attached
 *    before it, nor aliases that were there), then wait until Deployed;
 *  - DeleteVpcOrigin: delete the VPC origin this execution created (tagged), once it is not Deploying
 *    and nothing uses it, and wait until it is gone.
 */
import {
  DeleteVpcOriginCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
} from '@aws-sdk/client-cloudfront';
import { PollProfiles } from '../../domain/polling';
import { removeTeams } from '../../domain/vpc-origins';
import { TAG_EXECUTION, present } from '../lib/common';
import { acquireLock, releaseLock } from '../../platform/state-table';
import { UndoRefused, type UndoImpl } from '../lib/undo';
import { cloudfrontAs, distributionsUsing, findTeamVpcOrigin, getVpcOrigin, tagsOf, cloudfrontHere } from '../vpc-origins/clients';
import { remove as withdrawQueued } from '../vpc-origins/origin-queue';

interface RemoveParams {
  distributionId: string;
  executionName: string;
  /** The teams this execution prepared, as parallel lists (index i is one team). */
  teamNames: string[];
  vpcOriginIds: string[];
  hosts: string[];
  skipTeams: string[];
  hostsCoveredBefore: string[];
  lockResource: string;
  leaseSeconds: number;
}

const isStale = (e: unknown) => (e as Error).name === 'PreconditionFailed';

const removeTeamOrigins: UndoImpl = {
  async apply(p: RemoveParams) {
    try {
      await acquireLock(p.lockResource, p.executionName, p.leaseSeconds, 'vpc-origin-share: compensation');
    } catch (e) {
      if ((e as Error).name === 'ResourceLocked') return { done: false, next: 'apply', profile: PollProfiles.distributionTurn };
      throw e;
    }
    await withdrawQueued(p.distributionId, p.executionName);
    const cf = cloudfrontHere();
    const current = await cf.send(new GetDistributionConfigCommand({ Id: p.distributionId }));
    // Intents recorded before this shape (an execution started on the previous deployment) list whole teams.
    const teams = p.teamNames
      ? p.teamNames.map((team, i) => ({ team, vpcOriginId: p.vpcOriginIds[i], host: p.hosts[i] }))
      : (p as unknown as { teams: Array<{ team: string; vpcOriginId: string; host: string }> }).teams;
    const mine = teams.filter((t) => !p.skipTeams.includes(t.team));
    const out = removeTeams(
      present(current.DistributionConfig, `GetDistributionConfig ${p.distributionId}: DistributionConfig`),
      mine.map((t) => ({ vpcOriginIds: [t.vpcOriginId], aliases: p.hostsCoveredBefore.includes(t.host) ? [] : [t.host] })),
    );
    if (out.blocked.length) throw new UndoRefused(out.blocked.join('; '));
    if (!out.changed) {
      await releaseLock(p.lockResource, p.executionName);
      return { done: true, note: 'nothing of this execution in the distribution' };
    }
    try {
      await cf.send(new UpdateDistributionCommand({ Id: p.distributionId, IfMatch: current.ETag, DistributionConfig: out.config as DistributionConfig }));
    } catch (e) {
      if (isStale(e)) return { done: false, next: 'apply', profile: PollProfiles.cloudfrontDeployment };
      throw e;
    }
    return { done: false, next: 'check', profile: PollProfiles.cloudfrontDeployment, progress: { removed: out.removedOrigins } };
  },
  async check(p: RemoveParams, progress) {
    const d = (await cloudfrontHere().send(new GetDistributionCommand({ Id: p.distributionId }))).Distribution;
    if (d?.Status !== 'Deployed') return { done: false, next: 'check', profile: PollProfiles.cloudfrontDeployment, progress };
    await releaseLock(p.lockResource, p.executionName);
    return { done: true, note: `removed ${((progress?.removed as string[]) ?? []).join(', ')}; Deployed` };
  },
};

interface Team {
  name: string;
  roleArn: string;
  albArn?: string | null;
  vpcOriginName: string;
}

const deleteVpcOrigin: UndoImpl = {
  async apply({ team, executionName }: { team: Team; executionName: string }) {
    const cf = cloudfrontAs(team.roleArn);
    const found = await findTeamVpcOrigin(cf, team);
    if (!found?.Id) return { done: true, note: 'no VPC origin was created' };
    const owner = (await tagsOf(cf, found.Arn!))[TAG_EXECUTION];
    if (owner !== executionName) return { done: true, note: `kept ${found.Id}: ${owner ? `created by ${owner}` : 'it existed before'}` };
    const current = await getVpcOrigin(cf, found.Id);
    if (!current?.VpcOrigin || current.VpcOrigin.Status === 'Deleting')
      return { done: false, next: 'check', profile: PollProfiles.vpcOriginDeployment, progress: { id: found.Id } };
    if (current.VpcOrigin.Status === 'Deploying') return { done: false, next: 'apply', profile: PollProfiles.vpcOriginDeployment };
    const users = await distributionsUsing(cf, found.Arn!);
    if (users.length) throw new UndoRefused(`VPC origin ${found.Id} is still used by ${users.map((u) => u.DistributionId).join(', ')}`);
    try {
      await cf.send(new DeleteVpcOriginCommand({ Id: found.Id, IfMatch: current.ETag }));
    } catch (e) {
      if (isStale(e)) return { done: false, next: 'apply', profile: PollProfiles.vpcOriginDeployment };
      throw e;
    }
    return { done: false, next: 'check', profile: PollProfiles.vpcOriginDeployment, progress: { id: found.Id } };
  },
  async check({ team }: { team: Team }, progress) {
    const left = await getVpcOrigin(cloudfrontAs(team.roleArn), String(progress?.id));
    return left ? { done: false, next: 'check', profile: PollProfiles.vpcOriginDeployment, progress } : { done: true, note: `deleted ${progress?.id}` };
  },
};

export const vpcOriginUndoActions: Record<string, UndoImpl> = {
  'CloudFront.RemoveTeamOrigins': removeTeamOrigins,
  'CloudFront.DeleteVpcOrigin': deleteVpcOrigin,
};
