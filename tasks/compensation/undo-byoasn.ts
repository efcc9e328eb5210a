/**
 * Undo steps for BYOASN: put the AWS ASN back as origin where this execution advertised a custom
 * one, disassociate what it associated, deprovision the ASN it provisioned. Each waits out AWS's
 * pending states instead of failing on them, and each is a no-op when the forward step never ran.
 */
import { AdvertiseByoipCidrCommand, DeprovisionIpamByoasnCommand, DisassociateIpamByoasnCommand } from '@aws-sdk/client-ec2';
import { AWS_ASN } from '../../domain/byoasn';
import { PollProfiles } from '../../domain/polling';
import { defineUndoTask, type UndoImpl } from '../lib/undo';
import { associationOf, byoasns } from '../byoasn/byoasn-client';
import { markPending, readGuard, recordOrigin } from '../byoasn/swap-guard';
import { byoipCidrs, ec2 } from '../ipam/ipam-client';

interface OriginParams {
  region: string;
  accountId: string;
  cidr: string;
  executionName: string;
}

/** Back to the AWS ASN (immediate, no hourly limit) where this execution's Advertise changed the origin. */
const restoreOrigin: UndoImpl = {
  async apply({ region, accountId, cidr, executionName }: OriginParams) {
    const state = (await byoipCidrs(region)).get(cidr)?.State;
    if (state === 'pending-advertising' || state === 'pending-withdrawal') return { done: false, next: 'apply', profile: PollProfiles.advertisement };
    if (state !== 'advertised') return { done: true, note: `not advertised (${state ?? 'absent'})` };
    const ref = { accountId, region, cidr };
    const guard = await readGuard(ref);
    if (guard.pendingBy !== executionName) return { done: true, note: 'origin not changed by this execution' };
    if (guard.pendingAsn === AWS_ASN) return { done: true, note: 'already back on the AWS ASN' };
    await markPending(ref, AWS_ASN, false, executionName);
    await ec2(region).send(new AdvertiseByoipCidrCommand({ Cidr: cidr, Asn: AWS_ASN }));
    await recordOrigin(ref, AWS_ASN, false, executionName);
    return { done: false, next: 'check', profile: PollProfiles.advertisement };
  },
  async check({ region, cidr }: OriginParams) {
    const state = (await byoipCidrs(region)).get(cidr)?.State;
    return state === 'pending-advertising'
      ? { done: false, next: 'check', profile: PollProfiles.advertisement }
      : { done: true, note: `now ${state ?? 'absent'} from the AWS ASN` };
  },
};

interface AssociationParams {
  region: string;
  asn: string;
  cidr: string;
}

const disassociate: UndoImpl = {
  async apply({ region, asn, cidr }: AssociationParams) {
    const state = associationOf((await byoipCidrs(region)).get(cidr), asn)?.State;
    if (!state) return { done: true, note: 'not associated' };
    // A pending association cannot be cancelled: wait for it to settle, then disassociate.
    if (state === 'pending-association') return { done: false, next: 'apply', profile: PollProfiles.asnAssociation };
    if (state === 'pending-disassociation') return { done: false, next: 'check', profile: PollProfiles.asnAssociation };
    await ec2(region).send(new DisassociateIpamByoasnCommand({ Asn: asn, Cidr: cidr }));
    return { done: false, next: 'check', profile: PollProfiles.asnAssociation };
  },
  async check({ region, asn, cidr }: AssociationParams) {
    const a = associationOf((await byoipCidrs(region)).get(cidr), asn);
    if (a?.State === 'pending-disassociation') return { done: false, next: 'check', profile: PollProfiles.asnAssociation };
    if (a?.State === 'failed-disassociation') throw new Error(`AS${asn} failed to disassociate from ${cidr}: ${a.StatusMessage ?? 'no reason given'}`);
    return { done: true, note: `now ${a?.State ?? 'disassociated'}` };
  },
};

interface AsnParams {
  region: string;
  ipamId: string;
  asn: string;
  provisionedBefore: boolean;
}

const deprovision: UndoImpl = {
  async apply({ region, ipamId, asn, provisionedBefore }: AsnParams) {
    if (provisionedBefore) return { done: true, note: `kept: AS${asn} was provisioned before this execution` };
    const state = (await byoasns(region, ipamId)).get(asn)?.State ?? 'absent';
    if (state === 'pending-provision') return { done: false, next: 'apply', profile: PollProfiles.byoasn };
    if (state === 'pending-deprovision') return { done: false, next: 'check', profile: PollProfiles.byoasn };
    if (state !== 'provisioned' && state !== 'failed-deprovision') return { done: true, note: `nothing to deprovision (${state})` };
    await ec2(region).send(new DeprovisionIpamByoasnCommand({ IpamId: ipamId, Asn: asn }));
    return { done: false, next: 'check', profile: PollProfiles.byoasn };
  },
  async check({ region, ipamId, asn }: AsnParams) {
    const a = (await byoasns(region, ipamId)).get(asn);
    if (a?.State === 'pending-deprovision') return { done: false, next: 'check', profile: PollProfiles.byoasn };
    if (a?.State === 'failed-deprovision') throw new Error(`AS${asn} failed to deprovision: ${a.StatusMessage ?? 'no reason given'}`);
    return { done: true, note: `now ${a?.State ?? 'absent'}` };
  },
};

/** The undo actions this task implements (intents in the workflows name them). */
export const undoActions: Record<string, UndoImpl> = {
  'Byoasn.RestoreOrigin': restoreOrigin,
  'Byoasn.Disassociate': disassociate,
  'Byoasn.Deprovision': deprovision,
};

export const handler = defineUndoTask('UndoByoasn', 'Byoasn', undoActions);
