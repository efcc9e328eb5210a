/** vpc-origin-share / -teardown inputs, and the distribution-config arithmetic the tasks, undo steps and edge share. */
import fc from 'fast-check';
import {
  addTeams,
  hostCovered,
  pathMatches,
  planVpcOriginShare,
  planVpcOriginTeardown,
  removeTeams,
  teamAttached,
  type TeamAddition,
} from '../../domain/vpc-origins';
import { exampleInput, exampleWorldJson } from '../support/world';

const SHARE = 'vpc-origin-share';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect((e as Error).name).toBe('InputInvalid');
    return (e as Error).message;
  }
  throw new Error('expected InputInvalid');
}

describe('planVpcOriginShare', () => {
  it('derives names, probe paths and the lock from the example input', () => {
    const plan = planVpcOriginShare(exampleInput(SHARE));
    expect(plan).toMatchObject({
      migrationId: 'team-apis-front-door',
      distributionId: 'E3EXAMPLETEAMS03',
      coalesceSeconds: 60,
      lock: { leaseSeconds: 10_800 },
      lockResources: ['cloudfront-distribution/E3EXAMPLETEAMS03'],
      approvers: [],
    });
    expect(plan.teams[0]).toMatchObject({
      name: 'team-a',
      host: 'team-a.example.com',
      pathPattern: '/team-a/*',
      probePath: '/team-a/health',
      vpcOriginName: 'team-a-vpc-origin',
      shareName: 'cloudfront-vpc-origin-team-a',
      originId: 'vpc-team-a',
      httpsPort: 443,
    });
  });

  it('names every mistake at once, each as input.<path>: <rule>', () => {
    const input = exampleInput(SHARE);
    input.teams[0] = { ...input.teams[0], accountId: '111122223333', roleArn: 'arn:aws:iam::999999999999:role/x', pathPattern: '/*', host: '*.example.com' };
    input.teams[1] = {
      ...input.teams[1],
      name: 'team-a',
      probePath: '/elsewhere',
      albArn: 'arn:aws:elasticloadbalancing:us-east-1:444455556666:loadbalancer/app/x/0123456789abcdef',
    };
    input.coalesceSeconds = 3600;
    input.surprise = true;
    const message = messageOf(() => planVpcOriginShare(input));
    for (const expected of [
      /input\.teams\[0\]\.accountId: is the networking account/,
      /input\.teams\[0\]\.roleArn: is in account 999999999999, but accountId is 111122223333/,
      /input\.teams\[0\]\.pathPattern: must not be \/\*/,
      /input\.teams\[0\]\.host: must be one host name, not a wildcard/,
      /input\.teams\[1\]\.name: repeats teams\[0\]\.name/,
      /input\.teams\[1\]\.probePath: \/elsewhere does not match pathPattern \/team-b\/\*/,
      /input\.teams\[1\]\.albArn: is in account 444455556666, but accountId is 555566667777/,
      /input\.coalesceSeconds: /,
      /input: unknown field\(s\) "surprise"/,
    ])
      expect(message).toMatch(expected);
  });

  it('refuses a team whose path another team already catches', () => {
    const input = exampleInput(SHARE);
    input.teams[0].pathPattern = '/team-*';
    input.teams[1].pathPattern = '/team-b/*';
    expect(messageOf(() => planVpcOriginShare(input))).toMatch(
      /input\.teams\[1\]\.pathPattern: \/team-b\/health is already caught by teams\[0\]\.pathPattern \/team-\*/,
    );
  });
});

describe('planVpcOriginTeardown', () => {
  it('defaults to detaching, and validates accounts', () => {
    expect(planVpcOriginTeardown(exampleInput('vpc-origin-teardown'))).toMatchObject({
      distributionAction: 'detach',
      teams: [{ name: 'team-c', vpcOriginName: 'team-c-vpc-origin', host: 'team-c.example.com' }],
    });
    const bad = exampleInput('vpc-origin-teardown', { distributionAction: 'delete' });
    bad.teams[0].roleArn = 'arn:aws:iam::444455556666:role/x';
    const message = messageOf(() => planVpcOriginTeardown(bad));
    expect(message).toMatch(/input\.distributionAction: must be "detach" or "disable"/);
    expect(message).toMatch(/input\.teams\[0\]\.roleArn: is in account 444455556666, but accountId is 666677778888/);
  });
});

describe('path patterns and aliases', () => {
  it.each([
    ['/team-a/*', '/team-a/health', true],
    ['team-a/*', '/team-a/x/y', true],
    ['/team-a/*', '/team-b/x', false],
    ['/team-a/*', '/Team-a/x', false],
    ['/img/*.jpg', '/img/a/b.jpg', true],
    ['/v?/*', '/v2/users', true],
    ['/v?/*', '/v10/users', false],
  ])('%s matches %s: %s', (pattern, path, expected) => expect(pathMatches(pattern, path)).toBe(expected));

  it.each([
    [['team-a.example.com'], 'Team-A.example.com.', true],
    [['*.example.com'], 'team-a.example.com', true],
    [['*.example.com'], 'a.b.example.com', false],
    [['*.example.com'], 'example.com', false],
    [['www.example.com'], 'team-a.example.com', false],
  ])('%j covers %s: %s', (aliases, host, expected) => expect(hostCovered(aliases, host)).toBe(expected));
});

const team3Config = () => exampleWorldJson().cloudfront.distributions[2].config;
const baseConfig = () => ({
  CallerReference: 'x',
  Aliases: { Quantity: 0, Items: [] },
  Origins: { Quantity: 1, Items: [{ Id: 'origin-1', DomainName: 'origin.example.com' }] },
  DefaultCacheBehavior: { TargetOriginId: 'origin-1' },
  CacheBehaviors: { Quantity: 0, Items: [] },
  ...team3Config(),
});

function addition(team: string, overrides: Partial<TeamAddition> = {}): TeamAddition {
  return {
    team,
    originId: `vpc-${team}`,
    vpcOriginId: `vo_${team.replace(/-/g, '')}`,
    vpcOriginArn: `arn:aws:cloudfront::444455556666:vpcorigin/vo_${team}`,
    ownerAccountId: '444455556666',
    albDnsName: `internal-${team}.elb.amazonaws.com`,
    host: `${team}.example.com`,
    pathPattern: `/${team}/*`,
    probePath: `/${team}/health`,
    httpsPort: 443,
    ...overrides,
  };
}

describe('addTeams / removeTeams', () => {
  it('adds the origin, a behaviour that forwards Host, and the alias; again is a no-op', () => {
    const first = addTeams(baseConfig(), [addition('team-a'), addition('team-b')]);
    expect(first).toMatchObject({ changed: true, present: ['team-a', 'team-b'], rejected: [], addedAliases: ['team-a.example.com', 'team-b.example.com'] });
    expect(first.config.Origins.Quantity).toBe(4);
    expect(first.config.CacheBehaviors.Items.map((b: any) => [b.PathPattern, b.TargetOriginId, b.OriginRequestPolicyId])).toEqual([
      ['/team-c/*', 'vpc-team-c', '216adef6-5c7f-47e4-b989-5492eafa07d3'],
      ['/team-a/*', 'vpc-team-a', '216adef6-5c7f-47e4-b989-5492eafa07d3'],
      ['/team-b/*', 'vpc-team-b', '216adef6-5c7f-47e4-b989-5492eafa07d3'],
    ]);
    expect(first.config.Origins.Items.at(-1).VpcOriginConfig).toEqual({
      VpcOriginId: 'vo_teamb',
      OwnerAccountId: '444455556666',
      OriginReadTimeout: 30,
      OriginKeepaliveTimeout: 5,
    });
    expect(teamAttached(first.config, addition('team-a'))).toBe(true);
    const again = addTeams(first.config, [addition('team-a')]);
    expect(again).toMatchObject({ changed: false, present: ['team-a'], addedAliases: [] });
    expect(again.config).toBe(first.config);
  });

  it('puts a behaviour before a broader one that would catch its path first', () => {
    const config = baseConfig();
    config.CacheBehaviors = { Quantity: 1, Items: [{ PathPattern: '/team-*', TargetOriginId: 'origin-1' }] };
    const out = addTeams(config, [addition('team-a')]);
    expect(out.config.CacheBehaviors.Items.map((b: any) => b.PathPattern)).toEqual(['/team-a/*', '/team-*']);
  });

  it('rejects only the conflicting team: a taken path, an origin id pointing elsewhere, a full distribution', () => {
    const out = addTeams(baseConfig(), [addition('team-a'), addition('team-x', { pathPattern: '/team-c/*' }), addition('team-y', { originId: 'vpc-team-c' })]);
    expect(out.present).toEqual(['team-a']);
    expect(out.rejected).toEqual([
      { team: 'team-x', reason: 'path /team-c/* is already routed to origin vpc-team-c' },
      { team: 'team-y', reason: 'origin vpc-team-c already exists and points at vo_TeamC0Example01' },
    ]);
    const many = Array.from({ length: 80 }, (_, i) => addition(`t${i}`));
    const full = addTeams(baseConfig(), many);
    expect(full.present).toHaveLength(74); // 75 behaviours per distribution, one taken by team-c
    expect(full.rejected[0].reason).toMatch(/75 cache behaviours \(quota 75\)/);
  });

  it('removes only origins that point at the given VPC origins, their behaviours and the given aliases', () => {
    const added = addTeams(baseConfig(), [addition('team-a'), addition('team-b')]).config;
    const out = removeTeams(added, [
      { vpcOriginIds: ['vo_teama'], aliases: ['team-a.example.com'] },
      { vpcOriginIds: ['vo_someone_else'], aliases: [] },
    ]);
    expect(out).toMatchObject({
      changed: true,
      removedOrigins: ['vpc-team-a'],
      removedBehaviors: ['/team-a/*'],
      removedAliases: ['team-a.example.com'],
      blocked: [],
    });
    expect(teamAttached(out.config, addition('team-b'))).toBe(true);
    expect(removeTeams(out.config, [{ vpcOriginIds: ['vo_teama'], aliases: ['team-a.example.com'] }]).changed).toBe(false);
  });

  it('property: removing what was added restores the config exactly', () => {
    const teamArb = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{1,8}$/), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(teamArb, fc.boolean(), (teams, wildcard) => {
        const base = baseConfig();
        if (wildcard) base.Aliases = { Quantity: 2, Items: [...base.Aliases.Items, '*.example.com'] };
        const adds = teams.map((t) => addition(t));
        const added = addTeams(base, adds);
        expect(added.rejected).toEqual([]);
        expect(added.addedAliases).toHaveLength(wildcard ? 0 : teams.length);
        const removed = removeTeams(
          added.config,
          adds.map((a) => ({ vpcOriginIds: [a.vpcOriginId], aliases: added.addedAliases.filter((h) => h === a.host) })),
        );
        expect(removed.config).toEqual(base);
      }),
      { numRuns: 200 },
    );
  });
});
