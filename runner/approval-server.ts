/**
 * The approval page, served on 127.0.0.1 for a simulation (`byoip simulate --approve prompt`): the same
 * Lambda handler API Gateway runs in AWS, fed API Gateway proxy events. The emailed links point here.
 * This server also plays what stands in front of the page in AWS:
 *  - with byoip.approvalPage.signIn = "authorizer", the authorizer: /signin checks the world's
 *    `approvalSignIn.users` and sets a session cookie; page requests then carry the verified email in
 *    requestContext.authorizer.claims, as a Cognito user pool authorizer passes it;
 *  - `byoip approve|reject --sim` posts JSON to the page itself, with its STS proof (the simulated STS answers).
 * For `byoip approvals --sim`, a small JSON API lists what is pending. It needs the bearer secret written,
 * with the URL, to .byoip/approval-server.json (mode 0600): only the operator who started the simulation
 * can use it; it decides nothing.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { APPROVAL_ID_RE } from '../domain/approval';
import type { Simulator } from '../sim/simulator';
import { connectSimulator } from '../sim/transport';
import { readRequestBody } from '../sim/http/endpoint';
import { handler as approvalPage } from '../tasks/approval/approval-page';
import { PLACEHOLDER_BASE_URL } from '../domain/approval';
import { listPending, loadApproval } from '../platform/approval/store';
import type { HttpRequest, HttpResponse } from '../platform/http';

/** The simulated sign-in (the stand-in for the page's authorizer): who may sign in, with what password. */
interface SignInUser {
  email: string;
  password: string;
}

export interface ApprovalServer {
  readonly url: string;
  readonly secret: string;
  /** Where the URL and secret were written for `byoip ... --sim`, if anywhere. */
  readonly stateFile?: string;
  close(): Promise<void>;
}

export interface ServerInfo {
  url: string;
  secret: string;
  pid: number;
  workflow?: string;
}

export const SERVER_FILE = 'approval-server.json';
const MAX_BODY = 65_536;

/** Where a running simulation leaves its approval server's address: $BYOIP_STATE_DIR, else ./.byoip. */
export function stateDir(): string {
  return process.env.BYOIP_STATE_DIR ?? join(process.cwd(), '.byoip');
}

export function readServerInfo(dir = stateDir()): ServerInfo | undefined {
  const file = join(dir, SERVER_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ServerInfo;
}

const readBody = (req: IncomingMessage) => readRequestBody(req, MAX_BODY);

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`);
}

function bearerMatches(req: IncomingMessage, secret: string): boolean {
  const given = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer /, ''));
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const SESSION_COOKIE = 'byoip_signin';

function session(secret: string, email: string, expiresAt: number): string {
  const mac = createHmac('sha256', secret).update(`${email}\n${expiresAt}`).digest('base64url');
  return `${Buffer.from(email).toString('base64url')}.${expiresAt}.${mac}`;
}

/** The signed-in email of a request, from the session cookie this server set. */
function signedIn(secret: string, cookieHeader: string | undefined): string | undefined {
  const value = (cookieHeader ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([k]) => k === SESSION_COOKIE)?.[1];
  const [who, exp] = (value ?? '').split('.');
  if (!who || !exp) return undefined;
  const email = Buffer.from(who, 'base64url').toString('utf8');
  const expected = Buffer.from(session(secret, email, Number(exp)));
  const given = Buffer.from(value!);
  return expected.length === given.length && timingSafeEqual(expected, given) && Date.now() < Number(exp) ? email : undefined;
}

function signInPage(problem?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body>
<h1>Sign in to the approval page</h1>${problem ? `<p role="alert">${problem}</p>` : ''}
<form method="post" action="/signin"><label>Email <input type="email" id="email" name="email" required></label>
<label>Password <input type="password" id="password" name="password" required></label><button type="submit" id="signin">Sign in</button></form></body></html>`;
}

/** The sign-in that stands in for the page's authorizer (Cognito hosted UI and authorizer, in AWS). */
async function serveSignIn(req: IncomingMessage, res: ServerResponse, sim: Simulator, secret: string): Promise<void> {
  const html = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' };
  if (req.method !== 'POST') {
    res.writeHead(200, html);
    res.end(signInPage());
    return;
  }
  const form = new URLSearchParams(await readBody(req));
  const users = (sim.world as { approvalSignIn?: { users?: SignInUser[] } }).approvalSignIn?.users ?? [];
  const email = (form.get('email') ?? '').trim().toLowerCase();
  const user = users.find((u) => u.email.toLowerCase() === email);
  const given = Buffer.from(form.get('password') ?? '');
  if (!user || given.length !== Buffer.byteLength(user.password) || !timingSafeEqual(given, Buffer.from(user.password))) {
    res.writeHead(401, html);
    res.end(signInPage('Wrong email or password.'));
    return;
  }
  const expiresAt = Date.now() + 3600_000;
  res.writeHead(200, { ...html, 'Set-Cookie': `${SESSION_COOKIE}=${session(secret, email, expiresAt)}; Path=/; HttpOnly; SameSite=Strict` });
  res.end(`<!doctype html><html lang="en"><body><p id="signed-in">Signed in as ${email}.</p></body></html>`);
}

/** An API Gateway proxy event for the page, with what the authorizer verified (if anyone is signed in). */
function pageEvent(o: {
  method: string;
  path: string;
  approvalId: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body?: string;
  sourceIp: string;
  email?: string;
}): APIGatewayProxyEvent {
  return {
    httpMethod: o.method,
    path: o.path,
    resource: o.path.endsWith('/decision') ? '/approvals/{approvalId}/decision' : '/approvals/{approvalId}',
    pathParameters: { approvalId: o.approvalId },
    queryStringParameters: [...o.query.keys()].length ? Object.fromEntries(o.query) : null,
    multiValueQueryStringParameters: null,
    headers: o.headers,
    multiValueHeaders: {},
    body: o.body ?? null,
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: {
      identity: { sourceIp: o.sourceIp },
      protocol: 'HTTP/1.1',
      ...(o.email ? { authorizer: { claims: { email: o.email, email_verified: 'true', sub: `sim-user:${o.email}` } } } : {}),
    },
  } as unknown as APIGatewayProxyEvent;
}

async function servePage(req: IncomingMessage, res: ServerResponse, url: URL, approvalId: string, secret: string): Promise<void> {
  const body = req.method === 'POST' ? await readBody(req) : undefined;
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const event = pageEvent({
    method: req.method ?? 'GET',
    path: url.pathname,
    approvalId,
    query: url.searchParams,
    headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    email: signedIn(secret, req.headers.cookie),
  });
  const out = await approvalPage(event);
  const outHeaders: Record<string, string | string[]> = Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k, String(v)]));
  const cookies = out.multiValueHeaders?.['Set-Cookie'];
  if (cookies) outHeaders['Set-Cookie'] = cookies.map(String);
  res.writeHead(out.statusCode, outHeaders);
  res.end(out.body);
}

async function serveApi(req: IncomingMessage, res: ServerResponse, url: URL, secret: string): Promise<void> {
  if (!bearerMatches(req, secret)) return json(res, 401, { error: 'a bearer token from .byoip/approval-server.json is required' });
  // `now` is the simulation's (virtual) time, for "how long is left".
  if (req.method === 'GET' && url.pathname === '/api/approvals') return json(res, 200, { pending: await listPending(), now: Date.now() });
  // Where an approval stands (round, status) and the simulation's time: what `byoip approve --sim` signs its proof for.
  const m = /^\/api\/approvals\/([^/]+)$/.exec(url.pathname);
  if (req.method === 'GET' && m && APPROVAL_ID_RE.test(m[1])) {
    const r = await loadApproval(m[1]);
    return r?.status
      ? json(res, 200, { approvalId: r.approvalId, round: r.round, status: r.status, now: Date.now() })
      : json(res, 404, { error: `no approval ${m[1]}` });
  }
  return json(res, 404, { error: 'not found' });
}

/**
 * Serves the approval page for `sim` on 127.0.0.1 (a random port unless given). Each request is
 * handled with the simulator connected, so the page reads and decides in the simulated AWS.
 */
export async function startApprovalServer(sim: Simulator, o: { port?: number; stateDir?: string | false; workflow?: string } = {}): Promise<ApprovalServer> {
  const secret = randomBytes(24).toString('base64url');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const page = /^\/approvals\/([^/]+)(\/decision)?$/.exec(url.pathname);
    const disconnect = connectSimulator(sim);
    const work = page
      ? servePage(req, res, url, page[1], secret)
      : url.pathname === '/signin'
        ? serveSignIn(req, res, sim, secret)
        : url.pathname.startsWith('/api/')
          ? serveApi(req, res, url, secret)
          : Promise.resolve(json(res, 404, { error: 'not found' }));
    work
      .catch((e) => {
        if (!res.headersSent) json(res, (e as { status?: number }).status ?? 500, { error: (e as Error).message });
        else res.destroy();
      })
      .finally(disconnect);
  });
  // Created before the simulation's clock is faked: the server's own timers stay real.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stateFile: string | undefined;
  const dir = o.stateDir === false ? undefined : (o.stateDir ?? stateDir());
  if (dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    stateFile = join(dir, SERVER_FILE);
    const info: ServerInfo = { url, secret, pid: process.pid, workflow: o.workflow };
    writeFileSync(stateFile, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    url,
    secret,
    stateFile,
    close: () =>
      new Promise<void>((resolve) => {
        if (dir && stateFile && readServerInfo(dir)?.secret === secret) rmSync(stateFile, { force: true });
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The approval API as a simulated web host (what API Gateway is in AWS), at the placeholder base URL:
 * in-process callers (`byoip approve` against the simulated AWS, tests) reach the page handler through
 * the one HTTP client, as they would reach API Gateway. Registered once per simulator.
 */
const hosted = new WeakSet<Simulator>();
export function hostApprovalApi(sim: Simulator): void {
  if (hosted.has(sim)) return;
  hosted.add(sim);
  const host = new URL(PLACEHOLDER_BASE_URL).host;
  sim.addHttpHost({
    matches: (req: HttpRequest) => {
      try {
        return new URL(req.url).host === host;
      } catch {
        return false;
      }
    },
    async handle(req: HttpRequest): Promise<HttpResponse> {
      const url = new URL(req.url);
      const m = /^\/approvals\/([^/]+)(\/decision)?$/.exec(url.pathname);
      if (!m) return { status: 404, headers: {}, body: '{"message":"Missing Authentication Token"}' };
      const out = await approvalPage(
        pageEvent({
          method: req.method ?? 'GET',
          path: url.pathname,
          approvalId: m[1],
          query: url.searchParams,
          headers: req.headers ?? {},
          body: req.body,
          sourceIp: '192.0.2.10',
        }),
      );
      return { status: out.statusCode, headers: Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k, String(v)])), body: out.body };
    },
  });
}
