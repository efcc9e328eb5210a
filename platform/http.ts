/**
 * Plain HTTP(S) from tasks (fetching ip-ranges.json, probing an edge, RDAP, RIPEstat, validator
 * exports) through one function, so the simulator can serve it exactly as it serves the AWS APIs. In
 * AWS this is global fetch.
 *
 * `fetchJson` is the client for the internet's public services: a timeout per attempt, a few retries
 * with jittered back-off for what may pass (network errors, timeouts, 5xx, 429), a size limit, redirects
 * followed (https only), and every answer validated against its real format with zod. Failures are
 * classified: InternetServiceUnavailable (retryable: the ASL retries the task) or
 * InternetResponseInvalid (not: a 4xx, an answer too large, not JSON, or not in the expected format).
 */
import type * as z from 'zod';
import { ErrorNames, WorkflowError } from '../domain/errors';

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Connect to this address instead of resolving the URL's host (probing a name before DNS points at it). */
  connectTo?: string;
  timeoutMs?: number;
  /** Stop reading (and fail with code ERESPONSETOOLARGE) past this many bytes of body. */
  maxBytes?: number;
  /** `manual` returns a 3xx as it is (fetchJson follows it itself, https only); default: follow. */
  redirect?: 'follow' | 'manual';
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type HttpTransport = (req: HttpRequest) => Promise<HttpResponse>;

let transport: HttpTransport | undefined;

/** Installed by the simulator; undefined means the real network. */
export function installHttpTransport(t: HttpTransport | undefined): void {
  transport = t;
}

function tooLarge(url: string, limit: number): Error {
  return Object.assign(new Error(`${url}: the answer is larger than ${limit} bytes`), { code: 'ERESPONSETOOLARGE' });
}

async function readLimited(res: Response, url: string, maxBytes: number | undefined): Promise<string> {
  if (maxBytes === undefined || !res.body) return res.text();
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body.cancel();
    throw tooLarge(url, maxBytes);
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(url, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  if (transport) {
    const res = await transport(req);
    if (req.maxBytes !== undefined && Buffer.byteLength(res.body) > req.maxBytes) throw tooLarge(req.url, req.maxBytes);
    return res;
  }
  if (req.connectTo) throw new Error('connectTo needs a custom agent; not supported by the fetch transport');
  const res = await fetch(req.url, {
    method: req.method ?? 'GET',
    headers: req.headers,
    body: req.body,
    redirect: req.redirect ?? 'manual',
    signal: AbortSignal.timeout(req.timeoutMs ?? 10_000),
  });
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: await readLimited(res, req.url, req.maxBytes) };
}

// ------------------------------------------------------------------ JSON from public services

const RETRYABLE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

export interface JsonRequest<S extends z.ZodType> {
  url: string;
  /** The answer's real format. */
  schema: S;
  /** For messages: "RDAP record of 198.18.0.0/22 at ARIN". */
  what: string;
  accept?: string;
  timeoutMs?: number;
  attempts?: number;
  maxBytes?: number;
  /** Statuses answered without a body to validate (e.g. 404 from RDAP: "no such record"). */
  emptyStatuses?: number[];
}

export interface JsonResponse<T> {
  status: number;
  /** Undefined for an `emptyStatuses` answer. */
  data: T | undefined;
  /** The URL that answered (after redirects). */
  url: string;
}

const unavailable = (what: string, detail: string) => new WorkflowError(ErrorNames.InternetServiceUnavailable, `${what}: ${detail}`);
const invalid = (what: string, detail: string) => new WorkflowError(ErrorNames.InternetResponseInvalid, `${what}: ${detail}`);

/** Full-jitter exponential back-off: 0.5 s, 1 s, 2 s ... at most 5 s (Retry-After, when given, up to 5 s). */
function backoffMs(attempt: number, retryAfter?: string): number {
  const hinted = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
  if (hinted !== undefined) return Math.min(hinted, 5000);
  return Math.round(Math.random() * Math.min(5000, 500 * 2 ** attempt));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describeNetworkError(e: unknown): { retryable: boolean; text: string } {
  const err = e as Error & { code?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  if (code === 'ERESPONSETOOLARGE') return { retryable: false, text: err.message };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return { retryable: true, text: 'timed out' };
  if (code && RETRYABLE_CODES.has(code)) return { retryable: true, text: `${code} (${err.message})` };
  return { retryable: true, text: err.message };
}

/** GET a JSON document, validated against `schema`; see the module comment for retries and classification. */
export async function fetchJson<S extends z.ZodType>(req: JsonRequest<S>): Promise<JsonResponse<z.infer<S>>> {
  const attempts = req.attempts ?? 3;
  let url = req.url;
  let last = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt - 1, undefined));
    let res: HttpResponse;
    try {
      res = await followRedirects(url, req);
    } catch (e) {
      if (e instanceof WorkflowError) throw e;
      const d = describeNetworkError(e);
      if (!d.retryable) throw invalid(req.what, d.text);
      last = `cannot reach ${hostOf(url)}: ${d.text}`;
      continue;
    }
    url = res.headers['x-final-url'] ?? url;
    if (res.status === 429 || res.status >= 500) {
      last = `${hostOf(url)} answered HTTP ${res.status}`;
      if (attempt < attempts - 1) await sleep(backoffMs(attempt, res.headers['retry-after']));
      continue;
    }
    if (req.emptyStatuses?.includes(res.status)) return { status: res.status, data: undefined, url };
    if (res.status !== 200) throw invalid(req.what, `${url} answered HTTP ${res.status}`);
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      throw invalid(req.what, `${url} did not answer JSON (${res.body.slice(0, 80).replace(/\s+/g, ' ')}...)`);
    }
    const parsed = req.schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw invalid(req.what, `${url} answered in an unexpected format (${issues})`);
    }
    return { status: 200, data: parsed.data, url };
  }
  throw unavailable(req.what, `${last} (${attempts} attempt${attempts > 1 ? 's' : ''})`);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Follows up to 3 redirects, never from https to http (an RDAP server may refer to the RIR that holds a block). */
async function followRedirects<S extends z.ZodType>(start: string, req: JsonRequest<S>): Promise<HttpResponse> {
  let url = start;
  for (let hop = 0; hop <= 3; hop++) {
    const res = await httpRequest({
      url,
      redirect: 'manual',
      headers: { accept: req.accept ?? 'application/json' },
      timeoutMs: req.timeoutMs ?? 8000,
      maxBytes: req.maxBytes ?? 2 * 1024 * 1024,
    });
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.status) || !location) return { ...res, headers: { ...res.headers, 'x-final-url': url } };
    const next = new URL(location, url);
    if (next.protocol !== 'https:') throw invalid(req.what, `${url} redirects to ${next.href}, which is not https`);
    url = next.href;
  }
  throw invalid(req.what, `${start}: too many redirects`);
}
