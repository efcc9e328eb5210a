/**
 * What a workflow will change, before anything changes (`byoip plan`): pure functions from a validated
 * plan and the current state (read by the workflow's own read-only tasks) to the ordered list of
 * changes. The "approved" rows come from the same functions the workflows' approval plans do.
 */
import { onboardCutoverPlan, type DistributionBefore, type OnboardPlan, type RecordBefore } from './cloudfront-byoip';
import { GaCidrStates, staticIpCutoverPlan, type StaticIpPlan } from './static-ip';

export interface PlanRow {
  /** When it happens: before the approval, at the approval (what approvers are asked), after it. */
  phase: 'before approval' | 'approved' | 'after';
  kind: string;
  target: string;
  from: string;
  to: string;
}

const PHASES: PlanRow['phase'][] = ['before approval', 'approved', 'after'];

/** A workflow's changes, in order: what `byoip plan` prints. */
export interface Preview {
  workflow: string;
  migrationId: string;
  rows: PlanRow[];
  /** What approving confirms (recorded with the decision). */
  confirm: string;
  note: string;
}

export interface OnboardingState {
  cidrStates: Record<string, string>;
  distributions: DistributionBefore[];
  records: RecordBefore[];
}

/** The onboarding's changes, in order, from its validated plan and the current state. Pure. */
export function previewOnboarding(plan: OnboardPlan, now: OnboardingState, approvers: string[]): Preview {
  const rows: PlanRow[] = [];
  const before = (kind: string, target: string, from: string, to: string) => rows.push({ phase: 'before approval', kind, target, from, to });
  before(
    'ipam pool',
    `top-level pool in ${plan.ipamId} (${plan.region})`,
    '(none, or the one tagged with this migration)',
    `pool for ${plan.topLevelCidrs.join(', ')}`,
  );
  for (const c of plan.topLevelCidrs) before('provision', c, now.cidrStates[c] ?? 'not provisioned', 'provisioned (signed for this account; hours to a week)');
  before('ipam pool', 'global (CloudFront) child pool', '(none, or the one tagged with this migration)', `pool for ${plan.cidrs.join(', ')}`);
  for (const c of plan.cidrs) before('provision', `${c} (global pool)`, now.cidrStates[c] ?? 'not provisioned', 'provisioned');
  before('anycast ip list', plan.anycastIpListName, '(none)', '3 anycast IPs from the global pool');
  for (const r of now.records)
    before('dns ttl', `${r.name} ${r.type} (${r.hostedZoneId})`, `TTL ${r.before?.TTL ?? '-'}`, `TTL ${plan.dns.cutoverTtl}, then wait out the old TTL`);
  const gate = onboardCutoverPlan({
    migrationId: plan.migrationId,
    cidrs: plan.cidrs,
    cidrStates: Object.fromEntries(plan.cidrs.map((c) => [c, 'provisioned'])),
    anycastIpListId: `${plan.anycastIpListName} (created above)`,
    anycastIps: ["<the list's 3 anycast IPs>"],
    distributionIds: plan.distributionIds,
    records: now.records,
    distributions: now.distributions,
    cutoverTtl: plan.dns.cutoverTtl,
    approvers,
  });
  // The distributions' settings are staged before the gate (a rejection puts them back); the approval lists them too.
  for (const c of gate.changes) rows.push({ phase: c.kind === 'distribution' ? 'before approval' : 'approved', ...c });
  rows.sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase));
  if (plan.dns.restoreTtl) {
    for (const r of now.records)
      rows.push({
        phase: 'after',
        kind: 'dns ttl',
        target: `${r.name} ${r.type} (${r.hostedZoneId})`,
        from: `TTL ${plan.dns.cutoverTtl}`,
        to: `TTL ${r.before?.TTL ?? '-'} (after ${plan.dns.watchSeconds} s of watching)`,
      });
  }
  return {
    workflow: 'onboard-cloudfront-byoip',
    migrationId: plan.migrationId,
    rows,
    confirm: gate.confirm,
    note:
      'The approval shows the "approved" rows with the list\'s real anycast IPs and the plan hash the decision is verified against; ' +
      'a rejection keeps the provisioned pools (onReject "park") unless the input says "undo-all".',
  };
}

/** static-ip-byoip's changes, in order, from its validated plan and the current state. Pure. */
export function previewStaticIp(
  plan: StaticIpPlan,
  now: { cidrStates: Record<string, string>; accelerator: { found: boolean; ipAddresses: string[] } },
  approvers: string[],
): Preview {
  const rows: PlanRow[] = [];
  for (const c of plan.cidrs) {
    const state = now.cidrStates[c] ?? 'not provisioned';
    // The workflow provisions only what the account does not hold already (CaptureStaticIpBaseline's provisionedBefore).
    if (!(GaCidrStates.held as readonly string[]).includes(state))
      rows.push({
        phase: 'before approval',
        kind: 'provision',
        target: `${c} (Global Accelerator, ${plan.gaRegion})`,
        from: state,
        to: 'READY (signed for this account; hours to weeks)',
      });
  }
  const gate = staticIpCutoverPlan({
    migrationId: plan.migrationId,
    cidrs: plan.cidrs,
    approvers,
    accelerator: plan.accelerator,
    baseline: now.accelerator,
    rangeStates: Object.fromEntries(
      plan.cidrs.map((c) => [c, (GaCidrStates.provisioned as readonly string[]).includes(now.cidrStates[c]) ? now.cidrStates[c] : 'READY']),
    ),
  });
  for (const c of gate.changes) rows.push({ phase: 'approved', ...c });
  return {
    workflow: 'static-ip-byoip',
    migrationId: plan.migrationId,
    rows,
    confirm: gate.confirm,
    note: 'The approval shows the "approved" rows and the plan hash the decision is verified against; a rejection keeps the provisioned ranges (onReject "park") unless the input says "undo-all".',
  };
}
