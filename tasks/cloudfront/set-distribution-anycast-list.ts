/**
 * Associates (or removes) an Anycast static IP list on a distribution by read-modify-write with
 * IfMatch. A stale ETag surfaces as PreconditionFailed, which the ASL retries (re-reading).
 * Attaching also sets what CloudFront requires: PriceClass_All, and IPv6 off for an IPv4 list.
 */
import { GetDistributionConfigCommand, UpdateDistributionCommand } from '@aws-sdk/client-cloudfront';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { cloudfront } from './cloudfront-client';

export const DistributionAnycastSettings = z.object({
  AnycastIpListId: z.string().nullable(),
  PriceClass: z.string(),
  IsIPV6Enabled: z.boolean(),
});

const Event = z.object({
  distributionId: z.string(),
  /** attach: set the list (and its companions); detach: remove the list only; restore: put back the given settings. */
  mode: z.enum(['attach', 'detach', 'restore']),
  anycastIpListId: z.string().optional(),
  settings: DistributionAnycastSettings.optional(),
  /** detach: the settings to put back per distribution (the onboarding's distributionsBefore); others keep theirs. */
  restore: z.array(z.object({ distributionId: z.string(), before: z.object({ PriceClass: z.string(), IsIPV6Enabled: z.boolean() }) })).default([]),
});

export const handler = defineTask('SetDistributionAnycastList', Event, async (input) => {
  const cf = cloudfront();
  const current = await cf.send(new GetDistributionConfigCommand({ Id: input.distributionId }));
  const config = current.DistributionConfig;
  if (!config || !current.ETag)
    throw new WorkflowError(ErrorNames.UnexpectedResponse, `GetDistributionConfig ${input.distributionId} returned no config or ETag`);
  const before = {
    AnycastIpListId: config.AnycastIpListId ?? null,
    PriceClass: config.PriceClass ?? 'PriceClass_All',
    IsIPV6Enabled: config.IsIPV6Enabled ?? false,
  };
  let wanted: z.infer<typeof DistributionAnycastSettings>;
  if (input.mode === 'attach') {
    if (!input.anycastIpListId) throw new WorkflowError(ErrorNames.InputInvalid, 'attach needs anycastIpListId');
    wanted = { AnycastIpListId: input.anycastIpListId, PriceClass: 'PriceClass_All', IsIPV6Enabled: false };
  } else if (input.mode === 'detach') {
    const earlier = input.restore.find((r) => r.distributionId === input.distributionId)?.before;
    wanted = { ...before, ...(earlier ? { PriceClass: earlier.PriceClass, IsIPV6Enabled: earlier.IsIPV6Enabled } : {}), AnycastIpListId: null };
  } else {
    if (!input.settings) throw new WorkflowError(ErrorNames.InputInvalid, 'restore needs settings');
    wanted = input.settings;
  }
  if (JSON.stringify(before) === JSON.stringify(wanted)) return { distributionId: input.distributionId, changed: false, before };
  const next = { ...config, PriceClass: wanted.PriceClass as typeof config.PriceClass, IsIPV6Enabled: wanted.IsIPV6Enabled };
  if (wanted.AnycastIpListId) next.AnycastIpListId = wanted.AnycastIpListId;
  else delete next.AnycastIpListId;
  await cf.send(new UpdateDistributionCommand({ Id: input.distributionId, IfMatch: current.ETag, DistributionConfig: next }));
  return { distributionId: input.distributionId, changed: true, before };
});
