/**
 * byoip snapshot, round trip: capture a simulated account through the real SDK clients (read-only
 * calls only, no secret), then run the same teardown on the account and on the captured world: the
 * same outcome, the same calls, the same world at the end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMutating } from '../../sim/simulator';
import { runWorkflow } from '../../runner/local-runner';
import { comparableWorld, differences } from '../../runner/rehearsal';
import { snapshotAccount } from '../../runner/snapshot';
import { createSimulator } from '../../sim';
import { worldOf } from '../../sim/world-out';
import { worldProblems } from '../../sim/world-schema';
import { callShape, EXAMPLES, exampleInput, within } from '../support/world';

describe('byoip snapshot', () => {
  it('captures an onboarded account read-only, and a rehearsal on the capture ends as on the account', async () => {
    const account = createSimulator(join(EXAMPLES, 'world.json'));
    expect((await runWorkflow({ workflow: 'onboard-cloudfront-byoip', input: exampleInput(), sim: account, approve: 'auto' })).report.status).toBe('SUCCEEDED');
    const before = account.calls.length;
    const base = JSON.parse(readFileSync(join(EXAMPLES, 'world.json'), 'utf8'));
    const { world, notes } = await within(account, () =>
      snapshotAccount({
        region: 'us-east-1',
        cidrs: ['198.18.0.0/22'],
        distributions: ['E1EXAMPLEAPI01', 'E2EXAMPLEWWW02'],
        zones: ['Z0EXAMPLE000001'],
        base,
      }),
    );
    const reads = account.calls.slice(before);
    expect(reads.filter((c) => isMutating(c.operation) || c.error)).toEqual([]);
    expect(new Set(reads.map((c) => c.service))).toEqual(new Set(['STS', 'EC2', 'CloudFront', 'Route53', 'GlobalAccelerator']));
    expect(worldProblems(world)).toEqual([]);
    expect(JSON.stringify(world)).not.toMatch(/BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)/);
    expect(notes).toEqual([]); // the VPC's CIDR and the load balancers came from --base
    const w = world as any;
    expect(w.ipam.pools.map((p: any) => [p.ipamPoolId, p.awsService ?? null, p.cidrs])).toEqual([
      ['ipam-pool-00000000000003sim', null, [{ cidr: '198.18.0.0/22' }]],
      ['ipam-pool-00000000000005sim', 'global-services', ['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/24'].map((cidr) => ({ cidr, advertised: true }))],
    ]);
    expect(w.cloudfront.anycastLists).toEqual([
      expect.objectContaining({ name: 'example-corp-edge', tags: expect.objectContaining({ 'byoip-orchestrator:migration': 'example-corp-edge' }) }),
    ]);
    expect(w.cloudfront.distributions.map((d: any) => [d.id, d.config.AnycastIpListId, d.config.PriceClass])).toEqual([
      ['E1EXAMPLEAPI01', w.cloudfront.anycastLists[0].id, 'PriceClass_All'],
      ['E2EXAMPLEWWW02', w.cloudfront.anycastLists[0].id, 'PriceClass_All'],
    ]);
    expect(w.route53.hostedZones[0].records.find((r: any) => r.name === 'api.example.com')).toEqual({
      name: 'api.example.com',
      type: 'A',
      ttl: 3600,
      values: ['198.18.0.26', '198.18.1.243', '198.18.2.140'],
    });
    expect(w.secrets).toEqual(base.secrets); // from --base, as a file reference: the snapshot reads no secret

    // The same teardown on the account and on its copy.
    const copy = createSimulator(world, EXAMPLES);
    const teardown = exampleInput('teardown-cloudfront-byoip', { dnsRecordsToCheck: [] });
    const onAccount = (await runWorkflow({ workflow: 'teardown-cloudfront-byoip', input: teardown, sim: account, approve: 'auto', executionName: 'teardown' }))
      .report;
    const onCopy = (await runWorkflow({ workflow: 'teardown-cloudfront-byoip', input: teardown, sim: copy, approve: 'auto', executionName: 'teardown' }))
      .report;
    expect(onCopy.status).toBe('SUCCEEDED');
    expect(onCopy.virtualSeconds).toBe(onAccount.virtualSeconds);
    expect(onCopy.awsCalls.map(callShape)).toEqual(onAccount.awsCalls.map(callShape));
    // What the snapshot captures: the named distributions and zones (records in any order), the rest whole.
    const captured = (x: any) => ({
      ipam: x.ipam,
      anycastLists: x.cloudfront.anycastLists,
      ec2Network: x.ec2Network,
      globalAccelerator: x.globalAccelerator,
      distributions: x.cloudfront.distributions.filter((d: any) => ['E1EXAMPLEAPI01', 'E2EXAMPLEWWW02'].includes(d.id)),
      zones: x.route53.hostedZones.map((z: any) => ({
        ...z,
        records: [...z.records].sort((a: any, b: any) => `${a.name} ${a.type}`.localeCompare(`${b.name} ${b.type}`)),
      })),
    });
    expect(differences(captured(comparableWorld(worldOf(copy).world)), captured(comparableWorld(worldOf(account).world)))).toEqual([]);
  });
});
