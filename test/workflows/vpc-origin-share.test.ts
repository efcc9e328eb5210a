/**
 * vpc-origin-share end to end in the simulator: team VPC origins shared through RAM into the one
 * distribution, DNS, isolation probes through the edge; compensation; many teams at once.
 */
import { errorMessage } from '../../domain/compensation';
import type { SimulationReport } from '../../runner/report';
import { runWorkflow } from '../../runner/local-runner';
import { createSimulator, type Simulator } from '../../sim';
import { callsOf, EXAMPLES, exampleInput, exampleSim, exampleWorldJson, run } from '../support/world';
import { DIST, distributionUpdates, generatedTeam, NET, shareInput, vpcWorld, worldWithTeams } from '../support/vpc-origins';

const WF = 'vpc-origin-share';
const TEAM_A = '444455556666';
const TEAM_B = '555566667777';

describe('vpc-origin-share', () => {
  describe('two teams (the example)', () => {
    let sim: Simulator;
    let report: SimulationReport;
    beforeAll(async () => {
      sim = exampleSim();
      report = await run(sim, WF, exampleInput(WF));
    });

    it('succeeds with the teams routed and isolated', () => {
      expect(report.error).toBeNull();
      expect(report.status).toBe('SUCCEEDED');
      const out = report.output as any;
      expect(out.isolation.map((p: any) => [p.url, p.status])).toEqual([
        ['https://team-a.example.com/team-a/health', 200],
        ['https://team-b.example.com/team-a/health', 404],
        ['https://team-c.example.com/team-a/health', 404],
        ['https://team-b.example.com/team-b/health', 200],
        ['https://team-a.example.com/team-b/health', 404],
        ['https://team-c.example.com/team-b/health', 404],
      ]);
      expect(out.approval).toMatchObject({ approved: true, decidedBy: 'netops-oncall@example.com', requestedBy: expect.stringMatching(/byoip-operator/) });
    });

    it('asks for approval of every new origin, behaviour, alias and DNS record before creating anything', () => {
      const approvedAt = callsOf(report, 'SendTaskSuccess')[0].at;
      const changes = report.awsCalls.filter(
        (c) =>
          !c.error &&
          ['CreateVpcOrigin', 'CreateResourceShare', 'AcceptResourceShareInvitation', 'UpdateDistribution', 'ChangeResourceRecordSets'].includes(c.operation),
      );
      expect(changes.length).toBeGreaterThan(0);
      expect(changes.every((c) => c.at >= approvedAt)).toBe(true);
      const email = (sim.snapshot() as any).sns.emails.find((e: any) => /Approval needed/.test(e.subject)).body as string;
      for (const line of [
        `origin ${DIST} vpc-team-a: (none) -> team-a's VPC origin in account ${TEAM_A}`,
        `behaviour ${DIST} /team-a/*: (none) -> origin vpc-team-a`,
        `alias ${DIST}: (none) -> team-a.example.com`,
        'dns team-b.example.com. AAAA (Z0EXAMPLE000001): (none) -> alias d3teams0example.cloudfront.net.',
      ])
        expect(email).toContain(line);
    });

    it("creates each VPC origin and share in the team's account, and accepts in the networking account", () => {
      const where = (op: string) =>
        callsOf(report, op)
          .filter((c) => !c.error)
          .map((c) => c.account)
          .sort();
      expect(where('CreateVpcOrigin')).toEqual([TEAM_A, TEAM_B]);
      expect(where('CreateResourceShare')).toEqual([TEAM_A, TEAM_B]);
      expect(where('AcceptResourceShareInvitation')).toEqual([NET, NET]);
      expect(where('UpdateDistribution')).toEqual([NET]);
      const share = callsOf(report, 'CreateResourceShare')[0].input as any;
      expect(share).toMatchObject({
        principals: [NET],
        allowExternalPrincipals: true,
        resourceArns: [expect.stringMatching(/^arn:aws:cloudfront::\d{12}:vpcorigin\/vo_/)],
      });
      expect(callsOf(report, 'CreateResourceShare').every((c) => c.region === 'us-east-1')).toBe(true);
    });

    it('adds both teams in one distribution change (one deployment), cross-account and forwarding Host', () => {
      expect(distributionUpdates(sim)).toHaveLength(1);
      const config = (distributionUpdates(sim)[0].input as any).DistributionConfig;
      const origin = config.Origins.Items.find((o: any) => o.Id === 'vpc-team-a');
      expect(origin.VpcOriginConfig).toMatchObject({ OwnerAccountId: TEAM_A, VpcOriginId: expect.stringMatching(/^vo_/) });
      const behavior = config.CacheBehaviors.Items.find((b: any) => b.PathPattern === '/team-a/*');
      expect(behavior).toMatchObject({
        TargetOriginId: 'vpc-team-a',
        OriginRequestPolicyId: '216adef6-5c7f-47e4-b989-5492eafa07d3',
        ViewerProtocolPolicy: 'https-only',
      });
      // The update waited until both origins were Deployed and the shares accepted.
      const update = distributionUpdates(sim)[0].at;
      const deployed = sim.transitions.filter((t) => t.resource.startsWith('vpc-origin:') && t.to === 'Deployed').map((t) => t.at);
      const accepted = sim.transitions.filter((t) => t.resource.startsWith('ram-invitation:') && t.to === 'ACCEPTED').map((t) => t.at);
      expect(Math.max(...deployed, ...accepted)).toBeLessThanOrEqual(update);
    });

    it('leaves origins, shares, routes, DNS aliases, and no lease or queue item behind', () => {
      const world = vpcWorld(sim);
      expect(world.vpcOrigins).toEqual([
        `${TEAM_A}:team-a-vpc-origin:Deployed`,
        `${TEAM_B}:team-b-vpc-origin:Deployed`,
        '666677778888:team-c-vpc-origin:Deployed', // already there in the world
      ]);
      expect(world.shares).toEqual([
        `${TEAM_A}:cloudfront-vpc-origin-team-a:ACTIVE`,
        `${TEAM_B}:cloudfront-vpc-origin-team-b:ACTIVE`,
        '666677778888:cloudfront-vpc-origin-team-c:ACTIVE',
      ]);
      expect(world.distribution).toEqual({
        id: DIST,
        status: 'Deployed',
        enabled: true,
        list: null,
        price: 'PriceClass_100',
        ipv6: true,
        origins: ['origin-1', 'vpc-team-c', 'vpc-team-a', 'vpc-team-b'],
        behaviors: ['/team-c/*→vpc-team-c', '/team-a/*→vpc-team-a', '/team-b/*→vpc-team-b'],
        aliases: ['team-c.example.com', 'team-a.example.com', 'team-b.example.com'],
      });
      const alias = { HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: 'd3teams0example.cloudfront.net.', EvaluateTargetHealth: false };
      expect(world.dns.filter((r: any) => r.Name !== 'team-c.example.com.')).toEqual([
        { Name: 'team-a.example.com.', Type: 'A', AliasTarget: alias },
        { Name: 'team-a.example.com.', Type: 'AAAA', AliasTarget: alias },
        { Name: 'team-b.example.com.', Type: 'A', AliasTarget: alias },
        { Name: 'team-b.example.com.', Type: 'AAAA', AliasTarget: alias },
      ]);
      expect(world.stateItems).toEqual([]);
    });

    it('is idempotent: running it again changes nothing, and asks nobody (nothing new for the internet)', async () => {
      const again = await run(sim, WF, exampleInput(WF));
      expect(again.status).toBe('SUCCEEDED');
      expect((again.output as any).approval).toEqual({ approved: false, required: false });
      expect(callsOf(again, 'Publish')).toHaveLength(0);
      for (const op of ['CreateVpcOrigin', 'CreateResourceShare', 'AcceptResourceShareInvitation', 'UpdateDistribution', 'ChangeResourceRecordSets']) {
        expect([op, callsOf(again, op).length]).toEqual([op, 0]);
      }
    });
  });

  it.each([
    [
      'a team in the networking account',
      (i: any) => {
        i.teams[0].accountId = NET;
      },
      /input\.teams\[0\]\.accountId: is the networking account/,
    ],
    [
      'a role in another account',
      (i: any) => {
        i.teams[1].roleArn = 'arn:aws:iam::444455556666:role/x';
      },
      /input\.teams\[1\]\.roleArn: is in account 444455556666/,
    ],
    [
      'two teams on one path',
      (i: any) => {
        i.teams[1].pathPattern = '/team-a/*';
      },
      /input\.teams\[1\]\.pathPattern: repeats teams\[0\]\.pathPattern/,
    ],
    [
      'an unknown field',
      (i: any) => {
        i.teams[0].cnames = ['x'];
      },
      /input\.teams\[0\]: unknown field\(s\) "cnames"/,
    ],
  ])('rejects %s before any AWS call', async (_n, change, message) => {
    const sim = exampleSim();
    const input = exampleInput(WF);
    change(input);
    const report = await run(sim, WF, input);
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(message);
    expect(report.awsCalls).toHaveLength(0);
  });

  it('refuses a path the distribution already routes elsewhere, before changing anything', async () => {
    const sim = exampleSim();
    const input = exampleInput(WF);
    input.teams[0].pathPattern = '/team-c/*';
    input.teams[0].probePath = '/team-c/x';
    const report = await run(sim, WF, input);
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toMatch(/input\.teams\[0\]\.pathPattern: \/team-c\/\* is already routed to origin vpc-team-c/);
    expect(report.awsCalls.every((c) => /^(Get|List)/.test(c.operation))).toBe(true);
  });

  describe('a team host that already has DNS records (a cutover)', () => {
    const legacy = { name: 'team-b.example.com', type: 'A', ttl: 300, values: ['192.0.2.50'] };
    const world = () => {
      const w = exampleWorldJson();
      w.route53.hostedZones[0].records.push(legacy);
      return createSimulator(w, EXAMPLES);
    };

    it("shows the cutover from the record's current value in the plan", async () => {
      const sim = world();
      const report = await run(sim, WF, exampleInput(WF, { approvers: ['netops-lead@example.com'] }));
      expect(report.status).toBe('SUCCEEDED');
      const email = (sim.snapshot() as any).sns.emails.find((e: any) => /Approval needed/.test(e.subject));
      expect(email.to).toBe('netops-lead@example.com');
      expect(email.body).toContain('dns team-b.example.com. A (Z0EXAMPLE000001): 192.0.2.50 TTL 300 -> alias d3teams0example.cloudfront.net.');
    });

    it('asks for approval before changing it, and changes it once approved', async () => {
      const sim = world();
      const report = await run(sim, WF, exampleInput(WF, { approvers: ['netops-lead@example.com'] }));
      expect(report.status).toBe('SUCCEEDED');
      const approvedAt = callsOf(report, 'SendTaskSuccess')[0].at;
      const change = callsOf(report, 'ChangeResourceRecordSets')[0];
      expect(change.at).toBeGreaterThanOrEqual(approvedAt);
      expect(report.states.find((s) => s.name === 'AwaitApproval')?.status).toBe('SUCCEEDED');
      expect(vpcWorld(sim).dns.find((r: any) => r.Name === 'team-b.example.com.' && r.Type === 'A').AliasTarget.DNSName).toBe(
        'd3teams0example.cloudfront.net.',
      );
    });

    it('changes nothing at all when the change is rejected (the gate comes first)', async () => {
      const sim = world();
      const before = vpcWorld(sim);
      const report = await run(sim, WF, exampleInput(WF, { approvers: ['netops-lead@example.com'] }), { approve: 'reject' });
      expect(report.error?.name).toBe('ApprovalRejected');
      for (const op of ['CreateVpcOrigin', 'CreateResourceShare', 'AcceptResourceShareInvitation', 'UpdateDistribution', 'ChangeResourceRecordSets'])
        expect([op, callsOf(report, op)]).toEqual([op, []]);
      expect(vpcWorld(sim)).toEqual(before);
      expect(report.states.some((s) => s.name === 'RolledBack')).toBe(true);
    });
  });

  it("fails clearly when the team's invitation expired (shared 13 h ago), keeping what it did not create", async () => {
    const created = '2026-11-30T19:00:00Z'; // 13 h before the world's start
    const w = exampleWorldJson();
    w.cloudfront.vpcOrigins.push({
      id: 'vo_TeamA0Earlier01',
      account: TEAM_A,
      name: 'team-a-vpc-origin',
      endpointArn: exampleInput(WF).teams[0].albArn,
      createdAt: created,
    });
    w.ram.resourceShares.push({
      name: 'team-a-shares-its-api',
      owner: TEAM_A,
      resources: [`arn:aws:cloudfront::${TEAM_A}:vpcorigin/vo_TeamA0Earlier01`],
      principals: [NET],
      createdAt: created,
    });
    const sim = createSimulator(w, EXAMPLES);
    const before = vpcWorld(sim);
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('ResourceFailed');
    expect(errorMessage(report.error?.cause)).toMatch(
      /RAM invitation to share team-a's VPC origin .* expired at 2026-12-01T07:00:00\.000Z: invitations for CloudFront VPC origins must be accepted within 12 hours/,
    );
    expect(callsOf(report, 'CreateVpcOrigin').filter((c) => c.account === TEAM_A)).toHaveLength(0); // the team's own origin was reused
    expect(callsOf(report, 'AcceptResourceShareInvitation').filter((c) => !c.error)).toHaveLength(0);
    expect(vpcWorld(sim)).toEqual(before); // team-b's origin and share undone; team-a's, not ours, kept
  });

  it('rolls back when a VPC origin fails to deploy', async () => {
    const w = exampleWorldJson();
    w.elbv2.loadBalancers[1].vpcOriginFails = true;
    const sim = createSimulator(w, EXAMPLES);
    const before = vpcWorld(sim);
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.error?.name).toBe('ResourceFailed');
    expect(errorMessage(report.error?.cause)).toMatch(/VPC origin vo_\w+ failed to deploy/);
    expect(vpcWorld(sim)).toEqual(before);
  });

  it('asks an operator when the isolation probe reaches a team through another host (after the DNS change), and rolls back on back', async () => {
    const w = exampleWorldJson();
    w.elbv2.loadBalancers[0].listeners[0].rules[0].hosts = []; // team-a's ALB answers any Host
    const sim = createSimulator(w, EXAMPLES);
    const before = vpcWorld(sim);
    const report = await run(sim, WF, exampleInput(WF), { operator: 'back' });
    expect(report.approvals.at(-1)?.operator).toMatchObject({ failedState: 'VerifyIsolation', error: 'ResourceFailed', outcome: 'back' });
    expect(report.error?.name).toBe('ResourceFailed');
    expect(errorMessage(report.error?.cause)).toMatch(
      /isolation check failed: https:\/\/team-b\.example\.com\/team-a\/health answered 200, expected 403 or 404: team-b\.example\.com reaches team-a's origin/,
    );
    expect(vpcWorld(sim)).toEqual(before);
    // Undone in the documented order: off the distribution before unsharing and deleting.
    const t = (op: string) =>
      callsOf(report, op)
        .filter((c) => !c.error)
        .map((c) => c.at);
    expect(Math.max(...t('UpdateDistribution'))).toBeLessThan(Math.min(...t('DeleteResourceShare')));
    expect(Math.max(...t('DeleteResourceShare'))).toBeLessThan(Math.min(...t('DeleteVpcOrigin')));
  });

  it('rolling back leaves a team host that someone else repointed meanwhile as they left it (and says so); the others are restored', async () => {
    const w = exampleWorldJson();
    w.elbv2.loadBalancers[0].listeners[0].rules[0].hosts = []; // the isolation probe fails after the DNS change
    const sim = createSimulator(w, EXAMPLES);
    const record = async (name: string) =>
      (
        (await sim.call({
          service: 'Route53',
          operation: 'ListResourceRecordSets',
          account: NET,
          region: 'us-east-1',
          input: { HostedZoneId: 'Z0EXAMPLE000001', StartRecordName: name, StartRecordType: 'A', MaxItems: 1 },
        })) as { ResourceRecordSets: Array<{ Name: string; ResourceRecords?: Array<{ Value: string }>; AliasTarget?: unknown }> }
      ).ResourceRecordSets.find((r) => r.Name === name);
    const teamBBefore = await record('team-b.example.com.');
    const report = await run(sim, WF, exampleInput(WF), {
      approve: async (req) => {
        if (!Array.isArray(req.payload.plan?.decisions)) return void (await req.approve());
        // While the operator decides, someone points team-a's host elsewhere by hand.
        await sim.call({
          service: 'Route53',
          operation: 'ChangeResourceRecordSets',
          account: NET,
          region: 'us-east-1',
          input: {
            HostedZoneId: 'Z0EXAMPLE000001',
            ChangeBatch: {
              Changes: [
                { Action: 'UPSERT', ResourceRecordSet: { Name: 'team-a.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.55' }] } },
              ],
            },
          },
        });
        await req.decide('back');
      },
    });
    expect(report.approvals.at(-1)?.operator).toMatchObject({ failedState: 'VerifyIsolation', outcome: 'back' });
    expect(await record('team-a.example.com.')).toMatchObject({ ResourceRecords: [{ Value: '192.0.2.55' }] });
    expect(await record('team-b.example.com.')).toEqual(teamBBefore);
    expect(JSON.stringify(report)).toMatch(/changed by someone else meanwhile, left as it is: team-a\.example\.com\. A \(now 192\.0\.2\.55\)/);
  });

  it("waits for another writer's lease on the distribution (a lock, not luck)", async () => {
    const heldUntil = Date.parse('2026-12-01T08:40:00Z');
    const w = exampleWorldJson();
    w.dynamodb = {
      tables: [
        {
          name: 'byoip-orchestrator-state',
          partitionKey: 'pk',
          sortKey: 'sk',
          items: [
            {
              pk: `LOCK#cloudfront-distribution/${DIST}`,
              sk: 'LOCK',
              resource: `cloudfront-distribution/${DIST}`,
              owner: 'vpc-origin-teardown-run-7',
              acquiredAt: heldUntil - 3600_000,
              expiresAt: heldUntil,
              purpose: 'vpc-origin-teardown',
            },
          ],
        },
      ],
    };
    const sim = createSimulator(w, EXAMPLES);
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.status).toBe('SUCCEEDED');
    const update = distributionUpdates(sim);
    expect(update).toHaveLength(1);
    expect(update[0].at).toBeGreaterThanOrEqual(heldUntil);
    expect(report.states.filter((s) => s.name === 'AwaitDistributionTurn').length).toBeGreaterThan(2);
  });

  it('a distribution lease it cannot give back is a warning, not a rollback: the origins stay, and the lease runs out on its own', async () => {
    const sim = exampleSim();
    sim.faults.add('ReleaseDistributionLock/DynamoDB:DeleteItem=AccessDeniedExceptionx20');
    const report = await run(sim, WF, exampleInput(WF));
    expect(report.status).toBe('SUCCEEDED');
    expect((report.output as any).teams.map((t: any) => t.team).sort()).toEqual(['team-a', 'team-b']);
    expect(vpcWorld(sim).distribution.origins).toEqual(expect.arrayContaining(['vpc-team-a', 'vpc-team-b']));
    expect(callsOf(report, 'DeleteVpcOrigin')).toEqual([]);
    const warned = report.states.find((s) => s.name === 'ReleaseDistributionLockFailed');
    expect(warned).toBeDefined();
    // The lease item is still there (it expires): the next writer waits for it rather than overlapping.
    expect(vpcWorld(sim).stateItems).toContain(`LOCK#cloudfront-distribution/${DIST}/LOCK`);
  });

  describe('many teams into one distribution', () => {
    it('20 teams in one execution: one distribution deployment', async () => {
      const sim = createSimulator(worldWithTeams(20, { timings: { vpcOriginDeployJitter: 300 } }), EXAMPLES);
      const report = await run(sim, WF, shareInput(Array.from({ length: 20 }, (_, i) => generatedTeam(i + 1).input)));
      expect(report.error).toBeNull();
      expect(distributionUpdates(sim)).toHaveLength(1);
      expect((report.output as any).isolation.filter((p: any) => p.expect === '200').every((p: any) => p.status === 200)).toBe(true);
      expect(vpcWorld(sim).distribution.behaviors).toHaveLength(21);
    });

    it('20 teams in 20 concurrent executions: at most 3 deployments, no PreconditionFailed surfacing', async () => {
      const sim = createSimulator(worldWithTeams(20, { timings: { vpcOriginDeployJitter: 300 } }), EXAMPLES);
      // Another writer (an operator in the console) changes the distribution twice meanwhile.
      sim.faults.add({ service: 'CloudFront', operation: 'UpdateDistribution', error: 'PreconditionFailed', times: 2, phase: 'before' });
      const reports = await sim.clock.drive(() =>
        Promise.all(
          Array.from({ length: 20 }, async (_, i) => {
            await sim.clock.sleep(i * 15_000); // the teams' pipelines start a few seconds apart
            return (await runWorkflow({ workflow: WF, sim, input: shareInput([generatedTeam(i + 1).input]), executionName: `share-t${i + 1}` })).report;
          }),
        ),
      );
      expect(reports.map((r) => r.status)).toEqual(Array(20).fill('SUCCEEDED'));
      const deployments = distributionUpdates(sim).length;
      expect(deployments).toBeGreaterThanOrEqual(1);
      expect(deployments).toBeLessThanOrEqual(3);
      const stale = sim.calls.filter((c) => c.error?.name === 'PreconditionFailed');
      expect(stale).toHaveLength(2); // the injected ones, retried with a fresh read; none surfaced
      const writers = reports.filter((r) => (r.output as any).wroteDistribution).length;
      expect(writers).toBe(deployments);
      expect(vpcWorld(sim).distribution.behaviors).toHaveLength(21);
      expect(vpcWorld(sim).stateItems).toEqual([]);
      // One writer at a time: no two UpdateDistribution calls while another writer's change deploys.
      const deployedAt = sim.transitions.filter((t) => t.resource === `distribution:${DIST}` && t.to === 'Deployed').map((t) => t.at);
      distributionUpdates(sim)
        .slice(1)
        .forEach((u, k) => expect(u.at).toBeGreaterThanOrEqual(deployedAt[k]));
      process.stdout.write(`    20 teams, 20 executions: ${deployments} distribution deployment(s), ${writers} writer(s)\n`);
    });
  });
});
