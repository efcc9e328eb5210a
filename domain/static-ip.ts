/**
 * Static IPs for serverless: the customer's own address range(s) on a Global Accelerator in front of
 * an ALB → Lambda. Input contracts and plans for static-ip-byoip and its teardown. Pure: no AWS.
 *
 * Global Accelerator rules encoded here (aws-api-facts §7, GA BYOIP guide):
 *  - GA has its own BYOIP (ProvisionByoipCidr in the GA API), separate from EC2/IPAM: a range brought
 *    for CloudFront cannot serve GA, and vice versa.
 *  - At most two ranges per account; the most specific prefix is /24; IPv4 only.
 *  - An accelerator takes one address per range (each range sits in its own network zone), so one
 *    or two BYOIP addresses; with one, GA adds an address from Amazon's pool.
 *  - Provisioning "can take up to 3 weeks"; the execution (24 days here) must also hold the approval.
 */
import * as z from 'zod';
import { canonicalCidr, compareCidrs, containsAddress, formatCidr, nonPublicReason, overlaps, parseCidr, parseIpv4, type Cidr } from './cidr';
import { inputInvalid } from './errors';
import { leaseName } from './leases';
import { InternetChecksInputSchema, NO_SKIP, type InternetChecksInput } from './internet/evidence';
import {
  AccountId,
  checkAuthorization,
  cidrIssue,
  CidrAuthorizationSchema,
  formatIssues,
  OnReject,
  Region,
  Approvers,
  approvalSettings,
  checkCertificate,
  planAuthorization,
  type PlanAuthorization,
  MigrationId,
} from './validation';

/** Global Accelerator's control plane lives in us-west-2 whatever region the stack is in. */
export const GA_API_REGION = 'us-west-2';

/** "You can bring up to two qualifying IP address ranges to AWS Global Accelerator per AWS account." */
export const GA_MAX_BYOIP_RANGES = 2;

/** GA withdraws at most once every 10 s per account, even for different ranges. */
export const GA_WITHDRAW_SPACING_SECONDS = 11;

/**
 * Longest approval wait this workflow accepts: 21 days of provisioning (the documented worst case)
 * plus the approval must fit the 24-day execution with a day to spare for advertising, deployment
 * and, if it comes to that, compensation.
 */
export const STATIC_IP_MAX_APPROVAL_SECONDS = 2 * 86_400;

const AcceleratorName = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,62}[A-Za-z0-9])?$/, 'must be 1-64 letters, digits, periods or dashes, not starting or ending with a period or dash');
export const AcceleratorArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:globalaccelerator::\d{12}:accelerator\/[0-9a-f-]{36}$/,
    'must be a Global Accelerator ARN such as arn:aws:globalaccelerator::111122223333:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh',
  );
const ALB_ARN_RE = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):loadbalancer\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;
const AlbArn = z.string().regex(ALB_ARN_RE, 'must be an Application Load Balancer ARN (arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID)');
const Ipv4Address = z.string().superRefine((text, ctx) => {
  try {
    parseIpv4(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `${(e as Error).message}${text.includes('/') ? ' (give the address without a /32 suffix)' : ''}` });
  }
});

const Authorization = CidrAuthorizationSchema;

const PortRange = z
  .object({
    fromPort: z.number().int().min(1).max(65_535),
    toPort: z.number().int().min(1).max(65_535),
  })
  .strict()
  .refine((r) => r.fromPort <= r.toPort, { message: 'fromPort must not exceed toPort' });

const Listener = z
  .object({
    protocol: z.enum(['TCP', 'UDP']).default('TCP'),
    portRanges: z
      .array(PortRange)
      .min(1)
      .max(10)
      .default([{ fromPort: 443, toPort: 443 }]),
    /** SOURCE_IP keeps a client on the same endpoint (stateful apps); NONE spreads by 5-tuple. */
    clientAffinity: z.enum(['NONE', 'SOURCE_IP']).default('NONE'),
  })
  .strict();

const EndpointGroup = z
  .object({
    /** The ALB's region (the stack region). */
    region: Region,
    endpoints: z
      .array(
        z
          .object({
            albArn: AlbArn,
            weight: z.number().int().min(0).max(255).default(128),
            /** Internal ALBs always see the client IP; internet-facing ones only with this on. */
            clientIpPreservation: z.boolean().default(true),
          })
          .strict(),
      )
      .min(1, 'needs the ALB to route to')
      .max(10),
    trafficDialPercentage: z.number().min(0).max(100).default(100),
  })
  .strict();

const Approval = approvalSettings(
  86_400,
  STATIC_IP_MAX_APPROVAL_SECONDS,
  `must be at most 2 days (${STATIC_IP_MAX_APPROVAL_SECONDS}): with up to 3 weeks of provisioning, the whole execution must fit in 24 days`,
);

export const StaticIpInputSchema = z
  .object({
    migrationId: MigrationId.optional(),
    accountId: AccountId,
    /** Where the orchestrator runs (the signing-key secret lives here). GA itself is always called in us-west-2. */
    region: Region.default('us-east-1'),
    /** The customer's range(s) to bring to Global Accelerator: one or two, each /24 or larger. */
    cidrs: z.array(z.string()).min(1).max(GA_MAX_BYOIP_RANGES, `Global Accelerator takes at most ${GA_MAX_BYOIP_RANGES} BYOIP ranges per account`),
    authorization: Authorization,
    accelerator: z
      .object({
        /** Move this existing accelerator (e.g. a StaticIpLambdaEndpoint's) onto the addresses; omit to create one. */
        arn: AcceleratorArn.optional(),
        /** Name of the accelerator to create (default: the migration id). */
        name: AcceleratorName.optional(),
        /** The allow-listed addresses: one per range, at most two, without /32. */
        ipAddresses: z.array(Ipv4Address).min(1, 'needs the address(es) clients allow-list').max(2, 'an accelerator has two static IPv4 addresses'),
        /** Listener and endpoint group to ensure (required when creating; optional for an existing accelerator). */
        listener: Listener.optional(),
        endpointGroup: EndpointGroup.optional(),
      })
      .strict(),
    approvers: Approvers,
    approval: Approval,
    /** A rejection parks (the ranges stay provisioned to Global Accelerator; the leases are released) or "undo-all". */
    onReject: OnReject,
    /** Evidence from the internet (RDAP, RPKI, BGP): skip it only with a reason, which the approvers see. */
    internetChecks: InternetChecksInputSchema.default(NO_SKIP),
  })
  .strict();

export type StaticIpInput = z.infer<typeof StaticIpInputSchema>;

export interface StaticIpPlan {
  migrationId: string;
  accountId: string;
  region: string;
  gaRegion: string;
  cidrs: string[];
  authorization: PlanAuthorization;
  accelerator: {
    mode: 'create' | 'update';
    /** The existing accelerator's ARN, or "none" when creating (JSONPath needs the field). */
    arn: string;
    name: string;
    ipAddresses: string[];
    /** Which range each address comes from, in the same order. */
    ranges: string[];
    ensureRouting: boolean;
    listener: { protocol: 'TCP' | 'UDP'; portRanges: Array<{ fromPort: number; toPort: number }>; clientAffinity: 'NONE' | 'SOURCE_IP' };
    endpointGroup: { region: string; endpoints: Array<{ albArn: string; weight: number; clientIpPreservation: boolean }>; trafficDialPercentage: number };
  };
  approvers: string[];
  approval: { timeoutSeconds: number };
  onReject: 'park' | 'undo-all';
  /** State-table leases: one writer per range and per accelerator. */
  lock: { resources: string[]; leaseSeconds: number };
  internetChecks: InternetChecksInput;
}

function parsedCidrs(texts: string[], ctx: z.RefinementCtx): Array<Cidr | undefined> {
  const out: Array<Cidr | undefined> = [];
  texts.forEach((text, i) => {
    const c = cidrIssue(text, ctx, ['cidrs', i]);
    if (!c) {
      out.push(undefined);
      return;
    }
    if (c.family !== 4) {
      ctx.addIssue({ code: 'custom', path: ['cidrs', i], message: `"${text}" is IPv6; Global Accelerator BYOIP takes IPv4 only` });
      out.push(undefined);
      return;
    }
    if (c.prefix > 24)
      ctx.addIssue({ code: 'custom', path: ['cidrs', i], message: `"${text}" is a /${c.prefix}; the most specific range Global Accelerator accepts is /24` });
    const why = nonPublicReason(c);
    if (why) ctx.addIssue({ code: 'custom', path: ['cidrs', i], message: `"${text}" ${why}; only public address space can be brought to AWS` });
    out.forEach((other, k) => {
      if (other && overlaps(c, other)) ctx.addIssue({ code: 'custom', path: ['cidrs', i], message: `overlaps cidrs[${k}]` });
    });
    out.push(c);
  });
  return out;
}

function checkMessages(authorization: StaticIpInput['authorization'], expected: string[], accountId: string, now: Date, ctx: z.RefinementCtx): void {
  if (!('messages' in authorization)) return;
  const seen = new Set<string>();
  authorization.messages.forEach((m, i) => {
    const path = ['authorization', 'messages', i];
    let cidr: string;
    try {
      cidr = canonicalCidr(m.cidr);
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: [...path, 'cidr'], message: (e as Error).message });
      return;
    }
    if (!expected.includes(cidr)) ctx.addIssue({ code: 'custom', path: [...path, 'cidr'], message: `${cidr} is not one of cidrs (${expected.join(', ')})` });
    if (seen.has(cidr)) ctx.addIssue({ code: 'custom', path: [...path, 'cidr'], message: `a second message for ${cidr}` });
    seen.add(cidr);
    checkAuthorization(m.message, m.signature, { account: accountId, resource: cidr, kind: 'cidr' }, now, ctx, path);
    checkCertificate(m.message, m.signature, authorization.certificatePem, ctx, path);
  });
  for (const cidr of expected)
    if (!seen.has(cidr)) ctx.addIssue({ code: 'custom', path: ['authorization', 'messages'], message: `has no message for ${cidr}` });
}

/** Each address must fall in one of `cidrs`, one address per range; adds an issue for every mistake. */
function assignRanges(addresses: string[], cidrs: Array<Cidr | undefined>, ctx: z.RefinementCtx): void {
  const used = new Map<string, number>();
  addresses.forEach((ip, i) => {
    const path = ['accelerator', 'ipAddresses', i];
    try {
      parseIpv4(ip);
    } catch {
      return;
    } // already reported by the field rule
    const range = cidrs.find((c) => c && containsAddress(c, ip));
    if (!range) {
      const known = cidrs.filter((c): c is Cidr => !!c).map(formatCidr);
      ctx.addIssue({ code: 'custom', path, message: `${ip} is not inside any of cidrs (${known.join(', ') || 'none valid'})` });
      return;
    }
    const text = formatCidr(range);
    if (used.has(text)) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${ip} and ipAddresses[${used.get(text)}] are both in ${text}; an accelerator takes one address per range (each range is its own network zone)`,
      });
    }
    used.set(text, i);
  });
}

/** Validates static-ip-byoip input and derives the plan; throws InputInvalid naming every problem. */
export function planStaticIp(raw: unknown, now: Date): StaticIpPlan {
  const schema = StaticIpInputSchema.superRefine((input, ctx) => {
    const cidrs = parsedCidrs(input.cidrs, ctx);
    const canonical = cidrs.map((c, i) => (c ? formatCidr(c) : input.cidrs[i]));
    checkMessages(input.authorization, canonical, input.accountId, now, ctx);
    assignRanges(input.accelerator.ipAddresses, cidrs, ctx);
    const a = input.accelerator;
    if (a.arn && a.name)
      ctx.addIssue({
        code: 'custom',
        path: ['accelerator', 'name'],
        message: 'give either arn (update an existing accelerator) or name (create one), not both',
      });
    if (a.arn && !a.arn.includes(`::${input.accountId}:`))
      ctx.addIssue({ code: 'custom', path: ['accelerator', 'arn'], message: `is in another account than accountId ${input.accountId}` });
    if (!a.arn && !a.endpointGroup)
      ctx.addIssue({ code: 'custom', path: ['accelerator', 'endpointGroup'], message: 'is required when creating an accelerator (where should traffic go?)' });
    if (a.endpointGroup && !a.listener)
      ctx.addIssue({ code: 'custom', path: ['accelerator', 'listener'], message: 'is required with endpointGroup (the group belongs to a listener)' });
    a.endpointGroup?.endpoints.forEach((e, i) => {
      const m = ALB_ARN_RE.exec(e.albArn);
      if (!m) return;
      const path = ['accelerator', 'endpointGroup', 'endpoints', i, 'albArn'];
      if (m[1] !== a.endpointGroup!.region)
        ctx.addIssue({ code: 'custom', path, message: `is in ${m[1]}, but endpointGroup.region is ${a.endpointGroup!.region}` });
      if (m[2] !== input.accountId)
        ctx.addIssue({
          code: 'custom',
          path,
          message: `is in account ${m[2]}; cross-account endpoints need a GA cross-account attachment, which this workflow does not make`,
        });
    });
    const albs = a.endpointGroup?.endpoints.map((e) => e.albArn) ?? [];
    if (new Set(albs).size !== albs.length)
      ctx.addIssue({ code: 'custom', path: ['accelerator', 'endpointGroup', 'endpoints'], message: 'lists an ALB twice' });
    const ports = a.listener?.portRanges ?? [];
    ports.forEach((p, i) =>
      ports.slice(0, i).forEach((q, k) => {
        if (p.fromPort <= q.toPort && q.fromPort <= p.toPort)
          ctx.addIssue({ code: 'custom', path: ['accelerator', 'listener', 'portRanges', i], message: `overlaps portRanges[${k}]` });
      }),
    );
  });
  const result = schema.safeParse(raw);
  if (!result.success) throw inputInvalid(`static-ip-byoip input is invalid:\n${formatIssues(result.error)}`);
  const input = result.data;
  const cidrs = input.cidrs
    .map((c) => parseCidr(c))
    .sort(compareCidrs)
    .map(formatCidr);
  const migrationId = input.migrationId ?? `static-ip-${cidrs[0].replace(/[./]/g, '-')}`;
  const a = input.accelerator;
  const name = a.name ?? migrationId;
  const authorization = planAuthorization(input.authorization);
  return {
    migrationId,
    accountId: input.accountId,
    region: input.region,
    gaRegion: GA_API_REGION,
    cidrs,
    authorization,
    accelerator: {
      mode: a.arn ? 'update' : 'create',
      arn: a.arn ?? 'none',
      name,
      ipAddresses: a.ipAddresses,
      ranges: a.ipAddresses.map((ip) => cidrs.find((c) => containsAddress(parseCidr(c), ip))!),
      ensureRouting: !!a.endpointGroup,
      listener: a.listener ?? { protocol: 'TCP', portRanges: [{ fromPort: 443, toPort: 443 }], clientAffinity: 'NONE' },
      endpointGroup: a.endpointGroup ?? { region: input.region, endpoints: [], trafficDialPercentage: 100 },
    },
    approvers: input.approvers,
    approval: { timeoutSeconds: input.approval.timeoutSeconds },
    onReject: input.onReject,
    lock: { resources: [...cidrs.map(leaseName.cidr), leaseName.accelerator(a.arn ?? name)], leaseSeconds: 24 * 86_400 },
    internetChecks: input.internetChecks,
  };
}

export const StaticIpTeardownInputSchema = z
  .object({
    migrationId: MigrationId.optional(),
    accountId: AccountId,
    region: Region.default('us-east-1'),
    cidrs: z.array(z.string()).min(1).max(GA_MAX_BYOIP_RANGES),
    /** The accelerator to delete (it uses addresses from the ranges). Omit when none should exist any more. */
    accelerator: z.object({ arn: AcceleratorArn.optional(), name: AcceleratorName.optional() }).strict().optional(),
    /** Also hand the ranges back (DeprovisionByoipCidr). Bringing them again takes up to 3 weeks. */
    deprovision: z.boolean().default(true),
    approvers: Approvers,
    approval: Approval,
  })
  .strict();

export interface StaticIpTeardownPlan {
  migrationId: string;
  accountId: string;
  region: string;
  gaRegion: string;
  cidrs: string[];
  accelerator: { arn: string; name: string };
  deprovision: boolean;
  approvers: string[];
  approval: { timeoutSeconds: number };
  withdrawItems: Array<{ cidr: string; waitSeconds: number }>;
  lock: { resources: string[]; leaseSeconds: number };
}

export function planStaticIpTeardown(raw: unknown): StaticIpTeardownPlan {
  const schema = StaticIpTeardownInputSchema.superRefine((input, ctx) => {
    parsedCidrs(input.cidrs, ctx);
    if (input.accelerator && !input.accelerator.arn && !input.accelerator.name)
      ctx.addIssue({ code: 'custom', path: ['accelerator'], message: 'needs arn or name' });
    if (input.accelerator?.arn && input.accelerator.name)
      ctx.addIssue({ code: 'custom', path: ['accelerator', 'name'], message: 'give either arn or name, not both' });
  });
  const result = schema.safeParse(raw);
  if (!result.success) throw inputInvalid(`teardown-static-ip-byoip input is invalid:\n${formatIssues(result.error)}`);
  const input = result.data;
  const cidrs = input.cidrs
    .map((c) => parseCidr(c))
    .sort(compareCidrs)
    .map(formatCidr);
  const migrationId = input.migrationId ?? `static-ip-${cidrs[0].replace(/[./]/g, '-')}`;
  const accelerator = { arn: input.accelerator?.arn ?? 'none', name: input.accelerator?.name ?? 'none' };
  const named = input.accelerator?.arn ?? input.accelerator?.name;
  return {
    migrationId,
    accountId: input.accountId,
    region: input.region,
    gaRegion: GA_API_REGION,
    cidrs,
    accelerator,
    deprovision: input.deprovision,
    approvers: input.approvers,
    approval: input.approval,
    withdrawItems: cidrs.map((cidr, i) => ({ cidr, waitSeconds: i === 0 ? 0 : GA_WITHDRAW_SPACING_SECONDS })),
    lock: { resources: [...cidrs.map(leaseName.cidr), ...(named ? [leaseName.accelerator(named)] : [])], leaseSeconds: 86_400 * 3 },
  };
}

/** GA BYOIP states, grouped the way the workflows wait on them. */
export const GaCidrStates = {
  /** Provisioned (advertised or not): the range is in the account. */
  provisioned: ['READY', 'PENDING_ADVERTISING', 'ADVERTISING', 'PENDING_WITHDRAWING', 'FAILED_ADVERTISING', 'FAILED_WITHDRAW'],
  /** The range is (or is about to be) on the internet from AWS. */
  advertised: ['PENDING_ADVERTISING', 'ADVERTISING'],
  /** Something in the account holds it, including a provisioning in progress. */
  held: [
    'PENDING_PROVISIONING',
    'READY',
    'PENDING_ADVERTISING',
    'ADVERTISING',
    'PENDING_WITHDRAWING',
    'FAILED_ADVERTISING',
    'FAILED_WITHDRAW',
    'PENDING_DEPROVISIONING',
    'FAILED_DEPROVISION',
  ],
} as const;

export type GaWaitTarget = 'ready' | 'advertising' | 'withdrawn' | 'deprovisioned';

/**
 * Where a range stands against a wait target: reached, still on its way, failed (FAILED_* or a state
 * it cannot get to the target from), or missing (not in the account when it must be).
 */
export function gaCidrProgress(state: string | undefined, target: GaWaitTarget): 'reached' | 'waiting' | 'failed' | 'missing' {
  const gone = state === undefined || state === 'DEPROVISIONED';
  switch (target) {
    case 'ready':
      if (state === 'READY' || state === 'ADVERTISING') return 'reached';
      if (gone) return 'missing';
      return state === 'PENDING_PROVISIONING' || state === 'PENDING_ADVERTISING' ? 'waiting' : 'failed';
    case 'advertising':
      if (state === 'ADVERTISING') return 'reached';
      if (gone) return 'missing';
      return state === 'PENDING_ADVERTISING' || state === 'READY' ? 'waiting' : 'failed';
    case 'withdrawn':
      if (state === 'PENDING_WITHDRAWING' || state === 'ADVERTISING' || state === 'PENDING_ADVERTISING') return 'waiting';
      return state === 'FAILED_WITHDRAW' ? 'failed' : 'reached';
    case 'deprovisioned':
      if (gone) return 'reached';
      return state === 'PENDING_DEPROVISIONING' || state === 'READY' ? 'waiting' : 'failed';
  }
}

/** Whether two address lists name the same addresses (order does not matter to clients). */
export function sameAddresses(a: string[], b: string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

/**
 * The plan a human approves before Global Accelerator advertises the ranges (PlanStaticIpCutover), and
 * what `byoip plan static-ip-byoip` shows: each advertisement, the accelerator's addresses before ->
 * after, the routing, and what approving confirms about whoever announces the prefixes today.
 */
export function staticIpCutoverPlan(input: {
  migrationId: string;
  cidrs: string[];
  approvers: string[];
  rangeStates: Record<string, string>;
  accelerator: {
    mode: 'create' | 'update';
    arn: string;
    name: string;
    ipAddresses: string[];
    ensureRouting: boolean;
    listener: { protocol: string; portRanges: Array<{ fromPort: number; toPort: number }> };
    endpointGroup: { region: string; endpoints: Array<{ albArn: string }> };
  };
  baseline: { found: boolean; ipAddresses: string[] };
}) {
  const a = input.accelerator;
  const target = a.mode === 'update' ? a.arn : `new accelerator "${a.name}"`;
  const amazonNote = a.ipAddresses.length === 1 ? " (+ one address Global Accelerator assigns from Amazon's pool)" : '';
  const ports = a.listener.portRanges.map((p) => (p.fromPort === p.toPort ? `${p.fromPort}` : `${p.fromPort}-${p.toPort}`)).join(',');
  return {
    title: `Advertise ${input.cidrs.join(', ')} from Global Accelerator and serve ${a.ipAddresses.join(', ')} (${input.migrationId})`,
    approvers: input.approvers,
    changes: [
      ...input.cidrs.map((c) => ({
        kind: 'advertise',
        target: c,
        from: input.rangeStates[c] ?? 'READY',
        to: 'advertised by AWS (AS16509) from Global Accelerator edge locations',
      })),
      {
        kind: 'accelerator',
        target,
        from: input.baseline.found ? input.baseline.ipAddresses.join(', ') : 'does not exist',
        to: `${a.ipAddresses.join(', ')}${amazonNote}`,
      },
      ...(a.ensureRouting
        ? [
            {
              kind: 'routing',
              target: `${a.listener.protocol} ${ports}`,
              from: 'as is',
              to: `endpoint group ${a.endpointGroup.region}: ${a.endpointGroup.endpoints.map((e) => e.albArn).join(', ')}`,
            },
          ]
        : []),
    ],
    prerequisite: 'Whoever announces these prefixes today must stop before AWS starts: a prefix announced from two places may not reach AWS.',
    confirm: `whoever announces ${input.cidrs.join(', ')} today stops when AWS starts advertising them, right after this approval`,
  };
}
