/**
 * The documented runbook, typed as an operator would, with the AWS CLI against `byoip serve`'s endpoint
 * (issue #19): BYOIP into IPAM, a /24 to CloudFront's global pool, advertisement, an anycast list, the
 * distribution's config and a DNS change. The CLI comes from PATH or Debian's awscli package
 * (scripts/ensure-awscli.sh); without either the test is skipped and says why.
 */
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEndpoint, type Endpoint } from '../../sim/http/endpoint';
import type { Simulator } from '../../sim';
import { exampleSim, signedMessages } from '../support/world';

const exec = promisify(execFile);

function findAwsCli(): { aws?: string; why?: string } {
  try {
    return {
      aws: execFileSync('sh', [join(__dirname, '..', '..', 'scripts', 'ensure-awscli.sh')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 300_000,
      }).trim(),
    };
  } catch (e) {
    return { why: String((e as { stderr?: string }).stderr ?? (e as Error).message).trim() };
  }
}

const cli = findAwsCli();
if (!cli.aws) console.warn(`SKIPPED the AWS CLI test: ${cli.why}`);
const describeCli = cli.aws ? describe : describe.skip;

describeCli('the AWS CLI against byoip serve', () => {
  let sim: Simulator;
  let ep: Endpoint;
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: '111122223333',
    AWS_SECRET_ACCESS_KEY: 'sim',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  const aws = async (...args: string[]) => JSON.parse((await exec(cli.aws!, ['--endpoint-url', ep.url, '--output', 'json', ...args], { env })).stdout || '{}');
  /** Lets virtual time pass (the operator waiting between commands). */
  const wait = (seconds: number) => sim.clock.advance(seconds * 1000);

  beforeAll(async () => {
    sim = exampleSim();
    ep = await startEndpoint(sim, { speed: 0 });
  });
  afterAll(() => ep.close());

  it('runs the runbook: provision, get-ipam-pool-cidrs, advertise, describe-byoip-cidrs, anycast list, distribution config, DNS change', async () => {
    const scope = (await aws('ec2', 'describe-ipams')).Ipams[0].PublicDefaultScopeId;
    const top = (await aws('ec2', 'create-ipam-pool', '--ipam-scope-id', scope, '--address-family', 'ipv4', '--locale', 'None')).IpamPool.IpamPoolId;
    wait(600); // the pool is created
    const [auth] = signedMessages(['198.18.0.0/22'], new Date(sim.clock.now()));
    await aws(
      'ec2',
      'provision-ipam-pool-cidr',
      '--ipam-pool-id',
      top,
      '--cidr',
      '198.18.0.0/22',
      '--verification-method',
      'remarks-x509',
      '--cidr-authorization-context',
      `Message=${auth.message},Signature=${auth.signature}`,
    );
    wait(7 * 86_400);
    expect((await aws('ec2', 'get-ipam-pool-cidrs', '--ipam-pool-id', top)).IpamPoolCidrs).toEqual([
      expect.objectContaining({ Cidr: '198.18.0.0/22', State: 'provisioned' }),
    ]);
    const global = (
      await aws(
        'ec2',
        'create-ipam-pool',
        '--ipam-scope-id',
        scope,
        '--address-family',
        'ipv4',
        '--locale',
        'None',
        '--source-ipam-pool-id',
        top,
        '--aws-service',
        'global-services',
        '--public-ip-source',
        'byoip',
      )
    ).IpamPool.IpamPoolId;
    wait(600);
    await aws('ec2', 'provision-ipam-pool-cidr', '--ipam-pool-id', global, '--cidr', '198.18.0.0/24');
    wait(86_400);
    await aws('ec2', 'advertise-byoip-cidr', '--cidr', '198.18.0.0/24');
    wait(3600);
    expect((await aws('ec2', 'describe-byoip-cidrs', '--max-results', '10')).ByoipCidrs).toEqual(
      expect.arrayContaining([expect.objectContaining({ Cidr: '198.18.0.0/24', State: 'advertised' })]),
    );
    const list = (await aws('cloudfront', 'create-anycast-ip-list', '--name', 'runbook-list', '--ip-count', '3')).AnycastIpList;
    expect(list).toMatchObject({ Name: 'runbook-list', IpCount: 3 });
    expect(await aws('cloudfront', 'get-distribution-config', '--id', 'E1EXAMPLEAPI01')).toMatchObject({
      ETag: expect.any(String),
      DistributionConfig: { Aliases: { Items: ['api.example.com'] } },
    });
    const change = await aws(
      'route53',
      'change-resource-record-sets',
      '--hosted-zone-id',
      'Z0EXAMPLE000001',
      '--change-batch',
      JSON.stringify({
        Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'runbook.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '198.18.0.10' }] } }],
      }),
    );
    expect(change.ChangeInfo.Status).toBe('PENDING');
  }, 120_000);

  it("shows AWS's error for a mistake, as the CLI prints it", async () => {
    await expect(aws('ec2', 'get-ipam-pool-cidrs', '--ipam-pool-id', 'ipam-pool-0doesnotexist')).rejects.toMatchObject({
      stderr: expect.stringMatching(/\(InvalidIpamPoolId\.NotFound\) when calling the GetIpamPoolCidrs operation/),
    });
  });
});
