/**
 * The approval page's HTML: the plan with Approve / Reject, and the plain pages for every other
 * outcome (decided, expired, invalid link). No script, no external resources; every value escaped.
 */
import { planHash, timeLeft, type OperatorDecision } from '../../domain/approval';
import { iso, OPERATOR_DECISION_WORDS } from '../../platform/approval/outcome';
import type { ApprovalView } from '../../platform/approval/store';

export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d232a}
h1{font-size:1.4rem;margin:.2rem 0 1rem}.tag{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;font-size:.8rem;font-weight:600}
.pending{background:#fff3cd}.ok{background:#d1f2dd}.error{background:#f8d7da}.info{background:#e2e8f0}.warn{background:#fde68a}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border-bottom:1px solid #d9dee3;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6f8;font-weight:600}td.v{font-family:ui-monospace,monospace;font-size:.9rem}dl{display:grid;grid-template-columns:9rem 1fr;gap:.2rem .8rem}
dt{color:#5b6670}.note{border-left:4px solid #f0ad4e;padding:.4rem .8rem;background:#fffaf0}.problems{border-left:4px solid #d9534f;padding:.4rem .8rem;background:#fdf2f2}
form{margin-top:1rem;padding:1rem;border:1px solid #d9dee3;border-radius:.5rem}label{display:block;margin:.6rem 0 .2rem;font-weight:600}
input[type=email],textarea{width:100%;box-sizing:border-box;padding:.4rem;font:inherit}textarea{min-height:4rem}
.buttons{margin-top:1rem;display:flex;gap:1rem}button{font:inherit;font-weight:600;padding:.5rem 1.4rem;border-radius:.4rem;border:0;cursor:pointer}
button.approve{background:#1f7a3f;color:#fff}button.reject{background:#b02a37;color:#fff}`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>`;
}

/** The facts of an approval; the approver list only for the approver the link was sent to (`showApprovers`). */
function facts(v: ApprovalView, now: number, showApprovers = false): string {
  const rows: Array<[string, string]> = [
    ['Workflow', v.workflow],
    ['Execution', v.executionName],
    ['Requested', `${iso(v.createdAt)}${v.requester ? ` by ${v.requester.approver ?? v.requester.principal}` : ''}`],
    [
      'Expires',
      v.status === 'PENDING'
        ? `${iso(v.expiresAt)} (${now < v.expiresAt ? `${timeLeft(Math.round((v.expiresAt - now) / 1000))} left` : 'expired'})`
        : iso(v.expiresAt),
    ],
    ...(showApprovers
      ? [
          ['Approvers', `${v.approvers.join(', ')}${(v.requiredApprovals ?? 1) > 1 ? ` (${v.requiredApprovals} of them must approve)` : ''}`] as [
            string,
            string,
          ],
        ]
      : []),
    ['Approval id', `${v.approvalId} (round ${v.round})`],
    ['Plan hash', `sha256 ${planHash(v.plan)}`],
  ];
  return `<dl>${rows.map(([k, val]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(val)}</dd>`).join('')}</dl>`;
}

function changesTable(v: ApprovalView): string {
  if (v.plan.changes.length === 0) return '<p>The plan lists no changes.</p>';
  const rows = v.plan.changes.map(
    (c) =>
      `<tr><td>${escapeHtml(c.kind)}</td><td class="v">${escapeHtml(c.target)}</td><td class="v">${escapeHtml(c.from)}</td><td class="v">${escapeHtml(c.to)}</td></tr>`,
  );
  return `<table><thead><tr><th>Change</th><th>What</th><th>From</th><th>To</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function statusTag(v: ApprovalView): string {
  const tone = { PENDING: 'pending', APPROVED: 'ok', REJECTED: 'error', DECIDED: 'ok', EXPIRED: 'info', CLOSED: 'info' }[v.status];
  return `<span class="tag ${tone}">${escapeHtml(v.status)}</span>`;
}

export function reviewPage(
  v: ApprovalView,
  o: { csrf: string; now: number; approver: string; signedIn: boolean; problems?: string[]; reason?: string },
): string {
  const problems = o.problems?.length
    ? `<div class="problems" role="alert"><strong>Not recorded:</strong><ul>${o.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul></div>`
    : '';
  const who = `<p id="decider">You decide as <strong>${escapeHtml(o.approver)}</strong> (${o.signedIn ? 'signed in, and this link was sent to you' : 'this link was sent to you; do not forward it'}).</p>`;
  return layout(
    `Approve? ${v.plan.title}`,
    `
<p>${statusTag(v)} byoip-orchestrator approval</p>
<h1>${escapeHtml(v.plan.title)}</h1>
${facts(v, o.now, true)}
<h2>What will change</h2>
${changesTable(v)}
${v.plan.prerequisite ? `<p class="note"><strong>Before you approve:</strong> ${escapeHtml(v.plan.prerequisite)}</p>` : ''}
${v.plan.confirm ? `<p class="note"><strong>Approving confirms:</strong> ${escapeHtml(v.plan.confirm)}.</p>` : ''}
<p>Opening this page changed nothing. Your decision is recorded with your name, the time and your reason, and the link then stops working.</p>
${problems}
<form method="post" autocomplete="off">
<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">
${who}
<label for="reason">Reason</label><textarea id="reason" name="reason" required maxlength="1000">${escapeHtml(o.reason ?? '')}</textarea>
${v.plan.confirm && !v.plan.decisions ? `<label><input type="checkbox" name="confirmed" value="yes"> I confirm: ${escapeHtml(v.plan.confirm)} (required to approve)</label>` : ''}
${
  v.plan.decisions
    ? operatorButtons(v.plan.decisions)
    : `<div class="buttons"><button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="reject" type="submit" name="decision" value="reject">Reject</button></div>`
}
</form>`,
  );
}

/** An operator gate's choices: one button per decision; "back" needs the old provider confirmed. */
function operatorButtons(decisions: OperatorDecision[]): string {
  const words = `<ul>${decisions.map((d) => `<li>${escapeHtml(OPERATOR_DECISION_WORDS[d])}</li>`).join('')}</ul>`;
  const confirm = decisions.includes('back')
    ? '<label><input type="checkbox" name="confirmed" value="yes"> I confirm: the old provider announces the prefixes again (required for Back)</label>'
    : '';
  const buttons = decisions
    .map((d) => `<button class="${d === 'back' ? 'reject' : 'approve'}" type="submit" name="decision" value="${d}">${d[0].toUpperCase()}${d.slice(1)}</button>`)
    .join('\n');
  return `${words}${confirm}<div class="buttons">${buttons}</div>`;
}

/** Every page that is not the form: decided, expired, refused, errors. */
export function messagePage(o: { title: string; tone: 'ok' | 'error' | 'info' | 'warn'; lines: string[]; view?: ApprovalView; now: number }): string {
  const v = o.view;
  return layout(
    o.title,
    `
<p><span class="tag ${o.tone}">${escapeHtml(o.title)}</span>${v ? ` ${statusTag(v)}` : ''}</p>
<h1>${escapeHtml(v ? v.plan.title : o.title)}</h1>
${o.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n')}
${v ? `${facts(v, o.now)}<h2>The plan</h2>${changesTable(v)}` : ''}`,
  );
}
