/** Finds an anycast IP list by name, its IPs and the distributions using it (a re-run may find nothing). */
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { distributionsUsingAnycastList, findAnycastListByName, getAnycastList } from './cloudfront-client';

export const handler = defineTask('FindAnycastList', z.object({ name: z.string() }), async (input) => {
  const summary = await findAnycastListByName(input.name);
  if (!summary?.Id) return { found: false, id: 'none', anycastIps: [] as string[], distributionIds: [] as string[] };
  const list = await getAnycastList(summary.Id);
  const distributionIds = await distributionsUsingAnycastList(summary.Id);
  return {
    found: true,
    id: summary.Id,
    anycastIps: list?.AnycastIpList?.AnycastIps ?? [],
    distributionIds,
  };
});
