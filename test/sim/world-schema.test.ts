/**
 * World files are validated strictly (sim/world-schema.ts): a misspelt field is refused with its JSON
 * path, the closest valid name and the names valid there; the published JSON Schema and docs/world.md
 * are current, document every field, and the example worlds validate against both.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { closestMatch } from '../../domain/names';
import { createSimulator, serviceModels, Simulator } from '../../sim';
import { FIELD_DOCS, QUOTA_NAMES } from '../../sim/world-docs';
import { fieldPaths, worldJsonSchema, worldMarkdown, worldProblems } from '../../sim/world-schema';
import { byoipSync } from '../support/cli-process';
import { EXAMPLES, exampleWorldJson } from '../support/world';

const ROOT = join(__dirname, '..', '..');
const exampleWorlds = readdirSync(EXAMPLES).filter((f) => /world.*\.json$/.test(f));
const published = JSON.parse(readFileSync(join(ROOT, 'docs', 'world.schema.json'), 'utf8'));

describe('world files are validated strictly', () => {
  it('refuses misspelt and unknown fields with their JSON path, the closest valid name and the valid names', () => {
    const world = exampleWorldJson({
      timings: { byoipProvison: 60 },
      accounts: [{ id: '111122223333', quotas: { anycastIPLists: 1 } }],
      ipam: { pools: [{ ipamPoolID: 'ipam-pool-0abc', ipamId: 'ipam-0a1b2c3d4e5f60001' }] },
      route53: {
        hostedZones: [{ id: 'Z1', name: 'example.com', account: '111122223333', records: [{ name: 'a.example.com', type: 'A', value: ['192.0.2.1'] }] }],
      },
      cloudfront: { distributon: [] },
    });
    expect(() => createSimulator(world, EXAMPLES)).toThrow(/^invalid world file:\n/);
    expect(worldProblems(world)).toEqual([
      expect.stringMatching(
        /^world\.accounts\[0\]\.quotas\.anycastIPLists: unknown field; did you mean "anycastIpLists"\? \(valid here: anycastIpLists, byoasns, /,
      ),
      expect.stringMatching(
        /^world\.timings\.byoipProvison: unknown field; did you mean "byoipProvision"\? \(valid here: ipamPoolCreate, ipamPoolDelete, byoipProvision, /,
      ),
      'world.ipam.pools[0].ipamPoolId: missing (required)',
      'world.ipam.pools[0].ipamPoolID: unknown field; did you mean "ipamPoolId"? (valid here: ipamPoolId, ipamId, scope, sourceIpamPoolId, locale, awsService, publicIpSource, description, tags, cidrs)',
      'world.cloudfront.distributon: unknown field; did you mean "distributions"? (valid here: distributions, anycastLists, vpcOrigins, description)',
      'world.route53.hostedZones[0].records[0].value: unknown field; did you mean "values"? (valid here: name, type, ttl, values, alias, setIdentifier)',
    ]);
    expect(worldProblems({ ...world, sn: {} }).at(-1)).toMatch(/^world\.sn: unknown field; did you mean "sns"\? \(valid here: description, startTime, /);
    expect(worldProblems({ ...world, zzzzzzzzzz: 1 }).at(-1)).toMatch(/^world\.zzzzzzzzzz: unknown field \(valid here: /);
  });

  it('refuses load balancers under globalAccelerator, saying they moved to elbv2.loadBalancers', () => {
    const lb = {
      arn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/partner-api/0123456789abcdef',
      scheme: 'internal',
      vpcHasInternetGateway: true,
    };
    const world = exampleWorldJson({ globalAccelerator: { byoipCidrs: [], accelerators: [], loadBalancers: [lb] } });
    expect(worldProblems(world)).toEqual([expect.stringMatching(/^world\.globalAccelerator\.loadBalancers: moved to elbv2\.loadBalancers: /)]);
    expect(() => createSimulator(world, EXAMPLES)).toThrow(/world\.globalAccelerator\.loadBalancers: moved to elbv2\.loadBalancers/);
    // Also when a world reaches the model unchecked.
    const seed = { ...createSimulator(exampleWorldJson(), EXAMPLES).world, globalAccelerator: { loadBalancers: [lb] } };
    expect(() => new Simulator(seed, serviceModels)).toThrow(/world\.globalAccelerator\.loadBalancers: moved to elbv2\.loadBalancers/);
  });

  it('refuses a misspelt world field from the command line, exit 2, before anything runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'byoip-world-'));
    const file = join(dir, 'world.json');
    writeFileSync(file, JSON.stringify({ ...exampleWorldJson(), timings: { byoipProvison: 60 } }).replaceAll('"file:keys/', `"file:${EXAMPLES}/keys/`));
    const res = byoipSync(['simulate', 'onboard-cloudfront-byoip', '-i', 'examples/onboard-cloudfront-byoip.input.json', '--world', file, '-q']);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/invalid world file:\n {2}world\.timings\.byoipProvison: unknown field; did you mean "byoipProvision"\?/);
    expect(res.stderr).not.toMatch(/ValidateInput/);
  });

  it('accepts every example world, against the schema and against the published JSON Schema', () => {
    expect(exampleWorlds.length).toBeGreaterThanOrEqual(2);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(published);
    for (const f of exampleWorlds) {
      const world = JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8'));
      expect({ f, problems: worldProblems(world) }).toEqual({ f, problems: [] });
      expect({ f, valid: validate(world), errors: validate.errors ?? null }).toEqual({ f, valid: true, errors: null });
    }
    // The published schema refuses a misspelt field too (editors show it as you type).
    expect(validate({ ...JSON.parse(readFileSync(join(EXAMPLES, 'world.json'), 'utf8')), timings: { byoipProvison: 1 } })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/timings', keyword: 'additionalProperties', params: { additionalProperty: 'byoipProvison' } });
  });

  it('publishes the current JSON Schema and docs/world.md, with every field documented', () => {
    expect(published).toEqual(worldJsonSchema());
    expect(readFileSync(join(ROOT, 'docs', 'world.md'), 'utf8')).toBe(worldMarkdown());
    const fields = fieldPaths();
    expect(fields.filter((f) => !FIELD_DOCS[f])).toEqual([]);
    expect(Object.keys(FIELD_DOCS).filter((f) => !fields.includes(f))).toEqual([]);
  });

  it('knows the quota names the models read', () => {
    const dir = join(ROOT, 'sim', 'services');
    // One folder per service; every source file in them.
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const read = new Set(sources.flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/\.quota\([^,]+, '([A-Za-z]+)'/g)].map((m) => m[1])));
    expect([...read].sort()).toEqual([...QUOTA_NAMES].sort());
  });

  it('suggests a name only when it is close enough to be a typo', () => {
    expect(closestMatch('AdvertiseByoipCdr', ['AdvertiseByoipCidr', 'WithdrawByoipCidr'])).toBe('AdvertiseByoipCidr');
    expect(closestMatch('ttl', ['TTL', 'type'])).toBe('TTL');
    expect(closestMatch('somethingElse', ['ipamPoolId', 'cidrs'])).toBeUndefined();
  });
});
