/** First state of vpc-origin-teardown: validate the input before any AWS call. Then binds it to this deployment (own account, configured approvers, configured team accounts). */
import * as z from 'zod';
import { withoutRequester } from '../../domain/approval';
import { planVpcOriginTeardown } from '../../domain/vpc-origins';
import { bindToDeployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateVpcOriginTeardownInput', z.object({ input: z.unknown() }), async ({ input }, context) => {
  const plan = planVpcOriginTeardown(withoutRequester(input));
  return bindToDeployment(plan, context, { accountField: 'networkingAccountId', teamAccounts: plan.teams.map((t) => t.accountId) });
});
