/** First state of static-ip-byoip: validate the whole input before any AWS call and derive the plan. Then binds it to this deployment (own account, configured approvers, what may be signed). */
import * as z from 'zod';
import { withoutRequester } from '../../domain/approval';
import { planStaticIp } from '../../domain/static-ip';
import { bindToDeployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateStaticIpInput', z.object({ input: z.unknown() }), async ({ input }, context) => {
  const plan = planStaticIp(withoutRequester(input), new Date());
  return bindToDeployment(plan, context, { signs: { authorization: plan.authorization, cidrs: plan.cidrs } });
});
