/** CloudFront helpers shared by the tasks and their undo steps. CloudFront's API is global (us-east-1). */
import { CloudFrontClient, GetAnycastIpListCommand, ListAnycastIpListsCommand, ListDistributionsByAnycastIpListIdCommand, type AnycastIpListSummary } from '@aws-sdk/client-cloudfront';
import { client } from '../lib/aws';

export const cloudfront = () => client(CloudFrontClient, { region: 'us-east-1' });

export async function findAnycastListByName(name: string): Promise<AnycastIpListSummary | undefined> {
  let Marker: string | undefined;
  do {
    const out = await cloudfront().send(new ListAnycastIpListsCommand({ Marker, MaxItems: 100 }));
    const hit = out.AnycastIpLists?.Items?.find((l) => l.Name === name);
    if (hit) return hit;
    Marker = out.AnycastIpLists?.NextMarker || undefined;
  } while (Marker);
  return undefined;
}

/** The ids of every distribution that uses the list (every page). */
export async function distributionsUsingAnycastList(id: string): Promise<string[]> {
  const ids: string[] = [];
  let Marker: string | undefined;
  do {
    const out = await cloudfront().send(new ListDistributionsByAnycastIpListIdCommand({ AnycastIpListId: id, Marker, MaxItems: 100 }));
    ids.push(...(out.DistributionList?.Items ?? []).map((d) => d.Id!));
    Marker = out.DistributionList?.IsTruncated ? out.DistributionList.NextMarker : undefined;
  } while (Marker);
  return ids;
}

export async function getAnycastList(id: string) {
  try {
    return await cloudfront().send(new GetAnycastIpListCommand({ Id: id }));
  } catch (e) {
    if ((e as Error).name === 'EntityNotFound') return undefined;
    throw e;
  }
}
