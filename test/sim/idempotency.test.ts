/**
 * Idempotency like AWS (issue #19): the simulator sees the token the SDK fills into the serialized
 * request, so a retry after a lost response gets the first result instead of acting twice, and a token
 * reused for another request is refused.
 */
import { CreateManagedPrefixListCommand, DescribeManagedPrefixListsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { STATE_TABLE } from '../../sim/services/dynamodb';
import { client } from '../../platform/aws';
import { exampleSim, within } from '../support/world';

const ec2 = () => client(EC2Client, { region: 'us-east-1' });
const ddb = () => client(DynamoDBClient, { region: 'us-east-1' });
const newList = (name: string, ClientToken?: string) =>
  new CreateManagedPrefixListCommand({ PrefixListName: name, AddressFamily: 'IPv4', MaxEntries: 10, ClientToken });
const listsNamed = async (name: string) =>
  ((await ec2().send(new DescribeManagedPrefixListsCommand({}))).PrefixLists ?? []).filter((p) => p.PrefixListName === name);

describe('idempotency tokens', () => {
  it('a create whose response is lost is retried by the SDK with the token it filled in: one prefix list, the first answer', async () => {
    const sim = exampleSim();
    sim.faults.add('EC2:CreateManagedPrefixList=InternalErrorx1@after');
    await within(sim, async () => {
      const out = await ec2().send(newList('partners'));
      const lists = await listsNamed('partners');
      expect(lists).toHaveLength(1);
      expect(out.PrefixList?.PrefixListId).toBe(lists[0].PrefixListId);
    });
    const creates = sim.calls.filter((c) => c.operation === 'CreateManagedPrefixList');
    expect(creates.map((c) => c.error?.name ?? c.effects?.includes('idempotent-repeat') ?? 'created')).toEqual(['InternalError', true]);
  });

  it('without a repeated token (a new request), a second create makes a second list', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await ec2().send(newList('partners'));
      await ec2().send(newList('partners'));
      expect(await listsNamed('partners')).toHaveLength(2);
    });
  });

  it('a token reused for a different request is IdempotentParameterMismatch', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await ec2().send(newList('partners', 'token-1'));
      await expect(ec2().send(newList('partners', 'token-1'))).resolves.toBeDefined();
      await expect(ec2().send(newList('others', 'token-1'))).rejects.toMatchObject({ name: 'IdempotentParameterMismatch', $metadata: { httpStatusCode: 400 } });
      expect(await listsNamed('partners')).toHaveLength(1);
    });
  });

  it('a conditional transaction whose response is lost succeeds on retry instead of failing its own condition', async () => {
    const sim = exampleSim();
    sim.faults.add('DynamoDB:TransactWriteItems=InternalServerErrorx1@after');
    const put = () =>
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: STATE_TABLE, Item: { pk: { S: 'LOCK#cidr:192.0.2.0/24' }, sk: { S: 'x' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      });
    await within(sim, async () => {
      await expect(ddb().send(put())).resolves.toBeDefined();
      // A new request (new token) meets the condition as AWS would.
      await expect(ddb().send(put())).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    });
  });
});
