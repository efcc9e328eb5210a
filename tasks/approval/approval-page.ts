/**
 * The approval page (API Gateway proxy event in, HTML out). GET and HEAD show the plan and change
 * nothing, so mail scanners that pre-fetch links decide nothing. Only a POST from the rendered form
 * decides: it must carry the form's anti-forgery value, bound to the approval and to a cookie set
 * with the page. The decision goes through the same code path as `byoip approve|reject`.
 *
 * The link's signature is a capability and the task token never reaches this handler's output:
 * neither the query string, the form, nor the event is logged.
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { formToken, FORM_MAX_AGE_SECONDS, verifyFormToken, verifyLink } from '../../domain/approval';
import { ErrorNames } from '../../domain/errors';
import { logger, toWorkflowError } from '../lib/handler';
import { linkKey } from './config';
import { messagePage, outcomeLines, reviewPage } from './html';
import { decideApproval, loadApproval, toView, type ApprovalView } from './store';

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

interface Reply { status: number; html: string; cookie?: string; headers?: Record<string, string> }

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const cookieName = (approvalId: string) => `byoip_form_${approvalId.slice(4)}`;

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return found?.[1] ?? undefined;
}

function cookies(event: APIGatewayProxyEvent): Record<string, string> {
  const raw = [header(event, 'cookie'), ...(Object.entries(event.multiValueHeaders ?? {}).find(([k]) => k.toLowerCase() === 'cookie')?.[1] ?? [])].filter(Boolean).join('; ');
  return Object.fromEntries(raw.split(';').map((c) => c.trim().split('=')).filter((p) => p.length === 2).map(([k, v]) => [k, v]));
}

/** A fresh form: a nonce in an HttpOnly, SameSite=Strict cookie, and the form's value bound to it. */
function freshForm(key: string, event: APIGatewayProxyEvent, view: ApprovalView, now: number) {
  const nonce = randomBytes(18).toString('base64url');
  const secure = header(event, 'x-forwarded-proto') === 'https' ? '; Secure' : '';
  return {
    csrf: formToken(key, { approvalId: view.approvalId, round: view.round, nonce, issuedAt: now }),
    cookie: `${cookieName(view.approvalId)}=${nonce}; Path=/; Max-Age=${FORM_MAX_AGE_SECONDS}; HttpOnly; SameSite=Strict${secure}`,
  };
}

function authenticatedIdentity(event: APIGatewayProxyEvent): string | undefined {
  // A Cognito user pool authorizer in front of the API passes the signed-in user's email.
  const email = (event.requestContext?.authorizer as { claims?: { email?: unknown } } | undefined)?.claims?.email;
  return typeof email === 'string' && email ? email : undefined;
}

async function serve(event: APIGatewayProxyEvent, method: string): Promise<Reply> {
  const now = Date.now();
  const approvalId = event.pathParameters?.approvalId ?? '';
  const key = await linkKey();
  const link = verifyLink(key, approvalId, event.queryStringParameters ?? {}, now);
  if (!link.ok) {
    return { status: 403, html: messagePage({ title: 'Link not valid', tone: 'error', now, lines: [
      'This approval link is not valid: it was changed or cut short after it was sent.',
      'Open the link exactly as it arrived in the email. Nothing was changed.',
    ] }) };
  }
  const record = await loadApproval(approvalId);
  if (!record?.status) return { status: 404, html: messagePage({ title: 'No such approval', tone: 'error', now, lines: [`There is no approval ${approvalId}. Nothing was changed.`] }) };
  const view = toView(record);
  if (link.round !== view.round) {
    return { status: 410, html: messagePage({ title: 'Link replaced', tone: 'info', now, view, lines: [
      `This link belongs to an earlier request for this change (round ${link.round}); the latest email has the current link (round ${view.round}).`,
      'Nothing was changed.',
    ] }) };
  }
  if (view.status !== 'PENDING') {
    const title = { APPROVED: 'Already approved', REJECTED: 'Already rejected', EXPIRED: 'Expired', CLOSED: 'Closed', PENDING: '' }[view.status];
    const decided = view.status === 'APPROVED' || view.status === 'REJECTED';
    return { status: !decided ? 410 : method === 'POST' ? 409 : 200, html: messagePage({ title, tone: 'info', now, view, lines: [
      ...outcomeLines(view),
      method === 'POST' ? 'Nothing was changed by this request.' : decided ? 'This link has been used: a link decides once.' : 'This link can no longer decide anything.',
    ] }) };
  }
  if (link.expired || now >= view.expiresAt) {
    return { status: 410, html: messagePage({ title: 'Link expired', tone: 'info', now, view, lines: [
      `This link expired at ${iso(Math.min(link.expiresAt, view.expiresAt))}; nobody can decide with it any more.`,
      'Without a decision the workflow rolls back what it prepared. Nothing was changed.',
    ] }) };
  }
  const authenticatedAs = authenticatedIdentity(event);
  if (method !== 'POST') {
    const form = freshForm(key, event, view, now);
    return { status: 200, html: reviewPage(view, { csrf: form.csrf, now, authenticatedAs }), cookie: form.cookie };
  }

  const contentType = (header(event, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? '';
  if (contentType !== 'application/x-www-form-urlencoded') return { status: 415, html: messagePage({ title: 'Not a form', tone: 'error', now, lines: ['Decide with the form on the approval page. Nothing was changed.'] }) };
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return { status: 413, html: messagePage({ title: 'Too large', tone: 'error', now, lines: ['The form is too large. Nothing was changed.'] }) };
  const form = new URLSearchParams(raw);
  const check = verifyFormToken(key, form.get('csrf') ?? undefined, { approvalId, round: view.round, nonce: cookies(event)[cookieName(approvalId)] }, now);
  if (check !== 'ok') {
    return { status: 403, html: messagePage({ title: 'Form not accepted', tone: 'error', now, view, lines: [
      check === 'stale'
        ? `This form was loaded more than ${FORM_MAX_AGE_SECONDS / 3600} hours ago.`
        : 'This request did not come from the approval page in this browser: its anti-forgery value is missing or does not match.',
      'Open the link again and decide on the fresh page. Nothing was changed.',
    ] }) };
  }
  const choice = form.get('decision');
  const values = { decidedBy: form.get('decidedBy') ?? undefined, reason: form.get('reason') ?? undefined };
  if (choice !== 'approve' && choice !== 'reject') {
    const fresh = freshForm(key, event, view, now);
    return { status: 400, html: reviewPage(view, { csrf: fresh.csrf, now, authenticatedAs, problems: ['choose Approve or Reject'], ...values }), cookie: fresh.cookie };
  }
  const outcome = await decideApproval({
    approvalId, approve: choice === 'approve', identity: authenticatedAs ?? values.decidedBy, reason: values.reason,
    via: 'approval page', authenticated: Boolean(authenticatedAs), round: link.round, now,
  });
  logger.info('approval page decision', { approvalId, outcome: outcome.kind });
  switch (outcome.kind) {
    case 'decided':
      return { status: 200, html: messagePage({ title: outcome.decision.approved ? 'Approved' : 'Rejected', tone: outcome.decision.approved ? 'ok' : 'error', now, view: outcome.view, lines: [
        ...outcomeLines(outcome.view), 'Recorded. This link will not decide anything again; you can close this page.',
      ] }) };
    case 'refused': {
      const fresh = freshForm(key, event, view, now);
      return { status: 422, html: reviewPage(view, { csrf: fresh.csrf, now, authenticatedAs, problems: outcome.problems, ...values }), cookie: fresh.cookie };
    }
    case 'not-delivered':
      return { status: 410, html: messagePage({ title: 'Too late', tone: 'info', now, view: outcome.view, lines: [
        `Your decision was recorded, but ${outcome.error}.`, 'Nothing will change because of it.',
      ] }) };
    case 'already-decided':
      return { status: 409, html: messagePage({ title: 'Already decided', tone: 'info', now, view: outcome.view, lines: [...outcomeLines(outcome.view), 'Nothing was changed by this request.'] }) };
    case 'expired':
      return { status: 410, html: messagePage({ title: 'Link expired', tone: 'info', now, view: outcome.view, lines: ['This approval expired before your decision arrived. Nothing was changed.'] }) };
    case 'superseded':
      return { status: 410, html: messagePage({ title: 'Link replaced', tone: 'info', now, view: outcome.view, lines: ['A newer request replaced this one; use the link in the latest email. Nothing was changed.'] }) };
    default:
      return { status: 404, html: messagePage({ title: 'No such approval', tone: 'error', now, lines: ['Nothing was changed.'] }) };
  }
}

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  logger.appendKeys({ task: 'ApprovalPage' });
  const method = (event.httpMethod ?? 'GET').toUpperCase();
  let reply: Reply;
  if (!['GET', 'HEAD', 'POST'].includes(method)) {
    reply = { status: 405, html: messagePage({ title: 'Not allowed', tone: 'error', now: Date.now(), lines: ['Use the link in a browser.'] }), headers: { Allow: 'GET, HEAD, POST' } };
  } else {
    try {
      reply = await serve(event, method);
    } catch (e) {
      const err = toWorkflowError(e);
      const transient = err.name === ErrorNames.AwsThrottled || err.name === ErrorNames.AwsUnavailable;
      logger.error('approval page failed', { error: err.name, message: err.message });
      reply = transient
        ? { status: 503, html: messagePage({ title: 'Try again', tone: 'warn', now: Date.now(), lines: [
          'AWS did not answer in time. If you submitted a decision, it may be recorded but not yet delivered: the gate retries delivery by itself.',
          'Reload the link in a minute to see where it stands.',
        ] }) }
        : { status: 500, html: messagePage({ title: 'Something went wrong', tone: 'error', now: Date.now(), lines: ['The approval page failed. Nothing was decided by this request; tell the on-call engineer.'] }) };
    }
  }
  logger.info('approval page', { method, status: reply.status });
  return {
    statusCode: reply.status,
    headers: { ...SECURITY_HEADERS, ...reply.headers },
    ...(reply.cookie ? { multiValueHeaders: { 'Set-Cookie': [reply.cookie] } } : {}),
    body: method === 'HEAD' ? '' : reply.html,
  };
}
