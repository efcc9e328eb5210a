/** Poll: the BYOASN reaching provisioned (failed-provision ends the wait with AWS's reason) or being gone. */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { byoasns } from './byoasn-client';

const Event = z.object({ region: z.string(), ipamId: z.string(), asn: z.string(), target: z.enum(['provisioned', 'deprovisioned']), ...PollFields });

export const handler = defineTask('CheckByoasn', Event, async (input) => {
  const asn = (await byoasns(input.region, input.ipamId)).get(input.asn);
  const state = asn?.State ?? 'absent';
  if (input.target === 'provisioned') {
    if (state === 'failed-provision')
      throw new WorkflowError(ErrorNames.ResourceFailed, `AS${input.asn} is failed-provision: ${asn?.StatusMessage ?? 'no reason given'}`, {
        asn: input.asn,
        state,
      });
    if (state === 'absent' || state.includes('deprovision'))
      throw new WorkflowError(
        ErrorNames.UnexpectedResponse,
        `AS${input.asn} is ${state} in IPAM ${input.ipamId}; it was never provisioned or is being removed`,
      );
  } else if (state === 'failed-deprovision') {
    throw new WorkflowError(ErrorNames.ResourceFailed, `AS${input.asn} is failed-deprovision: ${asn?.StatusMessage ?? 'no reason given'}`, {
      asn: input.asn,
      state,
    });
  }
  const done = input.target === 'provisioned' ? state === 'provisioned' : ['absent', 'deprovisioned', 'failed-provision'].includes(state);
  return pollResult(input, done, `AS${input.asn} becoming ${input.target}`, { state });
});
