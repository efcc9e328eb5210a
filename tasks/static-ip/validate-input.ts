/** First state of static-ip-byoip: validate the whole input before any AWS call and derive the plan. */
import * as z from 'zod';
import { planStaticIp } from '../../domain/static-ip';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateStaticIpInput', z.object({ input: z.unknown() }), async ({ input }) => planStaticIp(input, new Date()));
