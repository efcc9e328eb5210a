/** Poll: a distribution's change propagated to every edge location (InProgress → Deployed). */
import { GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import * as z from 'zod';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { cloudfront } from './cloudfront-client';

const Event = z.object({ distributionId: z.string(), ...PollFields });

export const handler = defineTask('CheckDistributionDeployed', Event, async (input) => {
  const out = await cloudfront().send(new GetDistributionCommand({ Id: input.distributionId }));
  const status = out.Distribution?.Status ?? 'unknown';
  return pollResult(input, status === 'Deployed', `distribution ${input.distributionId}`, { distributionId: input.distributionId, status });
});
