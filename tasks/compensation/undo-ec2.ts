/**
 * Undo steps for EC2/IPAM: withdraw what this execution advertised, deprovision what it provisioned,
 * delete the pools it created. Each waits out AWS's transitional states instead of failing on them.
 */
import { DeleteIpamPoolCommand, DeprovisionIpamPoolCidrCommand, WithdrawByoipCidrCommand } from '@aws-sdk/client-ec2';
import { PollProfiles } from '../../domain/polling';
import { TAG_EXECUTION, TAG_ROLE } from '../lib/common';
import { defineUndoTask, type UndoImpl } from '../lib/undo';
import { byoipCidrs, describePool, ec2, findPools, latestByCidr, poolCidrs } from '../ipam/ipam-client';

const withdrawCidr: UndoImpl = {
  async apply({ region, cidr }: { region: string; cidr: string }) {
    const state = (await byoipCidrs(region)).get(cidr)?.State;
    if (state === 'pending-advertising') return { done: false, next: 'apply', profile: PollProfiles.advertisement };
    if (state !== 'advertised') return { done: true, note: `not advertised (${state ?? 'absent'})` };
    await ec2(region).send(new WithdrawByoipCidrCommand({ Cidr: cidr }));
    return { done: false, next: 'check', profile: PollProfiles.advertisement };
  },
  async check({ region, cidr }: { region: string; cidr: string }) {
    const state = (await byoipCidrs(region)).get(cidr)?.State;
    return state === 'pending-withdrawal'
      ? { done: false, next: 'check', profile: PollProfiles.advertisement }
      : { done: true, note: `now ${state ?? 'absent'}` };
  },
};

const deprovisionPoolCidr: UndoImpl = {
  async apply({ region, poolId, cidr }: { region: string; poolId: string; cidr: string }) {
    if (!(await describePool(region, poolId))) return { done: true, note: 'pool is gone' };
    const state = latestByCidr(await poolCidrs(region, poolId)).get(cidr)?.State;
    // A pending provision cannot be cancelled: wait for it to finish, then deprovision.
    if (state === 'pending-provision') return { done: false, next: 'apply', profile: PollProfiles.byoipProvisioning };
    if (state === 'pending-deprovision') return { done: false, next: 'check', profile: PollProfiles.poolCidr };
    if (state !== 'provisioned') return { done: true, note: `nothing to deprovision (${state ?? 'absent'})` };
    await ec2(region).send(new DeprovisionIpamPoolCidrCommand({ IpamPoolId: poolId, Cidr: cidr }));
    return { done: false, next: 'check', profile: PollProfiles.poolCidr };
  },
  async check({ region, poolId, cidr }: { region: string; poolId: string; cidr: string }) {
    const state = latestByCidr(await poolCidrs(region, poolId)).get(cidr)?.State;
    if (state === 'pending-deprovision') return { done: false, next: 'check', profile: PollProfiles.poolCidr };
    if (state === 'failed-deprovision') throw new Error(`${cidr} failed to deprovision from ${poolId}`);
    return { done: true, note: `now ${state ?? 'absent'}` };
  },
};

const deletePool: UndoImpl = {
  async apply({ region, executionName, role }: { region: string; executionName: string; role: string }) {
    const pools = (
      await findPools(region, [
        { Name: `tag:${TAG_EXECUTION}`, Values: [executionName] },
        { Name: `tag:${TAG_ROLE}`, Values: [role] },
      ])
    ).filter((p) => !p.State?.startsWith('delete'));
    if (pools.length === 0) return { done: true, note: 'no pool was created' };
    const pool = pools[0];
    if (pool.State === 'create-in-progress') return { done: false, next: 'apply', profile: PollProfiles.poolState };
    await ec2(region).send(new DeleteIpamPoolCommand({ IpamPoolId: pool.IpamPoolId! }));
    return { done: false, next: 'check', profile: PollProfiles.poolState, progress: { poolId: pool.IpamPoolId } };
  },
  async check({ region }: { region: string }, progress) {
    const pool = await describePool(region, String(progress?.poolId));
    if (pool && pool.State !== 'delete-complete') return { done: false, next: 'check', profile: PollProfiles.poolState, progress };
    return { done: true, note: `deleted ${progress?.poolId}` };
  },
};

/** The undo actions this task implements (intents in the workflows name them). */
export const undoActions: Record<string, UndoImpl> = {
  'EC2.WithdrawCidr': withdrawCidr,
  'EC2.DeprovisionPoolCidr': deprovisionPoolCidr,
  'EC2.DeletePool': deletePool,
};

export const handler = defineUndoTask('UndoEc2', 'EC2', undoActions);
