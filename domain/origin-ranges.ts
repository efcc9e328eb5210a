/**
 * CloudFront's published origin-facing ranges and the origin-ranges-sync input: the
 * AmazonIpSpaceChanged notification (validated, URL pinned), the ip-ranges.json document (md5,
 * syncToken, CLOUDFRONT_ORIGIN_FACING prefixes, IPv4 and IPv6) and the sync's targets. Pure.
 */
import { createHash } from 'node:crypto';
import { SnsSchema } from '@aws-lambda-powertools/parser/schemas';
import * as z from 'zod';
import { canonicalCidr, contains, formatCidr, nonPublicReason, parseCidr, type Cidr } from './cidr';
import { ErrorNames, inputInvalid, WorkflowError } from './errors';
import { leaseName } from './leases';
import {
  AWS_MANAGED_LISTS,
  configuredSync,
  FAMILIES,
  sortCidrs,
  SyncName,
  TAG_ORIGIN_LOCKDOWN,
  type Family,
  type OriginLockdownConfig,
  type PortRange,
  type RangeSet,
} from './origin-lockdown';

// Re-exported: they live in origin-lockdown so that tasks needing only them do not bundle the SNS schema.
export { AWS_MANAGED_LISTS, TAG_ORIGIN_LOCKDOWN };
import { formatIssues } from './validation';

/** The only place the document is fetched from: a notification naming another URL is refused. */
export const IP_RANGES_URL = 'https://ip-ranges.amazonaws.com/ip-ranges.json';
export const IP_SPACE_CHANGED_TOPIC = 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged';
/** The environment variable naming the state machine the topic's subscriber starts: set by infra/origin-ranges-trigger.ts, read by tasks/origin-lockdown/start-sync.ts. */
export const ENV_STATE_MACHINE = 'ORIGIN_RANGES_SYNC_ARN';
export const ORIGIN_FACING_SERVICE = 'CLOUDFRONT_ORIGIN_FACING';
export function md5Hex(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The notification

/** The SNS Message of AmazonIpSpaceChanged (JSON inside JSON). */
const IpSpaceChangedMessage = z.object({
  'create-time': z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'must be a timestamp such as 2026-12-01T08:00:00+00:00'),
  synctoken: z.string().regex(/^\d{1,15}$/, 'must be the decimal sync token (epoch seconds)'),
  md5: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits'),
  url: z.literal(IP_RANGES_URL, { error: `must be ${IP_RANGES_URL} (the only source this workflow trusts)` }),
});

export interface Notification {
  syncToken: number;
  md5: string;
  createTime: string;
  messageId: string;
}

const LambdaSnsEvent = SnsSchema.extend({
  Records: SnsSchema.shape.Records.length(1, 'must hold exactly one record (SNS delivers one per invocation)'),
});

// ---------------------------------------------------------------------------------------------
// The input: which sync, and the notification. Everything else comes from the deployment configuration.

export const OriginRangesInputSchema = z
  .object({
    /** The sync to run, as named in byoip.originLockdown.syncs: its targets, ports and safety switches. */
    syncName: SyncName,
    /** The AmazonIpSpaceChanged SNS event (as a subscribed Lambda receives it); absent for on-demand runs. */
    event: z.unknown().optional(),
    /** Plan and print the diff; change nothing. */
    dryRun: z.boolean().default(false),
  })
  .strict();

export type OriginRangesInput = z.infer<typeof OriginRangesInputSchema>;

/** Why an input field that used to exist is refused now: the event must not be able to choose targets or switches. */
const CONFIG_ONLY_HINT =
  'targets, ports, interfaces, prefix lists and safety switches come only from the deployment configuration (byoip.originLockdown.syncs.<syncName>); the input carries syncName, event and dryRun';

export interface OriginSyncPlan {
  syncName: string;
  region: string;
  trigger: { kind: 'notification'; notification: Notification } | { kind: 'on-demand' };
  /** What the fetched document must be: the notification's token and md5, or none (on demand). */
  expected: { syncToken: number; md5: string } | null;
  url: string;
  securityGroups: { vpcId: string; ports: PortRange[]; families: Family[]; rulesPerGroup: number; groupsPerInterface: number; attachTo: string[] } | null;
  prefixLists: Array<{ name: string; family: Family; createIfMissing: boolean; maxEntries?: number; headroom: number }>;
  reportAwsManagedList: boolean;
  dryRun: boolean;
  /** The configured limits, for the report (PlanOriginSync reads them from the configuration again). */
  limits: { maxRemovalShare: number; maxAdditionShare: number; force: boolean };
  lock: { resources: string[]; leaseSeconds: number; purpose: string };
  /** For ASL Choice states. */
  hasSecurityGroups: boolean;
  hasPrefixLists: boolean;
}

function parseNotification(event: unknown, ctx: z.RefinementCtx): Notification | undefined {
  const sns = LambdaSnsEvent.safeParse(event);
  if (!sns.success) {
    for (const i of sns.error.issues)
      ctx.addIssue({ code: 'custom', path: ['event', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message });
    return undefined;
  }
  const record = sns.data.Records[0].Sns;
  if (record.TopicArn !== IP_SPACE_CHANGED_TOPIC) {
    ctx.addIssue({
      code: 'custom',
      path: ['event', 'Records', 0, 'Sns', 'TopicArn'],
      message: `must be ${IP_SPACE_CHANGED_TOPIC}; "${record.TopicArn}" is not AWS's IP space topic`,
    });
    return undefined;
  }
  let message: unknown;
  try {
    message = JSON.parse(record.Message);
  } catch {
    ctx.addIssue({ code: 'custom', path: ['event', 'Records', 0, 'Sns', 'Message'], message: 'is not JSON' });
    return undefined;
  }
  const m = IpSpaceChangedMessage.safeParse(message);
  if (!m.success) {
    for (const i of m.error.issues)
      ctx.addIssue({
        code: 'custom',
        path: ['event', 'Records', 0, 'Sns', 'Message', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
        message: i.message,
      });
    return undefined;
  }
  return { syncToken: Number(m.data.synctoken), md5: m.data.md5, createTime: m.data['create-time'], messageId: record.MessageId };
}

/**
 * Validates the input (and the notification in it) before any AWS call, and joins it with the sync's
 * configuration; throws InputInvalid naming every problem.
 */
export function planOriginRangesSync(raw: unknown, lockdown: OriginLockdownConfig): OriginSyncPlan {
  let notification: Notification | undefined;
  const schema = OriginRangesInputSchema.superRefine((input, ctx) => {
    if (input.event !== undefined) notification = parseNotification(input.event, ctx);
  });
  const result = schema.safeParse(raw);
  if (!result.success) {
    const unknown = result.error.issues.some((i) => i.code === 'unrecognized_keys');
    throw inputInvalid(`origin-ranges-sync input is invalid:\n${formatIssues(result.error)}${unknown ? `\n  (${CONFIG_ONLY_HINT})` : ''}`, {
      issues: result.error.issues.length,
    });
  }
  const input = result.data;
  const sync = configuredSync(lockdown, input.syncName);
  const sg = sync.securityGroups;
  return {
    syncName: input.syncName,
    region: sync.region,
    trigger: notification ? { kind: 'notification', notification } : { kind: 'on-demand' },
    expected: notification ? { syncToken: notification.syncToken, md5: notification.md5 } : null,
    url: IP_RANGES_URL,
    securityGroups: sg
      ? {
          vpcId: sg.vpcId,
          ports: sg.ports,
          families: FAMILIES.filter((f) => sg.families.includes(f)),
          rulesPerGroup: sg.rulesPerGroup,
          groupsPerInterface: sg.groupsPerInterface,
          attachTo: sg.attachTo,
        }
      : null,
    prefixLists: sync.prefixLists,
    reportAwsManagedList: sync.reportAwsManagedList,
    dryRun: input.dryRun,
    limits: { maxRemovalShare: sync.maxRemovalShare, maxAdditionShare: sync.maxAdditionShare, force: sync.force },
    // The lease covers an approval the run may wait for (a first attachment), so no other run slips in meanwhile.
    lock: {
      resources: [leaseName.originSync(input.syncName)],
      leaseSeconds: sync.lockLeaseSeconds + (sg?.attachTo.length ? sync.approvalTimeoutSeconds : 0),
      purpose: `origin-ranges-sync ${input.syncName}`,
    },
    hasSecurityGroups: sg !== undefined,
    hasPrefixLists: sync.prefixLists.length > 0,
  };
}

// ---------------------------------------------------------------------------------------------
// The document

const IpRangesDocument = z
  .object({
    syncToken: z.string().regex(/^\d{1,15}$/),
    createDate: z.string().regex(/^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/),
    prefixes: z.array(z.object({ ip_prefix: z.string(), service: z.string() }).passthrough()),
    ipv6_prefixes: z.array(z.object({ ipv6_prefix: z.string(), service: z.string() }).passthrough()),
  })
  .passthrough();

export interface PublishedRanges extends RangeSet {
  syncToken: number;
  createDate: string;
  md5: string;
  /** Sizes of the whole document, for the report. */
  totals: { ipv4: number; ipv6: number; bytes: number };
}

/** The shortest origin-facing prefix the sync accepts per family: anything wider is a broken document, not CloudFront. */
export const SHORTEST_ORIGIN_PREFIX: Record<Family, number> = { ipv4: 12, ipv6: 24 };
export const AMAZON_SERVICE = 'AMAZON';

/**
 * Why the origin-facing prefixes of a document cannot be CloudFront's (empty when they can): each must
 * be public (the IANA special-purpose registries), no shorter than /12 (IPv4) or /24 (IPv6), and
 * covered by an AMAZON entry of the same document (AWS lists every prefix under AMAZON too).
 */
export function originFacingProblems(originFacing: Cidr[], amazon: Cidr[]): string[] {
  const problems: string[] = [];
  const exact = new Set(amazon.map(formatCidr));
  for (const c of originFacing) {
    const text = formatCidr(c);
    const family: Family = c.family === 4 ? 'ipv4' : 'ipv6';
    const why = nonPublicReason(c);
    if (why) problems.push(`${text} ${why}`);
    if (c.prefix < SHORTEST_ORIGIN_PREFIX[family])
      problems.push(`${text} is wider than /${SHORTEST_ORIGIN_PREFIX[family]}, the widest ${family} prefix accepted as CloudFront's`);
    if (!exact.has(text) && !amazon.some((a) => contains(a, c))) problems.push(`${text} is not covered by any ${AMAZON_SERVICE} prefix of the same document`);
  }
  return problems;
}

/**
 * Parses ip-ranges.json and extracts the CloudFront origin-facing ranges (canonical, sorted, distinct),
 * after the sanity checks: a document that fails them is refused whole (SafetyViolation) before any
 * plan is made, so a bad file never opens an origin.
 */
export function extractOriginFacing(body: string): PublishedRanges {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new WorkflowError(ErrorNames.UnexpectedResponse, `ip-ranges.json is not JSON: ${(e as Error).message}`);
  }
  const doc = IpRangesDocument.safeParse(json);
  if (!doc.success) throw new WorkflowError(ErrorNames.UnexpectedResponse, `ip-ranges.json does not have the documented shape:\n${formatIssues(doc.error)}`);
  const parse = (prefix: string, service: string): Cidr => {
    try {
      return parseCidr(canonicalCidr(prefix));
    } catch (e) {
      throw new WorkflowError(ErrorNames.UnexpectedResponse, `ip-ranges.json lists an invalid ${service} prefix "${prefix}": ${(e as Error).message}`);
    }
  };
  const entries = [
    ...doc.data.prefixes.map((p) => ({ prefix: p.ip_prefix, service: p.service, family: 4 as const })),
    ...doc.data.ipv6_prefixes.map((p) => ({ prefix: p.ipv6_prefix, service: p.service, family: 6 as const })),
  ];
  const originFacing: Cidr[] = [];
  const amazon: Cidr[] = [];
  for (const e of entries) {
    if (e.service !== ORIGIN_FACING_SERVICE && e.service !== AMAZON_SERVICE) continue;
    const c = parse(e.prefix, e.service);
    if (c.family !== e.family) throw new WorkflowError(ErrorNames.UnexpectedResponse, `ip-ranges.json lists ${formatCidr(c)} under the wrong family`);
    (e.service === AMAZON_SERVICE ? amazon : originFacing).push(c);
  }
  const problems = originFacingProblems(originFacing, amazon);
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join('; ') + (problems.length > 10 ? `; and ${problems.length - 10} more` : '');
    throw new WorkflowError(
      ErrorNames.SafetyViolation,
      `refusing ip-ranges.json (syncToken ${doc.data.syncToken}): its ${ORIGIN_FACING_SERVICE} prefixes fail the sanity checks, so nothing was changed: ${shown}`,
      { syncToken: doc.data.syncToken, problems: problems.length },
    );
  }
  const ipv4 = sortCidrs(originFacing.filter((c) => c.family === 4).map(formatCidr));
  const ipv6 = sortCidrs(originFacing.filter((c) => c.family === 6).map(formatCidr));
  if (ipv4.length === 0)
    throw new WorkflowError(
      ErrorNames.UnexpectedResponse,
      `ip-ranges.json (syncToken ${doc.data.syncToken}) lists no ${ORIGIN_FACING_SERVICE} IPv4 prefixes; refusing to treat that as "allow nothing"`,
    );
  return {
    syncToken: Number(doc.data.syncToken),
    createDate: doc.data.createDate,
    md5: md5Hex(body),
    ipv4,
    ipv6,
    totals: { ipv4: doc.data.prefixes.length, ipv6: doc.data.ipv6_prefixes.length, bytes: Buffer.byteLength(body, 'utf8') },
  };
}

export type FetchVerdict =
  | { kind: 'ok' }
  /** The file is older than the notification: the CDN has not caught up yet; fetch again later. */
  | { kind: 'not-yet-published' }
  /** A newer file is out already: this notification is superseded (the newer one will follow). */
  | { kind: 'superseded' };

/** Compares the fetched document with what the notification announced; an md5 mismatch at the same token fails. */
export function judgeFetched(doc: { syncToken: number; md5: string }, expected: { syncToken: number; md5: string } | null): FetchVerdict {
  if (!expected) return { kind: 'ok' };
  if (doc.syncToken < expected.syncToken) return { kind: 'not-yet-published' };
  if (doc.syncToken > expected.syncToken) return { kind: 'superseded' };
  if (doc.md5 !== expected.md5) {
    throw new WorkflowError(
      ErrorNames.UnexpectedResponse,
      `md5 mismatch: ${IP_RANGES_URL} (syncToken ${doc.syncToken}) has md5 ${doc.md5}, but the notification announced ${expected.md5}; nothing was changed`,
      { got: doc.md5, expected: expected.md5, syncToken: doc.syncToken },
    );
  }
  return { kind: 'ok' };
}

/**
 * Whether a run with this trigger may apply a document with `syncToken`, given the last applied one:
 * notifications must be strictly newer (replays and out-of-order deliveries are ignored); on-demand
 * runs may re-apply the same version (drift repair) but never go back.
 */
export function tokenVerdict(
  trigger: { kind: 'notification' | 'on-demand' },
  syncToken: number | null,
  lastApplied: number | null,
): { apply: boolean; reason: string } {
  if (lastApplied === null || syncToken === null)
    return { apply: true, reason: lastApplied === null ? 'no sync token applied yet' : 'token known after the fetch' };
  if (trigger.kind === 'notification') {
    return syncToken > lastApplied
      ? { apply: true, reason: `synctoken ${syncToken} is newer than the last applied ${lastApplied}` }
      : { apply: false, reason: `synctoken ${syncToken} is not newer than the last applied ${lastApplied} (a replayed or out-of-order notification)` };
  }
  return syncToken >= lastApplied
    ? { apply: true, reason: `on demand: syncToken ${syncToken} ${syncToken === lastApplied ? 'equals' : 'is newer than'} the last applied ${lastApplied}` }
    : { apply: false, reason: `on demand: the published syncToken ${syncToken} is older than the last applied ${lastApplied}` };
}
