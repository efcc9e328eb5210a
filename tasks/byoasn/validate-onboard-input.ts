/** First state of byoasn-onboard: validate the whole input (ASN, CIDRs, signed message) before any AWS call. */
import * as z from 'zod';
import { planByoasnOnboarding } from '../../domain/byoasn';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateByoasnOnboardInput', z.object({ input: z.unknown() }), async ({ input }) =>
  planByoasnOnboarding(input, new Date()));
