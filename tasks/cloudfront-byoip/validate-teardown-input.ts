/** First state of teardown: validate the input before any AWS call. */
import * as z from 'zod';
import { planTeardown } from '../../domain/cloudfront-byoip';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateTeardownInput', z.object({ input: z.unknown() }), async ({ input }) => planTeardown(input));
