/**
 * The orchestrator's one DynamoDB table (pk/sk) for durable state: locks, the ASN swap guard,
 * approvals, sync tokens. Item keys: pk "<KIND>#<id>", sk a facet (e.g. "LOCK", "STATE").
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, paginateQuery, PutCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ErrorNames, WorkflowError } from '../domain/errors';
import { client, defaultRegion } from './aws';

/**
 * The table's TTL attribute (epoch seconds): DynamoDB deletes an item some time after it. infra/ sets
 * the table's TimeToLiveSpecification to this name; every store that wants expiry writes it.
 */
export const STATE_TTL_ATTRIBUTE = 'ttl';

export function stateTableName(): string {
  return process.env.STATE_TABLE_NAME ?? 'byoip-orchestrator-state';
}

/** One document client per DynamoDB client (which platform/aws keeps per Region): wrapping one builds a middleware stack. */
const documentClients = new WeakMap<DynamoDBClient, DynamoDBDocumentClient>();

export function stateTable(region = defaultRegion()): DynamoDBDocumentClient {
  const base = client(DynamoDBClient, { region });
  let doc = documentClients.get(base);
  if (!doc) documentClients.set(base, (doc = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } })));
  return doc;
}

/** Every item a query of the state table reads, page by page (DynamoDB pages at 1 MB and at Limit). */
export async function queryAll<T>(input: Omit<QueryCommandInput, 'TableName'>, region = defaultRegion()): Promise<T[]> {
  const items: T[] = [];
  for await (const p of paginateQuery({ client: stateTable(region) }, { TableName: stateTableName(), ...input })) items.push(...((p.Items ?? []) as T[]));
  return items;
}

export interface LockHolder {
  owner: string;
  acquiredAt: number;
  expiresAt: number;
  purpose?: string;
}

const lockKey = (resource: string) => ({ pk: `LOCK#${resource}`, sk: 'LOCK' });

/**
 * Takes (or renews) a lease on `resource` for `owner` (an execution name). Another owner's live lease
 * fails with ResourceLocked naming the holder; an expired lease is taken over.
 */
export async function acquireLock(resource: string, owner: string, leaseSeconds: number, purpose?: string): Promise<LockHolder> {
  const now = Date.now();
  const holder: LockHolder = { owner, acquiredAt: now, expiresAt: now + leaseSeconds * 1000, purpose };
  try {
    await stateTable().send(
      new PutCommand({
        TableName: stateTableName(),
        Item: { ...lockKey(resource), ...holder, resource },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR #owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':now': now, ':owner': owner },
      }),
    );
    return holder;
  } catch (e) {
    if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    const current = (await stateTable().send(new GetCommand({ TableName: stateTableName(), Key: lockKey(resource), ConsistentRead: true }))).Item as
      | LockHolder
      | undefined;
    throw new WorkflowError(
      ErrorNames.ResourceLocked,
      `${resource} is locked by ${current?.owner ?? 'another execution'}${current?.purpose ? ` (${current.purpose})` : ''} until ${current ? new Date(current.expiresAt).toISOString() : 'unknown'}`,
      { resource, holder: current?.owner, expiresAt: current?.expiresAt },
    );
  }
}

/** Releases the lease if `owner` still holds it; a lease already gone or taken over is left alone. */
export async function releaseLock(resource: string, owner: string): Promise<boolean> {
  try {
    await stateTable().send(
      new DeleteCommand({
        TableName: stateTableName(),
        Key: lockKey(resource),
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
    return true;
  } catch (e) {
    if ((e as Error).name === 'ConditionalCheckFailedException') return false;
    throw e;
  }
}

/** The live lease on `resource`, if any (an expired lease counts as free). */
export async function lockHolder(resource: string): Promise<LockHolder | undefined> {
  const out = await stateTable().send(new GetCommand({ TableName: stateTableName(), Key: lockKey(resource), ConsistentRead: true }));
  const holder = out.Item as LockHolder | undefined;
  return holder && holder.expiresAt >= Date.now() ? holder : undefined;
}
