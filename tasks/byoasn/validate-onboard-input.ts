/** First state of byoasn-onboard: validate the whole input (ASN, CIDRs, signed message) before any AWS call. Then binds it to this deployment (own account, configured approvers, what may be signed). */
import * as z from 'zod';
import { withoutRequester } from '../../domain/approval';
import { planByoasnOnboarding } from '../../domain/byoasn';
import { bindToDeployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateByoasnOnboardInput', z.object({ input: z.unknown() }), async ({ input }, context) => {
  const plan = planByoasnOnboarding(withoutRequester(input), new Date());
  return bindToDeployment(plan, context, { signs: { authorization: plan.authorization, asn: plan.asn } });
});
