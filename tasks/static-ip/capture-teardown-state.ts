/**
 * Finds what is left to tear down (a re-run finds less) and refuses what would hurt: an accelerator
 * not named in the input still serving addresses from the ranges (withdrawing would black-hole it),
 * or the named one belonging to a CloudFormation stack (change the stack instead).
 */
import * as z from 'zod';
import { containsAddress, parseCidr } from '../../domain/cidr';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { acceleratorTags, describeAccelerator, gaCidrs, ipv4Addresses, listAccelerators } from '../global-accelerator/ga-client';

const Event = z.object({ cidrs: z.array(z.string()).min(1), accelerator: z.object({ arn: z.string(), name: z.string() }) });

export const handler = defineTask('CaptureStaticIpTeardownState', Event, async (input) => {
  const ranges = await gaCidrs();
  const cidrStates = Object.fromEntries(input.cidrs.map((c) => [c, ranges.get(c)?.State ?? 'absent']));
  const inRanges = (ip: string) => input.cidrs.some((c) => containsAddress(parseCidr(c), ip));
  const all = await listAccelerators();
  let target = input.accelerator.arn !== 'none' ? await describeAccelerator(input.accelerator.arn) : undefined;
  if (input.accelerator.name !== 'none') {
    const named = all.filter((a) => a.Name === input.accelerator.name);
    if (named.length > 1)
      throw new WorkflowError(
        ErrorNames.InputInvalid,
        `input.accelerator.name: ${named.length} accelerators are named ${input.accelerator.name}; give its arn instead`,
      );
    target = named[0];
  }
  const users = all.filter((a) => ipv4Addresses(a).some(inRanges));
  const others = users.filter((a) => a.AcceleratorArn !== target?.AcceleratorArn);
  if (others.length) {
    throw new WorkflowError(
      ErrorNames.SafetyViolation,
      `accelerator(s) ${others.map((a) => `${a.Name} (${a.AcceleratorArn}: ${ipv4Addresses(a).filter(inRanges).join(', ')})`).join('; ')} still serve addresses from ${input.cidrs.join(', ')}; name the one to delete, or move it off these addresses first`,
    );
  }
  if (target) {
    if (!ipv4Addresses(target).some(inRanges)) {
      throw new WorkflowError(
        ErrorNames.SafetyViolation,
        `accelerator ${target.Name} (${target.AcceleratorArn}) uses none of the addresses in ${input.cidrs.join(', ')}; refusing to delete an unrelated accelerator`,
      );
    }
    const stack = (await acceleratorTags(target.AcceleratorArn!))['aws:cloudformation:stack-name'];
    if (stack) {
      throw new WorkflowError(
        ErrorNames.SafetyViolation,
        `accelerator ${target.Name} belongs to CloudFormation stack ${stack}; remove its byoipAddresses in the stack (or delete the stack), then run this teardown without accelerator`,
      );
    }
  }
  return {
    cidrStates,
    accelerator: target
      ? { found: true, arn: target.AcceleratorArn!, name: target.Name ?? '', ipAddresses: ipv4Addresses(target), status: target.Status ?? 'unknown' }
      : { found: false, arn: 'none', name: 'none', ipAddresses: [] as string[], status: 'absent' },
  };
});
