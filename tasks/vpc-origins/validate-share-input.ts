/** First state of vpc-origin-share: validate the whole input before any AWS call and derive the plan. Then binds it to this deployment (own account, configured approvers, configured team accounts). */
import * as z from 'zod';
import { withoutRequester } from '../../domain/approval';
import { planVpcOriginShare } from '../../domain/vpc-origins';
import { bindToDeployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';

export const handler = defineTask('ValidateVpcOriginShareInput', z.object({ input: z.unknown() }), async ({ input }, context) => {
  const plan = planVpcOriginShare(withoutRequester(input));
  return bindToDeployment(plan, context, { accountField: 'networkingAccountId', teamAccounts: plan.teams.map((t) => t.accountId) });
});
