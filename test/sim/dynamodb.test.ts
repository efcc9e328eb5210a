/** The simulated DynamoDB, through the real DocumentClient: conditional writes, updates, queries, transactions, and the lease lock. */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { acquireLock, releaseLock, stateTable, stateTableName } from '../../tasks/lib/state-table';
import { exampleSim, within } from '../support/world';


const T = stateTableName();

describe('simulated DynamoDB', () => {
  it('applies conditions, updates and queries like DynamoDB', async () => {
    await within(exampleSim(), async () => {
      const db = stateTable();
      await db.send(new PutCommand({ TableName: T, Item: { pk: 'ASNSWAP#198.18.0.0/24', sk: 'STATE', lastSwapAt: 1000, history: ['a'] }, ConditionExpression: 'attribute_not_exists(pk)' }));
      await expect(db.send(new PutCommand({ TableName: T, Item: { pk: 'ASNSWAP#198.18.0.0/24', sk: 'STATE' }, ConditionExpression: 'attribute_not_exists(pk)' })))
        .rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      const updated = await db.send(new UpdateCommand({
        TableName: T, Key: { pk: 'ASNSWAP#198.18.0.0/24', sk: 'STATE' },
        UpdateExpression: 'SET lastSwapAt = :now, #n = if_not_exists(#n, :zero) + :one, history = list_append(history, :h) REMOVE stale',
        ConditionExpression: 'lastSwapAt <= :cutoff AND NOT contains(history, :b)',
        ExpressionAttributeNames: { '#n': 'swaps' },
        ExpressionAttributeValues: { ':now': 5000, ':zero': 0, ':one': 1, ':h': ['b'], ':cutoff': 1400, ':b': 'b' },
        ReturnValues: 'ALL_NEW',
      }));
      expect(updated.Attributes).toEqual({ pk: 'ASNSWAP#198.18.0.0/24', sk: 'STATE', lastSwapAt: 5000, swaps: 1, history: ['a', 'b'] });
      await expect(db.send(new UpdateCommand({ TableName: T, Key: { pk: 'ASNSWAP#198.18.0.0/24', sk: 'STATE' }, UpdateExpression: 'SET lastSwapAt = :now', ConditionExpression: 'lastSwapAt <= :cutoff', ExpressionAttributeValues: { ':now': 9, ':cutoff': 1400 } })))
        .rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      await db.send(new PutCommand({ TableName: T, Item: { pk: 'APPROVAL#x', sk: '2', n: 2 } }));
      await db.send(new PutCommand({ TableName: T, Item: { pk: 'APPROVAL#x', sk: '1', n: 1 } }));
      const q = await db.send(new QueryCommand({ TableName: T, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', FilterExpression: 'n BETWEEN :lo AND :hi', ExpressionAttributeValues: { ':pk': 'APPROVAL#x', ':p': '', ':lo': 1, ':hi': 2 } }));
      expect(q.Items?.map((i) => i.sk)).toEqual(['1', '2']);
    });
  });

  it('evaluates every SET operand against the item as it was before the update (a swap of two attributes)', async () => {
    await within(exampleSim(), async () => {
      const db = stateTable();
      await db.send(new PutCommand({ TableName: T, Item: { pk: 'SWAP#1', sk: 'STATE', current: 'AWS', previous: '64496', n: 1 } }));
      const out = await db.send(new UpdateCommand({
        TableName: T, Key: { pk: 'SWAP#1', sk: 'STATE' },
        UpdateExpression: 'SET previous = current, current = previous, n = n + :one ADD m :one',
        ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'ALL_NEW',
      }));
      expect(out.Attributes).toEqual({ pk: 'SWAP#1', sk: 'STATE', current: '64496', previous: 'AWS', n: 2, m: 1 });
    });
  });

  it('applies a transaction all or nothing', async () => {
    await within(exampleSim(), async () => {
      const db = stateTable();
      await db.send(new PutCommand({ TableName: T, Item: { pk: 'A', sk: 'S', v: 1 } }));
      const tx = db.send(new TransactWriteCommand({ TransactItems: [
        { Put: { TableName: T, Item: { pk: 'B', sk: 'S', v: 1 } } },
        { ConditionCheck: { TableName: T, Key: { pk: 'A', sk: 'S' }, ConditionExpression: 'v = :two', ExpressionAttributeValues: { ':two': 2 } } },
      ] }));
      await expect(tx).rejects.toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] });
      expect((await db.send(new GetCommand({ TableName: T, Key: { pk: 'B', sk: 'S' } }))).Item).toBeUndefined();
    });
  });

  it('lets one execution hold a lease; the other fails with ResourceLocked; expiry frees it', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await acquireLock('distribution/E1EXAMPLEAPI01', 'exec-a', 600, 'onboard team-a');
      await expect(acquireLock('distribution/E1EXAMPLEAPI01', 'exec-b', 600)).rejects.toMatchObject({
        name: 'ResourceLocked', message: expect.stringMatching(/locked by exec-a \(onboard team-a\) until 2026-12-01T08:10:00/),
      });
      await acquireLock('distribution/E1EXAMPLEAPI01', 'exec-a', 600); // renew by the holder
      expect(await releaseLock('distribution/E1EXAMPLEAPI01', 'exec-b')).toBe(false);
      await sim.clock.sleep(601_000);
      await expect(acquireLock('distribution/E1EXAMPLEAPI01', 'exec-b', 600)).resolves.toMatchObject({ owner: 'exec-b' });
      expect(await releaseLock('distribution/E1EXAMPLEAPI01', 'exec-a')).toBe(false);
      expect(await releaseLock('distribution/E1EXAMPLEAPI01', 'exec-b')).toBe(true);
    });
  });
});
