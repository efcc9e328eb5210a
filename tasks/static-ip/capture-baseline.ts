/**
 * Reads what the workflow will change, before changing anything: each range's GA state (what was
 * provisioned or advertised before stays so on rollback) and, when moving an existing accelerator,
 * its addresses and routing (rollback puts the addresses back and removes only what we add).
 * Addresses another accelerator already uses fail here, before anything is provisioned or announced.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { GaCidrStates } from '../../domain/static-ip';
import { defineTask } from '../lib/handler';
import { describeAccelerator, gaCidrs, ipv4Addresses, listAccelerators, routingOf } from '../global-accelerator/ga-client';

const Event = z.object({
  cidrs: z.array(z.string()).min(1),
  accelerator: z.object({ mode: z.enum(['create', 'update']), arn: z.string(), ipAddresses: z.array(z.string()).min(1) }),
});

export const handler = defineTask('CaptureStaticIpBaseline', Event, async (input) => {
  const ranges = await gaCidrs();
  const cidrStates = Object.fromEntries(input.cidrs.map((c) => [c, ranges.get(c)?.State ?? 'absent']));
  const inState = (states: readonly string[]) => input.cidrs.filter((c) => states.includes(cidrStates[c]));

  let accelerator = { found: false, arn: 'none', ipAddresses: [] as string[], enabled: false, listenerArns: [] as string[], endpointGroupArns: [] as string[] };
  if (input.accelerator.mode === 'update') {
    const a = await describeAccelerator(input.accelerator.arn);
    if (!a) throw new WorkflowError(ErrorNames.InputInvalid, `input.accelerator.arn: accelerator ${input.accelerator.arn} does not exist in this account`);
    accelerator = { found: true, arn: a.AcceleratorArn!, ipAddresses: ipv4Addresses(a), enabled: a.Enabled ?? false, ...(await routingOf(a.AcceleratorArn!)) };
  }
  for (const other of await listAccelerators()) {
    if (other.AcceleratorArn === accelerator.arn) continue;
    input.accelerator.ipAddresses.forEach((ip, i) => {
      if (ipv4Addresses(other).includes(ip)) {
        throw new WorkflowError(
          ErrorNames.InputInvalid,
          `input.accelerator.ipAddresses[${i}]: ${ip} is already used by accelerator ${other.Name} (${other.AcceleratorArn}); to work on that accelerator, give accelerator.arn`,
        );
      }
    });
  }
  return { cidrStates, provisionedBefore: inState(GaCidrStates.held), advertisedBefore: inState(GaCidrStates.advertised), accelerator };
});
