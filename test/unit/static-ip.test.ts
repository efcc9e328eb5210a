/** static-ip-byoip's input rules and plans (domain/static-ip.ts): pure, no AWS. */
import { GA_API_REGION, gaCidrProgress, planStaticIp, planStaticIpTeardown, sameAddresses, STATIC_IP_MAX_APPROVAL_SECONDS } from '../../domain/static-ip';
import { PollProfiles } from '../../domain/polling';
import { MAX_EXECUTION_SECONDS } from '../../domain/validation';
import { exampleInput, validateAsRehearsal } from '../support/world';

validateAsRehearsal();

const NOW = new Date('2026-12-01T08:00:00Z');
const ARN = 'arn:aws:globalaccelerator::111122223333:accelerator/0f1e2d3c-4b5a-6978-8899-aabbccddeeff';

function problems(raw: unknown): string[] {
  try {
    planStaticIp(raw, NOW);
  } catch (e) {
    return (e as Error).message
      .split('\n')
      .slice(1)
      .map((l) => l.trim().replace(/^- /, ''));
  }
  return [];
}

describe('planStaticIp', () => {
  it('derives the plan from the example input: sorted ranges, create mode, one lease per range and accelerator', () => {
    const plan = planStaticIp(exampleInput('static-ip-byoip', { cidrs: ['198.19.1.0/24', '198.19.0.0/24'] }), NOW);
    expect(plan).toMatchObject({
      migrationId: 'example-corp-partner-api',
      gaRegion: GA_API_REGION,
      region: 'us-east-1',
      cidrs: ['198.19.0.0/24', '198.19.1.0/24'],
      accelerator: {
        mode: 'create',
        arn: 'none',
        name: 'partner-api',
        ipAddresses: ['198.19.0.10', '198.19.1.10'],
        ranges: ['198.19.0.0/24', '198.19.1.0/24'],
        ensureRouting: true,
      },
      approval: { timeoutSeconds: 86_400 },
      lock: { resources: ['byoip-cidr/198.19.0.0/24', 'byoip-cidr/198.19.1.0/24', 'ga-accelerator/partner-api'] },
    });
  });

  it('updates an existing accelerator when given its ARN; routing is then optional', () => {
    const input = exampleInput('static-ip-byoip');
    delete input.accelerator.name;
    delete input.accelerator.listener;
    delete input.accelerator.endpointGroup;
    input.accelerator.arn = ARN;
    const plan = planStaticIp(input, NOW);
    expect(plan.accelerator).toMatchObject({ mode: 'update', arn: ARN, ensureRouting: false, endpointGroup: { endpoints: [] } });
    expect(plan.lock.resources).toContain(`ga-accelerator/${ARN}`);
  });

  it('accepts one range and one address (GA adds an Amazon address); defaults the name to the migration id', () => {
    const input = exampleInput('static-ip-byoip', { cidrs: ['198.19.0.0/23'], accelerator: { ipAddresses: ['198.19.1.200'] } });
    delete input.migrationId;
    delete input.accelerator.name;
    const plan = planStaticIp(input, NOW);
    expect(plan.migrationId).toBe('static-ip-198-19-0-0-23');
    expect(plan.accelerator).toMatchObject({ name: 'static-ip-198-19-0-0-23', ranges: ['198.19.0.0/23'] });
  });

  it('names every mistake at once, as input.<path>: <rule>', () => {
    const input = exampleInput('static-ip-byoip', {
      cidrs: ['198.19.0.0/24', '198.19.0.0/23'],
      accelerator: {
        arn: ARN,
        ipAddresses: ['198.19.0.1', '198.19.0.2'],
        endpointGroup: { endpoints: [{ albArn: 'arn:aws:elasticloadbalancing:us-east-1:999999999999:loadbalancer/app/x/0123456789abcdef' }] },
      },
      approvers: ['not-an-email'],
    });
    expect(problems(input)).toEqual(
      expect.arrayContaining([
        'input.cidrs[1]: overlaps cidrs[0]',
        'input.accelerator.ipAddresses[1]: 198.19.0.2 and ipAddresses[0] are both in 198.19.0.0/24; an accelerator takes one address per range (each range is its own network zone)',
        'input.accelerator.name: give either arn (update an existing accelerator) or name (create one), not both',
        'input.accelerator.endpointGroup.endpoints[0].albArn: is in account 999999999999; cross-account endpoints need a GA cross-account attachment, which this workflow does not make',
        'input.approvers[0]: must be an email address such as netops@example.com',
      ]),
    );
  });

  it('requires somewhere to send traffic when creating, and a listener for an endpoint group', () => {
    const input = exampleInput('static-ip-byoip');
    delete input.accelerator.endpointGroup;
    expect(problems(input)).toContain('input.accelerator.endpointGroup: is required when creating an accelerator (where should traffic go?)');
    const noListener = exampleInput('static-ip-byoip');
    delete noListener.accelerator.listener;
    expect(problems(noListener)).toContain('input.accelerator.listener: is required with endpointGroup (the group belongs to a listener)');
  });

  it('rejects overlapping listener ports and an ALB listed twice', () => {
    const input = exampleInput('static-ip-byoip');
    input.accelerator.listener.portRanges = [
      { fromPort: 443, toPort: 443 },
      { fromPort: 400, toPort: 500 },
    ];
    input.accelerator.endpointGroup.endpoints.push({ ...input.accelerator.endpointGroup.endpoints[0] });
    expect(problems(input)).toEqual(
      expect.arrayContaining([
        'input.accelerator.listener.portRanges[1]: overlaps portRanges[0]',
        'input.accelerator.endpointGroup.endpoints: lists an ALB twice',
      ]),
    );
  });

  it('keeps provisioning (up to 3 weeks) plus the longest approval inside one execution', () => {
    expect(PollProfiles.gaByoipProvisioning.timeoutSeconds + STATIC_IP_MAX_APPROVAL_SECONDS).toBeLessThan(MAX_EXECUTION_SECONDS - 86_400 / 2);
    expect(problems(exampleInput('static-ip-byoip', { approval: { timeoutSeconds: STATIC_IP_MAX_APPROVAL_SECONDS + 1 } }))[0]).toMatch(
      /^input\.approval\.timeoutSeconds: must be at most 2 days/,
    );
  });

  it('reports missing required fields by path', () => {
    expect(problems({})).toEqual(expect.arrayContaining(['input.accountId: Invalid input: expected string, received undefined']));
  });
});

describe('planStaticIpTeardown', () => {
  it('spaces withdrawals 11 s apart (GA: one per 10 s) and leases the named accelerator', () => {
    const plan = planStaticIpTeardown(exampleInput('teardown-static-ip-byoip'));
    expect(plan.withdrawItems).toEqual([
      { cidr: '198.19.0.0/24', waitSeconds: 0 },
      { cidr: '198.19.1.0/24', waitSeconds: 11 },
    ]);
    expect(plan.accelerator).toEqual({ arn: 'none', name: 'partner-api' });
    expect(plan.lock.resources).toEqual(['byoip-cidr/198.19.0.0/24', 'byoip-cidr/198.19.1.0/24', 'ga-accelerator/partner-api']);
  });

  it('needs arn or name when an accelerator is given', () => {
    const input = exampleInput('teardown-static-ip-byoip');
    input.accelerator = {};
    expect(() => planStaticIpTeardown(input)).toThrow(/input\.accelerator: needs arn or name/);
  });
});

describe('gaCidrProgress', () => {
  it.each([
    ['PENDING_PROVISIONING', 'ready', 'waiting'],
    ['READY', 'ready', 'reached'],
    ['ADVERTISING', 'ready', 'reached'],
    ['FAILED_PROVISION', 'ready', 'failed'],
    [undefined, 'ready', 'missing'],
    ['PENDING_ADVERTISING', 'advertising', 'waiting'],
    ['FAILED_ADVERTISING', 'advertising', 'failed'],
    ['ADVERTISING', 'advertising', 'reached'],
    ['PENDING_WITHDRAWING', 'withdrawn', 'waiting'],
    ['READY', 'withdrawn', 'reached'],
    [undefined, 'withdrawn', 'reached'],
    ['FAILED_WITHDRAW', 'withdrawn', 'failed'],
    ['PENDING_DEPROVISIONING', 'deprovisioned', 'waiting'],
    ['DEPROVISIONED', 'deprovisioned', 'reached'],
    ['ADVERTISING', 'deprovisioned', 'failed'],
  ] as const)('%s against %s is %s', (state, target, expected) => {
    expect(gaCidrProgress(state, target)).toBe(expected);
  });
});

it('compares address sets regardless of order', () => {
  expect(sameAddresses(['1.1.1.1', '2.2.2.2'], ['2.2.2.2', '1.1.1.1'])).toBe(true);
  expect(sameAddresses(['1.1.1.1'], ['1.1.1.1', '2.2.2.2'])).toBe(false);
});
