/** Ensures the accelerator has the listener (same protocol and ports): reuses it, else creates it. */
import { CreateListenerCommand } from '@aws-sdk/client-global-accelerator';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { clientToken, ExecutionRef } from '../lib/common';
import { defineTask } from '../lib/handler';
import { ga, listeners } from './ga-client';

const Event = z.object({
  acceleratorArn: z.string(),
  listener: z.object({
    protocol: z.enum(['TCP', 'UDP']),
    portRanges: z.array(z.object({ fromPort: z.number().int(), toPort: z.number().int() })).min(1),
    clientAffinity: z.enum(['NONE', 'SOURCE_IP']),
  }),
  execution: ExecutionRef,
});

const key = (ranges: Array<{ FromPort?: number; ToPort?: number }>) =>
  ranges
    .map((r) => `${r.FromPort}-${r.ToPort}`)
    .sort()
    .join(',');

export const handler = defineTask('EnsureGaListener', Event, async (input) => {
  const wanted = input.listener.portRanges.map((p) => ({ FromPort: p.fromPort, ToPort: p.toPort }));
  for (const l of await listeners(input.acceleratorArn)) {
    if (l.Protocol !== input.listener.protocol) continue;
    if (key(l.PortRanges ?? []) === key(wanted)) return { listenerArn: l.ListenerArn!, created: false };
    const overlap = (l.PortRanges ?? []).some((p) => wanted.some((w) => w.FromPort <= p.ToPort! && p.FromPort! <= w.ToPort));
    if (overlap)
      throw new WorkflowError(
        ErrorNames.SafetyViolation,
        `listener ${l.ListenerArn} already serves ${input.listener.protocol} ${key(l.PortRanges ?? [])}; refusing to change another listener's ports`,
      );
  }
  const out = await ga().send(
    new CreateListenerCommand({
      AcceleratorArn: input.acceleratorArn,
      Protocol: input.listener.protocol,
      PortRanges: wanted,
      ClientAffinity: input.listener.clientAffinity,
      IdempotencyToken: clientToken(input.execution, 'listener'),
    }),
  );
  return { listenerArn: out.Listener!.ListenerArn!, created: true };
});
