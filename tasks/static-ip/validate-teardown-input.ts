/** First state of teardown-static-ip-byoip: validate the input before any AWS call. */
import * as z from 'zod';
import { planStaticIpTeardown } from '../../domain/static-ip';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateStaticIpTeardownInput', z.object({ input: z.unknown() }), async ({ input }) => planStaticIpTeardown(input));
