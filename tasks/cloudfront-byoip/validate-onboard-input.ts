/** First state of onboarding: validate the whole input before any AWS call and derive the plan. */
import * as z from 'zod';
import { planOnboarding } from '../../domain/cloudfront-byoip';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateOnboardInput', z.object({ input: z.unknown() }), async ({ input }) =>
  planOnboarding(input, new Date()));
