/** First state of asn-swap: validate the input before any AWS call. */
import * as z from 'zod';
import { planAsnSwap } from '../../domain/byoasn';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateAsnSwapInput', z.object({ input: z.unknown() }), async ({ input }) => planAsnSwap(input));
