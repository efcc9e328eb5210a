/**
 * The approval page, served on 127.0.0.1 for a simulation (`byoip simulate --approve prompt`): the same
 * Lambda handler API Gateway runs in AWS, fed API Gateway proxy events. The emailed links point here.
 *
 * For `byoip approvals|approve|reject --sim`, a small JSON API decides through the same code path
 * (decideApproval). It needs the bearer secret written, with the URL, to .byoip/approval-server.json
 * (mode 0600): only the operator who started the simulation can use it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { APPROVAL_ID_RE } from '../domain/approval';
import type { Simulator } from '../sim/simulator';
import { connectSimulator } from '../sim/transport';
import { handler as approvalPage } from '../tasks/approval/approval-page';
import { decideApproval, listPending } from '../tasks/approval/store';

export interface ApprovalServer {
  readonly url: string;
  readonly secret: string;
  /** Where the URL and secret were written for `byoip ... --sim`, if anywhere. */
  readonly stateFile?: string;
  close(): Promise<void>;
}

export interface ServerInfo { url: string; secret: string; pid: number; workflow?: string }

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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`);
}

function bearerMatches(req: IncomingMessage, secret: string): boolean {
  const given = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer /, ''));
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function servePage(req: IncomingMessage, res: ServerResponse, url: URL, approvalId: string): Promise<void> {
  const body = req.method === 'POST' ? await readBody(req) : undefined;
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const event = {
    httpMethod: req.method ?? 'GET', path: url.pathname, resource: '/approvals/{approvalId}', pathParameters: { approvalId },
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : null, multiValueQueryStringParameters: null,
    headers, multiValueHeaders: {}, body: body ?? null, isBase64Encoded: false, stageVariables: null,
    requestContext: { identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' }, protocol: 'HTTP/1.1' },
  } as unknown as APIGatewayProxyEvent;
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
  const m = /^\/api\/approvals\/([^/]+)$/.exec(url.pathname);
  if (req.method === 'POST' && m && APPROVAL_ID_RE.test(m[1])) {
    const body = JSON.parse((await readBody(req)) || '{}') as { decision?: string; as?: string; reason?: string };
    if (body.decision !== 'approve' && body.decision !== 'reject') return json(res, 400, { error: 'decision must be approve or reject' });
    const outcome = await decideApproval({ approvalId: m[1], approve: body.decision === 'approve', identity: body.as, reason: body.reason, via: `byoip ${body.decision}` });
    return json(res, 200, { outcome });
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
    const page = /^\/approvals\/([^/]+)$/.exec(url.pathname);
    const disconnect = connectSimulator(sim);
    const work = page ? servePage(req, res, url, page[1]) : url.pathname.startsWith('/api/') ? serveApi(req, res, url, secret) : Promise.resolve(json(res, 404, { error: 'not found' }));
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
  const dir = o.stateDir === false ? undefined : o.stateDir ?? stateDir();
  if (dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    stateFile = join(dir, SERVER_FILE);
    const info: ServerInfo = { url, secret, pid: process.pid, workflow: o.workflow };
    writeFileSync(stateFile, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    url, secret, stateFile,
    close: () => new Promise<void>((resolve) => {
      if (dir && stateFile && readServerInfo(dir)?.secret === secret) rmSync(stateFile, { force: true });
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
