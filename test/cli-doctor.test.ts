/**
 * `byoip doctor` against the simulated account: each check passes on a ready account and fails, with
 * its fix and how long the fix takes, on the account that would make a real run fail. Read-only.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main';
import { doctorChecks, runDoctor, type CheckResult, type DoctorCheck } from '../cli/doctor';
import { isMutating, type Simulator } from '../sim/simulator';
import { connectSimulator } from '../sim/transport';
import { CERTIFICATE, exampleSim, WRONG_KEY } from './support/world';

const SECRET = 'byoip/example-corp/signing-key';
const dir = mkdtempSync(join(tmpdir(), 'byoip-doctor-'));
const configFile = (byoip: Record<string, unknown>) => {
  const file = join(dir, `cdk-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ app: 'npx tsx infra/app.ts', context: { byoip } }));
  return file;
};
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:byoip/example-corp/signing-key-AbCdEf';
const READY_CONFIG = { hostedZoneIds: ['Z0EXAMPLE000001'], signing: { keySecretArns: [SECRET_ARN] } };

async function doctor(
  sim: Simulator,
  o: { config?: Record<string, unknown>; secret?: string | null; certificate?: string } = {},
): Promise<Record<string, CheckResult>> {
  const disconnect = connectSimulator(sim);
  try {
    const results = await runDoctor({
      region: 'us-east-1',
      configFile: configFile(o.config ?? READY_CONFIG),
      signingKeySecretId: o.secret === null ? undefined : (o.secret ?? SECRET),
      certificatePem: o.certificate ?? CERTIFICATE,
    });
    return Object.fromEntries(results.map((r) => [r.id, r]));
  } finally {
    disconnect();
  }
}

describe('byoip doctor', () => {
  it('passes every check on the example account, calling nothing that changes it', async () => {
    const sim = exampleSim();
    const r = await doctor(sim);
    expect(Object.values(r).map((c) => [c.id, c.status])).toEqual(doctorChecks.map((c) => [c.id, 'ok']));
    expect(r.stack.detail).toMatch(/^ByoipOrchestrator CREATE_COMPLETE; StateTableName=byoip-orchestrator-state/);
    expect(r.ipam.detail).toBe('ipam-0a1b2c3d4e5f60001 (home Region us-east-1), public scope ipam-scope-0a1b2c3d4e5fpub1, advanced tier');
    expect(r['anycast-quota'].detail).toMatch(/^Anycast static IP lists per AWS account: 1 \(/);
    expect(r['signing-key'].detail).toMatch(/^byoip\/example-corp\/signing-key: unencrypted RSA private key matching the certificate/);
    expect(r['hosted-zones'].detail).toBe('Z0EXAMPLE000001 example.com.');
    expect(sim.calls.filter((c) => isMutating(c.operation))).toEqual([]);
  });

  it('prints each check, and fails (exit 1) with the fix and how long it takes', async () => {
    const sim = exampleSim({ accounts: [{ id: '111122223333', quotas: { anycastIpLists: 0 } }] });
    const disconnect = connectSimulator(sim);
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c) => {
      out.push(String(c));
      return true;
    });
    try {
      const code = await main([
        'node',
        'byoip',
        'doctor',
        '--region',
        'us-east-1',
        '--config',
        configFile(READY_CONFIG),
        '--signing-key-secret',
        SECRET,
        '--certificate',
        join(__dirname, '..', 'examples', 'keys', 'customer-rdap-certificate.pem'),
      ]);
      expect(code).toBe(1);
    } finally {
      spy.mockRestore();
      disconnect();
    }
    const text = out.join('');
    expect(text).toMatch(/^ok {7}Deployment configuration: /m);
    expect(text).toMatch(
      /^FAILED {3}CloudFront anycast static IP lists quota: Anycast static IP lists per AWS account: 0 \(.*\); CreateAnycastIpList would fail\n {9}fix: request Anycast static IPs from CloudFront \(AWS Support case\), which raises this quota above 0\n {9}takes: up to 2 days \(CloudFront reviews the request\)$/m,
    );
    expect(text).toMatch(/\n1 check\(s\) failed: fix them before a real run\.\n$/);
  });

  const failures: Array<[string, string, () => Simulator, Parameters<typeof doctor>[1], RegExp, RegExp]> = [
    [
      'stack',
      'the stack is not deployed',
      () => exampleSim({ cloudformation: { stacks: [] } }),
      {},
      /stack ByoipOrchestrator is not deployed in us-east-1/,
      /20 minutes/,
    ],
    [
      'stack',
      'the stack rolled back',
      () => exampleSim({ cloudformation: { stacks: [{ name: 'ByoipOrchestrator', status: 'ROLLBACK_COMPLETE' }] } }),
      {},
      /is ROLLBACK_COMPLETE/,
      /20 minutes/,
    ],
    [
      'stack',
      'the stack lacks the state table output',
      () => exampleSim({ cloudformation: { stacks: [{ name: 'ByoipOrchestrator', outputs: { OperatorsTopicArn: 'arn:aws:sns:us-east-1:111122223333:x' } }] } }),
      {},
      /lacks output\(s\) StateTableName/,
      /20 minutes/,
    ],
    [
      'state-machines',
      'a workflow is not deployed',
      () => exampleSim({ stepFunctions: { stateMachines: ['onboard-cloudfront-byoip'] } }),
      {},
      /missing in us-east-1: byoip-teardown-cloudfront-byoip, /,
      /20 minutes/,
    ],
    [
      'ipam',
      "the IPAM's home Region is another",
      () =>
        exampleSim({
          ipam: {
            ipams: [
              {
                ipamId: 'ipam-0a1b2c3d4e5f60009',
                account: '111122223333',
                region: 'eu-west-1',
                publicScopeId: 'ipam-scope-0pub',
                privateScopeId: 'ipam-scope-0prv',
              },
            ],
          },
        }),
      {},
      /no IPAM has us-east-1 as its home Region: ipam-0a1b2c3d4e5f60009 \(home eu-west-1\)/,
      /deployment/,
    ],
    ['ipam', 'there is no IPAM', () => exampleSim({ ipam: { ipams: [] } }), {}, /no IPAM in this account in us-east-1/, /minutes/],
    [
      'signing-key',
      'the configured secret does not exist',
      () => exampleSim({ secrets: [] }),
      {},
      /secret byoip\/example-corp\/signing-key does not exist in us-east-1/,
      /minutes/,
    ],
    [
      'signing-key',
      'the secret is not one the signing tasks may read',
      () => exampleSim(),
      { secret: 'other/key' },
      /other\/key is not one of the signing key secrets the deployment may read \(byoip\.signing\.keySecretArns\)/,
      /deployment/,
    ],
    [
      'signing-key',
      'the key is encrypted',
      () => exampleSim({ secrets: [{ account: '111122223333', region: 'us-east-1', name: SECRET, value: encryptedKey() }] }),
      {},
      /it is encrypted \(a passphrase protects it\)/,
      /minutes/,
    ],
    [
      'signing-key',
      "the key is not the certificate's",
      () => exampleSim({ secrets: [{ account: '111122223333', region: 'us-east-1', name: SECRET, value: WRONG_KEY }] }),
      {},
      /its public key is not the one in the certificate/,
      /RDAP changes up to a day/,
    ],
    [
      'hosted-zones',
      'a configured hosted zone does not exist',
      () => exampleSim(),
      { config: { hostedZoneIds: ['Z0EXAMPLE000001', 'Z9MISSING'] } },
      /Z9MISSING does not exist in this account/,
      /deployment/,
    ],
    [
      'configuration',
      'the configuration has a typo',
      () => exampleSim(),
      { config: { hostedZoneId: ['Z0EXAMPLE000001'] } },
      /Unrecognized key: "hostedZoneId"/,
      /deployment/,
    ],
  ];
  it.each(failures)('%s fails when %s', async (id, _why, world, o, detail, takes) => {
    const r = (await doctor(world(), o))[id];
    expect(r.status).toBe('failed');
    expect(r.detail).toMatch(detail);
    expect(r.fix).toEqual(expect.any(String));
    expect(r.takes).toMatch(takes);
  });

  it('skips what it was not asked to check, saying why', async () => {
    const r = await doctor(exampleSim(), { secret: null, config: {} });
    expect(r['signing-key']).toMatchObject({
      status: 'skipped',
      detail: expect.stringMatching(/^no byoip\.signing\.keySecretArns configured; pass --signing-key-secret/),
    });
    expect(r['hosted-zones']).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/any zone/) });
  });

  it('takes more checks by appending them (issue #20 adds RDAP and RPKI)', async () => {
    const extra: DoctorCheck = { id: 'rdap', title: 'RDAP', run: async (ctx) => ({ status: 'ok', detail: `looked up from ${ctx.region}` }) };
    const sim = exampleSim();
    const disconnect = connectSimulator(sim);
    try {
      const results = await runDoctor({ region: 'us-east-1', configFile: configFile(READY_CONFIG) }, [...doctorChecks, extra]);
      expect(results.at(-1)).toEqual({ id: 'rdap', title: 'RDAP', status: 'ok', detail: 'looked up from us-east-1' });
    } finally {
      disconnect();
    }
  });
});

function encryptedKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}
