/**
 * Points of no return (issue #16): after a workflow's pivot a failure never rolls back by itself. For
 * every state after the pivot that calls AWS, a permanent failure leaves the execution waiting for an
 * operator with nothing withdrawn, no DNS reverted, nothing deleted; forward, back (with the old
 * provider confirmed) and stop then end as docs/runbook.md "Operator decisions" says.
 */
import { decideApproval } from '../../platform/approval/store';
import { isMutating } from '../../sim/simulator';
import { leasesHeld, operatorView, viewDifferences, type WorldView } from '../../runner/world-view';
import { prepareScenario, scenarioFor } from '../../runner/scenarios';
import type { SimulationReport } from '../../runner/report';
import { callsOf, exampleInput, exampleSim, run } from '../support/world';
import { workflows } from '../../workflows';
import { loadDefinition } from '../../runner/local-runner';

/** What a permanent error is called per service (as the fault sweep uses). */
const DENIED: Record<string, string> = {
  EC2: 'UnauthorizedOperation',
  Route53: 'AccessDenied',
  CloudFront: 'AccessDenied',
  GlobalAccelerator: 'AccessDeniedException',
  DynamoDB: 'AccessDeniedException',
};

/** The (state, service, operation) a clean run calls after its PointOfNoReturn, once each. */
function afterPivot(report: SimulationReport): Array<{ state: string; service: string; operation: string }> {
  const at = report.states.findIndex((s) => s.name === 'PointOfNoReturn');
  const pivot = report.states[at];
  // States entered after it, in order (states before it may share its virtual time).
  const entered = new Set(report.states.slice(at + 1).map((s) => s.name));
  const seen = new Map<string, { state: string; service: string; operation: string }>();
  for (const c of report.awsCalls) {
    if (!c.state || !entered.has(c.state)) continue;
    // The workflow's own steps: leases and approvals (DynamoDB), emails and keys are not what the pivot protects.
    if (c.at < pivot.enteredAt || !c.state || ['SNS', 'SecretsManager', 'DynamoDB', 'SFN'].includes(c.service)) continue;
    // Lease releases and the TTL restore are tolerated (a warning), not held.
    if (/ReleaseLocks|RestoreDnsTtl/.test(c.state)) continue;
    seen.set(`${c.state}|${c.service}:${c.operation}`, { state: c.state, service: c.service, operation: c.operation });
  }
  return [...seen.values()];
}

/** Changes that would undo or revert something: none may happen while the execution waits for an operator. */
const UNDOING = [
  'WithdrawByoipCidr',
  'DeprovisionIpamPoolCidr',
  'DeprovisionByoipCidr',
  'DeleteAccelerator',
  'DeleteListener',
  'DeleteEndpointGroup',
  'DeleteAnycastIpList',
  'DeleteIpamPool',
];

describe.each([
  ['onboard-cloudfront-byoip', 'CutoverDns', 'Route53', 'ChangeResourceRecordSets'],
  ['static-ip-byoip', 'EnsureEndpointGroup', 'GlobalAccelerator', 'CreateEndpointGroup'],
])('%s past its point of no return', (workflow, failingState, service, operation) => {
  let clean: { report: SimulationReport; end: WorldView };
  beforeAll(async () => {
    const sim = exampleSim();
    const report = await run(sim, workflow, exampleInput(workflow));
    expect(report.status).toBe('SUCCEEDED');
    clean = { report, end: operatorView(sim) };
  });

  it('holds for an operator at every state after the pivot, undoing nothing', async () => {
    const points = afterPivot(clean.report);
    expect(points.length).toBeGreaterThanOrEqual(5);
    for (const p of points) {
      const sim = exampleSim();
      sim.faults.add(`${p.state}/${p.service}:${p.operation}=${DENIED[p.service] ?? 'AccessDenied'}x99`);
      const report = await run(sim, workflow, exampleInput(workflow));
      const where = `${p.state} ${p.service}:${p.operation}`;
      expect([where, report.status]).toEqual([where, 'WAITING_FOR_OPERATOR']);
      const asked = report.approvals.at(-1)!;
      expect(asked.operator?.pending).toBe(true);
      expect(asked.plan?.title).toMatch(/failed past the point of no return: forward, back or stop\? \(/);
      const failedAt = report.awsCalls.findIndex((c) => c.error && c.state === p.state);
      expect(failedAt).toBeGreaterThan(0);
      const later = report.awsCalls.slice(failedAt).filter((c) => !c.error && isMutating(c.operation) && !['SNS', 'DynamoDB', 'SFN'].includes(c.service));
      expect([where, later.map((c) => `${c.state} ${c.operation}`)]).toEqual([where, []]);
      for (const op of UNDOING) expect([where, op, callsOf(report, op).length]).toEqual([where, op, 0]);
      expect(report.states.some((s) => s.name === 'Compensate')).toBe(false);
    }
  }, 120_000);

  it('forward runs the failed step again and finishes like a clean run', async () => {
    const sim = exampleSim();
    sim.faults.add(`${failingState}/${service}:${operation}=${DENIED[service]}x1`);
    const report = await run(sim, workflow, exampleInput(workflow), { operator: 'forward' });
    expect(report.status).toBe('SUCCEEDED');
    expect(report.approvals.at(-1)?.operator).toMatchObject({ failedState: failingState, outcome: 'forward', pending: false });
    expect(viewDifferences(clean.end, operatorView(sim))).toEqual([]);
  });

  it('back (the old provider confirmed) undoes everything, after the decision only', async () => {
    const sim = exampleSim();
    const before = operatorView(sim);
    sim.faults.add(`${failingState}/${service}:${operation}=${DENIED[service]}x1`);
    const report = await run(sim, workflow, exampleInput(workflow), { operator: 'back' });
    expect(report.status).toBe('FAILED');
    const asked = report.approvals.at(-1)!;
    expect(asked.operator).toMatchObject({ outcome: 'back', pending: false });
    expect(asked.plan?.prerequisite).toMatch(/Back withdraws what AWS announces: first have the old provider announce the prefixes again/);
    expect(asked.plan?.changes?.filter((c) => c.kind === 'back undoes').length).toBeGreaterThan(2);
    const undone = report.awsCalls.filter((c) => c.state?.startsWith('Undo'));
    expect(undone.length).toBeGreaterThan(0);
    expect(Math.min(...undone.map((c) => c.at))).toBeGreaterThanOrEqual(asked.decidedAt!);
    expect(viewDifferences(before, operatorView(sim))).toEqual([]);
  });

  it('stop leaves everything as it is, releases the leases and ends StoppedByOperator', async () => {
    const sim = exampleSim();
    sim.faults.add(`${failingState}/${service}:${operation}=${DENIED[service]}x1`);
    const report = await run(sim, workflow, exampleInput(workflow), { operator: 'stop' });
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('StoppedByOperator');
    for (const op of UNDOING) expect(callsOf(report, op)).toHaveLength(0);
    expect(report.states.some((s) => s.name === 'Compensate')).toBe(false);
    const view = operatorView(sim);
    expect(leasesHeld(view)).toEqual([]);
    expect(callsOf(report, 'DeleteItem').filter((c) => c.state === 'StoppedByOperatorReleaseLocks').length).toBeGreaterThan(0);
  });
});

describe('the operator decision itself', () => {
  it('refuses back without the old provider confirmed, and approve on an operator gate; the refused run still waits', async () => {
    const sim = exampleSim();
    sim.faults.add('CutoverDns/Route53:ChangeResourceRecordSets=AccessDeniedx99');
    const answers: unknown[] = [];
    const report = await run(sim, 'onboard-cloudfront-byoip', exampleInput(), {
      approve: async (req) => {
        if (!req.payload.plan.decisions) {
          await req.approve();
          return;
        }
        const identity = { approver: req.payload.plan.approvers[0], principal: 'simulator', authentication: 'simulator' as const };
        answers.push(await decideApproval({ approvalId: req.approvalId, outcome: 'back', reason: 'rollback please', via: 'test', identity }));
        answers.push(await decideApproval({ approvalId: req.approvalId, outcome: 'approve', reason: 'looks fine', via: 'test', identity }));
        answers.push(
          await decideApproval({ approvalId: req.approvalId, outcome: 'stop', reason: 'by hand from here', via: 'test', identity, confirmed: false }),
        );
      },
    });
    expect(answers[0]).toMatchObject({ kind: 'refused', problems: [expect.stringMatching(/first confirm that the old provider announces them again/)] });
    expect(answers[1]).toMatchObject({
      kind: 'refused',
      problems: [expect.stringMatching(/"approve" is not a decision of this gate; it offers forward, back, stop/)],
    });
    expect(answers[2]).toMatchObject({ kind: 'decided', decision: { outcome: 'stop', approved: false } });
    expect(report.error?.name).toBe('StoppedByOperator');
    expect(callsOf(report, 'WithdrawByoipCidr')).toHaveLength(0);
  });
});

/** Every other workflow with a point of no return, on its rehearsal scenario: one failure after the pivot, then each decision it offers. */
describe.each([
  ['byoasn-onboard', 'AwaitAdvertised/EC2:DescribeByoipCidrs=UnauthorizedOperation', ['forward', 'back', 'stop']],
  ['vpc-origin-share', 'UpsertTeamAliases/Route53:ChangeResourceRecordSets=AccessDenied', ['forward', 'back', 'stop']],
  ['asn-swap', 'AwaitAdvertised/EC2:DescribeByoipCidrs=UnauthorizedOperation', ['forward', 'stop']],
  ['byoasn-teardown', 'DisassociateAsn/EC2:DisassociateIpamByoasn=UnauthorizedOperation', ['forward', 'stop']],
  ['teardown-cloudfront-byoip', 'AwaitWithdrawn/EC2:DescribeByoipCidrs=UnauthorizedOperation', ['forward', 'stop']],
  ['teardown-static-ip-byoip', 'AwaitWithdrawn/GlobalAccelerator:ListByoipCidrs=AccessDeniedException', ['forward', 'stop']],
  ['vpc-origin-teardown', 'AwaitDetachDeployed/CloudFront:GetDistribution=AccessDenied', ['forward', 'stop']],
] as const)('%s past its point of no return', (workflow, fault, decisions) => {
  const state = fault.split('/')[0];
  const rehearse = async (o: { times: number; operator?: 'forward' | 'back' | 'stop' }) => {
    const { sim, input } = await prepareScenario(scenarioFor(workflow));
    const before = operatorView(sim);
    sim.faults.add(`${fault}x${o.times}`);
    const report = await run(sim, workflow, input, o.operator ? { operator: o.operator } : {});
    return { sim, before, report };
  };

  it(`waits for an operator (${decisions.join(', ')}) with nothing undone; forward finishes like a clean run`, async () => {
    const held = await rehearse({ times: 99 });
    expect(held.report.status).toBe('WAITING_FOR_OPERATOR');
    expect(held.report.approvals.at(-1)?.operator).toMatchObject({ failedState: state, pending: true, decisions: [...decisions] });
    expect(held.report.awsCalls.filter((c) => c.state?.startsWith('Undo'))).toEqual([]);
    const clean = await prepareScenario(scenarioFor(workflow));
    expect((await run(clean.sim, workflow, clean.input)).status).toBe('SUCCEEDED');
    const forward = await rehearse({ times: 1, operator: 'forward' });
    expect(forward.report.status).toBe('SUCCEEDED');
    expect(viewDifferences(operatorView(clean.sim), operatorView(forward.sim))).toEqual([]);
  });

  it('stop ends StoppedByOperator, undoing nothing', async () => {
    const { report } = await rehearse({ times: 1, operator: 'stop' });
    expect(report.error?.name).toBe('StoppedByOperator');
    expect(report.awsCalls.filter((c) => c.state?.startsWith('Undo'))).toEqual([]);
  });

  if ((decisions as readonly string[]).includes('back')) {
    it('back returns the world to how it was before the run', async () => {
      const { sim, before, report } = await rehearse({ times: 1, operator: 'back' });
      expect(report.status).toBe('FAILED');
      expect(viewDifferences(before, operatorView(sim))).toEqual([]);
    });
  }
});

describe('in the ASL itself', () => {
  const edges = (st: Record<string, any>): string[] =>
    [st.Next, st.Default, ...(st.Choices ?? []).map((c: any) => c.Next), ...(st.Catch ?? []).map((c: any) => c.Next)].filter(Boolean);

  it.each(workflows.map((w) => [w.name]))(
    '%s: past its point of no return, compensation and parking are reached only through a verified operator decision',
    (name) => {
      const states = loadDefinition(name).States as Record<string, any>;
      if (!states.PointOfNoReturn) {
        expect(name).toBe('origin-ranges-sync'); // changes security groups and prefix lists, not what the internet routes to
        return;
      }
      // Everything reachable from the pivot, without passing the operator's verified decision.
      const seen = new Set<string>();
      const todo = ['PointOfNoReturn'];
      while (todo.length) {
        const n = todo.pop()!;
        if (seen.has(n) || !states[n]) continue;
        seen.add(n);
        if (n === 'OperatorDecided') continue;
        todo.push(...edges(states[n]));
      }
      expect([...seen].filter((n) => n === 'Compensate' || n === 'ParkOrUndo' || /^Undo/.test(n))).toEqual([]);
      expect(seen.has('AwaitOperator')).toBe(true);
    },
  );
});

describe('when the operator decision itself cannot be asked', () => {
  it('the execution ends HeldForOperator: nothing undone, leases released', async () => {
    const sim = exampleSim();
    sim.faults.add('CutoverDns/Route53:ChangeResourceRecordSets=AccessDeniedx99');
    sim.faults.add('AwaitOperatorDecision/SNS:Publish=AuthorizationErrorx99');
    const report = await run(sim, 'onboard-cloudfront-byoip', exampleInput(), { operator: 'back' });
    expect(report.error?.name).toBe('HeldForOperator');
    // The email could not be sent, so no decision could be asked for.
    expect(report.awsCalls.some((c) => c.state === 'AwaitOperatorDecision' && c.operation === 'Publish' && c.error)).toBe(true);
    expect(report.awsCalls.filter((c) => c.state?.startsWith('Undo'))).toEqual([]);
    expect(callsOf(report, 'WithdrawByoipCidr')).toHaveLength(0);
    expect(leasesHeld(operatorView(sim))).toEqual([]);
  });
});
