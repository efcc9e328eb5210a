/**
 * Paging as AWS does it, for every simulated list: at most the caller's page size (capped by the
 * service's maximum and by the world's `paging.maxPageSize`, so tests can force many pages), and an
 * opaque token bound to the listing it came from. A token that is not one the listing issued is the
 * service's own documented error (never a 500 the SDK would retry).
 */
import { awsError } from './aws-error';
import type { OpContext } from './simulator';

/** What each service answers for a page token it did not issue (the name its model declares for the list operations). */
const BAD_TOKEN: Record<string, string> = {
  EC2: 'InvalidPaginationToken',
  CloudFront: 'InvalidArgument',
  GlobalAccelerator: 'InvalidNextTokenException',
  RAM: 'InvalidNextTokenException',
  SNS: 'InvalidParameterException',
  ServiceQuotas: 'InvalidPaginationTokenException',
  DynamoDB: 'ValidationException',
  SFN: 'InvalidToken',
  Route53: 'InvalidInput',
};

export interface PageRequest {
  /** The caller's page size (MaxResults, MaxItems, maxResults, Limit). */
  readonly max?: number | string;
  /** The caller's token (NextToken, Marker, nextToken). */
  readonly token?: string;
  /** The service's page size when the caller gives none. */
  readonly defaultMax: number;
  /** The largest page the service returns, whatever the caller asks. */
  readonly limit?: number;
  /** What the token belongs to (e.g. one execution's history in one order); defaults to the operation and account. */
  readonly scope?: string;
}

type Ctx = Pick<OpContext<unknown>, 'sim' | 'service' | 'operation' | 'account'>;

export function page<T>(ctx: Ctx, items: readonly T[], req: PageRequest): { items: T[]; next?: string } {
  const scope = req.scope ?? `${ctx.service}:${ctx.operation}:${ctx.account}`;
  let from = 0;
  if (req.token) {
    let decoded: { s?: string; o?: number } = {};
    try {
      decoded = JSON.parse(Buffer.from(req.token, 'base64url').toString('utf8'));
    } catch {
      /* answered below */
    }
    if (decoded.s !== scope || !Number.isInteger(decoded.o) || decoded.o! < 0) {
      throw awsError(BAD_TOKEN[ctx.service] ?? 'ValidationException', `The pagination token "${req.token.slice(0, 40)}" is not valid for ${ctx.operation}`);
    }
    from = decoded.o!;
  }
  const asked = req.max === undefined || req.max === '' ? req.defaultMax : Number(req.max);
  const size = Math.max(1, Math.min(asked, req.limit ?? Number.POSITIVE_INFINITY, ctx.sim.world.paging.maxPageSize ?? Number.POSITIVE_INFINITY));
  const slice = items.slice(from, from + size);
  const end = from + slice.length;
  return { items: slice, next: end < items.length ? Buffer.from(JSON.stringify({ s: scope, o: end })).toString('base64url') : undefined };
}

/** A CloudFront list (Marker/MaxItems in, the list with Quantity, IsTruncated and NextMarker out). */
export function cloudFrontPage<T>(ctx: Ctx, items: readonly T[], input: { Marker?: string; MaxItems?: number | string }) {
  const p = page(ctx, items, { max: input.MaxItems, token: input.Marker || undefined, defaultMax: 100, limit: 100 });
  return {
    Marker: input.Marker ?? '',
    MaxItems: input.MaxItems === undefined ? 100 : Number(input.MaxItems),
    IsTruncated: p.next !== undefined,
    ...(p.next ? { NextMarker: p.next } : {}),
    Quantity: p.items.length,
    Items: p.items,
  };
}
