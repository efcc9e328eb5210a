/**
 * Poll: fetches ip-ranges.json from the pinned URL (redirects refused) and extracts the CloudFront
 * origin-facing ranges, after the document's sanity checks (domain/origin-ranges.ts). The file may lag
 * the notification (not done yet: fetch again after a Wait); an md5 mismatch at the notified token
 * fails; a newer file means this notification is superseded. An on-demand run checks the md5 a
 * notification announced for the same token, and the one last applied. Only the extracted ranges
 * travel on (the whole file would not fit Step Functions' 256 KB state).
 */
import * as z from 'zod';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { extractOriginFacing, IP_RANGES_URL, judgeFetched, tokenVerdict } from '../../domain/origin-ranges';
import { PollFields, pollResult } from '../lib/common';
import { defineTask } from '../lib/handler';
import { httpRequest } from '../../platform/http';
import { notifiedMd5s } from './sync-token-store';

const Event = z.object({
  syncName: z.string(),
  url: z.literal(IP_RANGES_URL),
  expected: z.object({ syncToken: z.number(), md5: z.string() }).nullable(),
  trigger: z.object({ kind: z.enum(['notification', 'on-demand']) }).passthrough(),
  lastApplied: z.number().nullable(),
  lastAppliedMd5: z.string().nullable().default(null),
  ...PollFields,
});

/** The md5s an on-demand run's document must be one of: announced for its token, or the version applied last. */
async function knownMd5s(input: z.infer<typeof Event>, syncToken: number): Promise<{ md5s: string[]; source: string } | undefined> {
  const notified = await notifiedMd5s(input.syncName, syncToken);
  if (notified.length) return { md5s: notified, source: `the notification(s) for syncToken ${syncToken}` };
  if (input.lastApplied === syncToken && input.lastAppliedMd5)
    return { md5s: [input.lastAppliedMd5], source: `the version applied last (syncToken ${syncToken})` };
  return undefined;
}

export const handler = defineTask('FetchIpRanges', Event, async (input) => {
  let res;
  try {
    res = await httpRequest({ url: input.url, method: 'GET', headers: { accept: 'application/json' }, timeoutMs: 20_000 });
  } catch (e) {
    throw new WorkflowError(ErrorNames.AwsUnavailable, `cannot fetch ${input.url}: ${(e as Error).message}`);
  }
  if (res.status >= 300 && res.status < 400) {
    throw new WorkflowError(
      ErrorNames.SafetyViolation,
      `${input.url} answered ${res.status} (a redirect to ${res.headers.location ?? 'somewhere else'}); redirects are refused: the document is read only from the pinned URL. Nothing was changed`,
    );
  }
  if (res.status === 429) throw new WorkflowError(ErrorNames.AwsThrottled, `${input.url} answered ${res.status}`);
  if (res.status >= 500) throw new WorkflowError(ErrorNames.AwsUnavailable, `${input.url} answered ${res.status}`);
  if (res.status !== 200) throw new WorkflowError(ErrorNames.UnexpectedResponse, `${input.url} answered ${res.status}; expected 200 with the document`);
  const doc = extractOriginFacing(res.body);
  const verdict = judgeFetched(doc, input.expected);
  const what = `ip-ranges.json with syncToken ${input.expected?.syncToken ?? '(any)'}`;
  const about = { syncToken: doc.syncToken, createDate: doc.createDate, md5: doc.md5, totals: doc.totals, verdict: verdict.kind };
  if (verdict.kind === 'not-yet-published')
    return pollResult(input, false, what, { ...about, skip: false, reason: `the served file (syncToken ${doc.syncToken}) is older than the notification` });
  if (verdict.kind === 'superseded') {
    return pollResult(input, true, what, {
      ...about,
      skip: true,
      reason: `a newer file (syncToken ${doc.syncToken}) is already published; its own notification will apply it`,
    });
  }
  const token = tokenVerdict(input.trigger, doc.syncToken, input.lastApplied);
  let md5Check = input.expected ? 'matches the notification' : 'no notification seen for this syncToken; the document passed the sanity checks';
  if (!input.expected && token.apply) {
    const known = await knownMd5s(input, doc.syncToken);
    if (known && !known.md5s.includes(doc.md5)) {
      throw new WorkflowError(
        ErrorNames.UnexpectedResponse,
        `md5 mismatch: ${input.url} (syncToken ${doc.syncToken}) has md5 ${doc.md5}, but ${known.source} announced ${known.md5s.join(', ')}; nothing was changed`,
        { got: doc.md5, expected: known.md5s, syncToken: doc.syncToken },
      );
    }
    if (known) md5Check = `matches ${known.source}`;
  }
  return pollResult(input, true, what, { ...about, md5Check, skip: !token.apply, reason: token.reason, ipv4: doc.ipv4, ipv6: doc.ipv6 });
});
