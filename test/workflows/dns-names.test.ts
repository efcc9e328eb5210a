/**
 * Names must exist (issue #16): a misspelt record name must not become a new record at cutover while
 * the real one never moves. A new name is created only when its record says `create: true`.
 */
import type { Route53State } from '../../sim/services/route53';
import { isMutating } from '../../sim/simulator';
import type { SimulationReport } from '../../runner/report';
import { errorMessage } from '../../domain/compensation';
import { callsOf, exampleInput, exampleSim, run } from '../support/world';

const WF = 'onboard-cloudfront-byoip';
const ZONE = 'Z0EXAMPLE000001';
/** Calls that change AWS (the state table's leases aside). */
const changing = (r: SimulationReport) => r.awsCalls.filter((c) => c.service !== 'DynamoDB' && isMutating(c.operation)).map((c) => c.operation);
const records = (names: Array<{ name: string; create?: boolean }>) => ({
  dns: { ...(exampleInput(WF) as any).dns, records: names.map((n) => ({ hostedZoneId: ZONE, type: 'A', ...n })) },
});
const zoneNames = (sim: ReturnType<typeof exampleSim>) =>
  sim
    .state<Route53State>('route53')
    .zones.find((z) => z.Id === ZONE)!
    .records.map((r) => r.Name);

describe('DNS names in the input must exist', () => {
  it('refuses ww.example.com (for www.example.com) before any change, naming the record and the closest names', async () => {
    const sim = exampleSim();
    const before = zoneNames(sim);
    const report = await run(sim, WF, exampleInput(WF, records([{ name: 'api.example.com' }, { name: 'ww.example.com' }])));
    expect(report.status).toBe('FAILED');
    expect(report.error?.name).toBe('InputInvalid');
    expect(errorMessage(report.error?.cause)).toContain(
      'input.dns.records[1].name: ww.example.com. does not exist in zone Z0EXAMPLE000001; closest A records: www.example.com.',
    );
    expect(errorMessage(report.error?.cause)).toContain('"create": true');
    expect(changing(report)).toEqual([]);
    expect(callsOf(report, 'ChangeResourceRecordSets')).toEqual([]);
    expect(zoneNames(sim)).toEqual(before);
  });

  it('creates a new name only when its record says create: true', async () => {
    const sim = exampleSim();
    const report = await run(sim, WF, exampleInput(WF, records([{ name: 'www.example.com' }, { name: 'partners.example.com', create: true }])));
    expect(report.status).toBe('SUCCEEDED');
    expect(zoneNames(sim)).toContain('partners.example.com.');
  });
});
