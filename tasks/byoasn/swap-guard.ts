/**
 * The once-per-hour guard for moving a CIDR's origin from the AWS ASN to a custom one, kept in the
 * state table (pk "ASNSWAP#<account>#<region>#<cidr>", sk "STATE"):
 *  - lastCustomAt: the latest moment this tool may have sent an AWS→custom Advertise for the CIDR.
 *    A claim sets it with a conditional write that only succeeds once the hour (+ margin) has
 *    passed, so two executions can never both pass; the Advertise task moves it to the send time.
 *  - pending*: the Advertise about to be sent (a retry after a lost response recognises its own change).
 *  - origin*, lastCustomChange: what was last advertised, for reports and approval plans.
 * A failed swap keeps its claim: nothing proves its Advertise did not reach AWS.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ASN_SWAP_INTERVAL_SECONDS, ASN_SWAP_MARGIN_SECONDS, nextCustomSwapAt } from '../../domain/byoasn';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { stateTable, stateTableName } from '../../platform/state-table';

export interface SwapGuardItem {
  lastCustomAt?: number;
  holder?: string;
  holderAsn?: string;
  pendingAsn?: string;
  pendingBy?: string;
  pendingAt?: number;
  originAsn?: string;
  originAt?: number;
  originBy?: string;
  lastCustomChange?: { asn: string; at: number; by: string };
}

export interface CidrRef {
  accountId: string;
  region: string;
  cidr: string;
}

const key = (r: CidrRef) => ({ pk: `ASNSWAP#${r.accountId}#${r.region}#${r.cidr}`, sk: 'STATE' });

// Every attribute through a name placeholder: DynamoDB reserves hundreds of words.
const NAMES = {
  '#last': 'lastCustomAt',
  '#holder': 'holder',
  '#holderAsn': 'holderAsn',
  '#cidr': 'cidr',
  '#pAsn': 'pendingAsn',
  '#pBy': 'pendingBy',
  '#pAt': 'pendingAt',
  '#oAsn': 'originAsn',
  '#oAt': 'originAt',
  '#oBy': 'originBy',
  '#change': 'lastCustomChange',
};

function namesIn(...expressions: Array<string | undefined>): Record<string, string> {
  const text = expressions.join(' ');
  return Object.fromEntries(Object.entries(NAMES).filter(([k]) => new RegExp(`${k}\\b`).test(text)));
}

export async function readGuard(r: CidrRef): Promise<SwapGuardItem> {
  const out = await stateTable().send(new GetCommand({ TableName: stateTableName(), Key: key(r), ConsistentRead: true }));
  return (out.Item ?? {}) as SwapGuardItem;
}

export type Claim =
  | { granted: true; claimedAt: number; previous: SwapGuardItem }
  | { granted: false; allowedAt: number; holder?: string; lastCustomAt: number };

/**
 * Claims the CIDR's AWS→custom slot for `owner` (an execution name): granted when no change is
 * recorded, the last one is more than the hour (+ margin) ago, or `owner` already holds it for `asn`.
 */
export async function claimSwapSlot(r: CidrRef, asn: string, owner: string, now = Date.now()): Promise<Claim> {
  const previous = await readGuard(r);
  const update = 'SET #last = :now, #holder = :owner, #holderAsn = :asn, #cidr = :cidr';
  const condition = 'attribute_not_exists(#last) OR #last <= :cutoff OR (#holder = :owner AND #holderAsn = :asn)';
  try {
    await stateTable().send(
      new UpdateCommand({
        TableName: stateTableName(),
        Key: key(r),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: namesIn(update, condition),
        ExpressionAttributeValues: {
          ':now': now,
          ':owner': owner,
          ':asn': asn,
          ':cidr': r.cidr,
          ':cutoff': now - (ASN_SWAP_INTERVAL_SECONDS + ASN_SWAP_MARGIN_SECONDS) * 1000,
        },
      }),
    );
    return { granted: true, claimedAt: now, previous };
  } catch (e) {
    if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    const current = await readGuard(r);
    const last = current.lastCustomAt ?? now;
    return { granted: false, allowedAt: nextCustomSwapAt(last), holder: current.holder, lastCustomAt: last };
  }
}

/**
 * Records the Advertise about to be sent. For a custom ASN it also moves lastCustomAt to now, under
 * the condition that `owner` still holds the slot: a lost claim fails with SafetyViolation.
 */
export async function markPending(r: CidrRef, asn: string, custom: boolean, owner: string, now = Date.now()): Promise<void> {
  const update = `SET #pAsn = :asn, #pBy = :owner, #pAt = :now, #cidr = :cidr${custom ? ', #last = :now' : ''}`;
  const condition = custom ? '#holder = :owner AND #holderAsn = :asn' : undefined;
  try {
    await stateTable().send(
      new UpdateCommand({
        TableName: stateTableName(),
        Key: key(r),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: namesIn(update, condition),
        ExpressionAttributeValues: { ':asn': asn, ':owner': owner, ':now': now, ':cidr': r.cidr },
      }),
    );
  } catch (e) {
    if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    throw new WorkflowError(
      ErrorNames.SafetyViolation,
      `refusing to advertise ${r.cidr} with AS${asn}: this execution does not hold the CIDR's once-per-hour swap slot`,
    );
  }
}

/** Records what the CIDR is now advertised with (after AWS accepted the Advertise). */
export async function recordOrigin(r: CidrRef, asn: string, custom: boolean, owner: string, now = Date.now()): Promise<void> {
  const update = `SET #oAsn = :asn, #oAt = :now, #oBy = :owner${custom ? ', #change = :change' : ''}`;
  await stateTable().send(
    new UpdateCommand({
      TableName: stateTableName(),
      Key: key(r),
      UpdateExpression: update,
      ExpressionAttributeNames: namesIn(update),
      ExpressionAttributeValues: { ':asn': asn, ':now': now, ':owner': owner, ...(custom ? { ':change': { asn, at: now, by: owner } } : {}) },
    }),
  );
}
