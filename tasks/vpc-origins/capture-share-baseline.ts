/**
 * Reads what the share will change, before changing anything: the distribution (it must be in the
 * networking account), which teams are already attached (a re-run: their attachment is not this
 * execution's to undo), which hosts its aliases already cover, and each team's DNS records (A, and
 * AAAA when IPv6 is on). Every change to what the internet sees (a new origin or behaviour on the shared
 * distribution, a new alias, a DNS record created or moved) is listed for the approval that comes
 * before any of them. Paths or origin ids taken by someone else fail here, with nothing changed yet.
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { CLOUDFRONT_ALIAS_ZONE_ID, hostCovered } from '../../domain/vpc-origins';
import { defineTask } from '../lib/handler';
import { answersOf, currentRecord, fqdn, type TrackedRecord } from '../dns/route53-client';
import { networkingDistribution } from './clients';
import { present } from '../lib/common';

const Team = z
  .object({ name: z.string(), accountId: z.string(), host: z.string(), hostedZoneId: z.string(), pathPattern: z.string(), originId: z.string() })
  .passthrough();
const Event = z.object({ networkingAccountId: z.string(), distributionId: z.string(), teams: z.array(Team) });

const describeRecord = (r: TrackedRecord['before']) =>
  !r ? '(none)' : r.AliasTarget ? `alias ${r.AliasTarget.DNSName}` : `${(r.ResourceRecords ?? []).map((v) => v.Value).join(', ')} TTL ${r.TTL}`;

export const handler = defineTask('CaptureVpcOriginShareBaseline', Event, async (input) => {
  const d = await networkingDistribution(input.distributionId);
  const owner = /^arn:[^:]+:cloudfront::(\d{12}):/.exec(d.ARN ?? '')?.[1];
  if (owner !== input.networkingAccountId)
    throw new WorkflowError(
      ErrorNames.InputInvalid,
      `input.networkingAccountId: distribution ${input.distributionId} belongs to account ${owner}, not ${input.networkingAccountId}`,
    );
  const config = present(d.DistributionConfig, `GetDistribution ${input.distributionId}: DistributionConfig`);
  const origins = config.Origins?.Items ?? [];
  const behaviors = config.CacheBehaviors?.Items ?? [];
  const aliases = config.Aliases?.Items ?? [];
  const problems: string[] = [];
  const attachedBefore: string[] = [];
  input.teams.forEach((t, i) => {
    const origin = origins.find((o) => o.Id === t.originId);
    const behavior = behaviors.find((b) => b.PathPattern === t.pathPattern);
    if (origin && origin.VpcOriginConfig?.OwnerAccountId !== t.accountId)
      problems.push(`input.teams[${i}].name: the distribution already has an origin ${t.originId} that is not ${t.name}'s VPC origin`);
    if (behavior && behavior.TargetOriginId !== t.originId)
      problems.push(`input.teams[${i}].pathPattern: ${t.pathPattern} is already routed to origin ${behavior.TargetOriginId}`);
    if (origin && behavior?.TargetOriginId === t.originId && origin.VpcOriginConfig?.OwnerAccountId === t.accountId) attachedBefore.push(t.name);
  });
  const types = config.IsIPV6Enabled ? ['A', 'AAAA'] : ['A'];
  const dns: TrackedRecord[] = [];
  for (const [i, t] of input.teams.entries()) {
    for (const type of types) {
      try {
        dns.push({
          hostedZoneId: t.hostedZoneId,
          name: fqdn(t.host),
          type,
          before: (await currentRecord(t.hostedZoneId, t.host, type)) as TrackedRecord['before'],
        });
      } catch (e) {
        if ((e as Error).name === 'NoSuchHostedZone') {
          problems.push(`input.teams[${i}].hostedZoneId: hosted zone ${t.hostedZoneId} does not exist in this account`);
          break;
        }
        throw e;
      }
    }
  }
  if (problems.length) throw new WorkflowError(ErrorNames.InputInvalid, `vpc-origin-share cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const alias = fqdn(d.DomainName!);
  const dnsChanges = dns
    .filter((r) => !(r.before?.AliasTarget && r.before.AliasTarget.HostedZoneId === CLOUDFRONT_ALIAS_ZONE_ID && fqdn(r.before.AliasTarget.DNSName) === alias))
    .map((r) => ({ kind: 'dns', target: `${r.name} ${r.type} (${r.hostedZoneId})`, from: describeRecord(r.before), to: `alias ${alias}` }));
  const attaching = input.teams.filter((t) => !attachedBefore.includes(t.name));
  const changes = [
    ...attaching.flatMap((t) => [
      { kind: 'origin', target: `${input.distributionId} ${t.originId}`, from: '(none)', to: `${t.name}'s VPC origin in account ${t.accountId}` },
      { kind: 'behaviour', target: `${input.distributionId} ${t.pathPattern}`, from: '(none)', to: `origin ${t.originId}` },
    ]),
    ...input.teams.filter((t) => !hostCovered(aliases, t.host)).map((t) => ({ kind: 'alias', target: input.distributionId, from: '(none)', to: t.host })),
    ...dnsChanges,
  ];
  const ours = new Set(input.teams.map((t) => t.host));
  return {
    distribution: { id: input.distributionId, domainName: d.DomainName!, ipv6: Boolean(config.IsIPV6Enabled), enabled: Boolean(config.Enabled) },
    attachedBefore,
    hostsCoveredBefore: input.teams.filter((t) => hostCovered(aliases, t.host)).map((t) => t.host),
    /** Hosts the distribution serves for others: isolation probes use them as foreign hosts. */
    otherHosts: aliases.filter((a) => !a.startsWith('*') && !ours.has(a.toLowerCase())),
    dns,
    /** What this run's DNS changes answer (the rollback restores only records still answering it, or what they answered before). */
    dnsOurs: [answersOf({ AliasTarget: { DNSName: alias } })],
    /** What the approval before any change shows; nothing to change, no gate. */
    approval: { required: changes.length > 0, changes },
  };
});
