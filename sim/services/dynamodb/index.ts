/**
 * DynamoDB, for the orchestrator's state table (locks, ASN swap guard, approvals, sync tokens):
 * items, conditional writes (ConditionalCheckFailedException), update expressions, Query, and
 * all-or-nothing TransactWriteItems. Tasks use the real DynamoDB/DocumentClient from lib-dynamodb.
 */
import type * as DynamoDB from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { awsError } from '../../aws-error';
import type { SdkServiceModel } from '../../sdk-operations';
import type { OpContext } from '../../simulator';
import { applyUpdate, checkPlaceholders, evaluateCondition, type AttributeValue, type Item } from './expressions';
import { marshall } from '@aws-sdk/util-dynamodb';

/** The single table every workflow keeps durable state in (name via STATE_TABLE_NAME in AWS). */
export const STATE_TABLE = 'byoip-orchestrator-state';

const TableSeed = z.object({
  name: z.string(),
  account: z.string().optional(),
  region: z.string().optional(),
  partitionKey: z.string().default('pk'),
  sortKey: z.string().optional().default('sk'),
  items: z.array(z.record(z.string(), z.any())).default([]),
});
export const DynamoDbWorldSection = z.object({ tables: z.array(TableSeed).default([]) });

interface SimTable {
  name: string;
  account: string;
  region: string;
  pk: string;
  sk?: string;
  items: Map<string, Item>;
}
export interface DynamoDbState {
  tables: SimTable[];
}

function keyOf(t: SimTable, key: Item): string {
  const pk = key[t.pk];
  if (!pk) throw awsError('ValidationException', `The provided key element does not match the schema (missing ${t.pk})`);
  if (t.sk && !key[t.sk]) throw awsError('ValidationException', `The provided key element does not match the schema (missing ${t.sk})`);
  return JSON.stringify([pk, t.sk ? key[t.sk] : null]);
}

function table(ctx: OpContext<DynamoDbState>, name: string | undefined): SimTable {
  const t = ctx.state.tables.find((x) => x.name === name && x.account === ctx.account && x.region === ctx.region);
  if (!t) throw awsError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`, 400);
  return t;
}

/** What a write (PutItem, UpdateItem, DeleteItem or a transaction's Put, Update, Delete, ConditionCheck) carries. */
interface WriteRequest {
  TableName?: string;
  Item?: Item;
  Key?: Item;
  ConditionExpression?: string;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
  ReturnValuesOnConditionCheckFailure?: string;
}

function exprCtx(input: Pick<WriteRequest, 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>) {
  return { names: input.ExpressionAttributeNames ?? {}, values: input.ExpressionAttributeValues ?? {} };
}

function conditionFailed(item: Item | undefined, input: WriteRequest): never {
  const err = awsError('ConditionalCheckFailedException', 'The conditional request failed', 400);
  if (input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && item) (err as any).Item = item;
  throw err;
}

function keyOnly(t: SimTable, item: Item): Item {
  return t.sk ? { [t.pk]: item[t.pk], [t.sk]: item[t.sk] } : { [t.pk]: item[t.pk] };
}

/** Each write as a function of the table, so TransactWriteItems can check all before applying any. */
function planWrite(ctx: OpContext<DynamoDbState>, kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck', input: WriteRequest) {
  const t = table(ctx, input.TableName);
  checkPlaceholders(input);
  const key = kind === 'Put' ? keyOnly(t, ctx.required(input.Item, 'Item')) : ctx.required(input.Key, 'Key');
  const id = keyOf(t, key);
  const current = t.items.get(id);
  const ok = evaluateCondition(input.ConditionExpression, current, exprCtx(input));
  const next =
    kind === 'Put'
      ? input.Item
      : kind === 'Update'
        ? applyUpdate(input.UpdateExpression ?? '', current ?? key, exprCtx(input))
        : kind === 'Delete'
          ? undefined
          : current;
  return {
    ok,
    current,
    t,
    id,
    apply: () => {
      if (kind === 'ConditionCheck') return;
      if (next) t.items.set(id, next);
      else t.items.delete(id);
    },
    next,
  };
}

function returnValues(mode: string | undefined, before: Item | undefined, after: Item | undefined) {
  if (mode === 'ALL_OLD') return before ? { Attributes: before } : {};
  if (mode === 'ALL_NEW' || mode === 'UPDATED_NEW') return after ? { Attributes: after } : {};
  return {};
}

function compareKeys(a: AttributeValue | undefined, b: AttributeValue | undefined): number {
  if (!a || !b) return 0;
  if ('N' in a) return Number(a.N) - Number(b.N);
  return String(a.S ?? '').localeCompare(String(b.S ?? ''));
}

export const dynamoDbModel: SdkServiceModel<DynamoDbState, typeof DynamoDB> = {
  key: 'dynamodb',
  service: 'DynamoDB',
  seed(world) {
    const section = DynamoDbWorldSection.parse(world.dynamodb ?? {});
    const seeds = section.tables.some((t) => t.name === STATE_TABLE)
      ? section.tables
      : [{ name: STATE_TABLE, partitionKey: 'pk', sortKey: 'sk', items: [] }, ...section.tables];
    return {
      tables: seeds.map((s) => {
        const t: SimTable = {
          name: s.name,
          account: (s as any).account ?? world.defaultAccount,
          region: (s as any).region ?? world.defaultRegion,
          pk: s.partitionKey ?? 'pk',
          sk: s.sortKey,
          items: new Map(),
        };
        // World files may give items as plain JSON or as DynamoDB attribute values.
        for (const seed of s.items ?? []) {
          const item = typeof seed[t.pk] === 'object' ? seed : marshall(seed);
          t.items.set(keyOf(t, item), item);
        }
        return t;
      }),
    };
  },
  /** Tables and items (DynamoDB JSON) as a world section (sim/world-out.ts). */
  toWorld: (state) => ({
    dynamodb: {
      tables: state.tables.map((t) => ({
        name: t.name,
        account: t.account,
        region: t.region,
        partitionKey: t.pk,
        ...(t.sk ? { sortKey: t.sk } : {}),
        items: [...t.items.values()],
      })),
    },
  }),
  snapshot: (state) => ({ tables: state.tables.map((t) => ({ name: t.name, account: t.account, region: t.region, items: [...t.items.values()] })) }),
  operations: {
    GetItem(ctx, input) {
      const t = table(ctx, input.TableName);
      checkPlaceholders(input);
      const item = t.items.get(keyOf(t, ctx.required(input.Key, 'Key')));
      return item ? { Item: item } : {};
    },
    PutItem(ctx, input) {
      const w = planWrite(ctx, 'Put', input);
      if (!w.ok) conditionFailed(w.current, input);
      w.apply();
      return returnValues(input.ReturnValues, w.current, w.next);
    },
    UpdateItem(ctx, input) {
      const w = planWrite(ctx, 'Update', input);
      if (!w.ok) conditionFailed(w.current, input);
      w.apply();
      return returnValues(input.ReturnValues ?? 'NONE', w.current, w.next);
    },
    DeleteItem(ctx, input) {
      const w = planWrite(ctx, 'Delete', input);
      if (!w.ok) conditionFailed(w.current, input);
      w.apply();
      return returnValues(input.ReturnValues, w.current, undefined);
    },
    Query(ctx, input) {
      const t = table(ctx, input.TableName);
      if (!input.KeyConditionExpression)
        throw awsError('ValidationException', 'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
      checkPlaceholders(input);
      const ectx = exprCtx(input);
      let matched = [...t.items.values()].filter((item) => evaluateCondition(input.KeyConditionExpression, item, ectx));
      if (t.sk) matched.sort((a, b) => compareKeys(a[t.sk!], b[t.sk!]));
      if (input.ScanIndexForward === false) matched = matched.reverse();
      let from = 0;
      if (input.ExclusiveStartKey) {
        const start = keyOf(t, input.ExclusiveStartKey);
        const at = matched.findIndex((item) => keyOf(t, item) === start);
        if (at < 0) throw awsError('ValidationException', 'The provided starting key is invalid: it is not an item this query reads');
        from = at + 1;
      }
      // Limit (and the world's page size, standing in for DynamoDB's 1 MB page) counts items read, before the filter.
      const size = Math.min(input.Limit ?? Number.POSITIVE_INFINITY, ctx.sim.world.paging.maxPageSize ?? Number.POSITIVE_INFINITY);
      const read = matched.slice(from, from + size);
      const stoppedEarly = from + read.length < matched.length || (input.Limit !== undefined && read.length === input.Limit);
      const items = input.FilterExpression ? read.filter((item) => evaluateCondition(input.FilterExpression, item, ectx)) : read;
      return {
        Items: items,
        Count: items.length,
        ScannedCount: read.length,
        ...(stoppedEarly && read.length ? { LastEvaluatedKey: keyOnly(t, read[read.length - 1]) } : {}),
      };
    },
    TransactWriteItems(ctx, input) {
      const actions: Array<Array<[string, any]>> = (input.TransactItems ?? []).map((ti) => Object.entries(ti).filter(([, v]) => v !== undefined));
      if (actions.length === 0 || actions.length > 100) throw awsError('ValidationException', 'TransactItems must have 1 to 100 items');
      if (actions.some((a) => a.length !== 1)) throw awsError('ValidationException', 'TransactItems can only contain one of Check, Put, Update or Delete');
      const entries = actions.map((a) => a[0]);
      const plans = entries.map(([kind, op]) => planWrite(ctx, kind as 'Put', op));
      const ids = plans.map((p) => `${p.t.name}/${p.id}`);
      if (new Set(ids).size !== ids.length) throw awsError('ValidationException', 'Transaction request cannot include multiple operations on one item');
      if (plans.some((p) => !p.ok)) {
        const err = awsError(
          'TransactionCanceledException',
          `Transaction cancelled, please refer cancellation reasons for specific reasons [${plans.map((p) => (p.ok ? 'None' : 'ConditionalCheckFailed')).join(', ')}]`,
          400,
        );
        (err as any).CancellationReasons = plans.map((p) =>
          p.ok ? { Code: 'None' } : { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        );
        throw err;
      }
      for (const p of plans) p.apply();
      return {};
    },
  },
};
