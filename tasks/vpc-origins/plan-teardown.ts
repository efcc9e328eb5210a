/** What a human approves before vpc-origin-teardown disables the shared distribution or takes names off it. */
import { defineTask } from '../lib/handler';
import { PlanChangesEvent } from './plan-share';

export const handler = defineTask('PlanVpcOriginTeardown', PlanChangesEvent, async (input) => {
  const disabling = input.changes.some((c) => c.kind === 'distribution');
  const names = input.changes.filter((c) => c.kind === 'alias').map((c) => c.from);
  return {
    title: disabling
      ? `Disable shared distribution ${input.distributionId}${names.length ? ` and remove ${names.join(', ')}` : ''} (${input.migrationId})`
      : `Remove ${names.join(', ')} from shared distribution ${input.distributionId} (${input.migrationId})`,
    approvers: input.approvers,
    changes: input.changes,
    prerequisite: disabling
      ? 'Every name this distribution serves stops answering once it is disabled: make sure nothing still depends on it.'
      : 'These names stop being answered by the distribution: their DNS should already point elsewhere.',
  };
});
