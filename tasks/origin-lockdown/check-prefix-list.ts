/** Poll: a prefix list reaching create-complete / modify-complete; a *-failed state ends the wait with AWS's message. */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { ownedPrefixList } from './network';

const Event = z.object({ region: z.string(), syncName: z.string(), name: z.string(), ...PollFields });

export const handler = defineTask('CheckPrefixList', Event, async (input) => {
  const list = await ownedPrefixList(input.region, input.name, { syncName: input.syncName });
  if (!list) throw new WorkflowError(ErrorNames.UnexpectedResponse, `prefix list ${input.name} does not exist`);
  const state = list.State ?? 'unknown';
  if (state.endsWith('-failed'))
    throw new WorkflowError(ErrorNames.ResourceFailed, `prefix list ${list.PrefixListId} is ${state}: ${list.StateMessage ?? 'no message'}`);
  return pollResult(input, state.endsWith('-complete'), `prefix list ${list.PrefixListId}`, { prefixListId: list.PrefixListId, state, version: list.Version });
});
