/**
 * The distribution's writer (it holds the lease) applies every queued addition that is ready, from
 * every execution, in ONE read-modify-write with IfMatch: a group commit, so N teams do not cost N
 * deployments. Additions whose VPC origin this account can't use (share gone) or that conflict are
 * rejected, not applied. If CloudFront refuses the combined change, each addition is tried alone so
 * one bad addition can't block the others. A stale ETag surfaces as PreconditionFailed (ASL retry).
 */
import { GetDistributionConfigCommand, UpdateDistributionCommand, type DistributionConfig } from '@aws-sdk/client-cloudfront';
import * as z from 'zod';
import { ErrorNames, RETRYABLE_ERRORS, WorkflowError } from '../../domain/errors';
import { addTeams } from '../../domain/vpc-origins';
import { ExecutionRef, present } from '../lib/common';
import { defineTask } from '../lib/handler';
import { toWorkflowError } from '../../platform/sdk-errors';
import { lockHolder } from '../../platform/state-table';
import { cloudfrontHere, ramHere, sharedResources } from './clients';
import { mark, open, type QueuedAdditions } from './origin-queue';

const Event = z.object({ distributionId: z.string(), lockResource: z.string(), execution: ExecutionRef });

async function readConfig(distributionId: string) {
  const out = await cloudfrontHere().send(new GetDistributionConfigCommand({ Id: distributionId }));
  return {
    config: present(out.DistributionConfig, `GetDistributionConfig ${distributionId}: DistributionConfig`),
    etag: present(out.ETag, `GetDistributionConfig ${distributionId}: ETag`),
  };
}

/** One read-modify-write adding the items' teams; returns whether the config changed. */
async function write(distributionId: string, current: { config: DistributionConfig; etag?: string }, items: QueuedAdditions[]): Promise<boolean> {
  const merged = addTeams(
    current.config,
    items.flatMap((i) => i.additions),
  );
  if (merged.changed) {
    await cloudfrontHere().send(
      new UpdateDistributionCommand({ Id: distributionId, IfMatch: current.etag, DistributionConfig: merged.config as DistributionConfig }),
    );
  }
  return merged.changed;
}

export const handler = defineTask('ApplyOriginAdditions', Event, async ({ distributionId, lockResource, execution }) => {
  const holder = await lockHolder(lockResource);
  if (holder?.owner !== execution.name)
    throw new WorkflowError(ErrorNames.ResourceLocked, `${execution.name} no longer holds ${lockResource} (held by ${holder?.owner ?? 'nobody'})`);
  const queued = await open(distributionId);
  const arns = [...new Set(queued.flatMap((q) => q.additions.map((a) => a.vpcOriginArn)))];
  const usable = new Set(
    arns.length
      ? (await sharedResources(ramHere(), { resourceOwner: 'OTHER-ACCOUNTS', resourceArns: arns })).filter((r) => r.status === 'AVAILABLE').map((r) => r.arn)
      : [],
  );
  const rejected: Array<{ owner: string; reason: string }> = [];
  const reject = async (item: QueuedAdditions, reason: string) => {
    rejected.push({ owner: item.owner, reason });
    await mark(distributionId, [item.owner], ['pending', 'applied'], 'rejected', { reason });
  };
  let ready: QueuedAdditions[] = [];
  for (const item of queued) {
    const missing = item.additions.filter((a) => !usable.has(a.vpcOriginArn)).map((a) => `${a.team} (${a.vpcOriginArn})`);
    if (missing.length) await reject(item, `VPC origin(s) not available to this account through RAM: ${missing.join(', ')}`);
    else ready.push(item);
  }
  // Conflicts are per team; an execution's additions go in together or not at all.
  const current = await readConfig(distributionId);
  const conflicted = new Map(
    addTeams(
      current.config,
      ready.flatMap((i) => i.additions),
    ).rejected.map((r) => [r.team, r.reason]),
  );
  for (const item of ready.filter((i) => i.additions.some((a) => conflicted.has(a.team)))) {
    await reject(
      item,
      item.additions
        .filter((a) => conflicted.has(a.team))
        .map((a) => `${a.team}: ${conflicted.get(a.team)}`)
        .join('; '),
    );
  }
  ready = ready.filter((i) => !i.additions.some((a) => conflicted.has(a.team)));
  let changed = false;
  const applied: string[] = [];
  const transient = (m: Error) => RETRYABLE_ERRORS.includes(m.name) || m.name === ErrorNames.PreconditionFailed;
  try {
    changed = ready.length > 0 && (await write(distributionId, current, ready));
    applied.push(...ready.map((i) => i.owner));
  } catch (e) {
    const mapped = toWorkflowError(e);
    if (transient(mapped)) throw mapped;
    // CloudFront refused the combined change: find the addition(s) it refuses.
    for (const item of ready) {
      try {
        changed = (await write(distributionId, await readConfig(distributionId), [item])) || changed;
        applied.push(item.owner);
      } catch (one) {
        const m = toWorkflowError(one);
        if (transient(m)) throw m;
        await reject(item, m.message);
      }
    }
  }
  const marked = await mark(distributionId, applied, ['pending', 'applied'], 'applied', { appliedBy: execution.name });
  return { changed, applied: marked, teams: ready.filter((i) => marked.includes(i.owner)).flatMap((i) => i.additions.map((a) => a.team)), rejected };
});
