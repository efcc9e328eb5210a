/**
 * Undo steps for AWS RAM: delete the VPC-origin share this execution created (found by name and the
 * execution tag; a share someone else made is kept). Refuses while a distribution still uses the
 * origin: the distribution's own undo runs first and removes it.
 */
import { DeleteResourceShareCommand } from '@aws-sdk/client-ram';
import { PollProfiles } from '../../domain/polling';
import { TAG_EXECUTION } from '../lib/common';
import { defineUndoTask, UndoRefused, type UndoImpl } from '../lib/undo';
import { cloudfrontAs, distributionsUsing, findTeamVpcOrigin, ownShares, ramAs } from '../vpc-origins/clients';

interface Team {
  name: string;
  roleArn: string;
  albArn?: string | null;
  vpcOriginName: string;
  shareName: string;
}

const deleteResourceShare: UndoImpl = {
  async apply({ team, executionName }: { team: Team; executionName: string }) {
    const ram = ramAs(team.roleArn);
    const ours = (await ownShares(ram, { name: team.shareName, tag: { key: TAG_EXECUTION, value: executionName } })).filter((s) => s.status !== 'DELETING');
    if (ours.length === 0) return { done: true, note: 'no share was created by this execution' };
    const vo = await findTeamVpcOrigin(cloudfrontAs(team.roleArn), team);
    const users = vo?.Arn ? await distributionsUsing(cloudfrontAs(team.roleArn), vo.Arn) : [];
    if (users.length)
      throw new UndoRefused(`refusing to unshare ${team.name}'s VPC origin while ${users.map((u) => u.DistributionId).join(', ')} still uses it`);
    for (const s of ours) await ram.send(new DeleteResourceShareCommand({ resourceShareArn: s.resourceShareArn }));
    return { done: false, next: 'check', profile: PollProfiles.ramShare, progress: { shareArns: ours.map((s) => s.resourceShareArn!) } };
  },
  async check({ team }: { team: Team }, progress) {
    const left = await ownShares(ramAs(team.roleArn), { arns: progress?.shareArns as string[] });
    return left.length
      ? { done: false, next: 'check', profile: PollProfiles.ramShare, progress }
      : { done: true, note: `deleted ${((progress?.shareArns as string[] | undefined) ?? []).join(', ')}` };
  },
};

/** The undo actions this task implements (intents in the workflows name them). */
export const undoActions: Record<string, UndoImpl> = { 'RAM.DeleteResourceShare': deleteResourceShare };

export const handler = defineUndoTask('UndoRam', 'RAM', undoActions);
