/**
 * AWS RAM: resource shares with resource and principal associations, and invitations for principals
 * in other accounts (no organization-wide sharing is modelled, so every account gets an invitation).
 *  - An invitation is PENDING until the receiver accepts it (ACCEPTED) or it expires: 12 hours for
 *    CloudFront VPC origins, 7 days for other resource types (EXPIRED; the principal association FAILS).
 *  - Associations go ASSOCIATING → ASSOCIATED (a principal only once its invitation is accepted) and
 *    DISASSOCIATING → DISASSOCIATED; a deleted share goes DELETING → DELETED.
 *  - CloudFront resources are global and are shared from us-east-1.
 * CloudFront asks `vpcOriginSharedWith` whether a consumer account may use an owner's VPC origin.
 */
import type * as RAM from '@aws-sdk/client-ram';
import type { Resource, ResourceShare } from '@aws-sdk/client-ram';
import * as z from 'zod';
import { awsError } from '../../aws-error';
import { page } from '../../paging';
import { eventual, lifecycle, settle, transition, type Lifecycle } from '../../lifecycle';
import type { SdkServiceModel } from '../../sdk-operations';
import type { OpContext, Simulator } from '../../simulator';
import { resourceRef } from '../../resource-ref';

/** The report's names for RAM's resources; requests name a share by ARN, a resource association by the resource's ARN. */
const shareRef = (s: { name: string; arn: string }) => resourceRef(`ram-share:${s.name}`, [s.arn]);
const invitationRef = (i: { shareName: string; shareArn: string; receiver: string; arn: string }) =>
  resourceRef(`ram-invitation:${i.shareName}/${i.receiver}`, [i.shareArn], [i.arn]);
// A principal (an account id) alone would tie the association to any request naming that account.
const associationRef = (s: { name: string; arn: string }, entity: string) =>
  resourceRef(`ram-association:${s.name}/${entity}`, [s.arn, entity], ...(entity.startsWith('arn:') ? [[entity]] : []));

type ShareStatus = 'PENDING' | 'ACTIVE' | 'DELETING' | 'DELETED';
type AssociationStatus = 'ASSOCIATING' | 'ASSOCIATED' | 'DISASSOCIATING' | 'DISASSOCIATED' | 'FAILED';
type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'REJECTED' | 'EXPIRED';

const ShareSeed = z.object({
  name: z.string().min(1),
  owner: z.string().regex(/^\d{12}$/),
  region: z.string().default('us-east-1'),
  resources: z.array(z.string()).default([]),
  principals: z.array(z.string().regex(/^\d{12}$/)).default([]),
  /** When the share (and its invitations) were created; an invitation older than its validity is EXPIRED. */
  createdAt: z.iso.datetime({ offset: true }).optional(),
  invitationStatus: z.enum(['PENDING', 'ACCEPTED', 'REJECTED']).default('PENDING'),
  tags: z.record(z.string(), z.string()).default({}),
});

export const RamWorldSection = z.object({ resourceShares: z.array(ShareSeed).default([]) });

export interface SimAssociation {
  entity: string;
  type: 'PRINCIPAL' | 'RESOURCE';
  lc: Lifecycle<AssociationStatus>;
  creationTime: number;
  external: boolean;
}

export interface SimShare {
  arn: string;
  name: string;
  owner: string;
  region: string;
  allowExternalPrincipals: boolean;
  lc: Lifecycle<ShareStatus>;
  tags: Array<{ key: string; value?: string }>;
  creationTime: number;
  clientToken?: string;
  request: string;
  associations: SimAssociation[];
}

export interface SimInvitation {
  arn: string;
  shareArn: string;
  shareName: string;
  sender: string;
  receiver: string;
  region: string;
  timestamp: number;
  lc: Lifecycle<InvitationStatus>;
}

export interface RamState {
  shares: SimShare[];
  invitations: SimInvitation[];
}

const DEFAULT_INVITATION_DAYS = 7;

function associateSeconds(ctx: { timings: Record<string, number> }): number {
  return ctx.timings.ramAssociate ?? 5;
}

/** Invitation validity: 12 hours for CloudFront VPC origins (CloudFront sharing guide), 7 days otherwise. */
function invitationSeconds(resources: string[], timings: Record<string, number>): number {
  if (resources.some(isCloudFrontArn)) return timings.ramInvitationExpiry ?? 12 * 3600;
  return DEFAULT_INVITATION_DAYS * 86_400;
}

const isCloudFrontArn = (arn: string) => /^arn:aws[a-z-]*:cloudfront::/.test(arn);

function accountOf(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

function resourceType(arn: string): string {
  const m = /^arn:[^:]+:([^:]+):[^:]*:\d{12}:([^/:]+)/.exec(arn);
  if (!m) return 'unknown';
  return m[1] === 'cloudfront' && m[2] === 'vpcorigin' ? 'cloudfront:VpcOrigin' : `${m[1]}:${m[2]}`;
}

/** Which resource types exist in the simulated world (RAM refuses unknown resources). */
const resourceCheckers: Array<(sim: Simulator, arn: string) => boolean | undefined> = [];
/** Lets another model say whether a resource ARN exists (true/false) or is not its type (undefined). */
export function registerShareableResource(check: (sim: Simulator, arn: string) => boolean | undefined): void {
  if (!resourceCheckers.includes(check)) resourceCheckers.push(check);
}

function describeShare(s: SimShare): ResourceShare {
  return {
    resourceShareArn: s.arn,
    name: s.name,
    owningAccountId: s.owner,
    allowExternalPrincipals: s.allowExternalPrincipals,
    status: s.lc.state,
    tags: s.tags,
    creationTime: new Date(s.creationTime),
    lastUpdatedTime: new Date(s.lc.since),
    featureSet: 'STANDARD',
  };
}

function describeInvitation(i: SimInvitation) {
  return {
    resourceShareInvitationArn: i.arn,
    resourceShareName: i.shareName,
    resourceShareArn: i.shareArn,
    senderAccountId: i.sender,
    receiverAccountId: i.receiver,
    invitationTimestamp: new Date(i.timestamp),
    status: i.lc.state,
  };
}

function describeAssociation(s: SimShare, a: SimAssociation) {
  return {
    resourceShareArn: s.arn,
    resourceShareName: s.name,
    associatedEntity: a.entity,
    associationType: a.type,
    status: a.lc.state,
    creationTime: new Date(a.creationTime),
    lastUpdatedTime: new Date(a.lc.since),
    external: a.external,
  };
}

const live = (s: SimShare) => s.lc.state !== 'DELETED' && s.lc.state !== 'DELETING';

function ownShare(ctx: OpContext<RamState>, arn: string | undefined): SimShare {
  const s = ctx.state.shares.find((x) => x.arn === arn && x.owner === ctx.account && x.region === ctx.region);
  if (!s) throw awsError('UnknownResourceException', `The resource share ${arn} does not exist in account ${ctx.account} (${ctx.region})`);
  return s;
}

function principalHasAccess(s: SimShare, account: string): boolean {
  return s.lc.state === 'ACTIVE' && s.associations.some((a) => a.type === 'PRINCIPAL' && a.entity === account && a.lc.state === 'ASSOCIATED');
}

/** Can `consumer` use the owner's resource (an ACTIVE share, the resource ASSOCIATED, the consumer's invitation accepted)? */
export function vpcOriginSharedWith(sim: Simulator, resourceArn: string, owner: string, consumer: string): boolean {
  const state = sim.state<RamState>('ram');
  return state.shares.some(
    (s) =>
      s.owner === owner &&
      s.region === 'us-east-1' &&
      principalHasAccess(s, consumer) &&
      s.associations.some((a) => a.type === 'RESOURCE' && a.entity === resourceArn && a.lc.state === 'ASSOCIATED'),
  );
}

function scheduleShare(sim: Simulator, s: SimShare, now: number, seconds: number): void {
  for (const a of s.associations) {
    if (a.type === 'RESOURCE' || !a.external) {
      transition(sim, associationRef(s, a.entity), a.lc, now, 'ASSOCIATING', { state: 'ASSOCIATED', afterSeconds: seconds });
    }
  }
}

/** RAM as a world section (sim/world-out.ts): live shares with their resources, principals and invitation status. */
function ramToWorld(state: RamState, _sim: Simulator, note: (text: string) => void) {
  const shares = state.shares.filter((s) => !['DELETING', 'DELETED'].includes(eventual(s.lc)));
  return {
    ram: {
      resourceShares: shares.map((s) => {
        const live = (type: 'RESOURCE' | 'PRINCIPAL') =>
          s.associations.filter((a) => a.type === type && !['DISASSOCIATING', 'DISASSOCIATED', 'FAILED'].includes(eventual(a.lc))).map((a) => a.entity);
        const statuses = [...new Set(state.invitations.filter((i) => i.shareArn === s.arn).map((i) => eventual(i.lc)))];
        if (statuses.length > 1) note(`RAM share ${s.name}: invitations ${statuses.join(', ')}; written as ${statuses[0]} for every principal`);
        const status = statuses[0] === 'EXPIRED' ? 'REJECTED' : (statuses[0] ?? 'ACCEPTED');
        return {
          name: s.name,
          owner: s.owner,
          region: s.region,
          resources: live('RESOURCE'),
          principals: live('PRINCIPAL'),
          createdAt: new Date(s.creationTime).toISOString(),
          invitationStatus: status,
          tags: Object.fromEntries(s.tags.map((t) => [t.key, t.value])),
        };
      }),
    },
  };
}

export const ramModel: SdkServiceModel<RamState, typeof RAM> = {
  key: 'ram',
  service: 'RAM',
  seed(world, sim) {
    const section = RamWorldSection.parse(world.ram ?? {});
    const state: RamState = { shares: [], invitations: [] };
    const timings = world.timings as Record<string, number>;
    for (const seed of section.resourceShares) {
      const created = seed.createdAt ? Date.parse(seed.createdAt) : sim.startedAt;
      const id = sim.nextId('', 12);
      const share: SimShare = {
        arn: `arn:aws:ram:${seed.region}:${seed.owner}:resource-share/${id}`,
        name: seed.name,
        owner: seed.owner,
        region: seed.region,
        allowExternalPrincipals: true,
        lc: lifecycle<ShareStatus>('ACTIVE', created),
        tags: Object.entries(seed.tags).map(([key, value]) => ({ key, value })),
        creationTime: created,
        request: '',
        associations: [],
      };
      for (const r of seed.resources)
        share.associations.push({
          entity: r,
          type: 'RESOURCE',
          lc: lifecycle<AssociationStatus>('ASSOCIATED', created),
          creationTime: created,
          external: false,
        });
      for (const p of seed.principals) {
        const accepted = seed.invitationStatus === 'ACCEPTED';
        share.associations.push({
          entity: p,
          type: 'PRINCIPAL',
          lc: lifecycle<AssociationStatus>(accepted ? 'ASSOCIATED' : seed.invitationStatus === 'REJECTED' ? 'FAILED' : 'ASSOCIATING', created),
          creationTime: created,
          external: true,
        });
        const inv: SimInvitation = {
          arn: `arn:aws:ram:${seed.region}:${seed.owner}:resource-share-invitation/${sim.nextId('', 12)}`,
          shareArn: share.arn,
          shareName: share.name,
          sender: seed.owner,
          receiver: p,
          region: seed.region,
          timestamp: created,
          lc: lifecycle<InvitationStatus>(seed.invitationStatus, created),
        };
        if (seed.invitationStatus === 'PENDING') inv.lc.next.push({ state: 'EXPIRED', at: created + invitationSeconds(seed.resources, timings) * 1000 });
        state.invitations.push(inv);
      }
      state.shares.push(share);
    }
    return state;
  },

  settle(state, now, sim) {
    for (const inv of state.invitations) {
      if (!settle(sim, invitationRef(inv), inv.lc, now)) continue;
      if (inv.lc.state !== 'EXPIRED' && inv.lc.state !== 'REJECTED') continue;
      const share = state.shares.find((s) => s.arn === inv.shareArn);
      const assoc = share?.associations.find((a) => a.type === 'PRINCIPAL' && a.entity === inv.receiver);
      if (share && assoc?.lc.state === 'ASSOCIATING') transition(sim, associationRef(share, inv.receiver), assoc.lc, inv.lc.since, 'FAILED');
    }
    for (const s of state.shares) {
      settle(sim, shareRef(s), s.lc, now);
      for (const a of s.associations) settle(sim, associationRef(s, a.entity), a.lc, now);
    }
  },

  toWorld: ramToWorld,

  snapshot(state) {
    return {
      resourceShares: state.shares
        .filter((s) => s.lc.state !== 'DELETED')
        .map((s) => ({
          ...describeShare(s),
          region: s.region,
          associations: s.associations.filter((a) => a.lc.state !== 'DISASSOCIATED').map((a) => ({ type: a.type, entity: a.entity, status: a.lc.state })),
        })),
      invitations: state.invitations.map((i) => ({ ...describeInvitation(i), region: i.region })),
    };
  },

  operations: {
    CreateResourceShare(ctx, input) {
      if (!input.name) throw awsError('MissingRequiredParameterException', 'name is required');
      const resources: string[] = input.resourceArns ?? [];
      const principals: string[] = input.principals ?? [];
      const request = JSON.stringify({ name: input.name, resources, principals, tags: input.tags ?? [], allow: input.allowExternalPrincipals ?? true });
      if (input.clientToken) {
        const same = ctx.state.shares.find((s) => s.owner === ctx.account && s.region === ctx.region && s.clientToken === input.clientToken);
        if (same) {
          if (same.request !== request)
            throw awsError('IdempotentParameterMismatchException', `The client token ${input.clientToken} was already used with other parameters`);
          return { resourceShare: describeShare(same), clientToken: input.clientToken };
        }
      }
      for (const arn of resources) {
        if (!/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+/.test(arn)) throw awsError('MalformedArnException', `The format of ${arn} is not a valid ARN`);
        if (accountOf(arn) !== ctx.account)
          throw awsError('UnknownResourceException', `You can share only resources you own: ${arn} is owned by ${accountOf(arn)}`);
        if (isCloudFrontArn(arn) && ctx.region !== 'us-east-1')
          throw awsError('InvalidParameterException', `CloudFront resources are global; share ${arn} from us-east-1`);
        const known = resourceCheckers.map((c) => c(ctx.sim, arn)).find((r) => r !== undefined);
        if (known === false) throw awsError('UnknownResourceException', `The resource ${arn} does not exist`);
        if (known === undefined) throw awsError('InvalidResourceTypeException', `The simulator cannot share ${resourceType(arn)} resources`);
      }
      for (const p of principals) {
        if (!/^\d{12}$/.test(p)) throw awsError('InvalidParameterException', `The simulator models account principals only, not ${p}`);
        if (p === ctx.account) throw awsError('InvalidParameterException', 'You cannot share a resource with your own account');
      }
      if (principals.length > 0 && input.allowExternalPrincipals === false) {
        throw awsError(
          'OperationNotPermittedException',
          `Principals ${principals.join(', ')} are not in your organization and allowExternalPrincipals is false`,
        );
      }
      const id = ctx.sim.nextId('', 12);
      const share: SimShare = {
        arn: `arn:aws:ram:${ctx.region}:${ctx.account}:resource-share/${id}`,
        name: input.name,
        owner: ctx.account,
        region: ctx.region,
        allowExternalPrincipals: input.allowExternalPrincipals ?? true,
        lc: lifecycle<ShareStatus>('ACTIVE', ctx.now),
        tags: (input.tags ?? []).map((t) => {
          if (!t.key) throw awsError('InvalidParameterException', 'A tag key must be 1-128 characters');
          return { key: t.key, value: t.value };
        }),
        creationTime: ctx.now,
        clientToken: input.clientToken,
        request,
        associations: [
          ...resources.map((entity) => ({
            entity,
            type: 'RESOURCE' as const,
            lc: lifecycle<AssociationStatus>('ASSOCIATING', ctx.now),
            creationTime: ctx.now,
            external: false,
          })),
          ...principals.map((entity) => ({
            entity,
            type: 'PRINCIPAL' as const,
            lc: lifecycle<AssociationStatus>('ASSOCIATING', ctx.now),
            creationTime: ctx.now,
            external: true,
          })),
        ],
      };
      ctx.sim.recordTransition(shareRef(share), undefined, 'ACTIVE', ctx.now);
      scheduleShare(ctx.sim, share, ctx.now, associateSeconds(ctx));
      for (const p of principals) {
        const inv: SimInvitation = {
          arn: `arn:aws:ram:${ctx.region}:${ctx.account}:resource-share-invitation/${ctx.sim.nextId('', 12)}`,
          shareArn: share.arn,
          shareName: share.name,
          sender: ctx.account,
          receiver: p,
          region: ctx.region,
          timestamp: ctx.now,
          lc: lifecycle<InvitationStatus>('PENDING', ctx.now),
        };
        transition(ctx.sim, invitationRef(inv), inv.lc, ctx.now, 'PENDING', { state: 'EXPIRED', afterSeconds: invitationSeconds(resources, ctx.timings) });
        ctx.sim.recordTransition(invitationRef(inv), undefined, 'PENDING', ctx.now);
        ctx.state.invitations.push(inv);
      }
      ctx.state.shares.push(share);
      return { resourceShare: describeShare(share), clientToken: input.clientToken };
    },

    GetResourceShares(ctx, input) {
      if (!input.resourceOwner) throw awsError('MissingRequiredParameterException', 'resourceOwner is required');
      if (input.resourceOwner !== 'SELF' && input.resourceOwner !== 'OTHER-ACCOUNTS')
        throw awsError('InvalidParameterException', `resourceOwner must be SELF or OTHER-ACCOUNTS, not ${input.resourceOwner}`);
      const filters = input.tagFilters ?? [];
      const shares = ctx.state.shares.filter(
        (s) =>
          s.region === ctx.region &&
          (input.resourceOwner === 'SELF' ? s.owner === ctx.account : principalHasAccess(s, ctx.account)) &&
          (input.resourceShareStatus ? s.lc.state === input.resourceShareStatus : s.lc.state !== 'DELETED') &&
          (!input.resourceShareArns || input.resourceShareArns.includes(s.arn)) &&
          (!input.name || s.name === input.name) &&
          filters.every((f) => s.tags.some((t) => t.key === f.tagKey && (!f.tagValues?.length || (t.value !== undefined && f.tagValues.includes(t.value))))),
      );
      const p = page(ctx, shares.map(describeShare), { max: input.maxResults, token: input.nextToken, defaultMax: 500, limit: 500 });
      return { resourceShares: p.items, nextToken: p.next };
    },

    GetResourceShareInvitations(ctx, input) {
      const invitations = ctx.state.invitations.filter(
        (i) =>
          i.receiver === ctx.account &&
          i.region === ctx.region &&
          (!input.resourceShareArns || input.resourceShareArns.includes(i.shareArn)) &&
          (!input.resourceShareInvitationArns || input.resourceShareInvitationArns.includes(i.arn)),
      );
      if (input.resourceShareInvitationArns && invitations.length === 0) {
        throw awsError(
          'ResourceShareInvitationArnNotFoundException',
          `No invitation ${input.resourceShareInvitationArns.join(', ')} for account ${ctx.account}`,
        );
      }
      const p = page(ctx, invitations.map(describeInvitation), { max: input.maxResults, token: input.nextToken, defaultMax: 500, limit: 500 });
      return { resourceShareInvitations: p.items, nextToken: p.next };
    },

    AcceptResourceShareInvitation(ctx, input) {
      const inv = ctx.state.invitations.find((i) => i.arn === input.resourceShareInvitationArn && i.receiver === ctx.account && i.region === ctx.region);
      if (!inv)
        throw awsError(
          'ResourceShareInvitationArnNotFoundException',
          `The invitation ${input.resourceShareInvitationArn} was not found for account ${ctx.account}`,
        );
      switch (inv.lc.state) {
        case 'EXPIRED':
          throw awsError('ResourceShareInvitationExpiredException', `The invitation ${inv.arn} expired at ${new Date(inv.lc.since).toISOString()}`);
        case 'ACCEPTED':
          throw awsError('ResourceShareInvitationAlreadyAcceptedException', `The invitation ${inv.arn} is already accepted`);
        case 'REJECTED':
          throw awsError('ResourceShareInvitationAlreadyRejectedException', `The invitation ${inv.arn} was rejected`);
        default:
          break;
      }
      const share = ctx.state.shares.find((s) => s.arn === inv.shareArn);
      if (!share || !live(share)) throw awsError('OperationNotPermittedException', `The resource share ${inv.shareArn} no longer exists`);
      transition(ctx.sim, invitationRef(inv), inv.lc, ctx.now, 'ACCEPTED');
      const assoc = share.associations.find((a) => a.type === 'PRINCIPAL' && a.entity === ctx.account);
      if (assoc)
        transition(ctx.sim, associationRef(share, assoc.entity), assoc.lc, ctx.now, 'ASSOCIATING', {
          state: 'ASSOCIATED',
          afterSeconds: associateSeconds(ctx),
        });
      return { resourceShareInvitation: describeInvitation(inv), clientToken: input.clientToken };
    },

    GetResourceShareAssociations(ctx, input) {
      if (input.associationType !== 'PRINCIPAL' && input.associationType !== 'RESOURCE')
        throw awsError('InvalidParameterException', 'associationType must be PRINCIPAL or RESOURCE');
      const out = [];
      for (const s of ctx.state.shares.filter((x) => x.owner === ctx.account && x.region === ctx.region && x.lc.state !== 'DELETED')) {
        if (input.resourceShareArns && !input.resourceShareArns.includes(s.arn)) continue;
        for (const a of s.associations) {
          if (a.type !== input.associationType) continue;
          if (input.resourceArn && a.entity !== input.resourceArn) continue;
          if (input.principal && a.entity !== input.principal) continue;
          if (input.associationStatus && a.lc.state !== input.associationStatus) continue;
          out.push(describeAssociation(s, a));
        }
      }
      const p = page(ctx, out, { max: input.maxResults, token: input.nextToken, defaultMax: 500, limit: 500 });
      return { resourceShareAssociations: p.items, nextToken: p.next };
    },

    DisassociateResourceShare(ctx, input) {
      const s = ownShare(ctx, input.resourceShareArn);
      if (!live(s)) throw awsError('InvalidStateTransitionException', `The resource share ${s.arn} is ${s.lc.state}`);
      const targets = [...(input.resourceArns ?? []), ...(input.principals ?? [])];
      if (targets.length === 0) throw awsError('MissingRequiredParameterException', 'resourceArns or principals is required');
      const changed = [];
      for (const entity of targets) {
        const a = s.associations.find((x) => x.entity === entity && x.lc.state !== 'DISASSOCIATED');
        if (!a) throw awsError('UnknownResourceException', `${entity} is not associated with ${s.arn}`);
        transition(ctx.sim, associationRef(s, a.entity), a.lc, ctx.now, 'DISASSOCIATING', { state: 'DISASSOCIATED', afterSeconds: associateSeconds(ctx) });
        changed.push(describeAssociation(s, a));
      }
      return { resourceShareAssociations: changed, clientToken: input.clientToken };
    },

    DeleteResourceShare(ctx, input) {
      const s = ownShare(ctx, input.resourceShareArn);
      if (!live(s)) throw awsError('InvalidStateTransitionException', `The resource share ${s.arn} is already ${s.lc.state}`);
      const seconds = associateSeconds(ctx);
      transition(ctx.sim, shareRef(s), s.lc, ctx.now, 'DELETING', { state: 'DELETED', afterSeconds: seconds });
      for (const a of s.associations) {
        if (a.lc.state !== 'DISASSOCIATED')
          transition(ctx.sim, associationRef(s, a.entity), a.lc, ctx.now, 'DISASSOCIATING', { state: 'DISASSOCIATED', afterSeconds: seconds });
      }
      return { returnValue: true, clientToken: input.clientToken };
    },

    ListResources(ctx, input) {
      if (input.resourceOwner !== 'SELF' && input.resourceOwner !== 'OTHER-ACCOUNTS')
        throw awsError('InvalidParameterException', 'resourceOwner must be SELF or OTHER-ACCOUNTS');
      const out: Resource[] = [];
      for (const s of ctx.state.shares) {
        if (s.region !== ctx.region || s.lc.state !== 'ACTIVE') continue;
        if (input.resourceOwner === 'SELF' ? s.owner !== ctx.account : !principalHasAccess(s, ctx.account)) continue;
        if (input.resourceShareArns && !input.resourceShareArns.includes(s.arn)) continue;
        if (input.principal && !s.associations.some((a) => a.type === 'PRINCIPAL' && a.entity === input.principal && a.lc.state === 'ASSOCIATED')) continue;
        for (const a of s.associations) {
          if (a.type !== 'RESOURCE' || a.lc.state !== 'ASSOCIATED') continue;
          if (input.resourceArns && !input.resourceArns.includes(a.entity)) continue;
          if (input.resourceType && resourceType(a.entity).toLowerCase() !== String(input.resourceType).toLowerCase()) continue;
          out.push({
            arn: a.entity,
            type: resourceType(a.entity),
            resourceShareArn: s.arn,
            status: 'AVAILABLE',
            creationTime: new Date(a.creationTime),
            lastUpdatedTime: new Date(a.lc.since),
            resourceRegionScope: isCloudFrontArn(a.entity) ? 'GLOBAL' : 'REGIONAL',
          });
        }
      }
      const p = page(ctx, out, { max: input.maxResults, token: input.nextToken, defaultMax: 500, limit: 500 });
      return { resources: p.items, nextToken: p.next };
    },
  },
};
