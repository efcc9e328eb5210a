/**
 * The approval gate's rules, pure: the plan a human approves, the approval id, the signed link the
 * email carries (never the task token), the anti-forgery value of the page's form, when to remind,
 * who may decide, and the texts the approvers read.
 *
 * Links are HMAC-SHA256 signed with a key kept in Secrets Manager: the link names an approval id, a
 * round and an expiry; changing any of them breaks the signature. Single use is enforced by the
 * stored record (a decision is a conditional write), not by the link.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
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

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'CLOSED';

const ChangeValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])
  .transform((v) => (v === null ? '(none)' : String(v)));

export const ApprovalChange = z.object({
  kind: z.string().min(1).max(64),
  target: z.union([z.string().min(1).max(512), z.number()]).transform(String),
  from: ChangeValue.default('(none)'),
  to: ChangeValue.default('(none)'),
}).passthrough();

/** What a human approves: the contract every workflow's plan task returns (docs/architecture.md §6). */
export const ApprovalPlan = z.object({
  title: z.string().min(1).max(300),
  approvers: z.array(Email).min(1, 'needs at least one approver').max(20),
  changes: z.array(ApprovalChange).max(500),
  prerequisite: z.string().max(2000).optional(),
}).passthrough();
export type ApprovalPlan = z.infer<typeof ApprovalPlan>;

export const GateTiming = z.object({
  timeoutSeconds: z.number().int().min(1).max(MAX_APPROVAL_SECONDS),
  /** At least a minute: the reminder loop's first check comes some seconds after the request. */
  heartbeatSeconds: z.number().int().min(60).max(MAX_APPROVAL_SECONDS),
});

/** JSON with object keys sorted at every level: the same plan always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
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

function mac(key: string, parts: Array<string | number>): string {
  if (key.length < MIN_KEY_LENGTH) throw new Error(`the approval link key must be at least ${MIN_KEY_LENGTH} characters`);
  return createHmac('sha256', key).update(parts.join('\n')).digest('base64url');
}

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface LinkClaims {
  approvalId: string;
  round: number;
  /** Epoch ms; the link is signed with whole seconds. */
  expiresAt: number;
}

/** The query string of a link: r(ound), e(xpiry, epoch seconds), s(ignature). */
export type LinkQuery = { r: string; e: string; s: string };

export function signLink(key: string, c: LinkClaims): LinkQuery {
  const e = Math.floor(c.expiresAt / 1000);
  return { r: String(c.round), e: String(e), s: mac(key, ['byoip-approval-link/v1', c.approvalId, c.round, e]) };
}

export function approvalUrl(baseUrl: string, key: string, c: LinkClaims): string {
  const q = signLink(key, c);
  return `${baseUrl.replace(/\/+$/, '')}/approvals/${c.approvalId}?r=${q.r}&e=${q.e}&s=${q.s}`;
}

export type LinkCheck =
  | { ok: true; round: number; expiresAt: number; expired: boolean }
  | { ok: false; reason: 'tampered' };

/** Checks a link's signature; expiry is reported, not refused, so a decided approval can still be shown. */
export function verifyLink(key: string, approvalId: string, query: Partial<Record<string, string | undefined>>, nowMs: number): LinkCheck {
  const { r, e, s } = query;
  if (!APPROVAL_ID_RE.test(approvalId) || !r || !e || !s || !/^\d{1,6}$/.test(r) || !/^\d{1,12}$/.test(e)) return { ok: false, reason: 'tampered' };
  const expected = mac(key, ['byoip-approval-link/v1', approvalId, Number(r), Number(e)]);
  if (!sameMac(expected, s)) return { ok: false, reason: 'tampered' };
  const expiresAt = Number(e) * 1000;
  return { ok: true, round: Number(r), expiresAt, expired: nowMs >= expiresAt };
}

/**
 * The anti-forgery value of the page's form: bound to the approval, its round, the browser's cookie
 * nonce and the time the page was rendered. A POST without a page view behind it is refused.
 */
export function formToken(key: string, f: { approvalId: string; round: number; nonce: string; issuedAt: number }): string {
  const issued = Math.floor(f.issuedAt / 1000);
  return `${issued}.${mac(key, ['byoip-approval-form/v1', f.approvalId, f.round, f.nonce, issued])}`;
}

export function verifyFormToken(key: string, token: string | undefined, f: { approvalId: string; round: number; nonce: string | undefined }, nowMs: number): 'ok' | 'invalid' | 'stale' {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!m || !f.nonce || !/^[A-Za-z0-9_-]{16,64}$/.test(f.nonce)) return 'invalid';
  const expected = mac(key, ['byoip-approval-form/v1', f.approvalId, f.round, f.nonce, Number(m[1])]);
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
export function reminderTick(r: { createdAt: number; timeoutSeconds: number; heartbeatSeconds: number; remindersSent: number }, nowMs: number): ReminderDecision {
  const times = reminderOffsets(r.timeoutSeconds).map((s) => r.createdAt + s * 1000);
  const due = times.filter((t) => t <= nowMs).length;
  const remind = due > r.remindersSent;
  const upcoming = times.find((t) => t > nowMs);
  const tick = Math.max(1, Math.floor(r.heartbeatSeconds / CHECKS_PER_HEARTBEAT));
  const untilNext = upcoming === undefined ? tick : Math.ceil((upcoming - nowMs) / 1000);
  return { remind, reminderNumber: remind ? due : r.remindersSent, nextDelaySeconds: Math.max(1, Math.min(tick, untilNext)) };
}

/** How a decision reached the gate, for the record and the execution history. */
export type DecisionChannel = 'page' | 'cli' | 'simulator';

export interface Decision {
  approved: boolean;
  decidedBy: string;
  /** ISO 8601. */
  decidedAt: string;
  reason: string;
  via: string;
  /** True when the identity came from an authenticator, not from a form field. */
  authenticated: boolean;
}

export const MAX_REASON_LENGTH = 1000;

/**
 * Who may decide and with what: the identity must be one of the plan's approvers (compared without
 * case; the approver is recorded as the plan spells it), and every decision carries a reason.
 */
export function checkDecider(plan: Pick<ApprovalPlan, 'approvers'>, identity: string | undefined, reason: string | undefined):
  { ok: true; approver: string; reason: string } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const who = (identity ?? '').trim();
  const approver = plan.approvers.find((a) => a.toLowerCase() === who.toLowerCase());
  if (!who) problems.push('say who you are (one of the approvers)');
  else if (!approver) problems.push(`${who} is not an approver of this change (approvers: ${plan.approvers.join(', ')})`);
  const why = (reason ?? '').trim();
  if (!why) problems.push('give a reason: it is recorded with the decision');
  else if (why.length > MAX_REASON_LENGTH) problems.push(`the reason is longer than ${MAX_REASON_LENGTH} characters`);
  return problems.length || !approver ? { ok: false, problems } : { ok: true, approver, reason: why };
}

/** "alice@example.com (approval page)", "simulator (--approve auto) as alice@example.com", ... */
export function deciderLabel(d: Pick<Decision, 'decidedBy' | 'via'>): string {
  if (d.via.startsWith('simulator')) return `${d.via} as ${d.decidedBy}`;
  return `${d.decidedBy} (${d.via})`;
}

/** What SendTaskSuccess delivers: the gate's result at `$.approval`. */
export function approvalOutput(approvalId: string, d: Decision) {
  return { approved: true as const, approvalId, decidedBy: d.decidedBy, decidedAt: d.decidedAt, reason: d.reason, via: d.via };
}

/** The Cause of SendTaskFailure(ApprovalRejected): who, when, why; never the token. */
export function rejectionCause(approvalId: string, d: Decision): string {
  return `rejected by ${deciderLabel(d)} at ${d.decidedAt}: ${d.reason} (approval ${approvalId})`;
}

/** The failure the execution ends with when the gate ends without a decision (see docs/approvals.md). */
export function gateFailure(approvalId: string, failure: { Error?: string; Cause?: string }, timing: { timeoutSeconds: number; heartbeatSeconds: number }) {
  if (failure.Error === 'States.Timeout') {
    return { Error: 'ApprovalRejected', Cause: `approval ${approvalId} expired: nobody decided within ${formatSeconds(timing.timeoutSeconds)} (States.Timeout); everything prepared is rolled back` };
  }
  if (failure.Error === 'States.HeartbeatTimeout') {
    return { Error: 'ApprovalRejected', Cause: `approval ${approvalId} stopped: its reminder loop sent no heartbeat for ${formatSeconds(timing.heartbeatSeconds)} (States.HeartbeatTimeout); everything prepared is rolled back` };
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
}

/** SNS subjects: UTF-8, no line breaks or control characters, fewer than 100 characters. */
export function emailSubject(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length <= 99 ? clean : `${clean.slice(0, 96)}...`;
}

export function changeLines(plan: ApprovalPlan): string[] {
  return plan.changes.map((c, i) => `  ${i + 1}. ${c.kind} ${c.target}: ${c.from} -> ${c.to}`);
}

/** The email: what will change, from what to what, and the link. The link is the only capability in it. */
export function approvalEmail(kind: 'request' | 'reminder' | 'expired', a: ApprovalSummary, link: string | undefined, nowMs: number): { subject: string; body: string } {
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const left = Math.max(0, Math.round((a.expiresAt - nowMs) / 1000));
  const head = {
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
    `Expires:    ${iso(a.expiresAt)}${kind === 'expired' ? '' : ' (without a decision, everything prepared is rolled back)'}`,
    `Approvers:  ${a.plan.approvers.join(', ')}`,
    '',
    kind === 'expired' ? 'Nobody decided. Nothing below was changed; what the workflow prepared is being undone:' : 'What will change:',
    ...changeLines(a.plan),
  ];
  if (a.plan.prerequisite && kind !== 'expired') lines.push('', `Before you approve: ${a.plan.prerequisite}`);
  if (link && kind !== 'expired') {
    lines.push(
      '',
      'Review and decide here. Opening the page changes nothing; you decide with a button on it:',
      link,
      '',
      `The link works until ${iso(a.expiresAt)}, for one decision. Do not forward it: it is the permission to decide.`,
      `From a terminal instead: byoip approve ${a.approvalId} --as <your email> --reason "..." (or byoip reject)`,
    );
  }
  lines.push('', `Approval id: ${a.approvalId} (round ${a.round})`);
  return { subject: emailSubject(`[byoip] ${head}`), body: `${lines.join('\n')}\n` };
}
