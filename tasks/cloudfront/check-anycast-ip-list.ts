/** Poll: the anycast list reaching Deployed (and report its three IPs), or being gone after a delete. */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { getAnycastList } from './cloudfront-client';

const Event = z.object({ id: z.string(), target: z.enum(['Deployed', 'deleted']).default('Deployed'), ...PollFields });

export const handler = defineTask('CheckAnycastIpList', Event, async (input) => {
  const out = await getAnycastList(input.id);
  const list = out?.AnycastIpList;
  const status = list?.Status ?? 'deleted';
  if (status === 'Failed') throw new WorkflowError(ErrorNames.ResourceFailed, `Anycast static IP list ${input.id} failed to deploy`);
  if (input.target === 'Deployed' && !list) throw new WorkflowError(ErrorNames.UnexpectedResponse, `Anycast static IP list ${input.id} disappeared`);
  const anycastIps = list?.AnycastIps ?? [];
  if (status === 'Deployed' && input.target === 'Deployed' && anycastIps.length !== 3) {
    throw new WorkflowError(ErrorNames.UnexpectedResponse, `Anycast static IP list ${input.id} is Deployed with ${anycastIps.length} IPs; expected 3`);
  }
  return pollResult(input, status === input.target, `Anycast static IP list ${input.id}`, { status, anycastIps });
});
