/** First state of vpc-origin-teardown: validate the input before any AWS call. */
import * as z from 'zod';
import { planVpcOriginTeardown } from '../../domain/vpc-origins';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateVpcOriginTeardownInput', z.object({ input: z.unknown() }), async ({ input }) => planVpcOriginTeardown(input));
