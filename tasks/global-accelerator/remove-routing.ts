/** Teardown: deletes the accelerator's endpoint groups, then its listeners (DeleteAccelerator needs both gone). Re-runnable. */
import { DeleteEndpointGroupCommand, DeleteListenerCommand } from '@aws-sdk/client-global-accelerator';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { describeAccelerator, endpointGroups, ga, listeners, deleteIfPresent } from './ga-client';

const Event = z.object({ acceleratorArn: z.string() });

export const handler = defineTask('RemoveGaAcceleratorRouting', Event, async (input) => {
  if (!(await describeAccelerator(input.acceleratorArn))) return { deletedListeners: 0, deletedEndpointGroups: 0 };
  let groups = 0;
  const ls = await listeners(input.acceleratorArn);
  for (const l of ls) {
    for (const g of await endpointGroups(l.ListenerArn!)) {
      await deleteIfPresent(() => ga().send(new DeleteEndpointGroupCommand({ EndpointGroupArn: g.EndpointGroupArn })));
      groups++;
    }
    await deleteIfPresent(() => ga().send(new DeleteListenerCommand({ ListenerArn: l.ListenerArn })));
  }
  return { deletedListeners: ls.length, deletedEndpointGroups: groups };
});
