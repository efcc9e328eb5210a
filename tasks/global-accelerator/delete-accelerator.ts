/** Teardown: deletes the (disabled, deployed, listener-less) accelerator; its static IPs go with it. Re-runnable. */
import { DeleteAcceleratorCommand } from '@aws-sdk/client-global-accelerator';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { describeAccelerator, ga } from './ga-client';

const Event = z.object({ acceleratorArn: z.string() });

export const handler = defineTask('DeleteGaAccelerator', Event, async (input) => {
  if (!(await describeAccelerator(input.acceleratorArn))) return { deleted: false };
  await ga().send(new DeleteAcceleratorCommand({ AcceleratorArn: input.acceleratorArn }));
  return { deleted: true };
});
