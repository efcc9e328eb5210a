/** CloudFront helpers shared by the tasks and their undo steps. CloudFront's API is global (us-east-1). */
import {
  CloudFrontClient,
  GetAnycastIpListCommand,
  ListAnycastIpListsCommand,
  ListDistributionsByAnycastIpListIdCommand,
  type AnycastIpListSummary,
  type DistributionSummary,
} from '@aws-sdk/client-cloudfront';
import { client } from '../../platform/aws';

export const cloudfront = () => client(CloudFrontClient, { region: 'us-east-1' });

/**
 * Every item of a CloudFront list, page by page (Marker in; IsTruncated and NextMarker out). The SDK has
 * no paginators for these lists; this is the one loop every CloudFront list read goes through.
 */
export async function everyCloudFrontItem<T>(
  page: (Marker: string | undefined) => Promise<{ Items?: T[]; IsTruncated?: boolean; NextMarker?: string } | undefined>,
): Promise<T[]> {
  const items: T[] = [];
  let Marker: string | undefined;
  do {
    const list = await page(Marker);
    items.push(...(list?.Items ?? []));
    Marker = list?.IsTruncated ? list.NextMarker || undefined : undefined;
  } while (Marker);
  return items;
}

export async function findAnycastListByName(name: string): Promise<AnycastIpListSummary | undefined> {
  const lists = await everyCloudFrontItem<AnycastIpListSummary>((Marker) =>
    cloudfront()
      .send(new ListAnycastIpListsCommand({ Marker, MaxItems: 100 }))
      .then((o) => o.AnycastIpLists),
  );
  return lists.find((l) => l.Name === name);
}

/** The ids of every distribution that uses the list. */
export async function distributionsUsingAnycastList(id: string): Promise<string[]> {
  const items = await everyCloudFrontItem<DistributionSummary>((Marker) =>
    cloudfront()
      .send(new ListDistributionsByAnycastIpListIdCommand({ AnycastIpListId: id, Marker, MaxItems: 100 }))
      .then((o) => o.DistributionList),
  );
  return items.map((d) => d.Id!);
}

export async function getAnycastList(id: string) {
  try {
    return await cloudfront().send(new GetAnycastIpListCommand({ Id: id }));
  } catch (e) {
    if ((e as Error).name === 'EntityNotFound') return undefined;
    throw e;
  }
}
