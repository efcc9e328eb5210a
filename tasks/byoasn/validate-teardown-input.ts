/** First state of byoasn-teardown: validate the input before any AWS call. Then binds it to this deployment (own account, configured approvers). */
import * as z from 'zod';
import { withoutRequester } from '../../domain/approval';
import { planByoasnTeardown } from '../../domain/byoasn';
import { bindToDeployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateByoasnTeardownInput', z.object({ input: z.unknown() }), async ({ input }, context) => {
  const plan = planByoasnTeardown(withoutRequester(input));
  return bindToDeployment(plan, context);
});
