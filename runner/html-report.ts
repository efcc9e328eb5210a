/**
 * The report as one self-contained HTML page (`byoip simulate … --html FILE`, `byoip report REPORT.json
 * --html FILE`): inline CSS and SVG only, no script and no network (a Content-Security-Policy says so),
 * readable offline at 2 a.m. What it shows:
 *  - the timeline: one row per phase on the virtual clock, its states as bars (actions solid, waits
 *    hatched, decisions as diamonds, poll checks as ticks, the moment an awaited change happened as a
 *    green mark), the approval gate in amber, everything after a failure in red;
 *  - a lane per resource with its life-cycle transitions (pending, done, going away, gone, failed);
 *  - the plan the approvers saw and the decisions; on failure, what was undone, what was left as it
 *    was, what needs attention, and the runbook section to read; the time breakdown (100 %).
 * Every figure comes from the SimulationReport (runner/report.ts); fields other helpers add (a plan,
 * operator decisions, history counts) are shown when present.
 */
import { errorMessage } from '../domain/compensation';
import { AFTER_FAILURE, formatDuration, timeBreakdown, type SimulationReport, type StateRecord } from './report';
import { rollbackParts, runbookSection } from './report-words';

type Json = any;

/** A report as other producers may extend it (plans per workflow, operator decisions, execution history). */
export type ReportForHtml = SimulationReport & { plan?: Json; decisions?: Json[]; operatorDecisions?: Json[]; history?: Json };

export function escapeHtml(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
const e = escapeHtml;

const POLL_PART = /(Init|Done|Wait)$/;
const LABEL_W = 250;
const PLOT_W = 900;
const RIGHT_W = 70;
const WIDTH = LABEL_W + PLOT_W + RIGHT_W;

interface Scale {
  x(t: number): number;
  ticks: Array<{ t: number; label: string; sub: string }>;
}

/**
 * The time axis. Phases partition the run; each gets width in proportion to the square root of its
 * duration (plus a little), so a four-hour provisioning wait does not squeeze a two-minute cutover into
 * a pixel. Within a phase time is linear, and the clock labels are true times.
 */
function timeScale(total: number, startedAt: string, phases: SimulationReport['phases']): Scale {
  const span = Math.max(total, 1);
  const bounds = [...new Set([0, span, ...phases.flatMap((p) => [p.startedAt, p.startedAt + p.seconds])].filter((t) => t >= 0 && t <= span))].sort(
    (a, b) => a - b,
  );
  const weights = bounds.slice(1).map((b, i) => (b - bounds[i] > 0 ? Math.sqrt(b - bounds[i]) + 2 : 0));
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  const offsets = [0];
  for (const w of weights) offsets.push(offsets[offsets.length - 1] + (w / sum) * PLOT_W);
  const x = (t: number) => {
    const c = Math.max(0, Math.min(t, span));
    let i = bounds.findIndex((b, k) => k < bounds.length - 1 && c >= b && c <= bounds[k + 1]);
    if (i < 0) i = bounds.length - 2;
    const a = bounds[i];
    const b = bounds[i + 1];
    return LABEL_W + offsets[i] + (b > a ? ((c - a) / (b - a)) * (offsets[i + 1] - offsets[i]) : 0);
  };
  const steps = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800];
  const step = steps.find((st) => span / st <= 40) ?? 604_800;
  const start = Date.parse(startedAt);
  const ticks: Scale['ticks'] = [];
  let lastX = Number.NEGATIVE_INFINITY;
  for (let t = 0; t <= span + 1e-9; t += step) {
    if (x(t) - lastX < 46) continue;
    lastX = x(t);
    const clock = Number.isNaN(start) ? '' : new Date(start + t * 1000).toISOString().slice(11, step < 60 ? 19 : 16);
    ticks.push({ t, label: clock, sub: `+${formatDuration(t)}` });
  }
  return { x, ticks };
}

function axis(scale: Scale, height: number): string {
  return scale.ticks
    .map((k) => {
      const x = scale.x(k.t).toFixed(1);
      return `<line class="grid" x1="${x}" y1="18" x2="${x}" y2="${height}"/><text class="tick" x="${x}" y="10" text-anchor="middle">${e(k.label)}</text><text class="tick sub" x="${x}" y="19" text-anchor="middle" dy="-0.1em">${e(k.sub)}</text>`;
    })
    .join('');
}

interface PhaseRow {
  name: string;
  startedAt: number;
  seconds: number;
  kind: 'action' | 'poll' | 'wait' | 'decision' | 'bookkeeping' | 'approval' | 'map' | 'after-failure';
  states: StateRecord[];
  nested: StateRecord[];
}

/** Top-level states by phase, nested states (Map iterations, Parallel branches) with the top-level state that ran them. */
function phaseRows(r: SimulationReport): PhaseRow[] {
  const forward = r.phases.filter((p) => p.name !== AFTER_FAILURE);
  const names = new Set(forward.map((p) => p.name));
  const phaseName = (s: StateRecord): string | undefined => {
    if (s.index !== undefined) return undefined;
    if (names.has(s.name)) return s.name;
    const base = s.name.replace(POLL_PART, '');
    return base !== s.name && names.has(base) ? base : undefined;
  };
  const failedAt = r.failedAt ?? null;
  // Everything from the first failure-path state on belongs to the time after the failure.
  const cutAt = failedAt === null ? -1 : r.states.findIndex((s) => s.index === undefined && s.enteredAt >= failedAt && phaseName(s) === undefined);
  const cut = cutAt < 0 ? r.states.length : cutAt;
  const rows = new Map<string, PhaseRow>(forward.map((p) => [p.name, { ...p, kind: 'action' as PhaseRow['kind'], states: [], nested: [] }]));
  const after: PhaseRow | undefined =
    failedAt === null
      ? undefined
      : {
          name: AFTER_FAILURE,
          startedAt: failedAt,
          seconds: r.phases.find((p) => p.name === AFTER_FAILURE)?.seconds ?? 0,
          kind: 'after-failure',
          states: [],
          nested: [],
        };
  let holder: StateRecord | undefined; // the Map or Parallel whose iterations or branches are running
  r.states.forEach((s, i) => {
    if (i >= cut && after) {
      (s.index === undefined ? after.states : after.nested).push(s);
      return;
    }
    const phase = phaseName(s);
    if (phase) {
      rows.get(phase)!.states.push(s);
      holder = s.type === 'Map' || s.type === 'Parallel' ? s : undefined;
      return;
    }
    if (holder) rows.get(phaseName(holder)!)!.nested.push(s);
  });
  const approvalStates = new Set(r.approvals.map((a) => a.state));
  for (const row of rows.values()) {
    const types = new Set(row.states.map((s) => s.type));
    if (row.nested.some((s) => approvalStates.has(s.name))) row.kind = 'approval';
    else if (row.states.some((s) => s.name === `${row.name}Init`)) row.kind = 'poll';
    else if (types.has('Map') || types.has('Parallel')) row.kind = 'map';
    else if (types.has('Wait') && types.size === 1) row.kind = 'wait';
    else if (types.has('Choice') && types.size === 1) row.kind = 'decision';
    else if (types.has('Pass') && types.size === 1) row.kind = 'bookkeeping';
  }
  return [...rows.values(), ...(after ? [after] : [])];
}

const KIND_LABEL: Record<PhaseRow['kind'], string> = {
  action: 'action',
  poll: 'poll',
  wait: 'wait',
  decision: 'decision',
  bookkeeping: 'bookkeeping',
  approval: 'approval',
  map: 'in parallel',
  'after-failure': 'rollback',
};

/** A caught failure inside a branch is routine (the approval gate's reminder sleep times out by design). */
function stateClass(s: StateRecord, nested = false): string {
  if (s.status === 'FAILED' || (s.status === 'CAUGHT' && !nested)) return 'st-failed';
  switch (s.type) {
    case 'Wait':
      return 'st-wait';
    case 'Choice':
      return 'st-choice';
    case 'Pass':
      return 'st-pass';
    case 'Map':
    case 'Parallel':
      return 'st-container';
    case 'Succeed':
    case 'Fail':
      return 'st-end';
    default:
      return 'st-task';
  }
}

function stateTitle(s: StateRecord): string {
  const end = s.exitedAt ?? s.enteredAt;
  const bits = [
    `${s.name} (${s.type}${s.index !== undefined ? `, item ${s.index}` : ''})`,
    `+${formatDuration(s.enteredAt)} → +${formatDuration(end)} (${formatDuration(end - s.enteredAt)})`,
    s.status,
  ];
  if (s.retries) bits.push(`${s.retries} retr${s.retries === 1 ? 'y' : 'ies'}`);
  if (s.error) bits.push(s.error);
  return bits.join(' · ');
}

/** One state on a row: a bar (tasks, waits, containers), a diamond (decisions) or a dot (bookkeeping). */
function stateMark(s: StateRecord, scale: Scale, y: number, h: number, pollCheck: boolean, nested = false): string {
  const x1 = scale.x(s.enteredAt);
  const x2 = scale.x(s.exitedAt ?? s.enteredAt);
  const cls = stateClass(s, nested);
  const title = `<title>${e(stateTitle(s))}</title>`;
  if (s.type === 'Choice') {
    const cy = y + h / 2;
    return `<path class="mark ${cls}" d="M${x1.toFixed(1)} ${(cy - 4).toFixed(1)} l4 4 l-4 4 l-4 -4 z">${title}</path>`;
  }
  if (s.type === 'Pass' || s.type === 'Succeed' || s.type === 'Fail') {
    return `<circle class="mark ${cls}" cx="${x1.toFixed(1)}" cy="${(y + h / 2).toFixed(1)}" r="2.2">${title}</circle>`;
  }
  if (pollCheck) {
    return `<line class="mark check" x1="${x1.toFixed(1)}" y1="${y}" x2="${x1.toFixed(1)}" y2="${y + h}">${title}</line>`;
  }
  const w = Math.max(2, x2 - x1);
  return `<rect class="bar ${cls}" x="${x1.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${h}" rx="1.5">${title}</rect>`;
}

function timelineSvg(r: ReportForHtml, scale: Scale): { svg: string; note: string } {
  const rows = phaseRows(r);
  const ROW = 22;
  const top = 26;
  const pollReady = new Map<string, number[]>();
  for (const p of r.polls) if (p.readyAt !== null && p.doneAt !== null) pollReady.set(p.state, [...(pollReady.get(p.state) ?? []), p.readyAt]);
  const parts: string[] = [];
  let y = top;
  // Intents and other zero-time bookkeeping are listed under the picture, not drawn.
  const hidden = rows.filter((row) => row.kind === 'bookkeeping' && row.seconds === 0);
  for (const row of rows.filter((x) => !hidden.includes(x))) {
    const items = new Set(row.nested.map((s) => s.index ?? -1));
    const subRows = Math.min(items.size, 6);
    const height = ROW + subRows * 6;
    const bandClass = row.kind === 'after-failure' ? 'band failure' : row.kind === 'approval' ? 'band approval' : 'band';
    parts.push(`<g class="phase" data-phase="${e(row.name)}" data-kind="${row.kind}">`);
    parts.push(`<rect class="${bandClass}" x="0" y="${y - 2}" width="${WIDTH}" height="${height}"/>`);
    parts.push(
      `<text class="label" x="6" y="${y + 12}">${e(row.name === AFTER_FAILURE ? `${AFTER_FAILURE}${r.compensation ? ' (rollback)' : ''}` : row.name)}</text>`,
    );
    parts.push(`<text class="kind" x="${LABEL_W - 6}" y="${y + 12}" text-anchor="end">${e(KIND_LABEL[row.kind])}</text>`);
    parts.push(`<text class="dur" x="${WIDTH - 4}" y="${y + 12}" text-anchor="end">${e(formatDuration(row.seconds))}</text>`);
    // The phase's span, so even a sub-second phase has a visible bar.
    const x1 = scale.x(row.startedAt);
    const x2 = scale.x(row.startedAt + row.seconds);
    parts.push(
      `<rect class="bar span ${row.kind === 'after-failure' ? 'st-failed' : `k-${row.kind}`}" x="${x1.toFixed(1)}" y="${y + 3}" width="${Math.max(2, x2 - x1).toFixed(1)}" height="10" rx="2"><title>${e(`${row.name}: +${formatDuration(row.startedAt)}, ${formatDuration(row.seconds)}`)}</title></rect>`,
    );
    const pollCheck = (s: StateRecord) => s.type === 'Task' && (row.kind === 'poll' ? s.name === row.name : false);
    // A poll's Init and Done states are implied by its checks.
    const drawn = row.states.filter(
      (s) =>
        !(s.type === 'Pass' && /^Intent/.test(s.name)) &&
        !(row.kind === 'poll' && (s.name === `${row.name}Init` || s.name === `${row.name}Done`)) &&
        !(row.kind === 'after-failure' && (s.type === 'Choice' || s.type === 'Pass')),
    ); // the undo loop's routing; its steps are the dots
    for (const s of drawn) parts.push(stateMark(s, scale, y + 3, 10, pollCheck(s)));
    for (const t of pollReady.get(row.name) ?? []) {
      const x = scale.x(t);
      parts.push(
        `<path class="ready" d="M${x.toFixed(1)} ${y + 16} l3.5 5 l-7 0 z"><title>${e(`the awaited change happened at +${formatDuration(t)}`)}</title></path>`,
      );
    }
    if (subRows) {
      const order = [...items].sort((a, b) => a - b);
      for (const s of row.nested) {
        if ((s.type === 'Choice' && /Done$/.test(s.name)) || (s.type === 'Pass' && /Init$/.test(s.name))) continue;
        const lane = order.indexOf(s.index ?? -1) % subRows;
        const nestedPoll = s.type === 'Task' && r.polls.some((p) => p.state === s.name);
        parts.push(stateMark(s, scale, y + 16 + lane * 6, 4, nestedPoll, true));
      }
    }
    if (row.kind === 'after-failure') {
      for (const u of r.compensation?.steps ?? []) {
        if (u.at === undefined) continue;
        const x = scale.x(u.at);
        parts.push(
          `<circle class="undo u-${u.outcome}" cx="${x.toFixed(1)}" cy="${y + 18}" r="3"><title>${e(`${u.outcome}: ${u.description}${u.note ? ` (${u.note})` : ''}${u.error ? ` — ${u.error}` : ''}`)}</title></circle>`,
        );
      }
    }
    parts.push('</g>');
    y += height + 2;
  }
  // Approvals: the wait for a human, on top of everything.
  for (const a of r.approvals) {
    const x1 = scale.x(a.requestedAt);
    const x2 = scale.x(a.decidedAt ?? r.virtualSeconds);
    const verdict = a.approved ? `approved by ${a.decidedBy ?? '?'}` : a.error ? `${a.error}${a.decidedBy ? ` (${a.decidedBy})` : ''}` : 'not decided';
    parts.push(
      `<line class="approval-line ${a.approved ? 'ok' : 'no'}" x1="${x1.toFixed(1)}" y1="${top - 4}" x2="${x1.toFixed(1)}" y2="${y}"><title>${e(`approval requested at +${formatDuration(a.requestedAt)}`)}</title></line>`,
    );
    parts.push(
      `<line class="approval-line ${a.approved ? 'ok' : 'no'}" x1="${x2.toFixed(1)}" y1="${top - 4}" x2="${x2.toFixed(1)}" y2="${y}"><title>${e(`${verdict} at +${formatDuration(a.decidedAt ?? r.virtualSeconds)}`)}</title></line>`,
    );
  }
  if (r.failedAt !== null && r.failedAt !== undefined) {
    const x = scale.x(r.failedAt);
    parts.push(
      `<line class="failure-line" x1="${x.toFixed(1)}" y1="${top - 4}" x2="${x.toFixed(1)}" y2="${y}"><title>${e(`failed at +${formatDuration(r.failedAt)}: ${r.error?.name ?? ''}`)}</title></line>`,
    );
  }
  const height = y + 4;
  const svg = `<svg class="timeline" role="img" aria-label="timeline of the execution's phases" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">${axis(scale, height)}${parts.join('')}</svg>`;
  const note = hidden.length ? `<p class="muted small">Not drawn (bookkeeping, no time, no AWS call): ${hidden.map((h) => e(h.name)).join(', ')}.</p>` : '';
  return { svg, note };
}

/** The colour family of a resource state, across services' vocabularies. */
export function stateTone(state: string): 'pending' | 'ready' | 'leaving' | 'gone' | 'failed' {
  const s = state.toLowerCase();
  if (/fail|error|expired|rejected/.test(s)) return 'failed';
  if (/^(deprovisioned|delete-complete|deleted|disassociated|withdrawn|released)$/.test(s)) return 'gone';
  if (/deprovision|delet|withdraw|disassociat|pending-withdrawal/.test(s)) return 'leaving';
  if (/pending|progress|deploying|advertising$|associating|create-in|modify-in/.test(s) && !/^advertising$/.test(s)) return 'pending';
  return 'ready';
}

/** A short name for a simulated resource id (docs/simulation.md: transitions). */
export function resourceLabel(id: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^(ipam-pool-[0-9a-z]+)\/(.+)$/.exec(id))) return `${m[2]} in ${m[1]}`;
  if (/^ipam-pool-/.test(id)) return `IPAM pool ${id}`;
  if ((m = /^byoip:(.+)$/.exec(id))) return `BYOIP ${m[1]} (advertisement)`;
  if ((m = /^anycast-ip-list:(.+)$/.exec(id))) return `anycast IP list ${m[1]}`;
  if ((m = /^distribution:(.+)$/.exec(id))) return `distribution ${m[1]}`;
  if ((m = /^dns-change:(.+)$/.exec(id))) return `Route 53 change ${m[1]}`;
  if ((m = /^byoasn:(.+)$/.exec(id))) return `BYOASN ${m[1]}`;
  if ((m = /^asn-association:(.+)$/.exec(id))) return `association ${m[1]}`;
  if ((m = /^ga-byoip:(.+)$/.exec(id))) return `Global Accelerator BYOIP ${m[1]}`;
  if ((m = /^accelerator:(\S+)/.exec(id))) return `accelerator ${m[1]}`;
  if ((m = /^vpc-origin:(.+)$/.exec(id))) return `VPC origin ${m[1]}`;
  if ((m = /^prefix-list:(\S+) (\S+)$/.exec(id))) return `prefix list ${m[1]} (${m[2]})`;
  return id;
}

export interface Lane {
  resource: string;
  segments: Array<{ from: number; to: number; state: string }>;
}

/** Each resource's states over time, from the transitions the simulator saw. */
export function resourceLanes(r: Pick<SimulationReport, 'transitions' | 'virtualSeconds'>): Lane[] {
  const by = new Map<string, SimulationReport['transitions']>();
  for (const t of r.transitions) by.set(t.resource, [...(by.get(t.resource) ?? []), t]);
  const lanes: Lane[] = [];
  for (const [resource, ts] of by) {
    const sorted = [...ts].sort((a, b) => a.at - b.at);
    const segments: Lane['segments'] = [];
    if (sorted[0].from) segments.push({ from: 0, to: sorted[0].at, state: sorted[0].from });
    sorted.forEach((t, i) => segments.push({ from: t.at, to: sorted[i + 1]?.at ?? r.virtualSeconds, state: t.to }));
    lanes.push({ resource, segments: segments.filter((s) => s.to >= s.from) });
  }
  return lanes.sort((a, b) => (a.segments[0]?.from ?? 0) - (b.segments[0]?.from ?? 0) || a.resource.localeCompare(b.resource));
}

function lanesSvg(r: ReportForHtml, scale: Scale): string {
  const lanes = resourceLanes(r);
  const ROW = 20;
  let y = 26;
  const parts: string[] = [];
  for (const lane of lanes) {
    parts.push(`<g class="lane" data-resource="${e(lane.resource)}"><rect class="band" x="0" y="${y - 2}" width="${WIDTH}" height="${ROW}"/>`);
    const label = resourceLabel(lane.resource);
    parts.push(`<text class="label" x="6" y="${y + 11}">${e(label.length > 40 ? `${label.slice(0, 39)}…` : label)}<title>${e(lane.resource)}</title></text>`);
    const last = lane.segments.at(-1);
    parts.push(`<text class="dur" x="${WIDTH - 4}" y="${y + 11}" text-anchor="end">${e(last?.state ?? '')}</text>`);
    for (const s of lane.segments) {
      const x1 = scale.x(s.from);
      const w = Math.max(2, scale.x(s.to) - x1);
      const title = `${lane.resource}: ${s.state} from +${formatDuration(s.from)} to +${formatDuration(s.to)} (${formatDuration(s.to - s.from)})`;
      parts.push(
        `<rect class="seg t-${stateTone(s.state)}" x="${x1.toFixed(1)}" y="${y + 1}" width="${w.toFixed(1)}" height="14" rx="2"><title>${e(title)}</title></rect>`,
      );
      if (w > 7 * s.state.length) parts.push(`<text class="seg-label" x="${(x1 + 4).toFixed(1)}" y="${y + 11.5}">${e(s.state)}</text>`);
    }
    parts.push('</g>');
    y += ROW + 2;
  }
  if (lanes.length === 0) parts.push(`<text class="label" x="6" y="${y + 11}">no resource changed state during this run</text>`);
  const height = y + (lanes.length ? 4 : 24);
  return `<svg class="lanes" role="img" aria-label="life cycle of each resource" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">${axis(scale, height)}${parts.join('')}</svg>`;
}

function breakdownHtml(r: SimulationReport): string {
  const rows = timeBreakdown(r, 14);
  const bar = rows
    .map(
      (row) =>
        `<span class="share ${row.label.startsWith(AFTER_FAILURE) ? 'st-failed' : ''}" style="width:${row.percent}%" title="${e(`${row.label}: ${row.percent.toFixed(1)} %`)}"></span>`,
    )
    .join('');
  const lines = rows
    .map(
      (row) =>
        `<tr${row.label.startsWith(AFTER_FAILURE) ? ' class="failure"' : ''}><td>${e(row.label)}</td><td class="num">${e(formatDuration(row.seconds))}</td><td class="num">${row.percent.toFixed(1)} %</td></tr>`,
    )
    .join('');
  return `<div class="sharebar">${bar}</div><table class="breakdown"><thead><tr><th>phase</th><th>virtual time</th><th>share</th></tr></thead><tbody>${lines}</tbody><tfoot><tr><td>total</td><td class="num">${e(formatDuration(r.virtualSeconds))}</td><td class="num">${rows.length ? '100.0' : '0.0'} %</td></tr></tfoot></table>`;
}

function changesTable(changes: Json[] | undefined): string {
  if (!Array.isArray(changes) || changes.length === 0) return '<p class="muted">no changes listed</p>';
  return `<table><thead><tr><th>change</th><th>target</th><th>from</th><th>to</th></tr></thead><tbody>${changes.map((c: Json) => `<tr><td>${e(c?.kind)}</td><td>${e(c?.target)}</td><td>${e(c?.from)}</td><td>${e(c?.to)}</td></tr>`).join('')}</tbody></table>`;
}

/** Anything else as a compact definition list (fields another producer adds). */
function genericValue(v: Json): string {
  if (v === null || v === undefined) return '<span class="muted">—</span>';
  if (Array.isArray(v)) {
    if (v.length && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      const keys = [...new Set(v.flatMap((x: Json) => Object.keys(x)))].slice(0, 8);
      return `<table><thead><tr>${keys.map((k) => `<th>${e(k)}</th>`).join('')}</tr></thead><tbody>${v.map((x: Json) => `<tr>${keys.map((k) => `<td>${typeof x[k] === 'object' && x[k] !== null ? `<code>${e(JSON.stringify(x[k]))}</code>` : e(x[k])}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
    }
    return e(v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', '));
  }
  if (typeof v === 'object')
    return `<dl>${Object.entries(v)
      .map(([k, x]) => `<dt>${e(k)}</dt><dd>${genericValue(x)}</dd>`)
      .join('')}</dl>`;
  return e(v);
}

function planHtml(r: ReportForHtml): string {
  const parts: string[] = [];
  if (r.plan !== undefined && r.plan !== null) {
    const p = r.plan;
    parts.push(
      p && typeof p === 'object' && 'changes' in p
        ? `<h3>${e(p.title ?? 'plan')}</h3>${changesTable(p.changes)}${p.prerequisite ? `<p class="note">${e(p.prerequisite)}</p>` : ''}`
        : genericValue(p),
    );
  }
  for (const a of r.approvals) {
    if (!a.plan) continue;
    parts.push(
      `<h3>${e(a.plan.title ?? a.state)}</h3>${changesTable(a.plan.changes)}${a.plan.prerequisite ? `<p class="note">${e(a.plan.prerequisite)}</p>` : ''}`,
    );
  }
  return parts.length ? parts.join('') : '<p class="muted">This run had no approval plan.</p>';
}

function decisionsHtml(r: ReportForHtml): string {
  const rows = r.approvals
    .map((a) => {
      const outcome = a.approved ? 'approved' : (a.error ?? (a.decidedAt === null ? 'not decided' : 'rejected'));
      return `<tr class="${a.approved ? 'ok' : 'no'}"><td>${e(a.state)}</td><td class="num">+${e(formatDuration(a.requestedAt))}</td><td class="num">${a.decidedAt === null ? '—' : `+${e(formatDuration(a.decidedAt))}`}</td><td>${e(outcome)}</td><td>${e(a.decidedBy ?? '—')}</td></tr>`;
    })
    .join('');
  const approvals = rows
    ? `<table><thead><tr><th>gate</th><th>requested</th><th>decided</th><th>outcome</th><th>by</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="muted">No approval gate was reached.</p>';
  const extra = r.decisions ?? r.operatorDecisions;
  return approvals + (Array.isArray(extra) && extra.length ? `<h3>operator decisions</h3>${genericValue(extra)}` : '');
}

function rollbackHtml(r: ReportForHtml): string {
  if (r.status === 'SUCCEEDED') return '';
  const runbook = runbookSection(r);
  const parts: string[] = [];
  if (r.compensation) {
    const { undone, unchanged, attention } = rollbackParts(r);
    const items = (steps: typeof undone, detail: (s: (typeof undone)[number]) => string | undefined) =>
      steps.length
        ? `<ul>${steps.map((s) => `<li>${e(s.description)}${detail(s) ? ` <span class="muted">(${e(detail(s))})</span>` : ''}</li>`).join('')}</ul>`
        : '<p class="muted">nothing</p>';
    parts.push(
      `<p class="summary">rollback after <b>${e(r.compensation.error)}</b>: undone: ${undone.length || 'nothing'}; left as it was: ${unchanged.length || 'nothing'}; needs attention: ${attention.length || 'nothing'}</p>`,
    );
    parts.push(
      `<div class="cols"><div><h3>undone</h3>${items(undone, (s) => s.note)}</div><div><h3>left as it was</h3>${items(unchanged, (s) => s.note)}</div><div class="${attention.length ? 'attention' : ''}"><h3>needs attention</h3>${items(attention, (s) => s.error)}</div></div>`,
    );
  } else {
    parts.push('<p class="summary">No compensation ran: nothing was rolled back (a re-runnable workflow stops and is run again with the same input).</p>');
  }
  if (runbook)
    parts.push(
      `<p class="runbook">Read <b>${e(runbook.link)}</b> — “${e(runbook.section)}”${runbook.workflowDoc ? `, and ${e(runbook.workflowDoc)}` : ''}.</p>`,
    );
  return `<section id="failure"><h2>What was undone and what is left</h2>${parts.join('')}</section>`;
}

function pollsHtml(r: SimulationReport): string {
  if (!r.polls.length) return '';
  const rows = r.polls
    .map(
      (p) =>
        `<tr><td>${e(p.state)}</td><td class="subject">${e(p.subject.length > 110 ? `${p.subject.slice(0, 107)}…` : p.subject)}</td><td class="num">${p.checks}</td><td class="num">+${e(formatDuration(p.startedAt))}</td><td class="num">${p.readyAt === null ? '—' : `+${e(formatDuration(p.readyAt))}`}</td><td class="num">${p.doneAt === null ? '—' : `+${e(formatDuration(p.doneAt))}`}</td><td class="num">${e(formatDuration(p.lateSeconds))}</td></tr>`,
    )
    .join('');
  return `<section><h2>Waits and poll checks</h2><p class="muted">${r.pollCalls} AWS calls went to polling. “ready” is when the awaited change happened; “noticed” when a check saw it.</p><table><thead><tr><th>poll</th><th>what</th><th>checks</th><th>started</th><th>ready</th><th>noticed</th><th>late</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

const CSS = `
:root{--ink:#1a202c;--muted:#718096;--line:#e2e8f0;--task:#2b6cb0;--wait:#90cdf4;--choice:#6b46c1;--pass:#a0aec0;--approval:#d69e2e;--fail:#c53030;--ok:#2f855a}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:0;padding:20px 28px;background:#fff}
h1{font-size:21px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:14px;margin:12px 0 6px}
.status{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:13px;color:#fff;vertical-align:middle}
.status.SUCCEEDED{background:var(--ok)}.status.FAILED,.status.TIMED_OUT,.status.ABORTED{background:var(--fail)}
.facts{display:flex;flex-wrap:wrap;gap:6px 22px;margin:8px 0;color:#2d3748}.facts b{font-weight:600}
.error{border-left:4px solid var(--fail);background:#fff5f5;padding:8px 12px;margin:10px 0;white-space:pre-wrap}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;color:#4a5568;margin:4px 0 6px}.legend i{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:-1px;border-radius:2px}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px}
svg text{font:11px system-ui,sans-serif;fill:var(--ink)}svg .tick{fill:var(--muted);font-size:10px}svg .tick.sub{font-size:9px}
svg .grid{stroke:#edf2f7;stroke-width:1}svg .band{fill:transparent}svg g:nth-of-type(even) .band{fill:#f7fafc}svg .band.failure{fill:#fff5f5}svg .band.approval{fill:#fffbeb}
svg .kind{fill:var(--muted);font-size:10px}svg .dur{fill:#4a5568;font-size:10px}
.bar.span{fill-opacity:.18}.k-action,.k-map{fill:var(--task)}.k-poll{fill:var(--task)}.k-wait{fill:var(--wait)}.k-decision{fill:var(--choice)}.k-bookkeeping{fill:var(--pass)}.k-approval{fill:var(--approval)}
.st-task{fill:var(--task)}.st-wait{fill:var(--wait)}.st-container{fill:none;stroke:var(--task);stroke-width:1}.st-choice{fill:var(--choice)}.st-pass{fill:var(--pass)}.st-end{fill:var(--ink)}.st-failed{fill:var(--fail)}
.check{stroke:#1a365d;stroke-width:1.2}.ready{fill:var(--ok)}
.approval-line{stroke:var(--approval);stroke-width:1.5;stroke-dasharray:4 3}.approval-line.no{stroke:var(--fail)}.failure-line{stroke:var(--fail);stroke-width:1.5}
.undo{stroke:#fff;stroke-width:1}.u-undone{fill:var(--fail)}.u-unchanged{fill:var(--pass)}.u-needs-attention{fill:#000}
.seg.t-pending{fill:#f6e05e}.seg.t-ready{fill:#68d391}.seg.t-leaving{fill:#f6ad55}.seg.t-gone{fill:#cbd5e0}.seg.t-failed{fill:#fc8181}.seg-label{font-size:9.5px;fill:#1a202c}
.sharebar{display:flex;height:14px;border-radius:4px;overflow:hidden;margin:6px 0 10px;max-width:900px;background:var(--line)}.sharebar .share{background:var(--task);border-right:1px solid #fff}.sharebar .share:nth-child(even){background:#4299e1}.sharebar .share.st-failed{background:var(--fail)}
table{border-collapse:collapse;margin:6px 0;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:3px 10px 3px 0;text-align:left;vertical-align:top}th{color:#4a5568;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.subject{font-family:ui-monospace,monospace;font-size:11.5px;color:#4a5568}tr.failure td{color:var(--fail)}tr.no td{color:var(--fail)}
.breakdown{min-width:480px}.breakdown tfoot td{font-weight:600;border-bottom:0}
.muted{color:var(--muted)}.note{background:#fffbeb;border-left:4px solid var(--approval);padding:6px 10px}
.summary{font-weight:600}.cols{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:18px}.cols ul{margin:0;padding-left:18px}.attention h3{color:var(--fail)}
.runbook{background:#ebf8ff;border-left:4px solid var(--task);padding:8px 12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}dt{color:#4a5568}dd{margin:0}
footer{margin-top:30px;color:var(--muted);font-size:12px}.small{font-size:12px;margin:2px 0}
@media print{.scroll{overflow:visible;border:0}}
`;

function legend(items: Array<[string, string]>): string {
  return `<div class="legend">${items.map(([color, label]) => `<span><i style="background:${color}"></i>${e(label)}</span>`).join('')}</div>`;
}

/** The whole page. */
export function renderHtmlReport(report: ReportForHtml): string {
  const r = report;
  const scale = timeScale(r.virtualSeconds, r.startedAt, r.phases);
  const title = `${r.workflow}: ${r.status}`;
  const facts: Array<[string, string]> = [
    ['execution', r.executionName],
    ['started', r.startedAt],
    ['virtual time', formatDuration(r.virtualSeconds)],
    ['lower bound', formatDuration(r.lowerBoundSeconds)],
    ['AWS calls', `${r.awsCalls.length} (${r.pollCalls} polling)`],
    ['states entered', String(r.states.length)],
  ];
  if (r.history && typeof r.history === 'object')
    for (const [k, v] of Object.entries(r.history)) facts.push([k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
  const violations = r.safety?.violations ?? [];
  const timeline = timelineSvg(r, scale);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><style>${CSS}</style></head>
<body>
<header>
<h1>${e(r.workflow)} <span class="status ${e(r.status)}">${e(r.status)}</span></h1>
<div class="facts">${facts.map(([k, v]) => `<span>${e(k)}: <b>${e(v)}</b></span>`).join('')}</div>
${r.error ? `<div class="error"><b>${e(r.error.name)}</b>: ${e(errorMessage(r.error.cause))}</div>` : ''}
${violations.length ? `<div class="error"><b>safety invariant violated</b><ul>${violations.map((v) => `<li>${e(v)}</li>`).join('')}</ul></div>` : ''}
</header>
<section id="timeline"><h2>Timeline</h2>
${legend([
  ['var(--task)', 'action (task)'],
  ['var(--wait)', 'wait'],
  ['var(--choice)', 'decision ◆'],
  ['var(--pass)', 'bookkeeping ●'],
  ['#1a365d', 'poll check |'],
  ['var(--ok)', 'awaited change happened ▲'],
  ['var(--approval)', 'approval requested / decided'],
  ['var(--fail)', 'failure and rollback'],
])}
<p class="muted small">The time axis is compressed: each phase is as wide as the square root of its duration; clock labels are true virtual times, and the breakdown below is linear.</p>
<div class="scroll">${timeline.svg}</div>${timeline.note}</section>
<section id="resources"><h2>Resources</h2>
${legend([
  ['#f6e05e', 'pending'],
  ['#68d391', 'in place'],
  ['#f6ad55', 'going away'],
  ['#cbd5e0', 'gone'],
  ['#fc8181', 'failed'],
])}
<div class="scroll">${lanesSvg(r, scale)}</div></section>
<section id="plan"><h2>The plan</h2>${planHtml(r)}</section>
<section id="decisions"><h2>Approvals and operator decisions</h2>${decisionsHtml(r)}</section>
${rollbackHtml(r)}
<section id="breakdown"><h2>Where the virtual time went</h2>${breakdownHtml(r)}</section>
${pollsHtml(r)}
<footer>byoip-orchestrator report · times are virtual (the simulator's clock) from ${e(r.startedAt)} · generated without scripts or network access</footer>
</body></html>
`;
}

/** A chained rehearsal's combined timeline (runner/rehearsal.ts combinedTimeline) as one page. */
export interface RehearsalTimeline {
  startedAt: string;
  virtualSeconds: number;
  ok: boolean;
  worldDifferences?: string[];
  steps: Array<{
    step: number;
    label: string;
    kind: string;
    workflow?: string;
    status: string;
    ok: boolean;
    startedAt: number;
    seconds: number;
    error?: string | null;
    phases?: SimulationReport['phases'];
  }>;
}

export function renderRehearsalHtml(t: RehearsalTimeline, link: (s: RehearsalTimeline['steps'][number]) => string | undefined): string {
  const phases = t.steps.flatMap((s) => (s.phases?.length ? s.phases : [{ name: s.label, startedAt: s.startedAt, seconds: s.seconds }]));
  const scale = timeScale(t.virtualSeconds, t.startedAt, phases);
  const ROW = 24;
  let y = 26;
  const rows = t.steps
    .map((s) => {
      const x1 = scale.x(s.startedAt);
      const w = Math.max(2, scale.x(s.startedAt + s.seconds) - x1);
      const cls = !s.ok ? 'st-failed' : s.kind === 'workflow' ? 'k-action' : s.kind === 'wait' ? 'k-wait' : 'k-decision';
      const segs = (s.phases ?? [])
        .filter((p) => p.seconds > 0)
        .map((p) => {
          const px = scale.x(p.startedAt);
          return `<rect class="bar ${p.name === AFTER_FAILURE ? 'st-failed' : 'st-task'}" x="${px.toFixed(1)}" y="${y + 14}" width="${Math.max(1, scale.x(p.startedAt + p.seconds) - px).toFixed(1)}" height="4"><title>${e(`${p.name}: ${formatDuration(p.seconds)}`)}</title></rect>`;
        })
        .join('');
      const row = `<g class="step" data-step="${s.step}"><rect class="band" x="0" y="${y - 2}" width="${WIDTH}" height="${ROW}"/><text class="label" x="6" y="${y + 12}">${e(s.label.length > 30 ? `${s.label.slice(0, 29)}…` : s.label)}<title>${e(s.label)}</title></text><text class="kind" x="${LABEL_W - 6}" y="${y + 12}" text-anchor="end">${e(s.status)}</text><rect class="bar span ${cls}" x="${x1.toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="10" rx="2"><title>${e(`${s.label}: ${s.status}, +${formatDuration(s.startedAt)}, ${formatDuration(s.seconds)}`)}</title></rect>${segs}<text class="dur" x="${WIDTH - 4}" y="${y + 12}" text-anchor="end">${e(formatDuration(s.seconds))}</text></g>`;
      y += ROW + 2;
      return row;
    })
    .join('');
  const svg = `<svg class="timeline" role="img" aria-label="the rehearsal's steps on one clock" viewBox="0 0 ${WIDTH} ${y + 4}" width="${WIDTH}" height="${y + 4}" xmlns="http://www.w3.org/2000/svg">${axis(scale, y + 4)}${rows}</svg>`;
  const table = `<table><thead><tr><th>step</th><th>status</th><th>started</th><th>took</th><th>report</th></tr></thead><tbody>${t.steps
    .map((s) => {
      const href = link(s);
      return `<tr class="${s.ok ? '' : 'no'}"><td>${e(s.label)}</td><td>${e(s.status)}${s.error ? ` (${e(s.error)})` : ''}</td><td class="num">+${e(formatDuration(s.startedAt))}</td><td class="num">${e(formatDuration(s.seconds))}</td><td>${href ? `<a href="${e(href)}">${e(href)}</a>` : ''}</td></tr>`;
    })
    .join('')}</tbody></table>`;
  const world =
    t.worldDifferences === undefined
      ? ''
      : t.worldDifferences.length === 0
        ? '<p class="summary">The world is back where it started (everything in AWS; the state table keeps its approval records).</p>'
        : `<div class="error"><b>The world is not back where it started</b><ul>${t.worldDifferences.map((d) => `<li>${e(d)}</li>`).join('')}</ul></div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>rehearsal: ${t.ok ? 'as expected' : 'NOT as expected'}</title><style>${CSS}</style></head>
<body><h1>Rehearsal <span class="status ${t.ok ? 'SUCCEEDED' : 'FAILED'}">${t.ok ? 'AS EXPECTED' : 'NOT AS EXPECTED'}</span></h1>
<div class="facts"><span>started: <b>${e(t.startedAt)}</b></span><span>virtual time: <b>${e(formatDuration(t.virtualSeconds))}</b></span><span>steps: <b>${t.steps.length}</b></span></div>
${world}
<section><h2>The steps on one clock</h2><p class="muted small">Each workflow's phases are the thin bars under its step; the axis is compressed as in each report.</p><div class="scroll">${svg}</div></section>
<section><h2>Steps</h2>${table}</section>
<footer>byoip-orchestrator rehearsal · generated without scripts or network access</footer>
</body></html>
`;
}
