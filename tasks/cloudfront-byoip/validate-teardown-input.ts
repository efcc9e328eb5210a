/** First state of teardown: validate the input before any AWS call. Then binds it to this deployment (own account, configured approvers). */
import * as z from 'zod';
import { withoutRequester } from '../../domain/approval';
import { planTeardown } from '../../domain/cloudfront-byoip';
import { bindToDeployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateTeardownInput', z.object({ input: z.unknown() }), async ({ input }, context) => {
  const plan = planTeardown(withoutRequester(input));
  return bindToDeployment(plan, context);
});
