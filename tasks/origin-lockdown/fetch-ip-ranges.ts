/**
 * Poll: fetches ip-ranges.json from the pinned URL and extracts the CloudFront origin-facing ranges.
 * The file may lag the notification (not done yet: fetch again after a Wait); an md5 mismatch at the
 * notified token fails; a newer file means this notification is superseded. Only the extracted ranges
 * travel on (the whole file would not fit Step Functions' 256 KB state).
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { extractOriginFacing, IP_RANGES_URL, judgeFetched, tokenVerdict } from '../../domain/origin-ranges';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { httpRequest } from '../lib/http';

const Event = z.object({
  url: z.literal(IP_RANGES_URL),
  expected: z.object({ syncToken: z.number(), md5: z.string() }).nullable(),
  trigger: z.object({ kind: z.enum(['notification', 'on-demand']) }).passthrough(),
  lastApplied: z.number().nullable(),
  ...PollFields,
});

export const handler = defineTask('FetchIpRanges', Event, async (input) => {
  let res;
  try {
    res = await httpRequest({ url: input.url, method: 'GET', headers: { accept: 'application/json' }, timeoutMs: 20_000 });
  } catch (e) {
    throw new WorkflowError(ErrorNames.AwsUnavailable, `cannot fetch ${input.url}: ${(e as Error).message}`);
  }
  if (res.status === 429) throw new WorkflowError(ErrorNames.AwsThrottled, `${input.url} answered ${res.status}`);
  if (res.status >= 500) throw new WorkflowError(ErrorNames.AwsUnavailable, `${input.url} answered ${res.status}`);
  if (res.status !== 200) throw new WorkflowError(ErrorNames.UnexpectedResponse, `${input.url} answered ${res.status}; expected 200 with the document`);
  const doc = extractOriginFacing(res.body);
  const verdict = judgeFetched(doc, input.expected);
  const what = `ip-ranges.json with syncToken ${input.expected?.syncToken ?? '(any)'}`;
  const about = { syncToken: doc.syncToken, createDate: doc.createDate, md5: doc.md5, totals: doc.totals, verdict: verdict.kind };
  if (verdict.kind === 'not-yet-published') return pollResult(input, false, what, { ...about, skip: false, reason: `the served file (syncToken ${doc.syncToken}) is older than the notification` });
  if (verdict.kind === 'superseded') {
    return pollResult(input, true, what, { ...about, skip: true, reason: `a newer file (syncToken ${doc.syncToken}) is already published; its own notification will apply it` });
  }
  const token = tokenVerdict(input.trigger, doc.syncToken, input.lastApplied);
  return pollResult(input, true, what, { ...about, skip: !token.apply, reason: token.reason, ipv4: doc.ipv4, ipv6: doc.ipv6 });
});
