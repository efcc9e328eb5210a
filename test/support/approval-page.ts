/**
 * A tiny browser for the approval page handler: API Gateway proxy events in, HTML out, cookies kept.
 * Call it only while a simulation is connected (e.g. from an --approve policy function).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { handler } from '../../tasks/approval/approval-page';

export interface PageResponse {
  status: number;
  html: string;
  headers: Record<string, string>;
  setCookie: string[];
}

export function pageEvent(
  method: string,
  link: string,
  o: { body?: string; cookie?: string; contentType?: string; signedInAs?: string } = {},
): APIGatewayProxyEvent {
  const url = new URL(link);
  const headers: Record<string, string> = { Host: url.host, 'User-Agent': 'approval-page-test' };
  if (o.cookie) headers.Cookie = o.cookie;
  if (o.body !== undefined) headers['Content-Type'] = o.contentType ?? 'application/x-www-form-urlencoded';
  return {
    httpMethod: method,
    path: url.pathname,
    resource: '/approvals/{approvalId}',
    pathParameters: { approvalId: url.pathname.split('/').pop()! },
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : null,
    multiValueQueryStringParameters: null,
    headers,
    multiValueHeaders: {},
    body: o.body ?? null,
    isBase64Encoded: false,
    stageVariables: null,
    // What an API Gateway authorizer passes when someone is signed in (Cognito user pool claims).
    requestContext: {
      identity: { sourceIp: '192.0.2.7' },
      ...(o.signedInAs ? { authorizer: { claims: { email: o.signedInAs, email_verified: 'true', sub: `user-${o.signedInAs}` } } } : {}),
    } as never,
  };
}

export class PageClient {
  readonly cookies = new Map<string, string>();
  readonly responses: PageResponse[] = [];

  /** `signedInAs`: the email an authorizer in front of the page verified for this browser, if any. */
  constructor(readonly signedInAs?: string) {}

  private async send(event: APIGatewayProxyEvent): Promise<PageResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) event.headers.Cookie = cookie;
    const out = (await handler(event)) as APIGatewayProxyResult;
    const setCookie = (out.multiValueHeaders?.['Set-Cookie'] ?? []).map(String);
    for (const c of setCookie) {
      const [pair] = c.split(';');
      const [k, v] = pair.split('=');
      this.cookies.set(k, v);
    }
    const res = {
      status: out.statusCode,
      html: out.body,
      headers: Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k, String(v)])),
      setCookie,
    };
    this.responses.push(res);
    return res;
  }

  get(link: string, method = 'GET') {
    return this.send(pageEvent(method, link, { signedInAs: this.signedInAs }));
  }

  post(link: string, fields: Record<string, string>) {
    return this.send(pageEvent('POST', link, { body: new URLSearchParams(fields).toString(), signedInAs: this.signedInAs }));
  }

  /**
   * Loads the page, then submits its form the way a browser would (a `decidedBy` field is sent but means
   * nothing); ticks the page's confirmation box, if it has one, unless `confirmed` is false.
   */
  async decide(link: string, decision: string, fields: { decidedBy?: string; reason?: string; confirmed?: boolean }) {
    const page = await this.get(link);
    const tick = fields.confirmed !== false && page.html.includes('name="confirmed"');
    return this.post(link, {
      csrf: csrfOf(page.html),
      decision,
      ...(fields.decidedBy !== undefined ? { decidedBy: fields.decidedBy } : {}),
      reason: fields.reason ?? '',
      ...(tick ? { confirmed: 'yes' } : {}),
    });
  }
}

export function csrfOf(html: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('the page has no form');
  return m[1];
}

/** The visible text of a page, for assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
