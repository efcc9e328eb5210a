/** Undo steps for CloudFront: put distributions' anycast settings back, delete the list we created. */
import { DeleteAnycastIpListCommand, GetDistributionCommand, GetDistributionConfigCommand, UpdateDistributionCommand } from '@aws-sdk/client-cloudfront';
import { PollProfiles } from '../../domain/polling';
import { TAG_EXECUTION } from '../lib/common';
import { defineUndoTask, type UndoImpl } from '../lib/undo';
import { cloudfront, distributionsUsingAnycastList, findAnycastListByName, getAnycastList } from '../cloudfront/cloudfront-client';
import { ListTagsForResourceCommand } from '@aws-sdk/client-cloudfront';
import { vpcOriginUndoActions } from './undo-cloudfront-vpc-origins';

interface Settings {
  AnycastIpListId: string | null;
  PriceClass: string;
  IsIPV6Enabled: boolean;
}

const restoreDistribution: UndoImpl = {
  async apply({ distribution }: { distribution: { distributionId: string; before: Settings } }) {
    const cf = cloudfront();
    const current = await cf.send(new GetDistributionConfigCommand({ Id: distribution.distributionId }));
    const config = current.DistributionConfig!;
    const now = { AnycastIpListId: config.AnycastIpListId ?? null, PriceClass: config.PriceClass, IsIPV6Enabled: config.IsIPV6Enabled };
    const before = distribution.before;
    if (JSON.stringify(now) === JSON.stringify(before)) return { done: true, note: 'already as before' };
    const next = { ...config, PriceClass: before.PriceClass as typeof config.PriceClass, IsIPV6Enabled: before.IsIPV6Enabled };
    if (before.AnycastIpListId) next.AnycastIpListId = before.AnycastIpListId;
    else delete next.AnycastIpListId;
    await cf.send(new UpdateDistributionCommand({ Id: distribution.distributionId, IfMatch: current.ETag, DistributionConfig: next }));
    return { done: false, next: 'check', profile: PollProfiles.cloudfrontDeployment };
  },
  async check({ distribution }: { distribution: { distributionId: string } }) {
    const out = await cloudfront().send(new GetDistributionCommand({ Id: distribution.distributionId }));
    return out.Distribution?.Status === 'Deployed'
      ? { done: true, note: 'Deployed' }
      : { done: false, next: 'check', profile: PollProfiles.cloudfrontDeployment };
  },
};

const deleteAnycastIpList: UndoImpl = {
  async apply({ name, executionName }: { name: string; executionName: string }) {
    const summary = await findAnycastListByName(name);
    if (!summary?.Id) return { done: true, note: 'no list was created' };
    const tags = await cloudfront()
      .send(new ListTagsForResourceCommand({ Resource: summary.Arn! }))
      .catch(() => undefined);
    const owner = tags?.Tags?.Items?.find((t) => t.Key === TAG_EXECUTION)?.Value;
    if (owner !== undefined && owner !== executionName) return { done: true, note: `kept: created by ${owner}` };
    const list = await getAnycastList(summary.Id);
    if (!list?.AnycastIpList || list.AnycastIpList.Status === 'Deleting')
      return { done: false, next: 'check', profile: PollProfiles.cloudfrontDeployment, progress: { id: summary.Id } };
    if (list.AnycastIpList.Status === 'Deploying') return { done: false, next: 'apply', profile: PollProfiles.cloudfrontDeployment };
    const ids = await distributionsUsingAnycastList(summary.Id);
    if (ids.length) throw new Error(`list ${summary.Id} is still used by ${ids.join(', ')}`);
    await cloudfront().send(new DeleteAnycastIpListCommand({ Id: summary.Id, IfMatch: list.ETag }));
    return { done: false, next: 'check', profile: PollProfiles.cloudfrontDeployment, progress: { id: summary.Id } };
  },
  async check(_params: unknown, progress) {
    const list = await getAnycastList(String(progress?.id));
    return list?.AnycastIpList
      ? { done: false, next: 'check', profile: PollProfiles.cloudfrontDeployment, progress }
      : { done: true, note: `deleted ${progress?.id}` };
  },
};

/** The undo actions this task implements (intents in the workflows name them). */
export const undoActions: Record<string, UndoImpl> = {
  'CloudFront.RestoreDistribution': restoreDistribution,
  'CloudFront.DeleteAnycastIpList': deleteAnycastIpList,
  ...vpcOriginUndoActions,
};

export const handler = defineUndoTask('UndoCloudFront', 'CloudFront', undoActions);
