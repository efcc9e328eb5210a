/**
 * CloudFront's published origin-facing ranges and the origin-ranges-sync input: the
 * AmazonIpSpaceChanged notification (validated, URL pinned), the ip-ranges.json document (md5,
 * syncToken, CLOUDFRONT_ORIGIN_FACING prefixes, IPv4 and IPv6) and the sync's targets. Pure.
 */
import { createHash } from 'node:crypto';
import { SnsSchema } from '@aws-lambda-powertools/parser/schemas';
import * as z from 'zod';
import { canonicalCidr, parseCidr } from './cidr';
import { ErrorNames, inputInvalid, WorkflowError } from './errors';
import { AWS_MANAGED_LISTS, FAMILIES, sortCidrs, TAG_ORIGIN_LOCKDOWN, type Family, type PortRange, type RangeSet } from './origin-lockdown';

// Re-exported: they live in origin-lockdown so that tasks needing only them do not bundle the SNS schema.
export { AWS_MANAGED_LISTS, TAG_ORIGIN_LOCKDOWN };
import { formatIssues, Region } from './validation';

/** The only place the document is fetched from: a notification naming another URL is refused. */
export const IP_RANGES_URL = 'https://ip-ranges.amazonaws.com/ip-ranges.json';
export const IP_SPACE_CHANGED_TOPIC = 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged';
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

export interface Notification { syncToken: number; md5: string; createTime: string; messageId: string }

const LambdaSnsEvent = SnsSchema.extend({
  Records: SnsSchema.shape.Records.length(1, 'must hold exactly one record (SNS delivers one per invocation)'),
});

// ---------------------------------------------------------------------------------------------
// The input

const Port = z.union([
  z.object({ protocol: z.enum(['tcp', 'udp']).default('tcp'), port: z.number().int().min(0).max(65535) }).strict()
    .transform((p) => ({ protocol: p.protocol, fromPort: p.port, toPort: p.port })),
  z.object({ protocol: z.enum(['tcp', 'udp']).default('tcp'), fromPort: z.number().int().min(0).max(65535), toPort: z.number().int().min(0).max(65535) }).strict(),
], { error: 'must be {port} or {fromPort, toPort}, with protocol tcp (default) or udp' });

const SyncName = z.string().regex(/^[a-z0-9][a-z0-9-]{2,40}$/, 'must be 3-41 lowercase letters, digits or dashes');
const VpcId = z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id such as vpc-0123456789abcdef0');
const EniId = z.string().regex(/^eni-[0-9a-f]{8,17}$/, 'must be a network interface id such as eni-0123456789abcdef0');
const FamilySchema = z.enum(['ipv4', 'ipv6']);

export const OriginRangesInputSchema = z.object({
  /** Names this sync's targets: the lock, the stored sync token, the tag value on its groups. */
  syncName: SyncName,
  region: Region.default('us-east-1'),
  /** The AmazonIpSpaceChanged SNS event (as a subscribed Lambda receives it); absent for on-demand runs. */
  event: z.unknown().optional(),
  /** (a) Security groups tagged byoip-orchestrator:origin-lockdown=<syncName> in the VPC. */
  securityGroups: z.object({
    vpcId: VpcId,
    ports: z.array(Port).min(1, 'needs at least one port').max(10),
    families: z.array(FamilySchema).min(1).max(2).default(['ipv4', 'ipv6']),
    /** The account's inbound rules per security group (quota L-0EA8095F; default 60, per family). */
    rulesPerGroup: z.number().int().min(1).max(1000).default(60),
    /** The account's security groups per network interface (quota L-2AFB9258; default 5). */
    groupsPerInterface: z.number().int().min(1).max(16).default(5),
    /** Interfaces that must carry the groups (needed when no managed group exists yet). */
    attachTo: z.array(EniId).max(50).default([]),
  }).strict().optional(),
  /** (b) Customer-managed prefix lists, one per family. */
  prefixLists: z.array(z.object({
    name: z.string().min(1).max(255).refine((n) => !n.startsWith('com.amazonaws'), 'must not start with com.amazonaws (reserved for AWS-managed lists)'),
    family: FamilySchema,
    /** Create the list (tagged, MaxEntries fitting the ranges) when it does not exist. */
    createIfMissing: z.boolean().default(false),
    /** MaxEntries for a list this run creates (its weight in every referencing group). */
    maxEntries: z.number().int().min(1).max(1000).optional(),
    /** When the list must grow, this many entries more than needed, so the next additions need no resize. */
    headroom: z.number().int().min(0).max(100).default(5),
  }).strict()).max(2).default([]),
  /** (c) Report whether the AWS-managed origin-facing lists would serve, and what they weigh. */
  reportAwsManagedList: z.boolean().default(true),
  /** Plan and print the diff; change nothing. */
  dryRun: z.boolean().default(false),
  /** Refuse to remove more than this share of a target's ranges (0.1 = 10 %) ... */
  maxRemovalShare: z.number().min(0).max(1).default(0.1),
  /** ... unless forced. */
  force: z.boolean().default(false),
  lockLeaseSeconds: z.number().int().min(300).max(86_400).default(3600),
}).strict();

export type OriginRangesInput = z.infer<typeof OriginRangesInputSchema>;

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
  maxRemovalShare: number;
  force: boolean;
  lock: { resources: string[]; leaseSeconds: number; purpose: string };
  /** For ASL Choice states. */
  hasSecurityGroups: boolean;
  hasPrefixLists: boolean;
}

function parseNotification(event: unknown, ctx: z.RefinementCtx): Notification | undefined {
  const sns = LambdaSnsEvent.safeParse(event);
  if (!sns.success) {
    for (const i of sns.error.issues) ctx.addIssue({ code: 'custom', path: ['event', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message });
    return undefined;
  }
  const record = sns.data.Records[0].Sns;
  if (record.TopicArn !== IP_SPACE_CHANGED_TOPIC) {
    ctx.addIssue({ code: 'custom', path: ['event', 'Records', 0, 'Sns', 'TopicArn'], message: `must be ${IP_SPACE_CHANGED_TOPIC}; "${record.TopicArn}" is not AWS's IP space topic` });
    return undefined;
  }
  let message: unknown;
  try { message = JSON.parse(record.Message); } catch {
    ctx.addIssue({ code: 'custom', path: ['event', 'Records', 0, 'Sns', 'Message'], message: 'is not JSON' });
    return undefined;
  }
  const m = IpSpaceChangedMessage.safeParse(message);
  if (!m.success) {
    for (const i of m.error.issues) ctx.addIssue({ code: 'custom', path: ['event', 'Records', 0, 'Sns', 'Message', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message });
    return undefined;
  }
  return { syncToken: Number(m.data.synctoken), md5: m.data.md5, createTime: m.data['create-time'], messageId: record.MessageId };
}

/** Validates the input (and the notification in it) before any AWS call; throws InputInvalid naming every problem. */
export function planOriginRangesSync(raw: unknown): OriginSyncPlan {
  let notification: Notification | undefined;
  const schema = OriginRangesInputSchema.superRefine((input, ctx) => {
    if (input.event !== undefined) notification = parseNotification(input.event, ctx);
    if (!input.securityGroups && input.prefixLists.length === 0) ctx.addIssue({ code: 'custom', path: ['securityGroups'], message: 'needs at least one target: securityGroups or prefixLists' });
    const sg = input.securityGroups;
    if (sg) {
      const keys = new Set<string>();
      sg.ports.forEach((p, i) => {
        if (p.fromPort > p.toPort) ctx.addIssue({ code: 'custom', path: ['securityGroups', 'ports', i], message: `fromPort ${p.fromPort} is above toPort ${p.toPort}` });
        const key = `${p.protocol}/${p.fromPort}-${p.toPort}`;
        if (keys.has(key)) ctx.addIssue({ code: 'custom', path: ['securityGroups', 'ports', i], message: `repeats ${key}` });
        keys.add(key);
      });
      if (sg.ports.length > sg.rulesPerGroup) ctx.addIssue({ code: 'custom', path: ['securityGroups', 'ports'], message: `${sg.ports.length} port ranges need ${sg.ports.length} rules per range; rulesPerGroup is ${sg.rulesPerGroup}` });
      if (sg.rulesPerGroup * sg.groupsPerInterface > 1000) ctx.addIssue({ code: 'custom', path: ['securityGroups', 'rulesPerGroup'], message: `rulesPerGroup × groupsPerInterface may not exceed 1000 (AWS caps the product); ${sg.rulesPerGroup} × ${sg.groupsPerInterface}` });
      if (new Set(sg.families).size !== sg.families.length) ctx.addIssue({ code: 'custom', path: ['securityGroups', 'families'], message: 'lists a family twice' });
      if (new Set(sg.attachTo).size !== sg.attachTo.length) ctx.addIssue({ code: 'custom', path: ['securityGroups', 'attachTo'], message: 'lists an interface twice' });
    }
    const names = new Set<string>();
    input.prefixLists.forEach((l, i) => {
      if (names.has(l.name)) ctx.addIssue({ code: 'custom', path: ['prefixLists', i, 'name'], message: `repeats ${l.name}` });
      names.add(l.name);
      if (l.maxEntries !== undefined && !l.createIfMissing) ctx.addIssue({ code: 'custom', path: ['prefixLists', i, 'maxEntries'], message: 'is only used with createIfMissing: true (an existing list is resized when needed)' });
    });
  });
  const result = schema.safeParse(raw);
  if (!result.success) throw inputInvalid(`origin-ranges-sync input is invalid:\n${formatIssues(result.error)}`, { issues: result.error.issues.length });
  const input = result.data;
  const sg = input.securityGroups;
  return {
    syncName: input.syncName,
    region: input.region,
    trigger: notification ? { kind: 'notification', notification } : { kind: 'on-demand' },
    expected: notification ? { syncToken: notification.syncToken, md5: notification.md5 } : null,
    url: IP_RANGES_URL,
    securityGroups: sg ? { vpcId: sg.vpcId, ports: sg.ports, families: FAMILIES.filter((f) => sg.families.includes(f)), rulesPerGroup: sg.rulesPerGroup, groupsPerInterface: sg.groupsPerInterface, attachTo: sg.attachTo } : null,
    prefixLists: input.prefixLists,
    reportAwsManagedList: input.reportAwsManagedList,
    dryRun: input.dryRun,
    maxRemovalShare: input.maxRemovalShare,
    force: input.force,
    lock: { resources: [`origin-ranges-sync:${input.syncName}`], leaseSeconds: input.lockLeaseSeconds, purpose: `origin-ranges-sync ${input.syncName}` },
    hasSecurityGroups: sg !== undefined,
    hasPrefixLists: input.prefixLists.length > 0,
  };
}

// ---------------------------------------------------------------------------------------------
// The document

const IpRangesDocument = z.object({
  syncToken: z.string().regex(/^\d{1,15}$/),
  createDate: z.string().regex(/^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/),
  prefixes: z.array(z.object({ ip_prefix: z.string(), service: z.string() }).passthrough()),
  ipv6_prefixes: z.array(z.object({ ipv6_prefix: z.string(), service: z.string() }).passthrough()),
}).passthrough();

export interface PublishedRanges extends RangeSet {
  syncToken: number;
  createDate: string;
  md5: string;
  /** Sizes of the whole document, for the report. */
  totals: { ipv4: number; ipv6: number; bytes: number };
}

/** Parses ip-ranges.json and extracts the CloudFront origin-facing ranges (canonical, sorted, distinct). */
export function extractOriginFacing(body: string): PublishedRanges {
  let json: unknown;
  try { json = JSON.parse(body); } catch (e) {
    throw new WorkflowError(ErrorNames.UnexpectedResponse, `ip-ranges.json is not JSON: ${(e as Error).message}`);
  }
  const doc = IpRangesDocument.safeParse(json);
  if (!doc.success) throw new WorkflowError(ErrorNames.UnexpectedResponse, `ip-ranges.json does not have the documented shape:\n${formatIssues(doc.error)}`);
  const pick = (items: Array<{ prefix: string; service: string }>, family: 4 | 6) => {
    const out: string[] = [];
    for (const p of items) {
      if (p.service !== ORIGIN_FACING_SERVICE) continue;
      let cidr: string;
      try { cidr = canonicalCidr(p.prefix); } catch (e) {
        throw new WorkflowError(ErrorNames.UnexpectedResponse, `ip-ranges.json lists an invalid ${ORIGIN_FACING_SERVICE} prefix "${p.prefix}": ${(e as Error).message}`);
      }
      if (parseCidr(cidr).family !== family) throw new WorkflowError(ErrorNames.UnexpectedResponse, `ip-ranges.json lists ${cidr} under the wrong family`);
      out.push(cidr);
    }
    return sortCidrs(out);
  };
  const ipv4 = pick(doc.data.prefixes.map((p) => ({ prefix: p.ip_prefix, service: p.service })), 4);
  const ipv6 = pick(doc.data.ipv6_prefixes.map((p) => ({ prefix: p.ipv6_prefix, service: p.service })), 6);
  if (ipv4.length === 0) throw new WorkflowError(ErrorNames.UnexpectedResponse, `ip-ranges.json (syncToken ${doc.data.syncToken}) lists no ${ORIGIN_FACING_SERVICE} IPv4 prefixes; refusing to treat that as "allow nothing"`);
  return {
    syncToken: Number(doc.data.syncToken), createDate: doc.data.createDate, md5: md5Hex(body), ipv4, ipv6,
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
    throw new WorkflowError(ErrorNames.UnexpectedResponse,
      `md5 mismatch: ${IP_RANGES_URL} (syncToken ${doc.syncToken}) has md5 ${doc.md5}, but the notification announced ${expected.md5}; nothing was changed`,
      { got: doc.md5, expected: expected.md5, syncToken: doc.syncToken });
  }
  return { kind: 'ok' };
}

/**
 * Whether a run with this trigger may apply a document with `syncToken`, given the last applied one:
 * notifications must be strictly newer (replays and out-of-order deliveries are ignored); on-demand
 * runs may re-apply the same version (drift repair) but never go back.
 */
export function tokenVerdict(trigger: { kind: 'notification' | 'on-demand' }, syncToken: number | null, lastApplied: number | null): { apply: boolean; reason: string } {
  if (lastApplied === null || syncToken === null) return { apply: true, reason: lastApplied === null ? 'no sync token applied yet' : 'token known after the fetch' };
  if (trigger.kind === 'notification') {
    return syncToken > lastApplied
      ? { apply: true, reason: `synctoken ${syncToken} is newer than the last applied ${lastApplied}` }
      : { apply: false, reason: `synctoken ${syncToken} is not newer than the last applied ${lastApplied} (a replayed or out-of-order notification)` };
  }
  return syncToken >= lastApplied
    ? { apply: true, reason: `on demand: syncToken ${syncToken} ${syncToken === lastApplied ? 'equals' : 'is newer than'} the last applied ${lastApplied}` }
    : { apply: false, reason: `on demand: the published syncToken ${syncToken} is older than the last applied ${lastApplied}` };
}
