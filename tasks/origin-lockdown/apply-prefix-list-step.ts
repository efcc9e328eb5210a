/**
 * One step on a customer-managed prefix list (a Map iteration, one at a time; a poll for
 * *-complete follows each): create it, resize it, or add/remove ≤ 100 entries each at the version
 * just read (CurrentVersion). Each step re-reads and does only what is left, so retries are safe;
 * a concurrent writer (PrefixListVersionMismatch) or a list still in progress is retried with a fresh read.
 */
import { CreateManagedPrefixListCommand, ModifyManagedPrefixListCommand } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { RULE_DESCRIPTION, TAG_ORIGIN_LOCKDOWN } from '../../domain/origin-lockdown';
import { clientToken, ExecutionRef, orchestratorTags } from '../lib/common';
import { defineTask } from '../lib/handler';
import { ec2, ownedPrefixList, prefixListEntries } from './network';

const Step = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('create'), name: z.string(), family: z.enum(['ipv4', 'ipv6']), maxEntries: z.number().int() }),
  z.object({ kind: z.literal('resize'), name: z.string(), maxEntries: z.number().int() }),
  z.object({ kind: z.literal('modify'), name: z.string(), add: z.array(z.string()).max(100), remove: z.array(z.string()).max(100) }),
]);

const Event = z.object({ region: z.string(), syncName: z.string(), step: Step, execution: ExecutionRef });

const COMPLETE = new Set(['create-complete', 'modify-complete', 'restore-complete']);

/** Maps the prefix-list races to a re-read-and-retry (the ASL retries PreconditionFailed). */
async function modify(region: string, input: ConstructorParameters<typeof ModifyManagedPrefixListCommand>[0]) {
  try {
    return await ec2(region).send(new ModifyManagedPrefixListCommand(input));
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'PrefixListVersionMismatch' || name === 'IncorrectState')
      throw new WorkflowError(ErrorNames.PreconditionFailed, `${input.PrefixListId}: ${(e as Error).message}`);
    if (name === 'RulesPerSecurityGroupLimitExceeded') throw new WorkflowError(ErrorNames.QuotaExceeded, `${input.PrefixListId}: ${(e as Error).message}`);
    throw e;
  }
}

export const handler = defineTask('ApplyPrefixListStep', Event, async ({ region, syncName, step, execution }) => {
  // Only the sync's own list of that name (tagged with its name) is ever read or changed.
  const list = await ownedPrefixList(region, step.name, { syncName });
  if (step.kind === 'create') {
    if (list) return { name: step.name, prefixListId: list.PrefixListId!, changed: false };
    const out = await ec2(region).send(
      new CreateManagedPrefixListCommand({
        PrefixListName: step.name,
        AddressFamily: step.family === 'ipv4' ? 'IPv4' : 'IPv6',
        MaxEntries: step.maxEntries,
        TagSpecifications: [
          {
            ResourceType: 'prefix-list',
            Tags: [...orchestratorTags(execution, 'origin-prefix-list', syncName), { Key: TAG_ORIGIN_LOCKDOWN, Value: syncName }],
          },
        ],
        ClientToken: clientToken(execution, `pl-${step.name}`),
      }),
    );
    return { name: step.name, prefixListId: out.PrefixList!.PrefixListId!, changed: true };
  }
  if (!list)
    throw new WorkflowError(ErrorNames.UnexpectedResponse, `prefix list ${step.name} (tagged ${TAG_ORIGIN_LOCKDOWN}=${syncName}) disappeared during the sync`);
  if (!COMPLETE.has(list.State ?? '')) throw new WorkflowError(ErrorNames.PreconditionFailed, `prefix list ${list.PrefixListId} is ${list.State}`);
  const id = list.PrefixListId!;
  if (step.kind === 'resize') {
    if ((list.MaxEntries ?? 0) >= step.maxEntries) return { name: step.name, prefixListId: id, changed: false };
    await modify(region, { PrefixListId: id, CurrentVersion: list.Version, MaxEntries: step.maxEntries });
    return { name: step.name, prefixListId: id, changed: true };
  }
  const entries = new Set(await prefixListEntries(region, id));
  const add = step.add.filter((c) => !entries.has(c));
  const remove = step.remove.filter((c) => entries.has(c));
  if (add.length + remove.length === 0) return { name: step.name, prefixListId: id, changed: false };
  await modify(region, {
    PrefixListId: id,
    CurrentVersion: list.Version,
    AddEntries: add.length ? add.map((Cidr) => ({ Cidr, Description: RULE_DESCRIPTION })) : undefined,
    RemoveEntries: remove.length ? remove.map((Cidr) => ({ Cidr })) : undefined,
  });
  return { name: step.name, prefixListId: id, changed: true, added: add.length, removed: remove.length };
});
