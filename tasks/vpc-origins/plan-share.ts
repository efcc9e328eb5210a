/** What a human approves before vpc-origin-share changes the shared distribution or DNS: every new origin, behaviour, alias and record. */
import * as z from 'zod';
import { planTitle } from '../../domain/approval';
import { defineTask } from '../lib/handler';

/** A plan task's input: the changes the capture step listed (kind, target, from, to), and who approves. */
export const PlanChangesEvent = z.object({
  migrationId: z.string(),
  distributionId: z.string(),
  approvers: z.array(z.string()),
  changes: z.array(z.object({ kind: z.string(), target: z.string(), from: z.string(), to: z.string() })).min(1),
});

export const handler = defineTask('PlanVpcOriginShare', PlanChangesEvent, async (input) => {
  const count = (kind: string) => input.changes.filter((c) => c.kind === kind).length;
  const aliases = input.changes.filter((c) => c.kind === 'alias').map((c) => c.to);
  const hosts = aliases.length > 3 ? [...aliases.slice(0, 3), `${aliases.length - 3} more`] : aliases;
  return {
    title: planTitle(
      count('origin')
        ? `Attach ${count('origin')} team origin(s) to shared distribution ${input.distributionId} (${input.migrationId})${hosts.length ? ` as ${hosts.join(', ')}` : ''}`
        : `Point ${count('dns') + count('alias')} name(s) at shared distribution ${input.distributionId} (${input.migrationId})`,
    ),
    approvers: input.approvers,
    changes: input.changes,
    prerequisite:
      'The teams behind these names own them and are ready to be served through the shared distribution; a moved DNS record stops sending traffic to its old target once resolvers pick up the change.',
  };
});
