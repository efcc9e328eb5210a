/**
 * Undo steps for Global Accelerator: put an existing accelerator back on its addresses (or delete the
 * one this execution created), withdraw what this execution advertised, deprovision what it provisioned.
 * Each step waits out GA's transitional states (IN_PROGRESS, PENDING_*) instead of failing on them.
 */
import {
  DeleteAcceleratorCommand,
  DeleteEndpointGroupCommand,
  DeleteListenerCommand,
  DeprovisionByoipCidrCommand,
  UpdateAcceleratorCommand,
  WithdrawByoipCidrCommand,
  type Accelerator,
} from '@aws-sdk/client-global-accelerator';
import { PollProfiles } from '../../domain/polling';
import { sameAddresses } from '../../domain/static-ip';
import { TAG_EXECUTION } from '../lib/common';
import { defineUndoTask, type UndoImpl } from '../lib/undo';
import {
  acceleratorsTagged,
  describeAccelerator,
  endpointGroups,
  ga,
  gaCidrs,
  ipv4Addresses,
  listeners,
  deleteIfPresent,
} from '../global-accelerator/ga-client';

interface Baseline {
  found: boolean;
  arn: string;
  ipAddresses: string[];
  listenerArns: string[];
  endpointGroupArns: string[];
}

const again = (next: 'apply' | 'check', progress?: Record<string, unknown>) => ({
  done: false as const,
  next,
  profile: PollProfiles.acceleratorDeployment,
  progress,
});

/** Removes the endpoint groups and listeners not in `keep`; true if anything was deleted. */
async function removeAddedRouting(a: Accelerator, keep: Baseline): Promise<boolean> {
  let changed = false;
  for (const l of await listeners(a.AcceleratorArn!)) {
    const groups = await endpointGroups(l.ListenerArn!);
    for (const g of groups) {
      if (keep.endpointGroupArns.includes(g.EndpointGroupArn!)) continue;
      await deleteIfPresent(() => ga().send(new DeleteEndpointGroupCommand({ EndpointGroupArn: g.EndpointGroupArn })));
      changed = true;
    }
    const kept = groups.some((g) => keep.endpointGroupArns.includes(g.EndpointGroupArn!));
    if (!keep.listenerArns.includes(l.ListenerArn!) && !kept) {
      await deleteIfPresent(() => ga().send(new DeleteListenerCommand({ ListenerArn: l.ListenerArn })));
      changed = true;
    }
  }
  return changed;
}

/**
 * One step per call, re-evaluated each time: wait for IN_PROGRESS, drop the routing this execution
 * added, then either restore the existing accelerator's addresses (Amazon's come back within 10 days)
 * or disable and delete the accelerator this execution created.
 */
const restoreAccelerator: UndoImpl = {
  async apply({ executionName, baseline }: { executionName: string; baseline: Baseline }) {
    const a = baseline.found ? await describeAccelerator(baseline.arn) : (await acceleratorsTagged(TAG_EXECUTION, executionName))[0];
    if (!a) return { done: true, note: baseline.found ? 'accelerator is gone' : 'no accelerator was created' };
    if (a.Status !== 'DEPLOYED') return again('apply');
    if (await removeAddedRouting(a, baseline)) return again('apply');
    if (baseline.found) {
      if (sameAddresses(ipv4Addresses(a), baseline.ipAddresses)) return { done: true, note: `addresses back to ${baseline.ipAddresses.join(', ')}` };
      await ga().send(new UpdateAcceleratorCommand({ AcceleratorArn: a.AcceleratorArn, IpAddresses: baseline.ipAddresses }));
      return again('apply');
    }
    if (a.Enabled) {
      await ga().send(new UpdateAcceleratorCommand({ AcceleratorArn: a.AcceleratorArn, Enabled: false }));
      return again('apply');
    }
    await ga().send(new DeleteAcceleratorCommand({ AcceleratorArn: a.AcceleratorArn }));
    return again('check', { arn: a.AcceleratorArn });
  },
  async check(_params: unknown, progress) {
    return (await describeAccelerator(String(progress?.arn))) ? again('check', progress) : { done: true, note: `deleted ${progress?.arn}` };
  },
};

const withdrawCidr: UndoImpl = {
  async apply({ cidr }: { cidr: string }) {
    const state = (await gaCidrs()).get(cidr)?.State;
    if (state === 'PENDING_ADVERTISING') return { done: false, next: 'apply', profile: PollProfiles.advertisement };
    if (state === 'PENDING_WITHDRAWING') return { done: false, next: 'check', profile: PollProfiles.advertisement };
    if (state !== 'ADVERTISING' && state !== 'FAILED_WITHDRAW') return { done: true, note: `not advertised (${state ?? 'absent'})` };
    await ga().send(new WithdrawByoipCidrCommand({ Cidr: cidr }));
    return { done: false, next: 'check', profile: PollProfiles.advertisement };
  },
  async check({ cidr }: { cidr: string }) {
    const state = (await gaCidrs()).get(cidr)?.State;
    if (state === 'PENDING_WITHDRAWING') return { done: false, next: 'check', profile: PollProfiles.advertisement };
    if (state === 'FAILED_WITHDRAW') throw new Error(`${cidr} failed to withdraw`);
    return { done: true, note: `now ${state ?? 'absent'}` };
  },
};

const deprovisionCidr: UndoImpl = {
  async apply({ cidr }: { cidr: string }) {
    const state = (await gaCidrs()).get(cidr)?.State;
    // A provisioning in progress cannot be cancelled: wait for it to end, then deprovision.
    if (state === 'PENDING_PROVISIONING') return { done: false, next: 'apply', profile: PollProfiles.gaByoipProvisioning };
    if (state === 'PENDING_WITHDRAWING' || state === 'PENDING_ADVERTISING') return { done: false, next: 'apply', profile: PollProfiles.advertisement };
    if (state === 'PENDING_DEPROVISIONING') return { done: false, next: 'check', profile: PollProfiles.poolCidr };
    if (state !== 'READY' && state !== 'FAILED_DEPROVISION') return { done: true, note: `nothing to deprovision (${state ?? 'absent'})` };
    await ga().send(new DeprovisionByoipCidrCommand({ Cidr: cidr }));
    return { done: false, next: 'check', profile: PollProfiles.poolCidr };
  },
  async check({ cidr }: { cidr: string }) {
    const state = (await gaCidrs()).get(cidr)?.State;
    if (state === 'PENDING_DEPROVISIONING') return { done: false, next: 'check', profile: PollProfiles.poolCidr };
    if (state === 'FAILED_DEPROVISION') throw new Error(`${cidr} failed to deprovision from Global Accelerator`);
    return { done: true, note: `now ${state ?? 'DEPROVISIONED'}` };
  },
};

/** The undo actions this task implements (intents in the workflows name them). */
export const undoActions: Record<string, UndoImpl> = {
  'GlobalAccelerator.RestoreAccelerator': restoreAccelerator,
  'GlobalAccelerator.WithdrawCidr': withdrawCidr,
  'GlobalAccelerator.DeprovisionCidr': deprovisionCidr,
};

export const handler = defineUndoTask('UndoGlobalAccelerator', 'GlobalAccelerator', undoActions);
