/** The exact plan a human approves before the teardown takes the addresses off the internet. */
import * as z from 'zod';
import { defineTask } from '../lib/handler';

const Event = z.object({
  migrationId: z.string(),
  cidrs: z.array(z.string()),
  deprovision: z.boolean(),
  approvers: z.array(z.string()),
  state: z.object({
    cidrStates: z.record(z.string(), z.string()),
    accelerator: z.object({ found: z.boolean(), arn: z.string(), name: z.string(), ipAddresses: z.array(z.string()) }),
  }),
});

export const handler = defineTask('PlanStaticIpTeardown', Event, async (input) => {
  const s = input.state;
  const changes = [
    ...(s.accelerator.found
      ? [
          {
            kind: 'accelerator',
            target: `${s.accelerator.name} (${s.accelerator.arn})`,
            from: s.accelerator.ipAddresses.join(', '),
            to: 'deleted (its static IPs stop answering)',
          },
        ]
      : []),
    ...input.cidrs
      .filter((c) => ['ADVERTISING', 'PENDING_ADVERTISING'].includes(s.cidrStates[c]))
      .map((c) => ({ kind: 'withdraw', target: c, from: 'advertised by AWS', to: 'not advertised by AWS' })),
    ...(input.deprovision
      ? input.cidrs
          .filter((c) => s.cidrStates[c] !== 'absent')
          .map((c) => ({
            kind: 'deprovision',
            target: c,
            from: 'provisioned to Global Accelerator',
            to: 'deprovisioned (bringing it back takes up to 3 weeks)',
          }))
      : []),
  ];
  return {
    title: `Tear down Global Accelerator BYOIP for ${input.cidrs.join(', ')} (${input.migrationId})`,
    approvers: input.approvers,
    changes,
    prerequisite: 'Clients no longer need these addresses on AWS; whoever announces the prefixes next is ready to do so.',
  };
});
