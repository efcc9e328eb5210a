/**
 * The RIPEstat Data API envelope (https://stat.ripe.net/docs/data-api): every data call answers
 * {status, status_code, messages, data_call_name, version, ..., data}. A `status` other than "ok" is
 * an error whatever the HTTP status was.
 */
import * as z from 'zod';

export function RipestatEnvelope<D extends z.ZodType>(data: D) {
  return z
    .object({
      status: z.literal('ok'),
      status_code: z.number().optional(),
      data_call_name: z.string().optional(),
      version: z.string().optional(),
      messages: z.array(z.array(z.string())).default([]),
      time: z.string().optional(),
      data,
    })
    .passthrough();
}

/** A data call's URL: {base}{call}/data.json?{params}&sourceapp={app} (RIPEstat asks callers to name themselves). */
export function ripestatUrl(base: string, call: string, params: Record<string, string>, sourceApp: string): string {
  const root = base.endsWith('/') ? base : `${base}/`;
  const q = new URLSearchParams({ ...params, sourceapp: sourceApp });
  return `${root}${call}/data.json?${q.toString()}`;
}
