/**
 * BYOASN (bring your own ASN to IPAM): ASN rules, the inputs of byoasn-onboard, asn-swap and
 * byoasn-teardown and the plans derived from them, and the timing of the once-per-hour swap rule.
 * Pure: no AWS. The Validate* tasks, the simulator and the tests all use these.
 */
import { leaseName } from './leases';
import * as z from 'zod';
import { canonicalCidr, compareCidrs, formatCidr, nonPublicReason, overlaps, parseCidr, type Cidr } from './cidr';
import { inputInvalid } from './errors';
import { InternetChecksInputSchema, NO_SKIP, type InternetChecksInput } from './internet/evidence';
import {
  AccountId,
  checkAuthorization,
  Email,
  formatIssues,
  IpamId,
  Region,
  shortText,
  SigningKeyAuthorizationSchema,
  Approvers,
  approvalSettings,
  checkCertificate,
  MigrationId,
} from './validation';
import { addressWorld, DOCUMENTATION_ONLY_IN_REHEARSAL } from './world';

/** The value AdvertiseByoipCidr takes for Amazon's own ASN. */
export const AWS_ASN = 'AWS';

export const MAX_ASN = 4_294_967_295;

/** "You are limited to changing from an AWS ASN to your own ASN once per hour" (tutorials-byoasn). */
export const ASN_SWAP_INTERVAL_SECONDS = 3600;
/** Slack on top of the hour: the SDK's own retries and clock skew between Lambda and EC2. */
export const ASN_SWAP_MARGIN_SECONDS = 60;

/** Spacing of Advertise/Withdraw calls: AWS allows one per 10 s per account. */
export const ADVERTISE_SPACING_SECONDS = 11;

interface AsnRange {
  from: number;
  to: number;
  name: string;
  use: 'never' | 'private' | 'documentation';
}

/**
 * IANA special-purpose ASNs. "never" and "private" can't be brought to AWS; "documentation"
 * (RFC 5398) is accepted only in a rehearsal (domain/world.ts), as TEST-NET is for CIDRs.
 */
const SPECIAL_ASNS: AsnRange[] = [
  { from: 0, to: 0, name: 'reserved (RFC 7607) and never originates routes', use: 'never' },
  { from: 23456, to: 23456, name: 'AS_TRANS (RFC 6793), the 2-byte stand-in for 4-byte ASNs', use: 'never' },
  { from: 64496, to: 64511, name: 'reserved for documentation (RFC 5398)', use: 'documentation' },
  { from: 64512, to: 65534, name: 'private use (RFC 6996)', use: 'private' },
  { from: 65535, to: 65535, name: 'reserved (RFC 7300)', use: 'never' },
  { from: 65536, to: 65551, name: 'reserved for documentation (RFC 5398)', use: 'documentation' },
  { from: 65552, to: 131071, name: 'reserved by IANA', use: 'never' },
  { from: 4_200_000_000, to: 4_294_967_294, name: 'private use (RFC 6996)', use: 'private' },
  { from: 4_294_967_295, to: 4_294_967_295, name: 'reserved (RFC 7300)', use: 'never' },
];

/**
 * ASNs Amazon originates from (its ROA requirements name 16509 and 14618; 8987 in GovCloud, 214101 in
 * the European Sovereign Cloud; the rest are registered to Amazon at the RIRs). Bringing one of them
 * "as your own" would let a typo hand an advertisement to the wrong origin.
 */
export const AMAZON_ASNS: ReadonlySet<number> = new Set([7224, 8987, 14618, 16509, 38895, 39111, 62785, 135630, 214101]);

/**
 * BYOASN with CloudFront BYOIP: refused. AWS documents BYOASN only for BYOIP CIDRs in a regional pool
 * with service EC2 and a locale (VPC IPAM, "Tutorial: Bring your ASN to IPAM": "The pool must have
 * Service set to EC2 and must have a locale chosen"); CloudFront's anycast CIDRs are in a
 * global-services pool with locale None and are announced from CloudFront's edge as AS16509. Nothing in
 * AWS's CloudFront or IPAM documentation says an anycast CIDR can carry your ASN, so the workflows do
 * not try it: byoasn-onboard refuses an anycast CIDR at its first read, and `byoip rehearse` refuses a
 * chain that gives one CIDR to both.
 */
export const BYOASN_WITH_CLOUDFRONT =
  'AWS supports BYOASN only for BYOIP CIDRs in a regional pool with service EC2 and a locale; ' +
  "CloudFront BYOIP CIDRs are anycast CIDRs of a global-services pool (locale None) announced from CloudFront's edge, " +
  'and AWS documents no way to originate them from your ASN (docs/byoasn.md)';

/** CIDRs given both to BYOASN and to CloudFront BYOIP (they overlap), as "BYOASN cidr / CloudFront cidr" pairs. */
export function byoasnCloudFrontOverlaps(byoasnCidrs: readonly string[], cloudFrontCidrs: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const a of byoasnCidrs) for (const c of cloudFrontCidrs) if (overlaps(parseCidr(a), parseCidr(c))) pairs.push([a, c]);
  return pairs;
}

/**
 * Why `raw` is not an ASN that can be brought to AWS, or undefined when it can. Accepts bare digits
 * (as AWS's APIs and the authorization message want them) or a JSON number.
 */
export function asnProblem(raw: unknown): string | undefined {
  let text: string;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 0) return `${raw} is not a whole number; an ASN is an integer from 1 to ${MAX_ASN}`;
    text = String(raw);
  } else if (typeof raw === 'string') {
    text = raw.trim();
  } else {
    return 'must be an ASN in bare digits, e.g. "64496"';
  }
  if (/^as/i.test(text)) return `"${text}" must be bare digits, without the "AS" prefix (e.g. "${text.replace(/^as/i, '')}")`;
  if (/^\d+\.\d+$/.test(text))
    return `"${text}" is asdot notation; use asplain digits (e.g. 1.10 is ${Number(text.split('.')[0]) * 65536 + Number(text.split('.')[1])})`;
  if (!/^\d+$/.test(text)) return `"${text}" is not an ASN; use bare digits, e.g. "64496"`;
  if (text.length > 1 && text.startsWith('0')) return `"${text}" has leading zeros`;
  const n = Number(text);
  if (text.length > 10 || n > MAX_ASN) return `${text} is above ${MAX_ASN}, the largest 4-byte ASN`;
  const special = SPECIAL_ASNS.find((r) => n >= r.from && n <= r.to);
  if (special?.use === 'documentation') return addressWorld() === 'rehearsal' ? undefined : `AS${n} is ${special.name}; ${DOCUMENTATION_ONLY_IN_REHEARSAL}`;
  if (special) {
    return special.use === 'private'
      ? `AS${n} is ${special.name}; BYOASN needs a public ASN registered to you at an RIR`
      : `AS${n} is ${special.name}; it cannot be brought to AWS`;
  }
  if (AMAZON_ASNS.has(n)) return `AS${n} is Amazon's own ASN; BYOASN brings an ASN registered to you (to go back to Amazon's, advertise with "${AWS_ASN}")`;
  return undefined;
}

/** An ASN field: bare digits or a number, public (documentation ASNs allowed), as canonical digits. */
export const PublicAsn = z
  .union([z.string(), z.number()], { error: 'must be an ASN in bare digits, e.g. "64496"' })
  .superRefine((v, ctx) => {
    const problem = asnProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((v) => String(Number(String(v).trim())));

/** Where a CIDR's advertisement originates: Amazon's ASN, or a custom one. */
export const OriginAsn = z
  .union([z.string(), z.number()], { error: `must be "${AWS_ASN}" or an ASN in bare digits` })
  .superRefine((v, ctx) => {
    if (v === AWS_ASN) return;
    const problem = typeof v === 'string' && /^aws$/i.test(v.trim()) ? `write "${AWS_ASN}" in capitals, as AdvertiseByoipCidr expects` : asnProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((v) => (v === AWS_ASN ? AWS_ASN : String(Number(String(v).trim()))));

const Approval = approvalSettings();

/** A BYOIP CIDR that can carry a BYOASN: public, at most /24 (IPv4) or /48 (IPv6), no host bits. */
function byoipCidrIssue(text: string, ctx: z.RefinementCtx, path: (string | number)[]): Cidr | undefined {
  let c: Cidr;
  try {
    c = parseCidr(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', path, message: (e as Error).message });
    return undefined;
  }
  const why = nonPublicReason(c);
  if (why) ctx.addIssue({ code: 'custom', path, message: `"${text}" ${why}; only public address space can be brought to AWS` });
  const longest = c.family === 4 ? 24 : 48;
  if (c.prefix > longest) ctx.addIssue({ code: 'custom', path, message: `"${text}" is a /${c.prefix}; AWS advertises at most /${longest} prefixes` });
  return c;
}

function byoipCidrListIssues(list: string[], ctx: z.RefinementCtx, field: string): void {
  const seen: Array<{ c: Cidr; i: number }> = [];
  list.forEach((text, i) => {
    const c = byoipCidrIssue(text, ctx, [field, i]);
    if (!c) return;
    const clash = seen.find((o) => overlaps(c, o.c));
    if (clash) ctx.addIssue({ code: 'custom', path: [field, i], message: `overlaps ${field}[${clash.i}]` });
    seen.push({ c, i });
  });
}

function sortedCidrs(list: string[]): string[] {
  return list
    .map((c) => parseCidr(c))
    .sort(compareCidrs)
    .map(formatCidr);
}

function advertiseItems(cidrs: string[]) {
  return cidrs.map((cidr, i) => ({ cidr, waitSeconds: i === 0 ? 0 : ADVERTISE_SPACING_SECONDS }));
}

// ---------------------------------------------------------------- byoasn-onboard

const OnboardAuthorization = z.union(
  [
    z
      .object({
        /** "1|aws|ACCOUNT|ASN|YYYYMMDD|SHA256|RSAPSS", signed with the key whose certificate is in the ASN's RDAP record. */
        message: shortText(512),
        signature: shortText(2048),
        /** The RDAP certificate; when given, the signature is verified before any AWS call. */
        certificatePem: z.string().max(8192).optional(),
      })
      .strict(),
    SigningKeyAuthorizationSchema,
  ],
  { error: 'must be either {message, signature} or {signingKeySecretId}' },
);

export const ByoasnOnboardInputSchema = z
  .object({
    migrationId: MigrationId.optional(),
    accountId: AccountId,
    /** The IPAM's home Region, where the CIDRs are provisioned. */
    region: Region.default('us-east-1'),
    ipamId: IpamId,
    asn: PublicAsn,
    /** Provisioned BYOIP CIDRs to associate with the ASN (and advertise from it). */
    cidrs: z.array(z.string()).min(1, 'needs at least one BYOIP CIDR').max(20),
    authorization: OnboardAuthorization,
    /** After the approval, advertise the CIDRs with the ASN (an advertised CIDR swaps its origin). */
    advertise: z.boolean().default(true),
    approvers: Approvers,
    approval: Approval,
    /** Evidence from the internet (RDAP, RPKI, BGP): skip it only with a reason, which the approvers see. */
    internetChecks: InternetChecksInputSchema.default(NO_SKIP),
  })
  .strict();

export interface ByoasnOnboardPlan {
  migrationId: string;
  accountId: string;
  region: string;
  ipamId: string;
  asn: string;
  cidrs: string[];
  authorization: { message: string; signature: string } | { signingKeySecretId: string; expiresInDays: number };
  advertise: boolean;
  approvers: string[];
  approval: { timeoutSeconds: number };
  advertiseItems: Array<{ cidr: string; waitSeconds: number }>;
  internetChecks: InternetChecksInput;
  /** The leases this execution holds: every CIDR and the ASN (domain/leases.ts), so no other workflow changes them meanwhile. */
  lock: { resources: string[] };
}

/** Validates byoasn-onboard input (message expiry against `now`) and derives the plan. */
export function planByoasnOnboarding(raw: unknown, now: Date): ByoasnOnboardPlan {
  const schema = ByoasnOnboardInputSchema.superRefine((input, ctx) => {
    byoipCidrListIssues(input.cidrs, ctx, 'cidrs');
    const auth = input.authorization;
    if (!('message' in auth)) return;
    checkAuthorization(auth.message, auth.signature, { account: input.accountId, resource: input.asn, kind: 'asn' }, now, ctx, ['authorization']);
    const named = auth.message.split('|')[3];
    if (named !== undefined && /^\d+$/.test(named) && named !== input.asn) {
      if (String(Number(named)) === input.asn)
        ctx.addIssue({ code: 'custom', path: ['authorization', 'message'], message: `writes the ASN as "${named}"; AWS expects exactly "${input.asn}"` });
    }
    checkCertificate(auth.message, auth.signature, auth.certificatePem, ctx, ['authorization']);
  });
  const result = schema.safeParse(raw);
  if (!result.success) throw inputInvalid(`byoasn-onboard input is invalid:\n${formatIssues(result.error)}`);
  const input = result.data;
  const cidrs = sortedCidrs(input.cidrs);
  const authorization =
    'message' in input.authorization
      ? { message: input.authorization.message, signature: input.authorization.signature }
      : { signingKeySecretId: input.authorization.signingKeySecretId, expiresInDays: input.authorization.expiresInDays };
  return {
    migrationId: input.migrationId ?? `byoasn-as${input.asn}`,
    accountId: input.accountId,
    region: input.region,
    ipamId: input.ipamId,
    asn: input.asn,
    cidrs,
    authorization,
    advertise: input.advertise,
    approvers: input.approvers,
    approval: input.approval,
    advertiseItems: advertiseItems(cidrs),
    internetChecks: input.internetChecks,
    lock: { resources: [...cidrs.map(leaseName.cidr), leaseName.asn(input.asn)] },
  };
}

// ---------------------------------------------------------------- asn-swap

export const AsnSwapInputSchema = z
  .object({
    migrationId: MigrationId.optional(),
    accountId: AccountId,
    region: Region.default('us-east-1'),
    /** The advertised BYOIP CIDR whose origin ASN moves. */
    cidr: z.string(),
    /** "AWS" (immediate) or a custom ASN already associated with the CIDR (approval, once per hour). */
    to: OriginAsn,
    approvers: z.array(Email).max(20).default([]),
    approval: Approval,
  })
  .strict();

export interface AsnSwapPlan {
  migrationId: string;
  accountId: string;
  region: string;
  cidr: string;
  to: string;
  toCustom: boolean;
  approvers: string[];
  approval: { timeoutSeconds: number };
  /** The CIDR's lease; a second swap of the same CIDR waits for the first (then the swap guard spaces them). */
  lock: { resources: string[]; wait: true };
}

export function planAsnSwap(raw: unknown): AsnSwapPlan {
  const schema = AsnSwapInputSchema.superRefine((input, ctx) => {
    byoipCidrIssue(input.cidr, ctx, ['cidr']);
  });
  const result = schema.safeParse(raw);
  if (!result.success) throw inputInvalid(`asn-swap input is invalid:\n${formatIssues(result.error)}`);
  const input = result.data;
  const cidr = canonicalCidr(input.cidr);
  return {
    migrationId: input.migrationId ?? `asn-swap-${cidr.replace(/[./:]/g, '-')}`,
    accountId: input.accountId,
    region: input.region,
    cidr,
    to: input.to,
    toCustom: input.to !== AWS_ASN,
    approvers: input.approvers,
    approval: input.approval,
    lock: { resources: [leaseName.cidr(cidr)], wait: true },
  };
}

// ---------------------------------------------------------------- byoasn-teardown

export const ByoasnTeardownInputSchema = z
  .object({
    migrationId: MigrationId.optional(),
    accountId: AccountId,
    region: Region.default('us-east-1'),
    ipamId: IpamId,
    asn: PublicAsn,
    /** Every CIDR the ASN is associated with (teardown refuses to guess). */
    cidrs: z.array(z.string()).min(1).max(20),
    /** First step: keep the CIDRs advertised from the AWS ASN, or withdraw them. */
    origin: z.enum(['revert-to-aws', 'withdraw'], { error: 'must be "revert-to-aws" or "withdraw"' }),
    /** Last step: also deprovision the CIDRs from their (regional) pools. Needs origin "withdraw". */
    deprovisionPoolCidrs: z.boolean().default(false),
    approvers: Approvers,
    approval: Approval,
  })
  .strict();

export interface ByoasnTeardownPlan {
  migrationId: string;
  accountId: string;
  region: string;
  ipamId: string;
  asn: string;
  cidrs: string[];
  origin: 'revert-to-aws' | 'withdraw';
  revert: boolean;
  withdraw: boolean;
  /** What CheckByoipSettled waits for after the origin step. */
  originTarget: 'settled' | 'withdrawn';
  deprovisionPoolCidrs: boolean;
  approvers: string[];
  approval: { timeoutSeconds: number };
  /** The leases this execution holds: every CIDR and the ASN. */
  lock: { resources: string[] };
}

export function planByoasnTeardown(raw: unknown): ByoasnTeardownPlan {
  const schema = ByoasnTeardownInputSchema.superRefine((input, ctx) => {
    byoipCidrListIssues(input.cidrs, ctx, 'cidrs');
    if (input.deprovisionPoolCidrs && input.origin !== 'withdraw') {
      ctx.addIssue({ code: 'custom', path: ['deprovisionPoolCidrs'], message: 'needs origin "withdraw": an advertised CIDR cannot be deprovisioned' });
    }
  });
  const result = schema.safeParse(raw);
  if (!result.success) throw inputInvalid(`byoasn-teardown input is invalid:\n${formatIssues(result.error)}`);
  const input = result.data;
  return {
    migrationId: input.migrationId ?? `byoasn-as${input.asn}`,
    accountId: input.accountId,
    region: input.region,
    ipamId: input.ipamId,
    asn: input.asn,
    cidrs: sortedCidrs(input.cidrs),
    origin: input.origin,
    revert: input.origin === 'revert-to-aws',
    withdraw: input.origin === 'withdraw',
    originTarget: input.origin === 'withdraw' ? 'withdrawn' : 'settled',
    deprovisionPoolCidrs: input.deprovisionPoolCidrs,
    approvers: input.approvers,
    approval: input.approval,
    lock: { resources: [...sortedCidrs(input.cidrs).map(leaseName.cidr), leaseName.asn(input.asn)] },
  };
}

// ---------------------------------------------------------------- the swap guard's clock

/** The earliest moment another AWS→custom change of the CIDR may be sent, given the last one. */
export function nextCustomSwapAt(lastCustomAtMs: number): number {
  return lastCustomAtMs + (ASN_SWAP_INTERVAL_SECONDS + ASN_SWAP_MARGIN_SECONDS) * 1000;
}

/**
 * An RFC 3339 time for a Wait state's TimestampPath, rounded up to the whole second (Step Functions
 * documents "2016-08-18T17:33:00Z"; rounding up never wakes early).
 */
export function waitTimestamp(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
