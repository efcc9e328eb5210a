/** Deletes an Anycast static IP list (IfMatch); refuses while a distribution still uses it. */
import { DeleteAnycastIpListCommand } from '@aws-sdk/client-cloudfront';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { cloudfront, distributionsUsingAnycastList, getAnycastList } from './cloudfront-client';

const Event = z.object({ id: z.string() });

export const handler = defineTask('DeleteAnycastIpList', Event, async (input) => {
  const current = await getAnycastList(input.id);
  if (!current?.AnycastIpList || current.AnycastIpList.Status === 'Deleting') return { id: input.id, deleted: false, alreadyGone: true };
  const ids = await distributionsUsingAnycastList(input.id);
  if (ids.length > 0)
    throw new WorkflowError(ErrorNames.SafetyViolation, `Anycast static IP list ${input.id} is still used by ${ids.join(', ')}; detach it first`);
  await cloudfront().send(new DeleteAnycastIpListCommand({ Id: input.id, IfMatch: current.ETag }));
  return { id: input.id, deleted: true, alreadyGone: false };
});
