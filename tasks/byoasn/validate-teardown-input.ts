/** First state of byoasn-teardown: validate the input before any AWS call. */
import * as z from 'zod';
import { planByoasnTeardown } from '../../domain/byoasn';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateByoasnTeardownInput', z.object({ input: z.unknown() }), async ({ input }) => planByoasnTeardown(input));
