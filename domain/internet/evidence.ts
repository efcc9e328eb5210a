/**
 * The pre-flight and the after-advertisement verdicts as the workflows carry them (pure): what a
 * workflow asks to be checked, the result shape tasks return, the failure message an operator reads
 * (each problem names the prefix or ASN and the registry, with the fix and how long it takes), and
 * the lines the approval plan shows.
 */
import * as z from 'zod';
import { shortText } from '../validation';
import type { BgpBaseline, VisibilityJudgement } from './bgp';
import type { RdapFinding } from './rdap';
import type { RpkiFinding } from './rpki';

/** Amazon's origin ASNs a BYOIP ROA must authorize (aws-api-facts §8.1 P2). */
export const AMAZON_ASNS = [16509, 14618] as const;
/** Global Accelerator BYOIP announces from AS16509. */
export const GLOBAL_ACCELERATOR_ASN = 16509;
/** The origin AWS advertises from unless a BYOASN is used. */
export const AWS_ORIGIN_ASN = 16509;

/** The input's `internetChecks` (onboard-cloudfront-byoip, static-ip-byoip, byoasn-onboard). */
export const InternetChecksInputSchema = z
  .object({
    /** Skip the pre-flight (networks that cannot reach RDAP/RPKI/RIS). Recorded and shown in the approval. */
    skipPreflight: z.boolean().default(false),
    /** Why; shown to the approvers with the skip. */
    reason: shortText(500).optional(),
  })
  .strict()
  .refine((v) => !v.skipPreflight || v.reason, { message: 'skipPreflight needs a reason (it is shown to the approvers)', path: ['reason'] });
export type InternetChecksInput = z.infer<typeof InternetChecksInputSchema>;

export const NO_SKIP: InternetChecksInput = { skipPreflight: false };

/** The pre-flight result every workflow stores at $.preflight (same shape when skipped: later states read it). */
export interface PreflightResult {
  skipped: boolean;
  /** Why the checks did not run. */
  skipReason: string | null;
  passed: boolean;
  checkedAt: string;
  sources: { rdap: string; rpki: string; bgp: string };
  rdap: RdapFinding[];
  rpki: RpkiFinding[];
  bgp: BgpBaseline[];
  /** One line per check for the approval plan and the report. */
  summary: string[];
}

/** What a plan task reads of $.preflight. */
export const PreflightEvidence = z
  .object({ skipped: z.boolean(), skipReason: z.string().nullable(), passed: z.boolean(), summary: z.array(z.string()) })
  .passthrough();

export function skippedPreflight(reason: string, now: Date): PreflightResult {
  return {
    skipped: true,
    skipReason: reason,
    passed: false,
    checkedAt: now.toISOString(),
    sources: { rdap: 'not checked', rpki: 'not checked', bgp: 'not checked' },
    rdap: [],
    rpki: [],
    bgp: [],
    summary: [`Pre-flight internet checks SKIPPED: ${reason}. The RDAP certificate, the ROAs and the current routes were not checked.`],
  };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** The summary lines: what was checked and found, one line per kind, then each problem. */
export function summarizePreflight(r: Omit<PreflightResult, 'summary' | 'passed'>): { passed: boolean; summary: string[] } {
  const problems = [...r.rdap, ...r.rpki].filter((f) => !f.ok);
  const lines: string[] = [];
  const certs = r.rdap.filter((f) => f.ok);
  if (certs.length) {
    lines.push(
      `RDAP: ${certs.map((f) => `${f.resource} at ${f.registry} (${f.handle ?? f.range ?? ''}) carries the signing key's certificate, valid until ${f.certificate?.validTo.slice(0, 10)}`).join('; ')}`,
    );
  }
  const valid = r.rpki.filter((f) => f.ok);
  if (valid.length) {
    const origins = unique(valid.map((f) => f.origin));
    const prefixes = unique(valid.map((f) => f.prefix));
    lines.push(`RPKI (${r.sources.rpki}): valid for ${origins.map((o) => `AS${o}`).join(', ')} on ${prefixes.join(', ')}`);
  }
  for (const b of r.bgp) {
    const seen = b.totalPeers ? ` seen by ${b.peersSeeing} of ${b.totalPeers} RIS peers` : '';
    lines.push(
      `BGP before (${b.queryTime}): ${b.prefix} ${b.origins.length ? `originated by ${b.origins.map((o) => `AS${o}`).join(', ')}${seen}` : 'not announced'}` +
        (b.lessSpecifics.length ? `; covered by ${b.lessSpecifics.map((s) => `${s.prefix} from AS${s.origin}`).join(', ')}` : '') +
        (b.moreSpecifics.length ? `; more specific: ${b.moreSpecifics.map((s) => `${s.prefix} from AS${s.origin}`).join(', ')}` : ''),
    );
  }
  for (const p of problems) lines.push(`PROBLEM: ${p.problem}`);
  return { passed: problems.length === 0, summary: lines };
}

/** The message of PreflightCheckFailed: every problem, then each fix once (with the problems it fixes) and how long it takes. */
export function preflightFailureMessage(r: PreflightResult): string {
  const problems = [...r.rdap, ...r.rpki].filter((f) => !f.ok);
  const fixes = new Map<string, number[]>();
  problems.forEach((p, i) => {
    if (p.fix) fixes.set(p.fix, [...(fixes.get(p.fix) ?? []), i + 1]);
  });
  return [
    `Pre-flight: ${problems.length} problem(s) outside AWS; nothing was changed in AWS (docs/runbook.md "Pre-flight").`,
    ...problems.map((p, i) => `${i + 1}. ${p.problem}.`),
    'What to do:',
    ...[...fixes.entries()].map(([fix, which]) => `- (${which.join(', ')}) ${fix}.`),
    'Then run the same input again.',
  ].join('\n');
}

/** The after-advertisement result stored at $.wait.bgpVisibility (with the poll fields). */
export interface VisibilityResult {
  skipped: boolean;
  skipReason: string | null;
  expectedOrigin: number;
  thresholdPercent: number;
  deadlineSeconds: number;
  prefixes: Array<VisibilityJudgement & { rpki: string | null }>;
  summary: string[];
}

export function visibilityFailureMessage(a: {
  prefixes: VisibilityResult['prefixes'];
  waitedSeconds: number;
  deadlineSeconds: number;
  expectedOrigin: number;
}): string {
  const problems = a.prefixes.flatMap((p) => p.problems);
  return (
    `BGP visibility after advertising: not confirmed within ${Math.round(a.deadlineSeconds / 60)} min (waited ${Math.round(a.waitedSeconds)} s). ` +
    'Nothing was withdrawn: the prefixes stay advertised from AWS until an operator decides (docs/runbook.md "BGP visibility").\n' +
    problems.map((p, i) => `${i + 1}. ${p}`).join('\n')
  );
}

/**
 * What the approval plan shows: the evidence (or its absence) before the human decides. The lines go
 * into the plan's `evidence` field and, shortened, in front of its prerequisite (which every approval
 * page and email shows).
 */
export function withPreflightEvidence<P extends { prerequisite?: string }>(
  plan: P,
  preflight: Pick<PreflightResult, 'skipped' | 'skipReason' | 'passed' | 'summary'> | undefined,
): P & { evidence?: { preflight: string[] } } {
  if (!preflight) return plan;
  const head = preflight.skipped
    ? `PRE-FLIGHT SKIPPED (${preflight.skipReason}): the ROA and RDAP certificate were not checked.`
    : preflight.passed
      ? 'Pre-flight internet checks passed (RDAP certificate, ROAs, current routes; see the evidence).'
      : 'Pre-flight internet checks reported problems (see the evidence).';
  const prerequisite = [head, plan.prerequisite].filter(Boolean).join(' ').slice(0, 2000);
  return { ...plan, prerequisite, evidence: { preflight: preflight.summary } };
}
