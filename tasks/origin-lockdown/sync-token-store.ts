/**
 * The sync's durable state in the state table (partition SYNC#origin-ranges#<syncName>):
 *  - STATE: the last applied ip-ranges syncToken. Notifications can arrive late, twice or out of
 *    order, so a run applies only a newer token, and a newer token always wins the write.
 *  - NOTIFIED#<syncToken>: the md5s notifications announced for that token (kept 30 days), so an
 *    on-demand run that fetches that version checks the document against them too.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { STATE_TTL_ATTRIBUTE, stateTable, stateTableName } from '../../platform/state-table';

/** The version applied last; `ranges` (its origin-facing ranges) is the baseline the next run's additions are measured on. */
export interface AppliedSync {
  syncToken: number;
  md5: string;
  createDate: string;
  appliedAt: number;
  execution: string;
  ranges?: { ipv4: string[]; ipv6: string[] };
}
export interface NotifiedMd5 {
  syncToken: number;
  md5: string;
  notifiedAt: number;
  messageId: string;
}

/** How long a notified md5 is kept: on-demand runs catch up within a day; a month is plenty. */
export const NOTIFIED_KEEP_SECONDS = 30 * 86_400;

const partition = (syncName: string) => `SYNC#origin-ranges#${syncName}`;
const key = (syncName: string) => ({ pk: partition(syncName), sk: 'STATE' });
const notifiedKey = (syncName: string, syncToken: number) => ({ pk: partition(syncName), sk: `NOTIFIED#${syncToken}` });

export async function lastApplied(syncName: string): Promise<AppliedSync | undefined> {
  const out = await stateTable().send(new GetCommand({ TableName: stateTableName(), Key: key(syncName), ConsistentRead: true }));
  return out.Item as AppliedSync | undefined;
}

/** Records `sync` unless a newer token is already recorded; returns the record that stands. */
export async function recordApplied(syncName: string, sync: AppliedSync): Promise<{ recorded: boolean; current: AppliedSync }> {
  try {
    await stateTable().send(
      new PutCommand({
        TableName: stateTableName(),
        Item: { ...key(syncName), ...sync, syncName },
        ConditionExpression: 'attribute_not_exists(pk) OR syncToken <= :token',
        ExpressionAttributeValues: { ':token': sync.syncToken },
      }),
    );
    return { recorded: true, current: sync };
  } catch (e) {
    if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    return { recorded: false, current: (await lastApplied(syncName))! };
  }
}

/** The md5s notifications announced for that token (empty when none was seen, or it expired). */
export async function notifiedMd5s(syncName: string, syncToken: number): Promise<string[]> {
  const out = await stateTable().send(new GetCommand({ TableName: stateTableName(), Key: notifiedKey(syncName, syncToken), ConsistentRead: true }));
  return [...((out.Item?.md5s as Set<string> | undefined) ?? [])].sort();
}

/** Adds what a notification announced to the token's set (SNS may deliver twice; a forged start adds, never replaces). */
export async function recordNotified(syncName: string, n: NotifiedMd5): Promise<void> {
  await stateTable().send(
    new UpdateCommand({
      TableName: stateTableName(),
      Key: notifiedKey(syncName, n.syncToken),
      UpdateExpression: 'SET #ttl = :ttl, lastMessageId = :message, notifiedAt = :at ADD md5s :md5',
      ExpressionAttributeNames: { '#ttl': STATE_TTL_ATTRIBUTE },
      ExpressionAttributeValues: {
        ':ttl': Math.floor(n.notifiedAt / 1000) + NOTIFIED_KEEP_SECONDS,
        ':message': n.messageId,
        ':at': n.notifiedAt,
        ':md5': new Set([n.md5]),
      },
    }),
  );
}
