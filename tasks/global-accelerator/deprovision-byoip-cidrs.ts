/** Hands the ranges back from Global Accelerator, skipping those already gone or going (re-runnable). */
import { DeprovisionByoipCidrCommand } from '@aws-sdk/client-global-accelerator';
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { ga, gaCidrs } from './ga-client';

const Event = z.object({ cidrs: z.array(z.string()).min(1) });

export const handler = defineTask('DeprovisionGaByoipCidrs', Event, async (input) => {
  const current = await gaCidrs();
  const requested: string[] = [];
  for (const cidr of input.cidrs) {
    const state = current.get(cidr)?.State;
    if (state !== 'READY' && state !== 'FAILED_PROVISION' && state !== 'FAILED_DEPROVISION') continue;
    await ga().send(new DeprovisionByoipCidrCommand({ Cidr: cidr }));
    requested.push(cidr);
  }
  return { requested };
});
