/** Teardown: disables the accelerator (it can only be deleted once disabled and deployed). Re-runnable. */
import { UpdateAcceleratorCommand } from '@aws-sdk/client-global-accelerator';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { describeAccelerator, ga } from './ga-client';

const Event = z.object({ acceleratorArn: z.string() });

export const handler = defineTask('DisableGaAccelerator', Event, async (input) => {
  const a = await describeAccelerator(input.acceleratorArn);
  if (!a || a.Enabled === false) return { changed: false };
  await ga().send(new UpdateAcceleratorCommand({ AcceleratorArn: input.acceleratorArn, Enabled: false }));
  return { changed: true };
});
