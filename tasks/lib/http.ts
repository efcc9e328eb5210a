/**
 * Plain HTTP(S) from tasks (fetching ip-ranges.json, probing an edge) through one function, so the
 * simulator can serve it exactly as it serves the AWS APIs. In AWS this is global fetch.
 */
export interface HttpRequest {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Connect to this address instead of resolving the URL's host (probing a name before DNS points at it). */
  connectTo?: string;
  timeoutMs?: number;
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

export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  if (transport) return transport(req);
  if (req.connectTo) throw new Error('connectTo needs a custom agent; not supported by the fetch transport');
  // Redirects are never followed: the caller sees the 3xx (a pinned URL that redirects is refused, a probe reports it).
  const res = await fetch(req.url, { method: req.method ?? 'GET', headers: req.headers, body: req.body, redirect: 'manual', signal: AbortSignal.timeout(req.timeoutMs ?? 10_000) });
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: await res.text() };
}
