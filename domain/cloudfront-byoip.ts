/**
 * BYOIP → CloudFront onboarding: the input contract and the plan derived from it.
 * Pure: no AWS. The ValidateOnboardInput task and the CLI both call `planOnboarding`.
 */
import * as z from 'zod';
import { leaseName } from './leases';
import { canonicalCidr, compareCidrs, formatCidr, overlaps, parseCidr } from './cidr';
import { inputInvalid } from './errors';
import { answersOf, fqdn } from './names';
import {
  AccountId,
  checkAuthorization,
  DistributionId,
  DnsName,
  formatIssues,
  HostedZoneId,
  IpamId,
  PublicIpv4Slash24,
  Region,
  topLevelCidrIssues,
  CidrAuthorizationSchema,
  OnReject,
  Approvers,
  approvalSettings,
  checkCertificate,
  planAuthorization,
  type PlanAuthorization,
  MigrationId,
} from './validation';
import { InternetChecksInputSchema, NO_SKIP, type InternetChecksInput } from './internet/evidence';

export const ADVERTISE_SPACING_SECONDS = 11; // AWS allows one Advertise/Withdraw per 10 s per account

const Authorization = CidrAuthorizationSchema;

const DnsRecord = z
  .object({
    hostedZoneId: HostedZoneId,
    name: DnsName,
    /** A records are moved to the three anycast IPs. */
    type: z.literal('A', { error: 'only A records can point at an IPv4 anycast list' }).default('A'),
    /** The record does not exist yet and the cutover creates it; without this, a name missing from its zone is refused. */
    create: z.boolean().default(false),
  })
  .strict();

export const OnboardInputSchema = z
  .object({
    /** Label for tags, names and reports. */
    migrationId: MigrationId.optional(),
    accountId: AccountId,
    region: Region.default('us-east-1'),
    ipamId: IpamId,
    /** The three /24s CloudFront will use. */
    cidrs: z.array(PublicIpv4Slash24).length(3, 'CloudFront BYOIP needs exactly three /24 blocks'),
    /** What to provision into the top-level pool: the three /24s (default) or the covering block(s). */
    topLevelCidrs: z.array(z.string()).min(1).max(3).optional(),
    authorization: Authorization,
    distributionIds: z.array(DistributionId).min(1, 'needs at least one distribution').max(25),
    dns: z
      .object({
        records: z.array(DnsRecord).min(1, 'needs at least one record to cut over').max(50),
        cutoverTtl: z.number().int().min(1, 'must be at least 1 second').max(300, 'must be at most 300 seconds (a low TTL is the point)').default(60),
        /** Watch period after the DNS switch before the TTL is restored. */
        watchSeconds: z.number().int().min(0).max(86_400).default(900),
        restoreTtl: z.boolean().default(true),
      })
      .strict(),
    approvers: Approvers,
    approval: approvalSettings(),
    anycastIpListName: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be 1-64 letters, digits or dashes')
      .optional(),
    /** A rejection parks (DNS TTLs, distribution settings and the anycast list undone; pools and CIDRs kept) or "undo-all". */
    onReject: OnReject,
    /** When another execution holds these CIDRs or distributions: wait for it (true) or fail at once (false). */
    waitForLocks: z.boolean().default(false),
    /** Evidence from the internet (RDAP, RPKI, BGP): skip it only with a reason, which the approvers see. */
    internetChecks: InternetChecksInputSchema.default(NO_SKIP),
  })
  .strict();

export type OnboardInput = z.infer<typeof OnboardInputSchema>;

export interface OnboardPlan {
  migrationId: string;
  accountId: string;
  region: string;
  ipamId: string;
  cidrs: string[];
  topLevelCidrs: string[];
  authorization: PlanAuthorization;
  distributionIds: string[];
  dns: { records: Array<{ hostedZoneId: string; name: string; type: 'A'; create: boolean }>; cutoverTtl: number; watchSeconds: number; restoreTtl: boolean };
  approvers: string[];
  approval: { timeoutSeconds: number };
  onReject: 'park' | 'undo-all';
  anycastIpListName: string;
  advertiseItems: Array<{ cidr: string; waitSeconds: number }>;
  /** Leases this execution holds while it runs (one writer per CIDR and distribution). */
  locks: { resources: string[]; wait: boolean };
  internetChecks: InternetChecksInput;
}

/** Cross-field rules zod can't express field by field. */
function crossCheck(input: OnboardInput, now: Date, ctx: z.RefinementCtx): void {
  // Field-level issues don't stop zod from running this; skip what already failed to parse.
  const parsed = input.cidrs.map((c) => {
    try {
      return parseCidr(c);
    } catch {
      return undefined;
    }
  });
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const a = parsed[i];
      const b = parsed[j];
      if (a && b && overlaps(a, b)) ctx.addIssue({ code: 'custom', path: ['cidrs', j], message: `repeats ${input.cidrs[i]}` });
    }
  }
  if (input.topLevelCidrs) topLevelCidrIssues(input.topLevelCidrs, input.cidrs, ctx);
  if ('messages' in input.authorization) {
    const expected = (input.topLevelCidrs ?? input.cidrs).map((c) => {
      try {
        return canonicalCidr(c);
      } catch {
        return c;
      }
    });
    const seen = new Set<string>();
    input.authorization.messages.forEach((m, i) => {
      const path = ['authorization', 'messages', i];
      let cidr: string;
      try {
        cidr = canonicalCidr(m.cidr);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: [...path, 'cidr'], message: (e as Error).message });
        return;
      }
      if (!expected.includes(cidr))
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'cidr'],
          message: `${cidr} is not one of the CIDRs provisioned into the top-level pool (${expected.join(', ')})`,
        });
      if (seen.has(cidr)) ctx.addIssue({ code: 'custom', path: [...path, 'cidr'], message: `a second message for ${cidr}` });
      seen.add(cidr);
      checkAuthorization(m.message, m.signature, { account: input.accountId, resource: cidr, kind: 'cidr' }, now, ctx, path);
      checkCertificate(m.message, m.signature, (input.authorization as { certificatePem?: string }).certificatePem, ctx, path);
    });
    for (const cidr of expected) {
      if (!seen.has(cidr)) ctx.addIssue({ code: 'custom', path: ['authorization', 'messages'], message: `has no message for ${cidr}` });
    }
  }
  const distinct = new Set(input.distributionIds);
  if (distinct.size !== input.distributionIds.length) ctx.addIssue({ code: 'custom', path: ['distributionIds'], message: 'lists a distribution twice' });
  const names = new Set<string>();
  input.dns.records.forEach((r, i) => {
    const key = `${r.hostedZoneId}/${fqdn(r.name)}/${r.type}`;
    if (names.has(key)) ctx.addIssue({ code: 'custom', path: ['dns', 'records', i], message: `repeats ${fqdn(r.name)} ${r.type}` });
    names.add(key);
  });
}

/** Validates input and derives the plan; throws InputInvalid naming every problem. `now` checks message expiry. */
export function planOnboarding(raw: unknown, now: Date): OnboardPlan {
  const schema = OnboardInputSchema.superRefine((input, ctx) => crossCheck(input, now, ctx));
  const result = schema.safeParse(raw);
  if (!result.success) throw inputInvalid(`onboard-cloudfront-byoip input is invalid:\n${formatIssues(result.error)}`);
  const input = result.data;
  const cidrs = input.cidrs
    .map((c) => parseCidr(c))
    .sort(compareCidrs)
    .map(formatCidr);
  const topLevelCidrs = (input.topLevelCidrs ?? input.cidrs).map(canonicalCidr).sort((a, b) => compareCidrs(parseCidr(a), parseCidr(b)));
  const migrationId = input.migrationId ?? `byoip-${cidrs[0].replace(/[./]/g, '-')}`;
  const authorization = planAuthorization(input.authorization);
  return {
    migrationId,
    accountId: input.accountId,
    region: input.region,
    ipamId: input.ipamId,
    cidrs,
    topLevelCidrs,
    authorization,
    distributionIds: input.distributionIds,
    dns: { ...input.dns, records: input.dns.records.map((r) => ({ ...r, name: fqdn(r.name) })) },
    approvers: input.approvers,
    approval: { timeoutSeconds: input.approval.timeoutSeconds },
    onReject: input.onReject,
    anycastIpListName: input.anycastIpListName ?? migrationId,
    advertiseItems: cidrs.map((cidr, i) => ({ cidr, waitSeconds: i === 0 ? 0 : ADVERTISE_SPACING_SECONDS })),
    locks: {
      resources: [...new Set([...cidrs, ...topLevelCidrs].map(leaseName.cidr)), ...input.distributionIds.map(leaseName.distribution)],
      wait: input.waitForLocks,
    },
    internetChecks: input.internetChecks,
  };
}

export const TeardownInputSchema = z
  .object({
    migrationId: MigrationId.optional(),
    accountId: AccountId,
    region: Region.default('us-east-1'),
    ipamId: IpamId,
    /** The /24s to withdraw and deprovision from the global pool. */
    cidrs: z.array(PublicIpv4Slash24).min(1).max(3),
    /** The anycast list to detach and delete (by name, as onboarding named it). */
    anycastIpListName: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be 1-64 letters, digits or dashes'),
    /** Also deprovision these CIDRs from the top-level pool (hands the space back; re-provisioning takes hours to days). */
    deprovisionTopLevel: z.boolean().default(false),
    topLevelCidrs: z.array(z.string()).min(1).max(3).optional(),
    deletePools: z.boolean().default(true),
    /**
     * The distributions' settings before the onboarding, to put back when the list is detached: the
     * onboarding's output `distributionsBefore`, as it is. Without them the distributions keep
     * PriceClass_All and IPv6 off (what the anycast list needed).
     */
    restoreDistributions: z
      .array(
        z
          .object({
            distributionId: z.string().regex(/^E[A-Z0-9]{5,20}$/, 'must be a distribution id (E...)'),
            status: z.string().optional(),
            before: z
              .object({
                AnycastIpListId: z.string().nullable().optional(),
                PriceClass: z.enum(['PriceClass_100', 'PriceClass_200', 'PriceClass_All']),
                IsIPV6Enabled: z.boolean(),
              })
              .strict(),
          })
          .strict(),
      )
      .max(50)
      .default([]),
    /** Records that must no longer point at the anycast IPs before anything is withdrawn. */
    dnsRecordsToCheck: z
      .array(z.object({ hostedZoneId: HostedZoneId, name: DnsName, type: z.literal('A').default('A') }).strict())
      .max(50)
      .default([]),
    approvers: Approvers,
    approval: approvalSettings(),
    waitForLocks: z.boolean().default(false),
  })
  .strict();

export interface TeardownPlan {
  migrationId: string;
  accountId: string;
  region: string;
  ipamId: string;
  cidrs: string[];
  topLevelCidrs: string[];
  anycastIpListName: string;
  deprovisionTopLevel: boolean;
  deletePools: boolean;
  dnsRecordsToCheck: Array<{ hostedZoneId: string; name: string; type: 'A' }>;
  restoreDistributions: Array<{ distributionId: string; before: { PriceClass: string; IsIPV6Enabled: boolean } }>;
  approvers: string[];
  approval: { timeoutSeconds: number };
  withdrawItems: Array<{ cidr: string; waitSeconds: number }>;
  locks: { resources: string[]; wait: boolean };
}

export function planTeardown(raw: unknown): TeardownPlan {
  const schema = TeardownInputSchema.superRefine((input, ctx) => {
    const cidrs = input.cidrs.map((c) => {
      try {
        return parseCidr(c);
      } catch {
        return undefined;
      }
    });
    cidrs.forEach((c, i) =>
      cidrs.slice(0, i).forEach((o) => {
        if (c && o && overlaps(c, o)) ctx.addIssue({ code: 'custom', path: ['cidrs', i], message: 'repeats another CIDR' });
      }),
    );
    if (input.topLevelCidrs && !input.deprovisionTopLevel)
      ctx.addIssue({ code: 'custom', path: ['topLevelCidrs'], message: 'is only used with deprovisionTopLevel: true' });
    if (input.topLevelCidrs) topLevelCidrIssues(input.topLevelCidrs, input.cidrs, ctx);
  });
  const result = schema.safeParse(raw);
  if (!result.success) throw inputInvalid(`teardown-cloudfront-byoip input is invalid:\n${formatIssues(result.error)}`);
  const input = result.data;
  const cidrs = input.cidrs
    .map((c) => parseCidr(c))
    .sort(compareCidrs)
    .map(formatCidr);
  return {
    migrationId: input.migrationId ?? `byoip-${cidrs[0].replace(/[./]/g, '-')}`,
    accountId: input.accountId,
    region: input.region,
    ipamId: input.ipamId,
    cidrs,
    topLevelCidrs: (input.topLevelCidrs ?? cidrs).map(canonicalCidr),
    anycastIpListName: input.anycastIpListName,
    deprovisionTopLevel: input.deprovisionTopLevel,
    deletePools: input.deletePools,
    dnsRecordsToCheck: input.dnsRecordsToCheck.map((r) => ({ ...r, name: fqdn(r.name) })),
    restoreDistributions: input.restoreDistributions.map((d) => ({
      distributionId: d.distributionId,
      before: { PriceClass: d.before.PriceClass, IsIPV6Enabled: d.before.IsIPV6Enabled },
    })),
    approvers: input.approvers,
    approval: input.approval,
    withdrawItems: cidrs.map((cidr, i) => ({ cidr, waitSeconds: i === 0 ? 0 : ADVERTISE_SPACING_SECONDS })),
    // Distributions are found at run time; the CIDRs name what this teardown owns.
    locks: { resources: [...new Set([...cidrs, ...(input.topLevelCidrs ?? cidrs).map(canonicalCidr)].map(leaseName.cidr))], wait: input.waitForLocks },
  };
}

/** A DNS record as the onboarding read it (Route 53's record set before any change), as plans need it. */
export interface RecordBefore {
  hostedZoneId: string;
  name: string;
  type: string;
  before: { TTL?: number; ResourceRecords?: Array<{ Value?: string }>; AliasTarget?: { DNSName?: string } } | null;
}

/** A distribution's settings before the onboarding staged its anycast list. */
export interface DistributionBefore {
  distributionId: string;
  before: { AnycastIpListId: string | null; PriceClass: string; IsIPV6Enabled: boolean };
}

/**
 * The plan a human approves before the onboarding advertises (PlanOnboardCutover), and the heart of what
 * `byoip plan` shows: every advertisement, each distribution's settings before -> after, each DNS record's
 * values and TTL before -> after, and what approving confirms about the previous provider.
 */
export function onboardCutoverPlan(input: {
  migrationId: string;
  cidrs: string[];
  cidrStates: Record<string, string>;
  anycastIpListId: string;
  anycastIps: string[];
  distributionIds: string[];
  records: RecordBefore[];
  distributions: DistributionBefore[];
  cutoverTtl: number;
  approvers: string[];
}) {
  return {
    title: `Advertise ${input.cidrs.join(', ')} from CloudFront and move ${input.records.length} DNS record(s) (${input.migrationId})`,
    approvers: input.approvers,
    changes: [
      ...input.cidrs.map((c) => ({ kind: 'advertise', target: c, from: input.cidrStates[c] ?? 'provisioned', to: 'advertised by AWS (origin ASN AWS)' })),
      // Staged before the gate (a rejection or an expiry puts them back); CloudFront requires them with an IPv4 anycast list.
      ...input.distributions.flatMap(({ distributionId: id, before: b }) => [
        { kind: 'distribution', target: `${id} anycast IP list`, from: b.AnycastIpListId ?? 'none', to: input.anycastIpListId },
        ...(b.PriceClass !== 'PriceClass_All' ? [{ kind: 'distribution', target: `${id} price class`, from: b.PriceClass, to: 'PriceClass_All' }] : []),
        ...(b.IsIPV6Enabled ? [{ kind: 'distribution', target: `${id} IPv6`, from: 'on', to: 'off (AAAA answers stop)' }] : []),
      ]),
      ...input.records.map((r) => ({
        kind: 'dns',
        target: `${r.name} ${r.type} (${r.hostedZoneId})`,
        from: `${answersOf(r.before, '(none)')} TTL ${r.before?.TTL ?? '-'}`,
        to: `${input.anycastIps.join(', ')} TTL ${input.cutoverTtl}`,
      })),
    ],
    context: { anycastIpListId: input.anycastIpListId, anycastIps: input.anycastIps, distributions: input.distributionIds },
    prerequisite: 'The previous provider must withdraw these prefixes at the same moment AWS starts advertising them.',
    // The approver confirms it (recorded, signed, with the time): after the advertisement nothing is withdrawn on its own.
    confirm: `the previous provider withdraws ${input.cidrs.join(', ')} at the moment AWS starts advertising them, right after this approval`,
  };
}
