/**
 * Poll: an accelerator's change reaching the edge (DEPLOYED), or the accelerator being gone.
 * "settled" accepts either (teardown re-runs). With expectIpAddresses, a deployed accelerator
 * without them is a failure, not a wait.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { describeAccelerator, ipv4Addresses } from './ga-client';

const Event = z.object({
  acceleratorArn: z.string(),
  target: z.enum(['deployed', 'deleted', 'settled']),
  expectIpAddresses: z.array(z.string()).optional(),
  ...PollFields,
});

export const handler = defineTask('CheckGaAccelerator', Event, async (input) => {
  const a = await describeAccelerator(input.acceleratorArn);
  const status = a?.Status ?? 'DELETED';
  if (!a && input.target === 'deployed') throw new WorkflowError(ErrorNames.UnexpectedResponse, `accelerator ${input.acceleratorArn} does not exist`);
  const ipAddresses = ipv4Addresses(a);
  if (status === 'DEPLOYED' && input.expectIpAddresses) {
    const missing = input.expectIpAddresses.filter((ip) => !ipAddresses.includes(ip));
    if (missing.length)
      throw new WorkflowError(
        ErrorNames.ResourceFailed,
        `accelerator ${input.acceleratorArn} is deployed without ${missing.join(', ')} (has ${ipAddresses.join(', ')})`,
      );
  }
  const done = input.target === 'deleted' ? !a : input.target === 'deployed' ? status === 'DEPLOYED' : !a || status === 'DEPLOYED';
  return pollResult(input, done, `accelerator ${input.acceleratorArn} becoming ${input.target}`, {
    status,
    enabled: a?.Enabled ?? false,
    ipAddresses,
    dnsName: a?.DnsName ?? 'none',
  });
});
