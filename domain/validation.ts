/**
 * Shared input rules. Every workflow validates its input before any AWS call and reports every
 * mistake at once, each as "input.<path>: <rule>", so an operator can fix the file in one pass.
 */
import * as z from 'zod';
import { type AuthorizationError, decodeSignature, parseAuthorizationMessage, verifyAuthorizationSignature } from './authorization';
import { canonicalCidr, type CidrError, contains, nonPublicReason, overlaps, parseCidr, type Cidr } from './cidr';
import { inputInvalid } from './errors';
import { checkEmail } from './email';

/**
 * Node (and so the local engine) cannot arm a timer beyond 2^31-1 ms (~24.8 days); every execution
 * and approval timeout stays below it so rehearsals behave like AWS.
 */
export const MAX_EXECUTION_SECONDS = 24 * 86_400;
export const MAX_APPROVAL_SECONDS = 10 * 86_400;

/** A migration's label for tags, names and reports (also a sync's name): 3-41 lowercase letters, digits or dashes. */
export const MigrationId = z.string().regex(/^[a-z0-9][a-z0-9-]{2,40}$/, 'must be 3-41 lowercase letters, digits or dashes');
export const AccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
export const Region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as us-east-1');
export const IpamId = z.string().regex(/^ipam-[0-9a-z]{8,32}$/, 'must be an IPAM id such as ipam-0123456789abcdef0');
export const DistributionId = z.string().regex(/^E[A-Z0-9]{8,20}$/, 'must be a CloudFront distribution id such as E1A2B3C4D5E6F7');
export const HostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABC');
export const DnsName = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(/^(?=.{1,253}\.?$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i, 'must be a fully qualified DNS name');
/**
 * An email address as the approval gate and the alarms use it (domain/email.ts): printable ASCII, or
 * an internationalised domain normalised to its ASCII form; never a control, format or look-alike
 * character. The value comes out normalised, so one mailbox has one spelling everywhere.
 */
export const Email = z
  .string({ error: 'must be an email address' })
  .superRefine((text, ctx) => {
    const checked = checkEmail(text);
    if ('problem' in checked) ctx.addIssue({ code: 'custom', message: checked.problem });
  })
  .overwrite((text) => {
    const checked = checkEmail(text);
    return 'address' in checked ? checked.address : text;
  });
/** Narrows the deployment's approvers (byoip.approvers) for one execution; empty: all of them. */
export const Approvers = z.array(Email).max(20).default([]);

/**
 * How long an execution's approval gate waits for a decision: 5 minutes up to `maxSeconds` (10 days
 * unless a workflow must fit a longer wait into the execution), `defaultSeconds` when not given.
 */
export function approvalSettings(
  defaultSeconds = 7 * 86_400,
  maxSeconds = MAX_APPROVAL_SECONDS,
  maxMessage = `must be at most 10 days (${MAX_APPROVAL_SECONDS})`,
) {
  return z
    .object({ timeoutSeconds: z.number().int().min(300).max(maxSeconds, maxMessage).default(defaultSeconds) })
    .strict()
    .default({ timeoutSeconds: defaultSeconds });
}

export const SecretRef = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^[A-Za-z0-9/_+=.@:-]+$/, 'must be a Secrets Manager secret name or ARN');

/** A text field with a sensible size limit (an oversized value is a mistake, not data). */
export const shortText = (max = 256) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Authorization signed by a task, with the customer's key from Secrets Manager (BYOIP ranges and BYOASN alike). */
export const SigningKeyAuthorizationSchema = z
  .object({
    /** Secrets Manager secret holding the PEM private key; a task signs the message(s). */
    signingKeySecretId: SecretRef,
    /** Days until the signed messages expire. */
    expiresInDays: z.number().int().min(1).max(365).default(30),
  })
  .strict();

/** How the ranges' authorization messages are provided: signed already, or signed by a task with a key in Secrets Manager. */
export const CidrAuthorizationSchema = z.union(
  [
    z
      .object({
        /** One signed message per range. */
        messages: z.array(z.object({ cidr: z.string(), message: shortText(512), signature: shortText(2048) }).strict()).min(1),
        /** The X.509 certificate from the RDAP record; when given, signatures are verified before any AWS call. */
        certificatePem: z.string().max(8192).optional(),
      })
      .strict(),
    SigningKeyAuthorizationSchema,
  ],
  { error: 'must be either {messages: [...]} or {signingKeySecretId}' },
);

/** One signed authorization message for one CIDR. */
export interface SignedAuthorization {
  cidr: string;
  message: string;
  signature: string;
}

export type PlanAuthorization = { messages: SignedAuthorization[] } | { signingKeySecretId: string; expiresInDays: number };

/**
 * A CIDR authorization as a plan carries it: each message's CIDR in canonical form (the certificate has
 * done its work at validation), or the key to sign with and for how long.
 */
export function planAuthorization(a: z.infer<typeof CidrAuthorizationSchema>): PlanAuthorization {
  return 'messages' in a
    ? { messages: a.messages.map((m) => ({ cidr: canonicalCidr(m.cidr), message: m.message, signature: m.signature })) }
    : { signingKeySecretId: a.signingKeySecretId, expiresInDays: a.expiresInDays };
}

/** Parses a CIDR for a zod refinement; returns undefined and adds an issue when it is bad. */
export function cidrIssue(text: string, ctx: z.RefinementCtx, path: (string | number)[]): Cidr | undefined {
  try {
    const c = parseCidr(text);
    return c;
  } catch (e) {
    ctx.addIssue({ code: 'custom', path, message: (e as CidrError).message });
    return undefined;
  }
}

export const PublicIpv4Slash24 = z.string().superRefine((text, ctx) => {
  const c = cidrIssue(text, ctx, []);
  if (!c) return;
  if (c.family !== 4) ctx.addIssue({ code: 'custom', message: `"${text}" is IPv6; CloudFront BYOIP takes IPv4 /24s here` });
  else if (c.prefix !== 24) ctx.addIssue({ code: 'custom', message: `"${text}" is a /${c.prefix}; CloudFront needs whole /24 blocks` });
  const why = nonPublicReason(c);
  if (why) ctx.addIssue({ code: 'custom', message: `"${text}" ${why}; only public address space can be brought to AWS` });
});

/**
 * The signature checked against the certificate the input carries (the one the RIR's RDAP record will
 * hold), when it carries one: a message signed with another key is refused before any AWS call.
 */
export function checkCertificate(
  message: string,
  signature: string,
  certificatePem: string | undefined,
  ctx: z.RefinementCtx,
  path: (string | number)[],
): void {
  if (!certificatePem) return;
  let ok = false;
  try {
    ok = verifyAuthorizationSignature(message, signature, certificatePem);
  } catch (e) {
    ctx.addIssue({ code: 'custom', path: ['authorization', 'certificatePem'], message: `is not a usable PEM certificate: ${(e as Error).message}` });
    return;
  }
  if (!ok)
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'signature'],
      message: 'does not verify against certificatePem (signed with another key, or the message was changed after signing)',
    });
}

/** Checks a signed authorization message and its signature's encoding. */
export function checkAuthorization(
  message: string,
  signature: string,
  expect: { account: string; resource: string; kind: 'cidr' | 'asn' },
  now: Date,
  ctx: z.RefinementCtx,
  path: (string | number)[],
): void {
  try {
    const m = parseAuthorizationMessage(message, expect.kind, now);
    if (m.account !== expect.account)
      ctx.addIssue({ code: 'custom', path: [...path, 'message'], message: `names account ${m.account}, but accountId is ${expect.account}` });
    if (m.resource !== expect.resource)
      ctx.addIssue({ code: 'custom', path: [...path, 'message'], message: `names ${m.resource}, but it authorizes ${expect.resource}` });
  } catch (e) {
    ctx.addIssue({ code: 'custom', path: [...path, 'message'], message: (e as AuthorizationError).message });
  }
  try {
    if (decodeSignature(signature).length < 128)
      ctx.addIssue({ code: 'custom', path: [...path, 'signature'], message: 'is too short for an RSA-2048 signature' });
  } catch (e) {
    ctx.addIssue({ code: 'custom', path: [...path, 'signature'], message: (e as Error).message });
  }
}

/**
 * A port CloudFront connects to an origin on: 80, 443, or 1024-65535 (CloudFront refuses the other
 * well-known ports, so a rule or origin on them only opens something CloudFront never uses).
 */
export const CLOUDFRONT_ORIGIN_PORTS = 'must be 80, 443 or 1024-65535 (the ports CloudFront connects to origins on)';
export function isCloudFrontOriginPort(port: number): boolean {
  return Number.isInteger(port) && (port === 80 || port === 443 || (port >= 1024 && port <= 65_535));
}
export const CloudFrontOriginPort = z.number().int().refine(isCloudFrontOriginPort, CLOUDFRONT_ORIGIN_PORTS);

/**
 * `topLevelCidrs` of the BYOIP workflows: what is provisioned into (or deprovisioned from) the
 * top-level pool. Each is public IPv4 at most /24, none overlaps another, each covers at least one of
 * `cidrs`, and every one of `cidrs` lies inside one of them: an unrelated or wider block is refused.
 */
export function topLevelCidrIssues(topLevel: string[], cidrs: string[], ctx: z.RefinementCtx, field = 'topLevelCidrs'): void {
  const inner = cidrs.map((c) => {
    try {
      return parseCidr(c);
    } catch {
      return undefined;
    }
  });
  const top: Array<Cidr | undefined> = [];
  topLevel.forEach((text, i) => {
    const at = [field, i];
    const c = cidrIssue(text, ctx, at);
    top.push(c?.family === 4 ? c : undefined);
    if (!c) return;
    if (c.family !== 4) {
      ctx.addIssue({ code: 'custom', path: at, message: `"${text}" is IPv6; this workflow brings IPv4` });
      return;
    }
    if (c.prefix > 24) ctx.addIssue({ code: 'custom', path: at, message: `"${text}" is longer than /24, the most specific prefix AWS accepts` });
    const why = nonPublicReason(c);
    if (why) ctx.addIssue({ code: 'custom', path: at, message: `"${text}" ${why}; only public address space can be brought to AWS` });
    top.slice(0, i).forEach((other, k) => {
      if (other && overlaps(c, other)) ctx.addIssue({ code: 'custom', path: at, message: `overlaps ${field}[${k}]` });
    });
    if (!inner.some((x) => x && contains(c, x)))
      ctx.addIssue({ code: 'custom', path: at, message: `"${text}" covers none of cidrs; it must be the block the /24s were provisioned from` });
  });
  if (top.some((t) => t !== undefined)) {
    inner.forEach((c, i) => {
      if (c && !top.some((t) => t && contains(t, c)))
        ctx.addIssue({ code: 'custom', path: ['cidrs', i], message: `${cidrs[i]} is not inside any of ${field}` });
    });
  }
}

/** Validates `raw` against `schema`; throws InputInvalid listing every problem. */
export function validateInput<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw inputInvalid(`${what} input is invalid:\n${formatIssues(result.error)}`, { issues: result.error.issues.length });
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = i.path.length
        ? `input.${i.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
            .join('.')
            .replace(/\.\[/g, '[')}`
        : 'input';
      const message = i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.message;
      return `  - ${path}: ${message}`;
    })
    .join('\n');
}

/**
 * A rejected or expired approval: "park" (default) undoes only what is cheap to redo and keeps what took
 * hours to weeks to provision (pools, provisioned CIDRs), so the same input later resumes without
 * provisioning again; "undo-all" undoes everything (docs/runbook.md).
 */
export const OnReject = z.enum(['park', 'undo-all']).default('park');
