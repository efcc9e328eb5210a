/**
 * Clients and look-ups shared by the VPC-origin tasks and their undo steps. CloudFront and RAM for
 * CloudFront's global resources are called in us-east-1; team-account calls assume the team's role.
 */
import {
  CloudFrontClient,
  GetDistributionCommand,
  GetVpcOriginCommand,
  ListDistributionsByOwnedResourceCommand,
  ListTagsForResourceCommand,
  ListVpcOriginsCommand,
  type DistributionIdOwner,
  type VpcOriginSummary,
} from '@aws-sdk/client-cloudfront';
import {
  paginateGetResourceShareAssociations,
  paginateGetResourceShareInvitations,
  paginateGetResourceShares,
  paginateListResources,
  RAMClient,
  type GetResourceShareAssociationsCommandInput,
  type GetResourceShareInvitationsCommandInput,
  type ListResourcesCommandInput,
  type Resource,
  type ResourceShare,
  type ResourceShareAssociation,
  type ResourceShareInvitation,
} from '@aws-sdk/client-ram';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { client } from '../../platform/aws';
import { everyCloudFrontItem } from '../cloudfront/cloudfront-client';
import { present } from '../lib/common';

/** In the networking account (the orchestrator's own credentials). */
export const cloudfrontHere = () => client(CloudFrontClient, { region: 'us-east-1' });
export const ramHere = () => client(RAMClient, { region: 'us-east-1' });
/** In a team account, through the team-access role (infra/team-access-stack.ts). */
export const cloudfrontAs = (roleArn: string) => client(CloudFrontClient, { region: 'us-east-1', roleArn });
export const ramAs = (roleArn: string) => client(RAMClient, { region: 'us-east-1', roleArn });

/** A team as the workflows pass it to tasks (the plan's TeamPlan; extra fields pass through). */
export const TeamRef = z
  .object({
    name: z.string(),
    accountId: z.string(),
    roleArn: z.string(),
    albArn: z.string().nullable().optional(),
    vpcOriginName: z.string(),
  })
  .passthrough();
export type TeamRef = z.infer<typeof TeamRef>;

export async function listVpcOrigins(cf: CloudFrontClient): Promise<VpcOriginSummary[]> {
  return everyCloudFrontItem((Marker) => cf.send(new ListVpcOriginsCommand({ Marker, MaxItems: 100 })).then((o) => o.VpcOriginList));
}

/** The team's VPC origin: the one for its ALB, else the one with its name. */
export async function findTeamVpcOrigin(cf: CloudFrontClient, team: { albArn?: string | null; vpcOriginName: string }): Promise<VpcOriginSummary | undefined> {
  const all = await listVpcOrigins(cf);
  return (team.albArn ? all.find((v) => v.OriginEndpointArn === team.albArn) : undefined) ?? all.find((v) => v.Name === team.vpcOriginName);
}

export async function getVpcOrigin(cf: CloudFrontClient, id: string) {
  try {
    return await cf.send(new GetVpcOriginCommand({ Id: id }));
  } catch (e) {
    if ((e as Error).name === 'EntityNotFound') return undefined;
    throw e;
  }
}

export async function tagsOf(cf: CloudFrontClient, arn: string): Promise<Record<string, string>> {
  const out = await cf.send(new ListTagsForResourceCommand({ Resource: arn }));
  return Object.fromEntries((out.Tags?.Items ?? []).map((t) => [t.Key!, t.Value ?? '']));
}

/** Distributions (any account) that use the owner's VPC origin; a deleted origin is used by none. */
export async function distributionsUsing(cf: CloudFrontClient, vpcOriginArn: string): Promise<DistributionIdOwner[]> {
  try {
    return await everyCloudFrontItem((Marker) =>
      cf.send(new ListDistributionsByOwnedResourceCommand({ ResourceArn: vpcOriginArn, Marker, MaxItems: 100 })).then((o) => o.DistributionList),
    );
  } catch (e) {
    if ((e as Error).name === 'EntityNotFound') return [];
    throw e;
  }
}

const LIVE_ASSOCIATION = new Set(['ASSOCIATING', 'ASSOCIATED']);

// RAM's lists, every page (the SDK's own paginators).
export async function shareAssociations(ram: RAMClient, input: GetResourceShareAssociationsCommandInput): Promise<ResourceShareAssociation[]> {
  const out: ResourceShareAssociation[] = [];
  for await (const p of paginateGetResourceShareAssociations({ client: ram }, input)) out.push(...(p.resourceShareAssociations ?? []));
  return out;
}

export async function sharedResources(ram: RAMClient, input: ListResourcesCommandInput): Promise<Resource[]> {
  const out: Resource[] = [];
  for await (const p of paginateListResources({ client: ram }, input)) out.push(...(p.resources ?? []));
  return out;
}

export async function shareInvitations(ram: RAMClient, input: GetResourceShareInvitationsCommandInput): Promise<ResourceShareInvitation[]> {
  const out: ResourceShareInvitation[] = [];
  for await (const p of paginateGetResourceShareInvitations({ client: ram }, input)) out.push(...(p.resourceShareInvitations ?? []));
  return out;
}

/** The owner's live shares that hold the resource. */
export async function sharesHolding(ram: RAMClient, resourceArn: string): Promise<string[]> {
  const associations = await shareAssociations(ram, { associationType: 'RESOURCE', resourceArn });
  return [...new Set(associations.filter((a) => LIVE_ASSOCIATION.has(a.status ?? '')).map((a) => a.resourceShareArn!))];
}

/** Principal associations of the given shares with `principal` (any status but disassociated). */
export async function principalAssociations(ram: RAMClient, shareArns: string[], principal: string) {
  if (shareArns.length === 0) return [];
  const associations = await shareAssociations(ram, { associationType: 'PRINCIPAL', resourceShareArns: shareArns, principal });
  return associations.filter((a) => !['DISASSOCIATED', 'DISASSOCIATING'].includes(a.status ?? ''));
}

export async function ownShares(ram: RAMClient, filter: { name?: string; arns?: string[]; tag?: { key: string; value: string } }): Promise<ResourceShare[]> {
  const out: ResourceShare[] = [];
  const input = {
    resourceOwner: 'SELF' as const,
    name: filter.name,
    resourceShareArns: filter.arns,
    tagFilters: filter.tag ? [{ tagKey: filter.tag.key, tagValues: [filter.tag.value] }] : undefined,
  };
  for await (const p of paginateGetResourceShares({ client: ram }, input)) out.push(...(p.resourceShares ?? []));
  return out.filter((s) => s.status !== 'DELETED');
}

/** The shared distribution, read in the networking account; one that does not exist is an input mistake. */
export async function networkingDistribution(distributionId: string) {
  try {
    return present(
      (await cloudfrontHere().send(new GetDistributionCommand({ Id: distributionId }))).Distribution,
      `GetDistribution ${distributionId}: Distribution`,
    );
  } catch (e) {
    if ((e as Error).name === 'NoSuchDistribution')
      throw new WorkflowError(ErrorNames.InputInvalid, `input.distributionId: distribution ${distributionId} does not exist in this account`);
    throw e;
  }
}
