/**
 * The approval gate's rules, pure: the plan a human approves, the approval id, the signed link the
 * email carries (never the task token), the anti-forgery value of the page's form, when to remind,
 * who may decide, the signed decision, the requester's attestation, and the texts the approvers read.
 *
 * One secret in Secrets Manager (the "link key", readable only by the approval tasks) is the root of
 * every key here; each use gets its own key, derived with HKDF (approvalKeys):
 *  - links: HMAC over approval id, round, the approver the link was sent to, and expiry;
 *  - the page form's anti-forgery value;
 *  - decisions: HMAC over approval id, round, outcome, approver, principal, time and plan hash, so a
 *    record written past the approval tasks (or a made-up SendTaskSuccess) fails VerifyApproval;
 *  - the task token at rest: AES-256-GCM;
 *  - the requester's attestation, written by the starter and checked by VerifyRequester.
 * Single use is enforced by the stored record (a decision is a conditional write), not by the link.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { Email, MAX_APPROVAL_SECONDS } from './validation';

/** The SNS topic approval emails go to (created by infra/approval-construct.ts). */
export const APPROVAL_TOPIC_NAME = 'byoip-orchestrator-approvals';
/** The Secrets Manager secret holding the link-signing key (created by infra, never leaves AWS). */
export const APPROVAL_KEY_SECRET_NAME = 'byoip-orchestrator/approval-link-key';
/** Where links point when no approval page is deployed or served (RFC 6761: never resolves). */
export const PLACEHOLDER_BASE_URL = 'https://approval-page.invalid';

/** The gate's heartbeat: the reminder loop must check in at least this often, or the approval fails. */
export const APPROVAL_HEARTBEAT_SECONDS = 6 * 3600;
/** The reminder loop checks in this many times per heartbeat period. */
export const CHECKS_PER_HEARTBEAT = 3;
/** Pause after a failed reminder check before the next try. */
export const REMINDER_RETRY_SECONDS = 900;
/** How long a page's form stays valid after it was rendered. */
export const FORM_MAX_AGE_SECONDS = 12 * 3600;
export const MIN_KEY_LENGTH = 32;

export const APPROVAL_ID_RE = /^apr-[0-9a-f]{24}$/;

/** DECIDED: an operator gate's decision (forward, back or stop), which the workflow then carries out. */
export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'DECIDED' | 'EXPIRED' | 'CLOSED';

/**
 * What an operator may decide when a step fails after a workflow's point of no return (docs/runbook.md,
 * "Operator decisions"): forward (try the failed step again), back (undo everything, which withdraws
 * from AWS: only once the old provider announces the prefixes again) or stop (leave everything as it is).
 */
export const OPERATOR_DECISIONS = ['forward', 'back', 'stop'] as const;
export type OperatorDecision = (typeof OPERATOR_DECISIONS)[number];
/** What a "back" decision must confirm; recorded in the signed decision (Decision.confirmed). */
export const BACK_CONFIRMATION = 'the old provider announces the prefixes again';

const ChangeValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]).transform((v) => (v === null ? '(none)' : String(v)));

export const ApprovalChange = z
  .object({
    kind: z.string().min(1).max(64),
    target: z.union([z.string().min(1).max(512), z.number()]).transform(String),
    from: ChangeValue.default('(none)'),
    to: ChangeValue.default('(none)'),
  })
  .passthrough();

/** What a human approves: the contract every workflow's plan task returns (docs/architecture.md §6). */
export const ApprovalPlan = z
  .object({
    title: z.string().min(1).max(300),
    approvers: z.array(Email).min(1, 'needs at least one approver').max(20),
    changes: z.array(ApprovalChange).max(500),
    prerequisite: z.string().max(2000).optional(),
    /** An operator gate: the decisions it offers instead of approve / reject. */
    decisions: z.array(z.enum(OPERATOR_DECISIONS)).min(1).optional(),
    /**
     * What an approver confirms by approving, e.g. what the old provider does at the advertisement. An
     * approval without the confirmation is refused; the signed decision records it and when.
     */
    confirm: z.string().min(1).max(500).optional(),
  })
  .passthrough();
export type ApprovalPlan = z.infer<typeof ApprovalPlan>;

/** The outcomes a gate offers: approve / reject, or an operator gate's decisions. */
export function gateOutcomes(plan: Pick<ApprovalPlan, 'decisions'>): string[] {
  return plan.decisions ?? ['approve', 'reject'];
}

/** The statement a decision with this outcome must confirm (and records), if any. */
export function confirmationFor(plan: Pick<ApprovalPlan, 'confirm'>, outcome: string): string | undefined {
  if (outcome === 'back') return BACK_CONFIRMATION;
  if (outcome === 'approve') return plan.confirm;
  return undefined;
}

/** Whether an outcome lets the execution go on from the gate (delivered as SendTaskSuccess): approve, or any operator decision. */
export function outcomePasses(plan: Pick<ApprovalPlan, 'decisions'>, outcome: string): boolean {
  return plan.decisions ? (plan.decisions as string[]).includes(outcome) : outcome === 'approve';
}

export const GateTiming = z.object({
  timeoutSeconds: z.number().int().min(1).max(MAX_APPROVAL_SECONDS),
  /** At least a minute: the reminder loop's first check comes some seconds after the request. */
  heartbeatSeconds: z.number().int().min(60).max(MAX_APPROVAL_SECONDS),
});

/** A plan title within ApprovalPlan's 300 characters: the changes list carries every detail the title drops. */
export function planTitle(text: string): string {
  return text.length <= 300 ? text : `${text.slice(0, 296)}...`;
}

/** JSON with object keys sorted at every level: the same plan always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The plan's identity: sha256 of its canonical JSON, hex. What a decision approves, and what changing steps check. */
export function planHash(plan: unknown): string {
  return createHash('sha256').update(canonicalJson(plan)).digest('hex');
}

/**
 * One approval per gate of an execution: the same id for every attempt of the gate's task, so a
 * retried task updates its record instead of sending a second email. Opaque: a hash, not the token.
 */
export function approvalIdFor(executionId: string, gate: string): string {
  return `apr-${createHash('sha256').update(`${executionId}\n${gate}`).digest('hex').slice(0, 24)}`;
}

/** The keys the approval tasks derive from the one secret; each use has its own. */
export interface ApprovalKeys {
  readonly link: Buffer;
  readonly form: Buffer;
  readonly decision: Buffer;
  readonly token: Buffer;
  readonly requester: Buffer;
}

let lastDerived: { secret: string; keys: ApprovalKeys } | undefined;

/** HKDF-SHA256 from the link-key secret: one 32-byte key per use, so no use can stand in for another. */
export function approvalKeys(secret: string): ApprovalKeys {
  if (secret.length < MIN_KEY_LENGTH) throw new Error(`the approval link key must be at least ${MIN_KEY_LENGTH} characters`);
  // The same secret gives the same keys: derive once per secret (the secret is still read per request, so a rotation applies at once).
  if (lastDerived?.secret === secret) return lastDerived.keys;
  const derive = (use: string) => Buffer.from(hkdfSync('sha256', secret, 'byoip-orchestrator/approval-keys', use, 32));
  const keys = {
    link: derive('link/v2'),
    form: derive('form/v2'),
    decision: derive('decision/v1'),
    token: derive('task-token/v1'),
    requester: derive('requester/v1'),
  };
  lastDerived = { secret, keys };
  return keys;
}

function mac(key: Buffer, parts: Array<string | number>): string {
  return createHmac('sha256', key).update(parts.map(String).join('\n')).digest('base64url');
}

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface LinkClaims {
  approvalId: string;
  round: number;
  /** The approver the link is sent to: one link per approver, their address inside the signature. */
  approver: string;
  /** Epoch ms; the link is signed with whole seconds. */
  expiresAt: number;
}

/** The query string of a link: r(ound), a(pprover), e(xpiry, epoch seconds), s(ignature). */
export type LinkQuery = { r: string; a: string; e: string; s: string };

export function signLink(keys: Pick<ApprovalKeys, 'link'>, c: LinkClaims): LinkQuery {
  const e = Math.floor(c.expiresAt / 1000);
  const a = c.approver.toLowerCase();
  return { r: String(c.round), a, e: String(e), s: mac(keys.link, ['byoip-approval-link/v2', c.approvalId, c.round, a, e]) };
}

export function approvalUrl(baseUrl: string, keys: Pick<ApprovalKeys, 'link'>, c: LinkClaims): string {
  const q = signLink(keys, c);
  return `${baseUrl.replace(/\/+$/, '')}/approvals/${c.approvalId}?r=${q.r}&a=${encodeURIComponent(q.a)}&e=${q.e}&s=${q.s}`;
}

export type LinkCheck = { ok: true; round: number; approver: string; expiresAt: number; expired: boolean } | { ok: false; reason: 'tampered' };

/** Checks a link's signature; expiry is reported, not refused, so a decided approval can still be shown. */
export function verifyLink(keys: Pick<ApprovalKeys, 'link'>, approvalId: string, query: Partial<Record<string, string | undefined>>, nowMs: number): LinkCheck {
  const { r, a, e, s } = query;
  if (!APPROVAL_ID_RE.test(approvalId) || !r || !a || !e || !s || !/^\d{1,6}$/.test(r) || !/^\d{1,12}$/.test(e) || a.length > 254)
    return { ok: false, reason: 'tampered' };
  const expected = mac(keys.link, ['byoip-approval-link/v2', approvalId, Number(r), a.toLowerCase(), Number(e)]);
  if (!sameMac(expected, s)) return { ok: false, reason: 'tampered' };
  const expiresAt = Number(e) * 1000;
  return { ok: true, round: Number(r), approver: a.toLowerCase(), expiresAt, expired: nowMs >= expiresAt };
}

/**
 * The anti-forgery value of the page's form: bound to the approval, its round, the browser's cookie
 * nonce and the time the page was rendered. A POST without a page view behind it is refused.
 */
export function formToken(
  keys: Pick<ApprovalKeys, 'form'>,
  f: { approvalId: string; round: number; approver: string; nonce: string; issuedAt: number },
): string {
  const issued = Math.floor(f.issuedAt / 1000);
  return `${issued}.${mac(keys.form, ['byoip-approval-form/v2', f.approvalId, f.round, f.approver.toLowerCase(), f.nonce, issued])}`;
}

export function verifyFormToken(
  keys: Pick<ApprovalKeys, 'form'>,
  token: string | undefined,
  f: { approvalId: string; round: number; approver: string; nonce: string | undefined },
  nowMs: number,
): 'ok' | 'invalid' | 'stale' {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!m || !f.nonce || !/^[A-Za-z0-9_-]{16,64}$/.test(f.nonce)) return 'invalid';
  const expected = mac(keys.form, ['byoip-approval-form/v2', f.approvalId, f.round, f.approver.toLowerCase(), f.nonce, Number(m[1])]);
  if (!sameMac(expected, m[2])) return 'invalid';
  const age = nowMs / 1000 - Number(m[1]);
  return age < -300 || age > FORM_MAX_AGE_SECONDS ? 'stale' : 'ok';
}

/** Seconds after the request at which approvers are reminded: half-way, and near the end (at most a day before). */
export function reminderOffsets(timeoutSeconds: number): number[] {
  const half = Math.round(timeoutSeconds / 2);
  const late = Math.round(Math.max(0.9 * timeoutSeconds, timeoutSeconds - 86_400));
  return [...new Set([half, late])].filter((s) => s > 0 && s < timeoutSeconds).sort((a, b) => a - b);
}

export interface ReminderDecision {
  /** Send reminder number `reminderNumber` now. */
  remind: boolean;
  reminderNumber: number;
  /** When the loop checks next (a Wait, not a sleeping Lambda). */
  nextDelaySeconds: number;
}

/**
 * One tick of the reminder loop: whether a reminder is due (at most one per tick, never twice), and
 * when to check next: at the next reminder, or within a third of the heartbeat period, whichever is first.
 */
export function reminderTick(
  r: { createdAt: number; timeoutSeconds: number; heartbeatSeconds: number; remindersSent: number },
  nowMs: number,
): ReminderDecision {
  const times = reminderOffsets(r.timeoutSeconds).map((s) => r.createdAt + s * 1000);
  const due = times.filter((t) => t <= nowMs).length;
  const remind = due > r.remindersSent;
  const upcoming = times.find((t) => t > nowMs);
  const tick = Math.max(1, Math.floor(r.heartbeatSeconds / CHECKS_PER_HEARTBEAT));
  const untilNext = upcoming === undefined ? tick : Math.ceil((upcoming - nowMs) / 1000);
  return { remind, reminderNumber: remind ? due : r.remindersSent, nextDelaySeconds: Math.max(1, Math.min(tick, untilNext)) };
}

/**
 * How the decider's identity was established, strongest last. Never a typed-in name:
 *  - link: they opened the link emailed to that approver (the address is inside the link's signature);
 *  - link+authorizer: that, and the page's authorizer (Cognito / IAM Identity Center) verified the same email;
 *  - aws-sts: `byoip approve|reject` proved the caller's AWS principal with a signed STS GetCallerIdentity,
 *    which byoip.approverPrincipals maps to the approver;
 *  - simulator: a rehearsal's --approve policy (no AWS account is involved).
 */
export type Authentication = 'link' | 'link+authorizer' | 'aws-sts' | 'simulator';

/** Who decides, established by one of the Authentication means: the approver and the principal behind it. */
export interface DeciderIdentity {
  approver: string;
  /** "approver:<email>" for a link, the authorizer's subject, the STS ARN, or "simulator". */
  principal: string;
  authentication: Authentication;
}

/**
 * A decision. `outcome` is general ("approve" | "reject" here; other gates may offer more, e.g.
 * forward/back/stop); `approved` is outcome === "approve". The MAC binds everything a verifier checks.
 */
export interface Decision {
  outcome: string;
  approved: boolean;
  decidedBy: string;
  /** ISO 8601. */
  decidedAt: string;
  reason: string;
  via: string;
  /** True when the identity came from an authenticator (not the link alone). */
  authenticated: boolean;
  authentication: Authentication;
  principal: string;
  /** The plan's hash (planHash) the decider saw. */
  planHash: string;
  /** What the decider confirmed (confirmationFor), when the outcome needs it: e.g. the old provider's withdrawal. */
  confirmed?: string;
  mac: string;
}

export const MAX_REASON_LENGTH = 1000;

/** The MAC of a decision: approval id, round, outcome, approver, principal, how authenticated, time, reason and plan hash. */
export function decisionMac(keys: Pick<ApprovalKeys, 'decision'>, approvalId: string, round: number, d: Omit<Decision, 'mac'>): string {
  return mac(keys.decision, [
    'byoip-decision/v1',
    approvalId,
    round,
    d.outcome,
    d.decidedBy.toLowerCase(),
    d.principal,
    d.authentication,
    d.decidedAt,
    d.reason,
    d.planHash,
    ...(d.confirmed !== undefined ? [`confirmed:${d.confirmed}`] : []),
  ]);
}

export function decisionMacValid(keys: Pick<ApprovalKeys, 'decision'>, approvalId: string, round: number, d: Partial<Decision> | undefined): boolean {
  if (
    !d ||
    typeof d.mac !== 'string' ||
    typeof d.outcome !== 'string' ||
    typeof d.decidedBy !== 'string' ||
    typeof d.principal !== 'string' ||
    typeof d.authentication !== 'string' ||
    typeof d.decidedAt !== 'string' ||
    typeof d.reason !== 'string' ||
    typeof d.planHash !== 'string'
  )
    return false;
  return sameMac(decisionMac(keys, approvalId, round, d as Decision), d.mac);
}

/** Who asked for the execution (attested by its starter, checked by VerifyRequester). */
export interface Requester {
  principal: string;
  /** The approver that principal is, when it is one: they cannot approve what they asked for. */
  approver: string | null;
  via: string;
  at: string;
}

/** The approvers who may decide an execution's gate: the plan's, less the requester. */
export function eligibleApprovers(approvers: string[], requester: Pick<Requester, 'approver'> | undefined): string[] {
  const asker = requester?.approver?.toLowerCase();
  return approvers.filter((a) => a.toLowerCase() !== asker);
}

/**
 * Who may decide and with what: the established identity must be one of the eligible approvers
 * (compared without case; recorded as the plan spells it), not the requester (by approver or by
 * principal), and every decision carries a reason.
 */
export function checkDecider(
  approvers: string[],
  identity: DeciderIdentity | undefined,
  reason: string | undefined,
  requester?: Requester,
): { ok: true; approver: string; reason: string } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const who = (identity?.approver ?? '').trim();
  const approver = approvers.find((a) => a.toLowerCase() === who.toLowerCase());
  if (!identity || !who) problems.push('your identity as an approver could not be established');
  else if (requester && (requester.approver?.toLowerCase() === who.toLowerCase() || requester.principal === identity.principal)) {
    problems.push(`${who} asked for this change (${requester.principal}); someone else must decide it`);
  } else if (!approver) problems.push(`${who} is not an approver of this change`);
  const why = (reason ?? '').trim();
  if (!why) problems.push('give a reason: it is recorded with the decision');
  else if (why.length > MAX_REASON_LENGTH) problems.push(`the reason is longer than ${MAX_REASON_LENGTH} characters`);
  return problems.length || !approver ? { ok: false, problems } : { ok: true, approver, reason: why };
}

const AUTHENTICATION_LABEL: Record<Authentication, string> = {
  link: 'their emailed link',
  'link+authorizer': 'their emailed link and sign-in',
  'aws-sts': 'their AWS credentials',
  simulator: 'the simulator',
};

/** "alice@example.com (approval page)", "simulator (--approve auto) as alice@example.com", ... */
export function deciderLabel(d: Pick<Decision, 'decidedBy' | 'via'>): string {
  if (d.via.startsWith('simulator')) return `${d.via} as ${d.decidedBy}`;
  return `${d.decidedBy} (${d.via})`;
}

/** How the decider was identified, in words: "authenticated by their emailed link and sign-in". */
export function authenticationLabel(d: Pick<Decision, 'authentication'>): string {
  return `authenticated by ${AUTHENTICATION_LABEL[d.authentication] ?? d.authentication}`;
}

/** What SendTaskSuccess delivers. The gate does not trust it: VerifyApproval re-reads the signed record. */
export function approvalOutput(approvalId: string, d: Decision) {
  return {
    approved: true as const,
    approvalId,
    outcome: d.outcome,
    decidedBy: d.decidedBy,
    decidedAt: d.decidedAt,
    reason: d.reason,
    via: d.via,
    authentication: d.authentication,
  };
}

/** The task token at rest: AES-256-GCM under the token key, bound to the approval (base64url iv.ciphertext.tag). */
export function sealToken(keys: Pick<ApprovalKeys, 'token'>, token: string, approvalId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.token, iv);
  cipher.setAAD(Buffer.from(approvalId));
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
}

export function openToken(keys: Pick<ApprovalKeys, 'token'>, sealed: string, approvalId: string): string {
  const [iv, body, tag] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', keys.token, iv);
  decipher.setAAD(Buffer.from(approvalId));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}

/** A keyed digest of a token: tells "the same token" without keeping it. */
export function tokenDigest(keys: Pick<ApprovalKeys, 'token'>, token: string): string {
  return mac(keys.token, ['byoip-task-token-digest/v1', token]);
}

/** The requester's attestation: who asked, bound to the execution's name and its input (without the attestation). */
export function requesterMac(keys: Pick<ApprovalKeys, 'requester'>, a: { stateMachine: string; executionName: string; inputHash: string } & Requester): string {
  return mac(keys.requester, ['byoip-requester/v1', a.stateMachine, a.executionName, a.principal, (a.approver ?? '').toLowerCase(), a.via, a.at, a.inputHash]);
}

export function requesterMacValid(
  keys: Pick<ApprovalKeys, 'requester'>,
  a: { stateMachine: string; executionName: string; inputHash: string } & Requester,
  given: string,
): boolean {
  return sameMac(requesterMac(keys, a), given);
}

/** The Cause of SendTaskFailure(ApprovalRejected): who, when, why; never the token. */
export function rejectionCause(approvalId: string, d: Decision): string {
  return `rejected by ${deciderLabel(d)} at ${d.decidedAt}: ${d.reason} (approval ${approvalId})`;
}

/** The failure the execution ends with when the gate ends without a decision (see docs/approvals.md). */
export function gateFailure(approvalId: string, failure: { Error?: string; Cause?: string }, timing: { timeoutSeconds: number; heartbeatSeconds: number }) {
  if (failure.Error === 'States.Timeout') {
    return {
      Error: 'ApprovalRejected',
      Cause: `approval ${approvalId} expired: nobody decided within ${formatSeconds(timing.timeoutSeconds)} (States.Timeout); everything prepared is rolled back`,
    };
  }
  if (failure.Error === 'States.HeartbeatTimeout') {
    return {
      Error: 'ApprovalRejected',
      Cause: `approval ${approvalId} stopped: its reminder loop sent no heartbeat for ${formatSeconds(timing.heartbeatSeconds)} (States.HeartbeatTimeout); everything prepared is rolled back`,
    };
  }
  return { Error: failure.Error ?? 'States.TaskFailed', Cause: failure.Cause ?? '' };
}

export function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}

/** "3 d 12 h", "5 h 30 min", "12 min": how long until an approval expires. */
export function timeLeft(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  return `${Math.max(m, 1)} min`;
}

export interface ApprovalSummary {
  approvalId: string;
  round: number;
  workflow: string;
  executionName: string;
  plan: ApprovalPlan;
  createdAt: number;
  expiresAt: number;
  /** The approver this email (and its link) is for. */
  to?: string;
}

/** SNS subjects: UTF-8, no line breaks or control characters, fewer than 100 characters. */
export function emailSubject(text: string): string {
  const clean = text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length <= 99 ? clean : `${clean.slice(0, 96)}...`;
}

export function changeLines(plan: ApprovalPlan): string[] {
  return plan.changes.map((c, i) => `  ${i + 1}. ${c.kind} ${c.target}: ${c.from} -> ${c.to}`);
}

/** The email: what will change, from what to what, and the link. The link is the only capability in it. */
export function approvalEmail(
  kind: 'request' | 'reminder' | 'expired',
  a: ApprovalSummary,
  link: string | undefined,
  nowMs: number,
): { subject: string; body: string } {
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const left = Math.max(0, Math.round((a.expiresAt - nowMs) / 1000));
  // An operator decision (after a point of no return): nothing is rolled back without one.
  const operator = Array.isArray(a.plan.decisions);
  const head = operator
    ? {
        request: `Decision needed: ${a.plan.title}`,
        reminder: `Reminder, ${timeLeft(left)} left to decide: ${a.plan.title}`,
        expired: `No decision, nothing undone: ${a.plan.title}`,
      }[kind]
    : {
        request: `Approval needed: ${a.plan.title}`,
        reminder: `Reminder, ${timeLeft(left)} left to decide: ${a.plan.title}`,
        expired: `Approval expired, rolling back: ${a.plan.title}`,
      }[kind];
  const lines = [
    head,
    '',
    `Workflow:   ${a.workflow}`,
    `Execution:  ${a.executionName}`,
    `Requested:  ${iso(a.createdAt)}`,
    `Expires:    ${iso(a.expiresAt)}${kind === 'expired' ? '' : operator ? ' (without a decision the execution ends held: nothing is undone)' : ' (without a decision, everything prepared is rolled back)'}`,
    `Approvers:  ${a.plan.approvers.join(', ')}`,
    '',
    kind === 'expired'
      ? operator
        ? 'Nobody decided. Nothing was undone; the execution ended HeldForOperator (docs/runbook.md, "Operator decisions"):'
        : 'Nobody decided. Nothing below was changed; what the workflow prepared is being undone:'
      : operator
        ? 'What failed, and what each decision does:'
        : 'What will change:',
    ...changeLines(a.plan),
  ];
  if (a.plan.prerequisite && kind !== 'expired') lines.push('', `Before you approve: ${a.plan.prerequisite}`);
  if (a.plan.confirm && kind !== 'expired') lines.push(`Approving confirms (recorded with your decision): ${a.plan.confirm}.`);
  if (link && kind !== 'expired') {
    lines.push(
      '',
      'Review and decide here. Opening the page changes nothing; you decide with a button on it:',
      link,
      '',
      `The link is yours${a.to ? ` (${a.to})` : ''}: it decides as you, once, until ${iso(a.expiresAt)}. Do not forward it.`,
      operator
        ? `From a terminal instead: byoip decide ${a.approvalId} ${(a.plan.decisions ?? []).join('|')} --reason "..."${a.plan.decisions?.includes('back') ? ' (back: --old-provider-announces)' : ''}; your AWS credentials say who you are.`
        : `From a terminal instead: byoip approve ${a.approvalId} --reason "..." (or byoip reject); your AWS credentials say who you are.`,
    );
  }
  lines.push(
    '',
    `Approval id: ${a.approvalId} (round ${a.round})`,
    `Plan hash:   sha256 ${planHash(a.plan)} (the decision is verified against it: a changed plan needs a new approval)`,
  );
  return { subject: emailSubject(`[byoip] ${head}`), body: `${lines.join('\n')}\n` };
}

/** The input field in which a starter attests who asked for an execution (removed before validation). */
export const REQUESTED_BY_FIELD = 'requestedBy';

export interface RequestedBy extends Requester {
  attestation: string;
}

/** The input without its attestation: what the attestation covers and what ValidateInput sees. */
export function withoutRequester(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const { [REQUESTED_BY_FIELD]: _r, ...rest } = input as Record<string, unknown>;
  return rest;
}

/** The input with who asked attested: what a starter (the event starter, the simulator) passes to StartExecution. */
export function attestRequester(
  keys: Pick<ApprovalKeys, 'requester'>,
  o: { stateMachine: string; executionName: string; input: unknown; requester: Requester },
): Record<string, unknown> {
  const base = withoutRequester(o.input) as Record<string, unknown>;
  const attestation = requesterMac(keys, { stateMachine: o.stateMachine, executionName: o.executionName, inputHash: planHash(base), ...o.requester });
  return { ...base, [REQUESTED_BY_FIELD]: { ...o.requester, attestation } satisfies RequestedBy };
}

/** Checks an input's attestation against this execution; the requester, or why not. */
export function verifyRequester(
  keys: Pick<ApprovalKeys, 'requester'>,
  o: { stateMachine: string; executionName: string; input: unknown },
): { ok: true; requester: Requester } | { ok: false; problem: string } {
  const given = (o.input as Record<string, unknown> | undefined)?.[REQUESTED_BY_FIELD] as Partial<RequestedBy> | undefined;
  if (!given || typeof given !== 'object')
    return {
      ok: false,
      problem: `the input has no ${REQUESTED_BY_FIELD}: executions are started by \`byoip start\`, an operator event or a rehearsal, which attest who asked`,
    };
  const { principal, approver, via, at, attestation } = given;
  if (
    typeof principal !== 'string' ||
    typeof via !== 'string' ||
    typeof at !== 'string' ||
    typeof attestation !== 'string' ||
    (approver !== null && typeof approver !== 'string')
  ) {
    return { ok: false, problem: `input.${REQUESTED_BY_FIELD} is incomplete` };
  }
  const requester: Requester = { principal, approver: approver ?? null, via, at };
  const inputHash = planHash(withoutRequester(o.input));
  if (!requesterMacValid(keys, { stateMachine: o.stateMachine, executionName: o.executionName, inputHash, ...requester }, attestation)) {
    return {
      ok: false,
      problem: `input.${REQUESTED_BY_FIELD} was not attested for this execution and this input (written by hand, copied from another execution, or the input was changed after the start)`,
    };
  }
  return { ok: true, requester };
}
