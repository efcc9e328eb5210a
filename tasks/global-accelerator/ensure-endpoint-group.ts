/**
 * Ensures the listener routes to the ALB(s) in their region: reuses a group that already does,
 * creates one otherwise, and refuses to re-point a group that routes somewhere else.
 */
import { CreateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { clientToken, ExecutionRef } from '../lib/common';
import { defineTask } from '../lib/handler';
import { endpointGroups, ga } from './ga-client';

const Event = z.object({
  listenerArn: z.string(),
  endpointGroup: z.object({
    region: z.string(),
    endpoints: z.array(z.object({ albArn: z.string(), weight: z.number().int(), clientIpPreservation: z.boolean() })).min(1),
    trafficDialPercentage: z.number(),
  }),
  execution: ExecutionRef,
});

export const handler = defineTask('EnsureGaEndpointGroup', Event, async (input) => {
  const g = input.endpointGroup;
  const existing = (await endpointGroups(input.listenerArn)).find((x) => x.EndpointGroupRegion === g.region);
  if (existing) {
    const ids = (existing.EndpointDescriptions ?? []).map((e) => e.EndpointId);
    const missing = g.endpoints.filter((e) => !ids.includes(e.albArn)).map((e) => e.albArn);
    if (missing.length) {
      throw new WorkflowError(
        ErrorNames.SafetyViolation,
        `endpoint group ${existing.EndpointGroupArn} in ${g.region} routes to ${ids.join(', ') || 'nothing'}, not ${missing.join(', ')}; refusing to re-point it`,
      );
    }
    return { endpointGroupArn: existing.EndpointGroupArn!, created: false };
  }
  const out = await ga().send(
    new CreateEndpointGroupCommand({
      ListenerArn: input.listenerArn,
      EndpointGroupRegion: g.region,
      EndpointConfigurations: g.endpoints.map((e) => ({ EndpointId: e.albArn, Weight: e.weight, ClientIPPreservationEnabled: e.clientIpPreservation })),
      TrafficDialPercentage: g.trafficDialPercentage,
      IdempotencyToken: clientToken(input.execution, `endpoint-group-${g.region}`),
    }),
  );
  return { endpointGroupArn: out.EndpointGroup!.EndpointGroupArn!, created: true };
});
