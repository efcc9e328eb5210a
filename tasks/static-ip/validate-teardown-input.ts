/** First state of teardown-static-ip-byoip: validate the input before any AWS call. Then binds it to this deployment (own account, configured approvers). */
import * as z from 'zod';
import { withoutRequester } from '../../domain/approval';
import { planStaticIpTeardown } from '../../domain/static-ip';
import { bindToDeployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateStaticIpTeardownInput', z.object({ input: z.unknown() }), async ({ input }, context) => {
  const plan = planStaticIpTeardown(withoutRequester(input));
  return bindToDeployment(plan, context);
});
