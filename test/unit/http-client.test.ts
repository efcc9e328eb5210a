/**
 * The one HTTP client for the internet's services (platform/http.ts fetchJson): retries with back-off
 * for what may pass, a size limit, redirects (https only), zod validation, and failures classified as
 * InternetServiceUnavailable (retryable) or InternetResponseInvalid (not). Back-off runs on a virtual clock.
 */
import * as z from 'zod';
import { VirtualClock } from '../../sim/clock';
import { fetchJson, installHttpTransport, type HttpRequest, type HttpResponse } from '../../platform/http';

const Doc = z.object({ status: z.literal('ok'), data: z.object({ n: z.number() }) });
const ok = (body: unknown = { status: 'ok', data: { n: 1 } }): HttpResponse => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Serves `answers` in order (an Error is thrown like a network failure) and records the requests. */
function serve(answers: Array<HttpResponse | Error>) {
  const seen: HttpRequest[] = [];
  installHttpTransport(async (req) => {
    seen.push(req);
    const a = answers.shift();
    if (!a) throw new Error('no more answers');
    if (a instanceof Error) throw a;
    return a;
  });
  return seen;
}

const run = <T>(fn: () => Promise<T>) => new VirtualClock(Date.parse('2026-12-01T08:00:00Z')).drive(fn);
const req = { url: 'https://stat.ripe.net/data/x/data.json', schema: Doc, what: 'RIPEstat x' };

afterEach(() => installHttpTransport(undefined));

describe('fetchJson', () => {
  it('retries 503, 429 and network errors with back-off, then answers', async () => {
    const seen = serve([{ status: 503, headers: {}, body: 'busy' }, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), ok()]);
    const started = Date.now();
    const res = await run(() => fetchJson({ ...req, attempts: 3 }));
    expect(res).toEqual({ status: 200, data: { status: 'ok', data: { n: 1 } }, url: req.url });
    expect(seen).toHaveLength(3);
    expect(seen.every((r) => r.redirect === 'manual' && r.maxBytes === 2 * 1024 * 1024 && r.timeoutMs === 8000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000); // the waits were virtual
  });

  it('gives up as InternetServiceUnavailable (retryable) after its attempts', async () => {
    serve([
      { status: 502, headers: {}, body: '' },
      { status: 429, headers: { 'retry-after': '1' }, body: '' },
    ]);
    await expect(run(() => fetchJson({ ...req, attempts: 2 }))).rejects.toMatchObject({
      name: 'InternetServiceUnavailable',
      message: 'RIPEstat x: stat.ripe.net answered HTTP 429 (2 attempts)',
    });
  });

  it.each([
    ['a 403', { status: 403, headers: {}, body: 'forbidden' }, /answered HTTP 403/],
    ['not JSON', { status: 200, headers: {}, body: '<html>maintenance</html>' }, /did not answer JSON \(<html>maintenance<\/html>/],
    ['another format', ok({ status: 'ok', data: { n: 'one' } }), /unexpected format \(data\.n: /],
    ['an error envelope', ok({ status: 'error', data: {} }), /unexpected format \(status: /],
  ])('fails at once as InternetResponseInvalid on %s', async (_n, answer, message) => {
    const seen = serve([answer as HttpResponse, ok()]);
    await expect(run(() => fetchJson(req))).rejects.toMatchObject({ name: 'InternetResponseInvalid', message: expect.stringMatching(message) });
    expect(seen).toHaveLength(1);
  });

  it('answers a status the caller expects without a body (RDAP 404)', async () => {
    serve([{ status: 404, headers: {}, body: '{"errorCode":404}' }]);
    await expect(run(() => fetchJson({ ...req, emptyStatuses: [404] }))).resolves.toEqual({ status: 404, data: undefined, url: req.url });
  });

  it('refuses an answer over the size limit without retrying', async () => {
    const seen = serve([ok({ status: 'ok', data: { n: 1 }, pad: 'x'.repeat(2000) }), ok()]);
    await expect(run(() => fetchJson({ ...req, maxBytes: 1024 }))).rejects.toMatchObject({
      name: 'InternetResponseInvalid',
      message: expect.stringMatching(/larger than 1024 bytes/),
    });
    expect(seen).toHaveLength(1);
  });

  it("follows an RIR's referral to another RIR, but never from https to http", async () => {
    const seen = serve([{ status: 301, headers: { location: 'https://rdap.db.ripe.net/ip/193.0.20.0/22' }, body: '' }, ok()]);
    const res = await run(() => fetchJson({ ...req, url: 'https://rdap.arin.net/registry/ip/193.0.20.0/22' }));
    expect(seen.map((r) => r.url)).toEqual(['https://rdap.arin.net/registry/ip/193.0.20.0/22', 'https://rdap.db.ripe.net/ip/193.0.20.0/22']);
    expect(res.url).toBe('https://rdap.db.ripe.net/ip/193.0.20.0/22');
    serve([{ status: 302, headers: { location: 'http://rdap.example.net/ip/193.0.20.0/22' }, body: '' }]);
    await expect(run(() => fetchJson(req))).rejects.toMatchObject({ name: 'InternetResponseInvalid', message: expect.stringMatching(/not https/) });
  });
});
