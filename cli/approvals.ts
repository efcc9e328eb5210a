/**
 * `byoip approvals`, `byoip approve|reject <id>`: the approver's and on-call engineer's commands.
 * In AWS they read the state table and resolve the gate with the operator's own credentials, through
 * the same decision code as the approval page; with --sim they ask the simulation running on this
 * machine (its local approval server), which uses that same code.
 */
import { formatDuration } from '../runner/report';
import { readServerInfo, stateDir } from '../runner/approval-server';
import { decideApproval, listPending, type DecisionOutcome, type PendingApproval } from '../tasks/approval/store';
import { outcomeLines } from '../tasks/approval/html';

export interface Target { sim?: boolean; region?: string; table?: string }

function useAws(t: Target): void {
  if (t.region) process.env.AWS_REGION = t.region;
  if (t.table) process.env.STATE_TABLE_NAME = t.table;
}

async function simApi(path: string, init?: { method: string; body: unknown }): Promise<any> {
  const info = readServerInfo();
  if (!info) throw new Error(`no simulation is waiting for an approval here (no ${stateDir()}/approval-server.json); start one with: byoip simulate <workflow> -i <input> --approve prompt`);
  let res: Response;
  try {
    res = await fetch(`${info.url}${path}`, {
      method: init?.method ?? 'GET', headers: { Authorization: `Bearer ${info.secret}`, 'Content-Type': 'application/json' },
      body: init ? JSON.stringify(init.body) : undefined,
    });
  } catch (e) {
    throw new Error(`the simulation's approval server at ${info.url} does not answer (${(e as Error).message}); has the simulation ended?`);
  }
  const body = await res.json() as { error?: string };
  if (!res.ok) throw new Error(`approval server: ${body.error ?? res.status}`);
  return body;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export function formatPending(items: PendingApproval[], now: number): string {
  if (items.length === 0) return 'no pending approvals\n';
  return items.map((a) => {
    const left = a.expiresAt - now;
    const when = left > 0 ? `expires ${iso(a.expiresAt)} (${formatDuration(left / 1000)} left)` : `expired ${iso(a.expiresAt)} (the gate is closing)`;
    return `${a.approvalId}  ${a.workflow}  ${a.executionName}  ${when}\n    ${a.title} (${a.changes} change${a.changes === 1 ? '' : 's'}); approvers: ${a.approvers.join(', ')}\n`;
  }).join('');
}

/** The pending approvals, and the time to measure "left" from (a simulation's virtual time with --sim). */
export async function pendingApprovals(t: Target): Promise<{ pending: PendingApproval[]; now: number }> {
  if (t.sim) return (await simApi('/api/approvals')) as { pending: PendingApproval[]; now: number };
  useAws(t);
  return { pending: await listPending(), now: Date.now() };
}

export async function decide(t: Target, approvalId: string, approve: boolean, as: string, reason: string): Promise<DecisionOutcome> {
  if (t.sim) return (await simApi(`/api/approvals/${encodeURIComponent(approvalId)}`, { method: 'POST', body: { decision: approve ? 'approve' : 'reject', as, reason } })).outcome as DecisionOutcome;
  useAws(t);
  return decideApproval({ approvalId, approve, identity: as, reason, via: approve ? 'byoip approve' : 'byoip reject' });
}

/** What to tell the operator, and the exit code (0 only when this command decided). */
export function describeOutcome(approvalId: string, o: DecisionOutcome): { text: string; code: number } {
  switch (o.kind) {
    case 'decided':
      return { text: `${o.decision.approved ? 'approved' : 'rejected'} ${approvalId} as ${o.decision.decidedBy}: ${o.decision.reason}\n`, code: 0 };
    case 'refused':
      return { text: `not recorded:\n${o.problems.map((p) => `  - ${p}`).join('\n')}\n`, code: 1 };
    case 'already-decided':
      return { text: `${approvalId} is no longer pending (${o.view.status}); nothing was changed:\n${outcomeLines(o.view).map((l) => `  ${l}`).join('\n')}\n`, code: 1 };
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
