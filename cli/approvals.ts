/**
 * `byoip approvals`, `byoip approve|reject <id>`: the approver's and on-call engineer's commands.
 * A decision is never made here: it is sent to the approval page's API with a proof of the caller's AWS
 * identity (a presigned STS GetCallerIdentity bound to this decision, platform/sigv4.ts), and the page
 * decides as the approver that principal maps to (byoip.approverPrincipals). `--as` is only a check: it
 * must match. With --sim the page is the one the running simulation serves, and its simulated STS answers.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { PLACEHOLDER_BASE_URL } from '../domain/approval';
import { formatDuration } from '../runner/report';
import { readServerInfo, stateDir } from '../runner/approval-server';
import { decisionBinding } from '../platform/approval/caller-identity';
import { outcomeLines } from '../platform/approval/outcome';
import { listPending, loadApproval, type DecisionOutcome, type PendingApproval } from '../platform/approval/store';
import { defaultRegion } from '../platform/aws';
import { httpRequest } from '../platform/http';
import { presignCallerIdentity, presignedUrl } from '../platform/sigv4';

export interface Target {
  sim?: boolean;
  region?: string;
  table?: string;
  api?: string;
}

function useAws(t: Target): void {
  if (t.region) process.env.AWS_REGION = t.region;
  if (t.table) process.env.STATE_TABLE_NAME = t.table;
}

async function simApi(path: string): Promise<unknown> {
  const info = readServerInfo();
  if (!info)
    throw new Error(
      `no simulation is waiting for an approval here (no ${stateDir()}/approval-server.json); start one with: byoip simulate <workflow> -i <input> --approve prompt`,
    );
  let res: Response;
  try {
    res = await fetch(`${info.url}${path}`, { headers: { Authorization: `Bearer ${info.secret}` } });
  } catch (e) {
    throw new Error(`the simulation's approval server at ${info.url} does not answer (${(e as Error).message}); has the simulation ended?`);
  }
  const body = (await res.json()) as { error?: string };
  if (!res.ok) throw new Error(`approval server: ${body.error ?? res.status}`);
  return body;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export function formatPending(items: PendingApproval[], now: number): string {
  if (items.length === 0) return 'no pending approvals\n';
  return items
    .map((a) => {
      const left = a.expiresAt - now;
      const when = left > 0 ? `expires ${iso(a.expiresAt)} (${formatDuration(left / 1000)} left)` : `expired ${iso(a.expiresAt)} (the gate is closing)`;
      return `${a.approvalId}  ${a.workflow}  ${a.executionName}  ${when}\n    ${a.title} (${a.changes} change${a.changes === 1 ? '' : 's'}); approvers: ${a.approvers.join(', ')}\n`;
    })
    .join('');
}

/** The pending approvals, and the time to measure "left" from (a simulation's virtual time with --sim). */
export async function pendingApprovals(t: Target): Promise<{ pending: PendingApproval[]; now: number }> {
  if (t.sim) return (await simApi('/api/approvals')) as { pending: PendingApproval[]; now: number };
  useAws(t);
  return { pending: await listPending(), now: Date.now() };
}

/**
 * Decides as whoever the caller's AWS credentials say: signs a GetCallerIdentity for this decision and
 * sends it, with the decision, to the approval page's API. In a simulation the credentials are the
 * environment's (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of a principal the world lists) and time is the simulation's.
 */
export async function decide(
  t: Target,
  approvalId: string,
  outcome: string,
  as: string | undefined,
  reason: string,
  o: { confirmed?: boolean } = {},
): Promise<DecisionOutcome> {
  let base: string;
  let round: number;
  let now: number;
  if (t.sim) {
    const info = readServerInfo();
    const where = (await simApi(`/api/approvals/${encodeURIComponent(approvalId)}`).catch((e) => {
      if (/no approval/.test((e as Error).message)) return undefined;
      throw e;
    })) as { round: number; now: number } | undefined;
    if (!where) return { kind: 'not-found' };
    base = info!.url;
    ({ round, now } = where);
  } else {
    useAws(t);
    base = (t.api ?? process.env.BYOIP_APPROVAL_API ?? PLACEHOLDER_BASE_URL).replace(/\/+$/, '');
    const record = await loadApproval(approvalId);
    if (!record?.status) return { kind: 'not-found' };
    round = record.round;
    now = Date.now();
  }
  const credentials = await (t.sim ? fromEnv() : fromNodeProviderChain())();
  const proof = await presignCallerIdentity(
    credentials,
    t.region ?? defaultRegion(),
    decisionBinding({ approvalId, round, outcome, reason, confirmed: o.confirmed || undefined }),
    new Date(now),
  );
  const res = await httpRequest({
    url: `${base}/approvals/${encodeURIComponent(approvalId)}/decision`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      decision: outcome,
      reason,
      round,
      ...(as ? { as } : {}),
      ...(o.confirmed ? { confirmed: true } : {}),
      callerIdentity: presignedUrl(proof),
    }),
  });
  let body: { outcome?: DecisionOutcome; error?: string; message?: string };
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    throw new Error(`the approval API answered ${res.status} without JSON`);
  }
  if (res.status !== 200 || !body.outcome) return { kind: 'refused', problems: [body.error ?? body.message ?? `the approval API answered ${res.status}`] };
  return body.outcome;
}

/** What to tell the operator, and the exit code (0 only when this command decided or recorded an approval). */
export function describeOutcome(approvalId: string, o: DecisionOutcome): { text: string; code: number } {
  switch (o.kind) {
    case 'decided':
      return {
        text: `${o.view.plan.decisions ? `decided "${o.decision.outcome}" for` : o.decision.approved ? 'approved' : 'rejected'} ${approvalId} as ${o.decision.decidedBy} (authenticated by ${o.decision.authentication}: ${o.decision.principal}): ${o.decision.reason}\n`,
        code: 0,
      };
    case 'recorded':
      return { text: `approval of ${approvalId} recorded as ${o.decision.decidedBy}; ${o.needed} more approver(s) needed\n`, code: 0 };
    case 'refused':
      return { text: `not recorded:\n${o.problems.map((p) => `  - ${p}`).join('\n')}\n`, code: 1 };
    case 'already-decided':
      return {
        text: `${approvalId} is no longer pending (${o.view.status}); nothing was changed:\n${outcomeLines(o.view)
          .map((l) => `  ${l}`)
          .join('\n')}\n`,
        code: 1,
      };
    case 'expired':
      return { text: `${approvalId} expired at ${iso(o.view.expiresAt)}; nothing was changed\n`, code: 1 };
    case 'not-delivered':
      return { text: `recorded, but ${o.error}; nothing will change\n`, code: 1 };
    case 'superseded':
      return { text: `${approvalId} was replaced by a newer request; nothing was changed\n`, code: 1 };
    default:
      return { text: `no approval ${approvalId}\n`, code: 1 };
  }
}
