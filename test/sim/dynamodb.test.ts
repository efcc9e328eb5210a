/** The simulated DynamoDB, through the real DocumentClient: conditional writes, updates, queries, transactions, and the lease lock. */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { acquireLock, releaseLock, stateTable, stateTableName } from '../../platform/state-table';
import { exampleSim, within } from '../support/world';

const T = stateTableName();

describe('simulated DynamoDB', () => {
  it('applies conditions, updates and queries like DynamoDB', async () => {
    await within(exampleSim(), async () => {
      const db = stateTable();
      await db.send(
        new PutCommand({
          TableName: T,
          Item: { pk: 'ASNSWAP#198.18.0.0/24', sk: 'STATE', lastSwapAt: 1000, history: ['a'] },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      await expect(
        db.send(new PutCommand({ TableName: T, Item: { pk: 'ASNSWAP#198.18.0.0/24', sk: 'STATE' }, ConditionExpression: 'attribute_not_exists(pk)' })),
      ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      const updated = await db.send(
        new UpdateCommand({
          TableName: T,
          Key: { pk: 'ASNSWAP#198.18.0.0/24', sk: 'STATE' },
          UpdateExpression: 'SET lastSwapAt = :now, #n = if_not_exists(#n, :zero) + :one, history = list_append(history, :h) REMOVE stale',
          ConditionExpression: 'lastSwapAt <= :cutoff AND NOT contains(history, :b)',
          ExpressionAttributeNames: { '#n': 'swaps' },
          ExpressionAttributeValues: { ':now': 5000, ':zero': 0, ':one': 1, ':h': ['b'], ':cutoff': 1400, ':b': 'b' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      expect(updated.Attributes).toEqual({ pk: 'ASNSWAP#198.18.0.0/24', sk: 'STATE', lastSwapAt: 5000, swaps: 1, history: ['a', 'b'] });
      await expect(
        db.send(
          new UpdateCommand({
            TableName: T,
            Key: { pk: 'ASNSWAP#198.18.0.0/24', sk: 'STATE' },
            UpdateExpression: 'SET lastSwapAt = :now',
            ConditionExpression: 'lastSwapAt <= :cutoff',
            ExpressionAttributeValues: { ':now': 9, ':cutoff': 1400 },
          }),
        ),
      ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      await db.send(new PutCommand({ TableName: T, Item: { pk: 'APPROVAL#x', sk: '2', n: 2 } }));
      await db.send(new PutCommand({ TableName: T, Item: { pk: 'APPROVAL#x', sk: '1', n: 1 } }));
      const q = await db.send(
        new QueryCommand({
          TableName: T,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          FilterExpression: 'n BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': 'APPROVAL#x', ':p': '', ':lo': 1, ':hi': 2 },
        }),
      );
      expect(q.Items?.map((i) => i.sk)).toEqual(['1', '2']);
    });
  });

  it('evaluates every SET operand against the item as it was before the update (a swap of two attributes)', async () => {
    await within(exampleSim(), async () => {
      const db = stateTable();
      await db.send(new PutCommand({ TableName: T, Item: { pk: 'SWAP#1', sk: 'STATE', current: 'AWS', previous: '64496', n: 1 } }));
      const out = await db.send(
        new UpdateCommand({
          TableName: T,
          Key: { pk: 'SWAP#1', sk: 'STATE' },
          UpdateExpression: 'SET previous = current, current = previous, n = n + :one ADD m :one',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      expect(out.Attributes).toEqual({ pk: 'SWAP#1', sk: 'STATE', current: '64496', previous: 'AWS', n: 2, m: 1 });
    });
  });

  it('applies a transaction all or nothing', async () => {
    await within(exampleSim(), async () => {
      const db = stateTable();
      await db.send(new PutCommand({ TableName: T, Item: { pk: 'A', sk: 'S', v: 1 } }));
      const tx = db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: T, Item: { pk: 'B', sk: 'S', v: 1 } } },
            { ConditionCheck: { TableName: T, Key: { pk: 'A', sk: 'S' }, ConditionExpression: 'v = :two', ExpressionAttributeValues: { ':two': 2 } } },
          ],
        }),
      );
      await expect(tx).rejects.toMatchObject({
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      });
      expect((await db.send(new GetCommand({ TableName: T, Key: { pk: 'B', sk: 'S' } }))).Item).toBeUndefined();
    });
  });

  it('lets one execution hold a lease; the other fails with ResourceLocked; expiry frees it', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      await acquireLock('distribution/E1EXAMPLEAPI01', 'exec-a', 600, 'onboard team-a');
      await expect(acquireLock('distribution/E1EXAMPLEAPI01', 'exec-b', 600)).rejects.toMatchObject({
        name: 'ResourceLocked',
        message: expect.stringMatching(/locked by exec-a \(onboard team-a\) until 2026-12-01T08:10:00/),
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

describe('simulated DynamoDB Query pages as DynamoDB does', () => {
  const put = (db: ReturnType<typeof stateTable>, sk: string, kind: string) => db.send(new PutCommand({ TableName: T, Item: { pk: 'Q#1', sk, kind } }));

  it('applies Limit before the filter and hands back LastEvaluatedKey until the partition is read', async () => {
    await within(exampleSim(), async () => {
      const db = stateTable();
      for (const [sk, kind] of [
        ['a', 'x'],
        ['b', 'y'],
        ['c', 'x'],
        ['d', 'y'],
        ['e', 'x'],
      ])
        await put(db, sk, kind);
      const pages: Array<{ items: string[]; scanned: number; last?: string }> = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: T,
            KeyConditionExpression: 'pk = :pk',
            FilterExpression: 'kind = :k',
            ExpressionAttributeValues: { ':pk': 'Q#1', ':k': 'y' },
            Limit: 2,
            ExclusiveStartKey,
          }),
        );
        pages.push({ items: (out.Items ?? []).map((i) => i.sk), scanned: out.ScannedCount ?? 0, last: out.LastEvaluatedKey?.sk as string | undefined });
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      // Two items read per page, the filter applied to those two: some pages are empty but not the last.
      expect(pages).toEqual([
        { items: ['b'], scanned: 2, last: 'b' },
        { items: ['d'], scanned: 2, last: 'd' },
        { items: [], scanned: 1, last: undefined },
      ]);
    });
  });

  it('refuses a starting key that is not an item of the query, and an undefined or unused placeholder even on an empty partition', async () => {
    await within(exampleSim(), async () => {
      const db = stateTable();
      await put(db, 'a', 'x');
      await expect(
        db.send(
          new QueryCommand({
            TableName: T,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': 'Q#1' },
            ExclusiveStartKey: { pk: 'Q#2', sk: 'z' },
          }),
        ),
      ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/starting key is invalid/) });
      await expect(
        db.send(new QueryCommand({ TableName: T, KeyConditionExpression: 'pk = :pk AND sk = :sk', ExpressionAttributeValues: { ':pk': 'EMPTY#1' } })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(/attribute value used in expression is not defined; attribute value: :sk/),
      });
      await expect(
        db.send(new QueryCommand({ TableName: T, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'EMPTY#1', ':unused': 1 } })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(/ExpressionAttributeValues unused in expressions: keys: \{:unused\}/),
      });
    });
  });

  it("with the world's page size, a query without Limit still comes in pages", async () => {
    await within(exampleSim({ paging: { maxPageSize: 2 } }), async () => {
      const db = stateTable();
      for (const sk of ['a', 'b', 'c']) await put(db, sk, 'x');
      const first = await db.send(new QueryCommand({ TableName: T, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'Q#1' } }));
      expect({ items: first.Items?.map((i) => i.sk), last: first.LastEvaluatedKey?.sk }).toEqual({ items: ['a', 'b'], last: 'b' });
    });
  });
});
