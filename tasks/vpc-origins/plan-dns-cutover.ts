/** The exact DNS change a human approves when a team's host already has records (a cutover, not a creation). */
import * as z from 'zod';
import { defineTask } from '../lib/handler';

const Event = z.object({
  migrationId: z.string(),
  distributionId: z.string(),
  approvers: z.array(z.string()),
  changes: z.array(z.object({ kind: z.string(), target: z.string(), from: z.string(), to: z.string() })),
});

export const handler = defineTask('PlanTeamDnsCutover', Event, async (input) => ({
  title: `Point ${input.changes.length} existing DNS record(s) at shared distribution ${input.distributionId} (${input.migrationId})`,
  approvers: input.approvers,
  changes: input.changes,
  prerequisite: 'The teams behind these names are ready to be served through the shared distribution; the old targets can stop receiving traffic once resolvers pick up the change.',
}));
