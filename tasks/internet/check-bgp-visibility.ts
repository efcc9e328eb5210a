/**
 * Poll, after the advertisement: each prefix seen from the expected origin by at least the configured
 * share of RIS collector peers (looking-glass, near real time), no origin that is neither expected nor
 * old, the old origins gone (the previous provider withdrew), and the expected origin RPKI-valid.
 * Past the deadline it fails with BgpVisibilityFailed, and it never withdraws anything: the workflows
 * send that failure to a stop without rollback (docs/runbook.md "BGP visibility").
 */
import * as z from 'zod';
import { judgeVisibility } from '../../domain/internet/bgp';
import { InternetChecksInputSchema, NO_SKIP, visibilityFailureMessage, type VisibilityResult } from '../../domain/internet/evidence';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { PollFields, pollResult } from '../lib/common';
import { deployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';
import { advertisablePrefixes, lookingGlass, mapLimit, routingStatus, RpkiSource } from '../../platform/internet/evidence';

const Baseline = z.object({ prefix: z.string(), origins: z.array(z.number()), totalPeers: z.number() }).passthrough();

const Event = z.object({
  prefixes: z.array(z.string()).min(1),
  /** "AWS"/16509, or the customer's ASN (BYOASN). */
  expectedOrigin: z.union([z.number().int(), z.string().regex(/^(AWS|\d{1,10})$/)]).transform((v) => (v === 'AWS' ? 16509 : Number(v))),
  /** $.preflight: its baseline gives the old origins and the peer count; skipped there means skipped here. */
  preflight: z.object({ skipped: z.boolean(), skipReason: z.string().nullable(), bgp: z.array(Baseline) }).passthrough(),
  internetChecks: InternetChecksInputSchema.optional(),
  ...PollFields,
});

export const handler = defineTask('CheckBgpVisibility', Event, async (input) => {
  const cfg = deployment().internet;
  const what = `BGP visibility of ${input.prefixes.join(', ')} from AS${input.expectedOrigin}`;
  const base = { expectedOrigin: input.expectedOrigin, thresholdPercent: cfg.bgp.visibilityPercent, deadlineSeconds: cfg.bgp.deadlineSeconds };
  const skipReason = (input.internetChecks ?? NO_SKIP).skipPreflight
    ? "the input skips this run's internet checks (internetChecks.skipPreflight)"
    : cfg.checks === 'off'
      ? "the deployment's internet checks are off"
      : null;
  if (skipReason) {
    const result: VisibilityResult = { ...base, skipped: true, skipReason, prefixes: [], summary: [`BGP visibility NOT CHECKED: ${skipReason}.`] };
    return pollResult(input, true, what, result);
  }
  const baselines = new Map(input.preflight.bgp.map((b) => [b.prefix, b]));
  const rpki = new RpkiSource(cfg);
  const prefixes = await mapLimit(advertisablePrefixes(input.prefixes), 4, async (prefix) => {
    const before = baselines.get(prefix);
    const totalPeers = before?.totalPeers || (await routingStatus(cfg, prefix)).totalPeers;
    const judged = judgeVisibility({
      sample: await lookingGlass(cfg, prefix),
      expectedOrigin: input.expectedOrigin,
      oldOrigins: (before?.origins ?? []).filter((o) => o !== input.expectedOrigin),
      totalPeers,
      thresholdPercent: cfg.bgp.visibilityPercent,
      oldOriginMaxPercent: cfg.bgp.oldOriginMaxPercent,
      requireOldOriginGone: cfg.bgp.requireOldOriginGone,
    });
    if (!judged.ok) return { ...judged, rpki: null };
    const { status } = await rpki.validate(prefix, input.expectedOrigin);
    if (status === 'valid') return { ...judged, rpki: status };
    return { ...judged, ok: false, rpki: status, problems: [`${prefix} from AS${input.expectedOrigin} is RPKI ${status}: networks that validate drop it`] };
  });
  const done = prefixes.every((p) => p.ok);
  const summary = prefixes.map(
    (p) =>
      `${p.prefix}: AS${input.expectedOrigin} seen by ${p.expectedPeers} of ${p.totalPeers} collector peers (${p.expectedPercent} %)` +
      `${p.oldOrigins.length ? `; old ${p.oldOrigins.map((o) => `AS${o.origin} ${o.percent} %`).join(', ')}` : ''}${p.rpki ? `; RPKI ${p.rpki}` : ''}`,
  );
  const result: VisibilityResult = { ...base, skipped: false, skipReason: null, prefixes, summary };
  const waited = (Date.now() - (input.poll.startedAt ?? Date.now())) / 1000;
  if (!done && waited >= cfg.bgp.deadlineSeconds) {
    throw new WorkflowError(
      ErrorNames.BgpVisibilityFailed,
      visibilityFailureMessage({ prefixes, waitedSeconds: waited, deadlineSeconds: cfg.bgp.deadlineSeconds, expectedOrigin: input.expectedOrigin }),
    );
  }
  return pollResult(input, done, what, result);
});
