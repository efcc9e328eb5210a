/** First state of origin-ranges-sync: the whole input, and the notification in it, before any AWS call. */
import * as z from 'zod';
import { planOriginRangesSync } from '../../domain/origin-ranges';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateOriginRangesInput', z.object({ input: z.unknown() }), async ({ input }) => planOriginRangesSync(input));
