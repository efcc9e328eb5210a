/**
 * `byoip serve` (issue #19): the simulator behind HTTP, in each service's real protocol. Real SDK v3
 * clients pointed at it (full serialization, SigV4 signing, HTTP, deserialization) get what the
 * in-process path gives, errors as the SDK's own classes, and whole workflows run through it unchanged.
 */
import {
  CreateManagedPrefixListCommand,
  DescribeIpamPoolsCommand,
  DescribeManagedPrefixListsCommand,
  EC2Client,
  EC2ServiceException,
  GetIpamPoolCidrsCommand,
} from '@aws-sdk/client-ec2';
import { CloudFrontClient, GetDistributionConfigCommand, ListAnycastIpListsCommand, NoSuchDistribution } from '@aws-sdk/client-cloudfront';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GlobalAcceleratorClient, ListByoipCidrsCommand } from '@aws-sdk/client-global-accelerator';
import { GetTopicAttributesCommand, ListTopicsCommand, NotFoundException, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetResourceSharesCommand, RAMClient } from '@aws-sdk/client-ram';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEndpoint, type Endpoint } from '../../sim/http/endpoint';
import { operatorView } from '../../runner/world-view';
import { prepareScenario, scenarioFor } from '../../runner/scenarios';
import type { Simulator } from '../../sim';
import { client } from '../../platform/aws';
import { exampleSim, run, within } from '../support/world';

type Sendable = { send(c: unknown): Promise<unknown> };
type Call = [string, new (c: object) => Sendable, () => unknown, string?];

/** One or more reads per protocol family: EC2 query, REST-XML, JSON 1.0 / 1.1, awsQuery, REST-JSON. */
const READS: Call[] = [
  ['EC2 DescribeIpamPools', EC2Client, () => new DescribeIpamPoolsCommand({})],
  ['CloudFront GetDistributionConfig', CloudFrontClient, () => new GetDistributionConfigCommand({ Id: 'E1EXAMPLEAPI01' })],
  ['CloudFront ListAnycastIpLists', CloudFrontClient, () => new ListAnycastIpListsCommand({})],
  ['Route53 ListResourceRecordSets', Route53Client, () => new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0EXAMPLE000001' })],
  ['DynamoDB GetItem', DynamoDBClient, () => new GetItemCommand({ TableName: 'byoip-orchestrator-state', Key: { pk: { S: 'none' }, sk: { S: 'none' } } })],
  ['GlobalAccelerator ListByoipCidrs', GlobalAcceleratorClient, () => new ListByoipCidrsCommand({}), 'us-west-2'],
  ['SNS ListTopics', SNSClient, () => new ListTopicsCommand({})],
  ['STS GetCallerIdentity', STSClient, () => new GetCallerIdentityCommand({})],
  ['RAM GetResourceShares', RAMClient, () => new GetResourceSharesCommand({ resourceOwner: 'SELF' })],
];

function overHttp<C extends Sendable>(ep: Endpoint, Client: new (c: object) => C, region = 'us-east-1', account = '111122223333'): C {
  return new Client({ region, endpoint: ep.url, credentials: { accessKeyId: account, secretAccessKey: 'x' }, maxAttempts: 1 });
}

const strip = (o: unknown) => JSON.parse(JSON.stringify(o, (k, v) => (k === '$metadata' ? undefined : v)));

describe('byoip serve: the simulator over HTTP', () => {
  let sim: Simulator;
  let ep: Endpoint;
  beforeAll(async () => {
    sim = exampleSim();
    ep = await startEndpoint(sim, { speed: 0 });
  });
  afterAll(() => ep.close());

  it.each(READS.map((r) => [r[0], r]))('%s answers as in-process', async (_name, [, Client, command, region]) => {
    const viaHttp = await overHttp(ep, Client, region).send(command());
    const inProcess = await within(exampleSim(), () => (client(Client as never, { region: region ?? 'us-east-1' }) as unknown as Sendable).send(command()));
    expect(strip(viaHttp)).toEqual(strip(inProcess));
  });

  it('errors reach the SDK as its own classes, with the modelled status', async () => {
    await expect(overHttp(ep, CloudFrontClient).send(new GetDistributionConfigCommand({ Id: 'ENOPE' }))).rejects.toEqual(
      expect.objectContaining({ name: 'NoSuchDistribution', $fault: 'client', $metadata: expect.objectContaining({ httpStatusCode: 404 }) }),
    );
    await expect(overHttp(ep, CloudFrontClient).send(new GetDistributionConfigCommand({ Id: 'ENOPE' }))).rejects.toBeInstanceOf(NoSuchDistribution);
    const ec2 = await overHttp(ep, EC2Client)
      .send(new GetIpamPoolCidrsCommand({ IpamPoolId: 'ipam-pool-0nonexistent' }))
      .catch((e) => e);
    expect(ec2).toBeInstanceOf(EC2ServiceException);
    expect({ name: ec2.name, status: ec2.$metadata.httpStatusCode }).toEqual({ name: 'InvalidIpamPoolId.NotFound', status: 400 });
    // awsQuery writes the model's wire code (NotFound), the SDK maps it back to its class.
    await expect(overHttp(ep, SNSClient).send(new GetTopicAttributesCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:nope' }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await overHttp(ep, DynamoDBClient).send(new PutItemCommand({ TableName: 'byoip-orchestrator-state', Item: { pk: { S: 'x' }, sk: { S: 'y' } } }));
    await expect(
      overHttp(ep, DynamoDBClient).send(
        new PutItemCommand({
          TableName: 'byoip-orchestrator-state',
          Item: { pk: { S: 'x' }, sk: { S: 'y' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await expect(overHttp(ep, SecretsManagerClient).send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('the access key id names the account; an unknown one is the default account', async () => {
    const who = async (key: string) =>
      ((await overHttp(ep, STSClient, 'us-east-1', key).send(new GetCallerIdentityCommand({}))) as { Account?: string }).Account;
    expect(await who('444455556666')).toBe('444455556666');
    expect(await who('AKIAEXAMPLE')).toBe('111122223333');
  });

  it('a repeated ClientToken in the form is the same request: one prefix list', async () => {
    const ec2 = overHttp(ep, EC2Client);
    const create = () =>
      ec2.send(
        new CreateManagedPrefixListCommand({
          PrefixListName: 'over-http',
          AddressFamily: 'IPv4',
          MaxEntries: 5,
          ClientToken: 'same-token',
          Entries: [{ Cidr: '10.0.0.0/8' }],
        }),
      );
    const [a, b] = [await create(), await create()];
    expect(b.PrefixList?.PrefixListId).toBe(a.PrefixList?.PrefixListId);
    const lists = (await ec2.send(new DescribeManagedPrefixListsCommand({}))).PrefixLists ?? [];
    expect(lists.filter((l) => l.PrefixListName === 'over-http').map((l) => l.PrefixListId)).toEqual([a.PrefixList?.PrefixListId]);
  });
});

describe('whole workflows with every task client talking HTTP to the endpoint', () => {
  // One per service family: EC2/IPAM, CloudFront, Route 53, DynamoDB, SNS, Secrets Manager, SFN; Global Accelerator; RAM and cross-account roles.
  it.each([['onboard-cloudfront-byoip'], ['static-ip-byoip'], ['vpc-origin-share']])('%s ends as in-process, call for call', async (workflow) => {
    const scenario = scenarioFor(workflow);
    const [a, b] = [await prepareScenario(scenario), await prepareScenario(scenario)];
    const inProcess = await run(a.sim, workflow, a.input);
    const overHttpReport = await run(b.sim, workflow, b.input, { transport: 'http' });
    // The same calls (parallel branches may interleave differently over real sockets).
    const calls = (r: typeof inProcess) => r.awsCalls.map((c) => `${c.state} ${c.account} ${c.service}:${c.operation} ${c.error?.name ?? ''}`).sort();
    expect(overHttpReport.status).toBe('SUCCEEDED');
    expect({ status: overHttpReport.status, virtualSeconds: overHttpReport.virtualSeconds, calls: calls(overHttpReport) }).toEqual({
      status: inProcess.status,
      virtualSeconds: inProcess.virtualSeconds,
      calls: calls(inProcess),
    });
    expect(operatorView(b.sim)).toEqual(operatorView(a.sim));
  });
});
