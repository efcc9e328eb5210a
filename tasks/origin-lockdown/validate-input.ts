/**
 * First state of origin-ranges-sync: the input (sync name, notification, dryRun), joined with the
 * sync's configuration from the deployment, before any AWS call.
 */
import * as z from 'zod';
import { planOriginRangesSync } from '../../domain/origin-ranges';
import { deployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateOriginRangesInput', z.object({ input: z.unknown() }), async ({ input }) =>
  planOriginRangesSync(input, deployment().originLockdown),
);
