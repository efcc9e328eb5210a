/** First state of vpc-origin-share: validate the whole input before any AWS call and derive the plan. */
import * as z from 'zod';
import { planVpcOriginShare } from '../../domain/vpc-origins';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateVpcOriginShareInput', z.object({ input: z.unknown() }), async ({ input }) => planVpcOriginShare(input));
