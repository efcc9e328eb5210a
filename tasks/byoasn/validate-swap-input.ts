/** First state of asn-swap: validate the input before any AWS call. Then binds it to this deployment (own account, configured approvers). */
import * as z from 'zod';
import { withoutRequester } from '../../domain/approval';
import { planAsnSwap } from '../../domain/byoasn';
import { bindToDeployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateAsnSwapInput', z.object({ input: z.unknown() }), async ({ input }, context) => {
  const plan = planAsnSwap(withoutRequester(input));
  return bindToDeployment(plan, context);
});
