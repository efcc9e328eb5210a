/**
 * Reads distributions' anycast settings (the baseline compensation restores) and, when asked, checks
 * they use the expected anycast list and are Deployed. Unknown ids fail at the first AWS call, named.
 */
import { GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { cloudfront } from './cloudfront-client';

const Event = z.object({
  distributionIds: z.array(z.string()),
  /** Where the ids came from in the input, for error messages. */
  inputPath: z.string().default('distributionIds'),
  expect: z.object({ anycastIpListId: z.string(), deployed: z.boolean() }).optional(),
  /** Checking again after the approval: a mismatch means the world changed since the plan (PlanChanged). */
  sinceApproval: z.boolean().default(false),
});

export const handler = defineTask('InspectDistributions', Event, async (input) => {
  const distributions = [];
  const problems: string[] = [];
  for (const [i, id] of input.distributionIds.entries()) {
    let d;
    try {
      d = (await cloudfront().send(new GetDistributionCommand({ Id: id }))).Distribution;
    } catch (e) {
      if ((e as Error).name === 'NoSuchDistribution')
        throw new WorkflowError(ErrorNames.InputInvalid, `input.${input.inputPath}[${i}]: distribution ${id} does not exist in this account`);
      throw e;
    }
    const c = d?.DistributionConfig;
    if (!c) throw new WorkflowError(ErrorNames.UnexpectedResponse, `GetDistribution ${id} returned no configuration`);
    distributions.push({
      distributionId: id,
      status: d?.Status ?? 'unknown',
      before: { AnycastIpListId: c.AnycastIpListId ?? null, PriceClass: c.PriceClass ?? 'PriceClass_All', IsIPV6Enabled: c.IsIPV6Enabled ?? false },
    });
    if (input.expect && c.AnycastIpListId !== input.expect.anycastIpListId) problems.push(`${id} does not use anycast list ${input.expect.anycastIpListId}`);
    if (input.expect?.deployed && d?.Status !== 'Deployed') problems.push(`${id} is ${d?.Status}`);
  }
  if (problems.length && input.sinceApproval) throw new WorkflowError(ErrorNames.PlanChanged, `changed since the plan was approved: ${problems.join('; ')}`);
  if (problems.length) throw new WorkflowError(ErrorNames.ResourceFailed, problems.join('; '));
  return { distributions };
});
