/**
 * The last applied ip-ranges syncToken per sync, in the state table: notifications can arrive late,
 * twice or out of order, so a run applies only a newer token, and a newer token always wins the write.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { stateTable, stateTableName } from '../lib/state-table';

export interface AppliedSync { syncToken: number; md5: string; createDate: string; appliedAt: number; execution: string }

const key = (syncName: string) => ({ pk: `SYNC#origin-ranges#${syncName}`, sk: 'STATE' });

export async function lastApplied(syncName: string): Promise<AppliedSync | undefined> {
  const out = await stateTable().send(new GetCommand({ TableName: stateTableName(), Key: key(syncName), ConsistentRead: true }));
  return out.Item as AppliedSync | undefined;
}

/** Records `sync` unless a newer token is already recorded; returns the record that stands. */
export async function recordApplied(syncName: string, sync: AppliedSync): Promise<{ recorded: boolean; current: AppliedSync }> {
  try {
    await stateTable().send(new PutCommand({
      TableName: stateTableName(),
      Item: { ...key(syncName), ...sync, syncName },
      ConditionExpression: 'attribute_not_exists(pk) OR syncToken <= :token',
      ExpressionAttributeValues: { ':token': sync.syncToken },
    }));
    return { recorded: true, current: sync };
  } catch (e) {
    if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    return { recorded: false, current: (await lastApplied(syncName))! };
  }
}
