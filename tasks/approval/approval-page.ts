/**
 * The approval page (API Gateway proxy event in, HTML out). GET and HEAD show the plan and change
 * nothing, so mail scanners that pre-fetch links decide nothing. Only a POST from the rendered form
 * decides: it must carry the form's anti-forgery value, bound to the approval, the link's approver and
 * a cookie set with the page.
 *
 * Who decides is never typed in: each approver gets their own link (their address inside its
 * signature), and with byoip.approvalPage.signIn = "authorizer" the API's authorizer must also have
 * verified that same email. A JSON POST is `byoip approve|reject`: the caller's AWS identity, proven by
 * a presigned STS GetCallerIdentity and mapped by byoip.approverPrincipals. Every path ends in the same
 * decideApproval.
 *
 * The link's signature is a capability and the task token never reaches this handler's output:
 * neither the query string, the form, nor the event is logged.
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { formToken, FORM_MAX_AGE_SECONDS, gateOutcomes, verifyFormToken, verifyLink, type ApprovalKeys, type DeciderIdentity } from '../../domain/approval';
import { approverOfPrincipal } from '../../domain/deployment';
import { ErrorNames } from '../../domain/errors';
import { deployment } from '../../platform/deployment';
import { logger } from '../../platform/logger';
import { toWorkflowError } from '../../platform/sdk-errors';
import { decisionBinding, IdentityRefused, provenPrincipal } from '../../platform/approval/caller-identity';
import { approvalKeyMaterial } from '../../platform/approval/config';
import { messagePage, reviewPage } from './html';
import { outcomeLines } from '../../platform/approval/outcome';
import { decideApproval, loadApproval, toView, type ApprovalView, type DecisionOutcome } from '../../platform/approval/store';

const SECURITY_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  // The URL carries the link's signature: never send it on as a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'X-Robots-Tag': 'noindex, nofollow',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

const MAX_BODY_BYTES = 16_384;

interface Reply {
  status: number;
  html: string;
  cookie?: string;
  headers?: Record<string, string>;
  json?: unknown;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const cookieName = (approvalId: string) => `byoip_form_${approvalId.slice(4)}`;

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return found?.[1] ?? undefined;
}

function cookies(event: APIGatewayProxyEvent): Record<string, string> {
  const raw = [header(event, 'cookie'), ...(Object.entries(event.multiValueHeaders ?? {}).find(([k]) => k.toLowerCase() === 'cookie')?.[1] ?? [])]
    .filter(Boolean)
    .join('; ');
  return Object.fromEntries(
    raw
      .split(';')
      .map((c) => c.trim().split('='))
      .filter((p) => p.length === 2)
      .map(([k, v]) => [k, v]),
  );
}

/** A fresh form: a nonce in an HttpOnly, SameSite=Strict cookie, and the form's value bound to it. */
function freshForm(keys: ApprovalKeys, event: APIGatewayProxyEvent, view: ApprovalView, approver: string, now: number) {
  const nonce = randomBytes(18).toString('base64url');
  const secure = header(event, 'x-forwarded-proto') === 'https' ? '; Secure' : '';
  return {
    csrf: formToken(keys, { approvalId: view.approvalId, round: view.round, approver, nonce, issuedAt: now }),
    cookie: `${cookieName(view.approvalId)}=${nonce}; Path=/; Max-Age=${FORM_MAX_AGE_SECONDS}; HttpOnly; SameSite=Strict${secure}`,
  };
}

/** The email an authorizer in front of the API verified: a Cognito user pool authorizer's claims, or a Lambda authorizer's context. */
function authorizerIdentity(event: APIGatewayProxyEvent): { email: string; subject: string } | undefined {
  const a = event.requestContext?.authorizer as
    | { claims?: { email?: unknown; email_verified?: unknown; sub?: unknown }; email?: unknown; principalId?: unknown }
    | undefined;
  const claims = a?.claims;
  if (claims && typeof claims.email === 'string' && claims.email && String(claims.email_verified ?? 'true') === 'true') {
    return { email: claims.email.toLowerCase(), subject: `authorizer:${typeof claims.sub === 'string' ? claims.sub : claims.email}` };
  }
  if (a && typeof a.email === 'string' && a.email)
    return { email: a.email.toLowerCase(), subject: `authorizer:${typeof a.principalId === 'string' ? a.principalId : a.email}` };
  return undefined;
}

/**
 * Who is at the page: the link's approver, and with sign-in required, only if the authorizer verified
 * the same email. A refusal says why, without showing the plan's approvers.
 */
function deciderAt(
  event: APIGatewayProxyEvent,
  linkApprover: string,
): { ok: true; identity: DeciderIdentity; signedIn: boolean } | { ok: false; status: number; lines: string[] } {
  const signIn = deployment().approvalPage.signIn;
  const auth = authorizerIdentity(event);
  if (signIn === 'link' && !auth)
    return { ok: true, signedIn: false, identity: { approver: linkApprover, principal: `approver:${linkApprover}`, authentication: 'link' } };
  if (!auth)
    return {
      ok: false,
      status: 401,
      lines: [`This link was sent to ${linkApprover}. Sign in as ${linkApprover} to review and decide.`, 'Nothing was changed.'],
    };
  if (auth.email !== linkApprover) {
    return {
      ok: false,
      status: 403,
      lines: [
        `This link was sent to ${linkApprover}, but you are signed in as ${auth.email}.`,
        'Only the approver a link was sent to can use it. Nothing was changed.',
      ],
    };
  }
  return { ok: true, signedIn: true, identity: { approver: linkApprover, principal: auth.subject, authentication: 'link+authorizer' } };
}

/** `byoip approve|reject` (POST /approvals/{id}/decision): JSON in, JSON out; the identity is the STS-proven principal, mapped to an approver. */
async function cliDecision(_event: APIGatewayProxyEvent, approvalId: string, raw: string, now: number): Promise<Reply> {
  let body: { decision?: unknown; reason?: unknown; as?: unknown; round?: unknown; callerIdentity?: unknown; confirmed?: unknown };
  try {
    body = JSON.parse(raw) as typeof body;
  } catch {
    return { status: 400, html: '', json: { error: 'the body is not JSON' } };
  }
  const outcome = body.decision;
  const offered = gateOutcomes((await loadApproval(approvalId))?.plan ?? {});
  if (typeof outcome !== 'string' || !offered.includes(outcome))
    return { status: 400, html: '', json: { error: `decision must be one of ${offered.join(', ')}` } };
  const reason = typeof body.reason === 'string' ? body.reason : '';
  const round = typeof body.round === 'number' ? body.round : undefined;
  if (typeof body.callerIdentity !== 'string' || round === undefined)
    return { status: 401, html: '', json: { error: 'a presigned STS GetCallerIdentity (callerIdentity) and the approval round are required' } };
  let principal: string;
  try {
    principal = await provenPrincipal(
      body.callerIdentity,
      decisionBinding({ approvalId, outcome, reason, round, confirmed: body.confirmed === true || undefined }),
      now,
    );
  } catch (e) {
    if (e instanceof IdentityRefused) return { status: 401, html: '', json: { error: e.message } };
    throw e;
  }
  const approver = approverOfPrincipal(deployment(), principal);
  if (!approver)
    return { status: 403, html: '', json: { error: `${principal} is not an approver's principal (byoip.approverPrincipals); nothing was changed` } };
  if (typeof body.as === 'string' && body.as.trim() && body.as.trim().toLowerCase() !== approver.toLowerCase()) {
    return {
      status: 403,
      html: '',
      json: { error: `--as ${body.as} is not who your AWS credentials say you are (${principal} is ${approver}); nothing was changed` },
    };
  }
  const decided: DecisionOutcome = await decideApproval({
    approvalId,
    outcome,
    reason,
    via: `byoip ${outcome === 'approve' || outcome === 'reject' ? outcome : `decide ${outcome}`}`,
    round,
    now,
    identity: { approver, principal, authentication: 'aws-sts' },
    confirmed: body.confirmed === true,
  });
  logger.info('approval decision from the CLI', { approvalId, outcome: decided.kind, principal });
  return { status: 200, html: '', json: { outcome: decided } };
}

async function serve(event: APIGatewayProxyEvent, method: string): Promise<Reply> {
  const now = Date.now();
  const approvalId = event.pathParameters?.approvalId ?? '';
  const keys = await approvalKeyMaterial();
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  const contentType = (header(event, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (event.resource === '/approvals/{approvalId}/decision' || (event.path ?? '').endsWith('/decision')) {
    if (method !== 'POST' || contentType !== 'application/json') return { status: 415, html: '', json: { error: 'POST JSON from byoip approve|reject' } };
    if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return { status: 413, html: '', json: { error: 'too large' } };
    return cliDecision(event, approvalId, raw, now);
  }
  const link = verifyLink(keys, approvalId, event.queryStringParameters ?? {}, now);
  if (!link.ok) {
    return {
      status: 403,
      html: messagePage({
        title: 'Link not valid',
        tone: 'error',
        now,
        lines: [
          'This approval link is not valid: it was changed or cut short after it was sent.',
          'Open the link exactly as it arrived in the email. Nothing was changed.',
        ],
      }),
    };
  }
  const record = await loadApproval(approvalId);
  if (!record?.status)
    return {
      status: 404,
      html: messagePage({ title: 'No such approval', tone: 'error', now, lines: [`There is no approval ${approvalId}. Nothing was changed.`] }),
    };
  const view = toView(record);
  if (link.round !== view.round) {
    return {
      status: 410,
      html: messagePage({
        title: 'Link replaced',
        tone: 'info',
        now,
        view,
        lines: [
          `This link belongs to an earlier request for this change (round ${link.round}); the latest email has the current link (round ${view.round}).`,
          'Nothing was changed.',
        ],
      }),
    };
  }
  if (view.status !== 'PENDING') {
    const title = { APPROVED: 'Already approved', REJECTED: 'Already rejected', DECIDED: 'Already decided', EXPIRED: 'Expired', CLOSED: 'Closed', PENDING: '' }[
      view.status
    ];
    const decided = view.status === 'APPROVED' || view.status === 'REJECTED' || view.status === 'DECIDED';
    return {
      status: !decided ? 410 : method === 'POST' ? 409 : 200,
      html: messagePage({
        title,
        tone: 'info',
        now,
        view,
        lines: [
          ...outcomeLines(view),
          method === 'POST'
            ? 'Nothing was changed by this request.'
            : decided
              ? 'This link has been used: a link decides once.'
              : 'This link can no longer decide anything.',
        ],
      }),
    };
  }
  if (link.expired || now >= view.expiresAt) {
    return {
      status: 410,
      html: messagePage({
        title: 'Link expired',
        tone: 'info',
        now,
        view,
        lines: [
          `This link expired at ${iso(Math.min(link.expiresAt, view.expiresAt))}; nobody can decide with it any more.`,
          view.plan.decisions
            ? 'Without a decision the execution ends held: nothing is undone. Nothing was changed.'
            : 'Without a decision the workflow rolls back what it prepared. Nothing was changed.',
        ],
      }),
    };
  }
  const at = deciderAt(event, link.approver);
  if (!at.ok)
    return { status: at.status, html: messagePage({ title: at.status === 401 ? 'Sign in to decide' : 'Not your link', tone: 'error', now, lines: at.lines }) };
  const approver = at.identity.approver;
  if ((view.approvals ?? []).some((d) => d.decidedBy.toLowerCase() === approver.toLowerCase())) {
    // A two-approver gate: this approver has approved; the link decides once.
    return {
      status: method === 'POST' ? 409 : 200,
      html: messagePage({
        title: 'Approval recorded',
        tone: 'info',
        now,
        view,
        lines: [...outcomeLines(view), method === 'POST' ? 'Nothing was changed by this request.' : 'This link has been used: a link decides once.'],
      }),
    };
  }
  if (method !== 'POST') {
    const form = freshForm(keys, event, view, approver, now);
    return { status: 200, html: reviewPage(view, { csrf: form.csrf, now, approver, signedIn: at.signedIn }), cookie: form.cookie };
  }

  if (contentType !== 'application/x-www-form-urlencoded')
    return {
      status: 415,
      html: messagePage({ title: 'Not a form', tone: 'error', now, lines: ['Decide with the form on the approval page. Nothing was changed.'] }),
    };
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES)
    return { status: 413, html: messagePage({ title: 'Too large', tone: 'error', now, lines: ['The form is too large. Nothing was changed.'] }) };
  const form = new URLSearchParams(raw);
  const check = verifyFormToken(
    keys,
    form.get('csrf') ?? undefined,
    { approvalId, round: view.round, approver, nonce: cookies(event)[cookieName(approvalId)] },
    now,
  );
  if (check !== 'ok') {
    return {
      status: 403,
      html: messagePage({
        title: 'Form not accepted',
        tone: 'error',
        now,
        view,
        lines: [
          check === 'stale'
            ? `This form was loaded more than ${FORM_MAX_AGE_SECONDS / 3600} hours ago.`
            : 'This request did not come from the approval page in this browser: its anti-forgery value is missing or does not match.',
          'Open the link again and decide on the fresh page. Nothing was changed.',
        ],
      }),
    };
  }
  const choice = form.get('decision');
  const reason = form.get('reason') ?? undefined;
  const offered = gateOutcomes(view.plan);
  if (!choice || !offered.includes(choice)) {
    const fresh = freshForm(keys, event, view, approver, now);
    return {
      status: 400,
      html: reviewPage(view, { csrf: fresh.csrf, now, approver, signedIn: at.signedIn, problems: [`choose one of: ${offered.join(', ')}`], reason }),
      cookie: fresh.cookie,
    };
  }
  const outcome = await decideApproval({
    approvalId,
    outcome: choice,
    identity: at.identity,
    reason,
    via: 'approval page',
    round: link.round,
    now,
    confirmed: form.get('confirmed') === 'yes',
  });
  logger.info('approval page decision', { approvalId, outcome: outcome.kind });
  switch (outcome.kind) {
    case 'decided':
      return {
        status: 200,
        html: messagePage({
          title: outcome.view.plan.decisions ? `Decided: ${outcome.decision.outcome}` : outcome.decision.approved ? 'Approved' : 'Rejected',
          tone: outcome.decision.approved || outcome.view.plan.decisions ? 'ok' : 'error',
          now,
          view: outcome.view,
          lines: [...outcomeLines(outcome.view), 'Recorded. This link will not decide anything again; you can close this page.'],
        }),
      };
    case 'recorded':
      return {
        status: 200,
        html: messagePage({
          title: 'Approval recorded',
          tone: 'ok',
          now,
          view: outcome.view,
          lines: [...outcomeLines(outcome.view), `Recorded. This change needs ${outcome.needed} more approver(s); this link will not decide anything again.`],
        }),
      };
    case 'refused': {
      const fresh = freshForm(keys, event, view, approver, now);
      return {
        status: 422,
        html: reviewPage(view, { csrf: fresh.csrf, now, approver, signedIn: at.signedIn, problems: outcome.problems, reason }),
        cookie: fresh.cookie,
      };
    }
    case 'not-delivered':
      return {
        status: 410,
        html: messagePage({
          title: 'Too late',
          tone: 'info',
          now,
          view: outcome.view,
          lines: [`Your decision was recorded, but ${outcome.error}.`, 'Nothing will change because of it.'],
        }),
      };
    case 'already-decided':
      return {
        status: 409,
        html: messagePage({
          title: 'Already decided',
          tone: 'info',
          now,
          view: outcome.view,
          lines: [...outcomeLines(outcome.view), 'Nothing was changed by this request.'],
        }),
      };
    case 'expired':
      return {
        status: 410,
        html: messagePage({
          title: 'Link expired',
          tone: 'info',
          now,
          view: outcome.view,
          lines: ['This approval expired before your decision arrived. Nothing was changed.'],
        }),
      };
    case 'superseded':
      return {
        status: 410,
        html: messagePage({
          title: 'Link replaced',
          tone: 'info',
          now,
          view: outcome.view,
          lines: ['A newer request replaced this one; use the link in the latest email. Nothing was changed.'],
        }),
      };
    default:
      return { status: 404, html: messagePage({ title: 'No such approval', tone: 'error', now, lines: ['Nothing was changed.'] }) };
  }
}

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  logger.appendKeys({ task: 'ApprovalPage' });
  const method = (event.httpMethod ?? 'GET').toUpperCase();
  let reply: Reply;
  if (!['GET', 'HEAD', 'POST'].includes(method)) {
    reply = {
      status: 405,
      html: messagePage({ title: 'Not allowed', tone: 'error', now: Date.now(), lines: ['Use the link in a browser.'] }),
      headers: { Allow: 'GET, HEAD, POST' },
    };
  } else {
    try {
      reply = await serve(event, method);
    } catch (e) {
      const err = toWorkflowError(e);
      const transient = err.name === ErrorNames.AwsThrottled || err.name === ErrorNames.AwsUnavailable;
      logger.error('approval page failed', { error: err.name, detail: err.message });
      reply = transient
        ? {
            status: 503,
            html: messagePage({
              title: 'Try again',
              tone: 'warn',
              now: Date.now(),
              lines: [
                'AWS did not answer in time. If you submitted a decision, it may be recorded but not yet delivered: the gate retries delivery by itself.',
                'Reload the link in a minute to see where it stands.',
              ],
            }),
          }
        : {
            status: 500,
            html: messagePage({
              title: 'Something went wrong',
              tone: 'error',
              now: Date.now(),
              lines: ['The approval page failed. Nothing was decided by this request; tell the on-call engineer.'],
            }),
          };
    }
  }
  logger.info('approval page', { method, status: reply.status });
  if (reply.json !== undefined) {
    return {
      statusCode: reply.status,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
      body: JSON.stringify(reply.json),
    };
  }
  return {
    statusCode: reply.status,
    headers: { ...SECURITY_HEADERS, ...reply.headers },
    ...(reply.cookie ? { multiValueHeaders: { 'Set-Cookie': [reply.cookie] } } : {}),
    body: method === 'HEAD' ? '' : reply.html,
  };
}
