/** CloudFront helpers shared by the tasks and their undo steps. CloudFront's API is global (us-east-1). */
import { CloudFrontClient, GetAnycastIpListCommand, ListAnycastIpListsCommand, type AnycastIpListSummary } from '@aws-sdk/client-cloudfront';
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

export async function getAnycastList(id: string) {
  try {
    return await cloudfront().send(new GetAnycastIpListCommand({ Id: id }));
  } catch (e) {
    if ((e as Error).name === 'EntityNotFound') return undefined;
    throw e;
  }
}
