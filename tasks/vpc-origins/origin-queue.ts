/**
 * Pending origin additions per distribution, in the state table, so that one writer at a time (the
 * holder of the distribution lock) applies every ready addition in one UpdateDistribution: a group
 * commit. Item: pk "ORIGINQ#<distributionId>", sk = the execution that needs the additions.
 * pending → applied (in the config, by `appliedBy`) → deployed; or rejected (with the reason).
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TeamAddition } from '../../domain/vpc-origins';
import { queryAll, stateTable, stateTableName } from '../../platform/state-table';

export type QueueState = 'pending' | 'applied' | 'deployed' | 'rejected';

export interface QueuedAdditions {
  pk: string;
  sk: string;
  distributionId: string;
  owner: string;
  state: QueueState;
  additions: TeamAddition[];
  enqueuedAt: number;
  /** Epoch seconds (DynamoDB TTL attribute); expired items are ignored. */
  expiresAt: number;
  appliedBy?: string;
  reason?: string;
}

const key = (distributionId: string, owner: string) => ({ pk: `ORIGINQ#${distributionId}`, sk: owner });

const conditionFailed = (e: unknown) => (e as Error).name === 'ConditionalCheckFailedException';

/** Queues (or re-queues, while still pending) this execution's additions; a later state is kept. */
export async function enqueue(distributionId: string, owner: string, additions: TeamAddition[], ttlSeconds: number): Promise<QueueState> {
  const now = Date.now();
  const item: QueuedAdditions = {
    ...key(distributionId, owner),
    distributionId,
    owner,
    state: 'pending',
    additions,
    enqueuedAt: now,
    expiresAt: Math.floor(now / 1000) + ttlSeconds,
  };
  try {
    await stateTable().send(
      new PutCommand({
        TableName: stateTableName(),
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk) OR #s = :pending',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending' },
      }),
    );
    return 'pending';
  } catch (e) {
    if (!conditionFailed(e)) throw e;
    return (await get(distributionId, owner))?.state ?? 'pending';
  }
}

export async function get(distributionId: string, owner: string): Promise<QueuedAdditions | undefined> {
  const out = await stateTable().send(new GetCommand({ TableName: stateTableName(), Key: key(distributionId, owner), ConsistentRead: true }));
  return out.Item as QueuedAdditions | undefined;
}

/** Additions not yet deployed (pending, or applied by a writer that may have died), oldest first. */
export async function open(distributionId: string): Promise<QueuedAdditions[]> {
  const items = await queryAll<QueuedAdditions>({
    ConsistentRead: true,
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: '#s IN (:pending, :applied) AND expiresAt > :now',
    ExpressionAttributeNames: { '#s': 'state' },
    ExpressionAttributeValues: { ':pk': `ORIGINQ#${distributionId}`, ':pending': 'pending', ':applied': 'applied', ':now': Math.floor(Date.now() / 1000) },
  });
  return items.sort((a, b) => a.enqueuedAt - b.enqueuedAt);
}

/** Moves items to `to` if they are still in one of `from` (an owner may have withdrawn its item meanwhile). */
export async function mark(
  distributionId: string,
  owners: string[],
  from: QueueState[],
  to: QueueState,
  extra: { appliedBy?: string; reason?: string } = {},
): Promise<string[]> {
  const moved: string[] = [];
  for (const owner of owners) {
    const values: Record<string, unknown> = { ':to': to };
    from.forEach((s, i) => {
      values[`:f${i}`] = s;
    });
    const sets = ['#s = :to'];
    if (extra.appliedBy) {
      sets.push('appliedBy = :by');
      values[':by'] = extra.appliedBy;
    }
    if (extra.reason) {
      sets.push('reason = :why');
      values[':why'] = extra.reason;
    }
    try {
      await stateTable().send(
        new UpdateCommand({
          TableName: stateTableName(),
          Key: key(distributionId, owner),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND #s IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: values,
        }),
      );
      moved.push(owner);
    } catch (e) {
      if (!conditionFailed(e)) throw e;
    }
  }
  return moved;
}

export async function remove(distributionId: string, owner: string): Promise<void> {
  await stateTable().send(new DeleteCommand({ TableName: stateTableName(), Key: key(distributionId, owner) }));
}
