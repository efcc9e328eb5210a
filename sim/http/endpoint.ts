/**
 * `byoip serve`: the simulated AWS on 127.0.0.1, for the AWS CLI, any SDK or an operator's own scripts
 * (`--endpoint-url`). Requests are SigV4-signed as for AWS (the signature itself is not checked: this is
 * a rehearsal, not a security boundary); the credential scope names the service and Region, and the
 * access key id names the account: a 12-digit access key id is that account, any other is the world's
 * default account. The virtual clock follows the wall clock × speed between requests, so resources
 * provision, deploy and propagate while the operator works.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAwsError, isNetworkError } from '../aws-error';
import { operationModel } from '../sdk-model';
import { ATTRIBUTION_HEADER, asSdkException } from '../transport';
import type { Attribution, Simulator } from '../simulator';
import { operationOf, readInput, serviceWire, SIGNING_NAMES, writeError, writeOutput, type WireRequest, type WireResponse } from './wire';

export interface EndpointOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Virtual seconds per wall second (1 = real time). */
  speed?: number;
  /** Called for each request (for the serve command's log). */
  onRequest?: (line: string) => void;
}

export interface Endpoint {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Who is calling, and for which service and Region, from the SigV4 Authorization header. */
export function callerOf(sim: Simulator, authorization: string | undefined): { account: string; service?: string; region?: string } {
  const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  const key = m?.[1];
  const account = key && /^\d{12}$/.test(key) && sim.account(key) ? key : sim.world.defaultAccount;
  return { account, region: m?.[2], service: m ? SIGNING_NAMES[m[3]] : undefined };
}

export async function handleWireRequest(sim: Simulator, req: WireRequest): Promise<{ response: WireResponse; line: string }> {
  const caller = callerOf(sim, req.headers.authorization);
  if (!caller.service) {
    return {
      response: {
        status: 400,
        headers: { 'content-type': 'text/plain' },
        body: 'byoip serve: sign the request with SigV4 for a simulated service (ec2, cloudfront, route53, dynamodb, globalaccelerator, states, secretsmanager, sns, sts, ram, servicequotas, cloudformation)\n',
      },
      line: `${req.method} ${req.url} → 400 unsigned or unknown service`,
    };
  }
  const wire = serviceWire(caller.service);
  const form = wire.protocol === 'ec2' || wire.protocol === 'query' ? new URLSearchParams(req.body || new URL(req.url, 'http://sim').search) : undefined;
  const { operation, labels } = operationOf(wire, req, form);
  const region = caller.region ?? sim.world.defaultRegion;
  const fail = (e: { name: string; message: string; $fault?: string; $metadata?: { httpStatusCode?: number } }) => ({
    response: writeError(wire, e),
    line: `${caller.account} ${region} ${wire.service}:${operation || '?'} → ${e.name}`,
  });
  if (!operation)
    return fail({
      name: wire.protocol === 'json' ? 'UnknownOperationException' : 'InvalidAction',
      message: `${wire.service} has no operation at ${req.method} ${req.url}`,
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
  let input: Record<string, unknown>;
  try {
    input = readInput(wire, operation, req, labels, form);
  } catch (e) {
    return fail({
      name: wire.protocol === 'ec2' ? 'InvalidParameterValue' : 'ValidationException',
      message: `could not read the ${operation} request: ${(e as Error).message}`,
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
  }
  try {
    const who = req.headers[ATTRIBUTION_HEADER] ? (JSON.parse(req.headers[ATTRIBUTION_HEADER]!) as Attribution) : undefined;
    const member = operationModel(wire.service, operation)?.idempotencyToken;
    const idempotencyToken = member && typeof input[member] === 'string' ? (input[member] as string) : undefined;
    const output = (await sim.call({ service: wire.service, operation, account: caller.account, region, input, idempotencyToken, who })) as Record<
      string,
      unknown
    >;
    return { response: writeOutput(wire, operation, output), line: `${caller.account} ${region} ${wire.service}:${operation} → 200` };
  } catch (e) {
    if (isNetworkError(e)) throw e;
    if (!isAwsError(e)) throw e;
    return fail(asSdkException(wire.service, e) as never);
  }
}

/** A request's body as text, refused (status 413) past `maxBytes`: the simulator's local servers share it. */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Larger than any request the simulated operations take (CloudFront's distribution configs are the largest). */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

export async function startEndpoint(sim: Simulator, opts: EndpointOptions = {}): Promise<Endpoint> {
  const speed = opts.speed ?? 1;
  let wallAt = Date.now();
  // One request at a time: the simulator's operations read and settle shared state.
  let queue: Promise<unknown> = Promise.resolve();
  const server: Server = createServer((req, res) => {
    const work = queue.then(async () => {
      const now = Date.now();
      // speed 0: a rehearsal drives the clock itself.
      if (speed > 0) sim.clock.advance(Math.max(0, now - wallAt) * speed);
      wallAt = now;
      const body = await readRequestBody(req, MAX_REQUEST_BYTES);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
      try {
        const { response, line } = await handleWireRequest(sim, { method: req.method ?? 'GET', url: req.url ?? '/', headers, body });
        opts.onRequest?.(line);
        res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body), connection: 'close' });
        res.end(response.body);
      } catch (e) {
        opts.onRequest?.(`${req.method} ${req.url} → connection closed (${(e as Error).message})`);
        res.destroy();
      }
    });
    queue = work.catch(() => undefined);
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
