/**
 * Puts the approved addresses on an accelerator: updates the existing one (UpdateAccelerator with
 * IpAddresses), or creates one with them, tagged with this execution so a retry or the undo finds it.
 * Refuses without a recorded approval: this is what makes the addresses answer.
 */
import { CreateAcceleratorCommand, UpdateAcceleratorCommand } from '@aws-sdk/client-global-accelerator';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { clientToken, ExecutionRef, orchestratorTags, TAG_EXECUTION } from '../lib/common';
import { defineTask } from '../lib/handler';
import { acceleratorsTagged, describeAccelerator, ga, ipv4Addresses } from './ga-client';

const Event = z.object({
  mode: z.enum(['create', 'update']),
  arn: z.string(),
  name: z.string(),
  ipAddresses: z.array(z.string()).min(1).max(2),
  migrationId: z.string(),
  execution: ExecutionRef,
  approval: z.object({ approved: z.literal(true) }).passthrough(),
});

export const handler = defineTask('EnsureGaAccelerator', z.unknown(), async (raw) => {
  const parsed = Event.safeParse(raw);
  if (!parsed.success) {
    const approved = (raw as { approval?: { approved?: unknown } })?.approval?.approved === true;
    if (!approved)
      throw new WorkflowError(ErrorNames.SafetyViolation, 'refusing to put the addresses on an accelerator: no approval is recorded for this execution');
    throw new WorkflowError(
      ErrorNames.InputInvalid,
      `EnsureGaAccelerator received an invalid event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const input = parsed.data;
  if (input.mode === 'update') {
    const a = await describeAccelerator(input.arn);
    if (!a) throw new WorkflowError(ErrorNames.UnexpectedResponse, `accelerator ${input.arn} no longer exists`);
    if (input.ipAddresses.every((ip) => ipv4Addresses(a).includes(ip))) return { acceleratorArn: input.arn, created: false, changed: false };
    await ga().send(new UpdateAcceleratorCommand({ AcceleratorArn: input.arn, IpAddresses: input.ipAddresses }));
    return { acceleratorArn: input.arn, created: false, changed: true };
  }
  const ours = await acceleratorsTagged(TAG_EXECUTION, input.execution.name);
  if (ours.length > 0) return { acceleratorArn: ours[0].AcceleratorArn!, created: true, changed: false };
  const out = await ga().send(
    new CreateAcceleratorCommand({
      Name: input.name,
      IpAddressType: 'IPV4',
      IpAddresses: input.ipAddresses,
      Enabled: true,
      IdempotencyToken: clientToken(input.execution, 'accelerator'),
      Tags: orchestratorTags(input.execution, 'static-ip', input.migrationId),
    }),
  );
  if (!out.Accelerator?.AcceleratorArn) throw new WorkflowError(ErrorNames.UnexpectedResponse, 'CreateAccelerator returned no accelerator');
  return { acceleratorArn: out.Accelerator.AcceleratorArn, created: true, changed: true };
});
