/** After the writer's change is Deployed: the additions it applied are deployed (their owners move on). */
import * as z from 'zod';
import { defineTask } from '../lib/handler';
import { mark } from './origin-queue';

const Event = z.object({ distributionId: z.string(), owners: z.array(z.string()) });

export const handler = defineTask('MarkOriginAdditionsDeployed', Event, async ({ distributionId, owners }) => ({
  deployed: await mark(distributionId, owners, ['applied'], 'deployed'),
}));
