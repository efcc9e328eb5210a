/**
 * DynamoDB expression evaluation for the simulator: condition, filter, key-condition and update
 * expressions over marshalled AttributeValues, with #name / :value substitution. Covers what the
 * orchestrator's conditional writes use (locks, swap guards, approvals, sync tokens).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { awsError } from '../../aws-error';

export type { AttributeValue };
export type Item = Record<string, AttributeValue>;

interface Ctx {
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

type Tok = { t: 'name' | 'value' | 'ident' | 'num' | 'op' | 'punct'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#' || c === ':') {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      out.push({ t: c === '#' ? 'name' : 'value', v: src.slice(i, j) });
      i = j;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      out.push({ t: 'ident', v: src.slice(i, j) });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[0-9]/.test(src[j])) j++;
      out.push({ t: 'num', v: src.slice(i, j) });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['<=', '>=', '<>'].includes(two)) {
      out.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if ('=<>'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if ('(),.[]+-'.includes(c)) {
      out.push({ t: 'punct', v: c });
      i++;
      continue;
    }
    throw awsError('ValidationException', `Invalid expression: unexpected character "${c}" in "${src}"`);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly ctx: Ctx,
    private readonly src: string,
  ) {}
  peek(o = 0): Tok | undefined {
    return this.toks[this.i + o];
  }
  next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw awsError('ValidationException', `Invalid expression: unexpected end of "${this.src}"`);
    return t;
  }
  accept(v: string): boolean {
    const t = this.peek();
    if (t && (t.v === v || (t.t === 'ident' && t.v.toUpperCase() === v))) {
      this.i++;
      return true;
    }
    return false;
  }
  expect(v: string): void {
    if (!this.accept(v)) throw awsError('ValidationException', `Invalid expression: expected "${v}" in "${this.src}"`);
  }
  done(): boolean {
    return this.i >= this.toks.length;
  }

  path(): string[] {
    const parts: string[] = [this.segment()];
    for (;;) {
      if (this.accept('.')) parts.push(this.segment());
      else if (this.peek()?.v === '[') {
        this.next();
        parts.push(`[${this.next().v}]`);
        this.expect(']');
      } else return parts;
    }
  }
  segment(): string {
    const t = this.next();
    if (t.t === 'name') {
      const real = this.ctx.names[t.v];
      if (real === undefined)
        throw awsError('ValidationException', `An expression attribute name used in the document path is not defined; attribute name: ${t.v}`);
      return real;
    }
    if (t.t === 'ident') return t.v;
    throw awsError('ValidationException', `Invalid expression: expected an attribute name, got "${t.v}"`);
  }
}

function resolve(item: Item | undefined, path: string[]): AttributeValue | undefined {
  let cur: AttributeValue | undefined = item ? { M: item } : undefined;
  for (const p of path) {
    if (!cur) return undefined;
    if (p.startsWith('[')) cur = cur.L?.[Number(p.slice(1, -1))];
    else cur = cur.M?.[p];
  }
  return cur;
}

function setPath(item: Item, path: string[], value: AttributeValue | undefined): void {
  let container: any = item;
  for (let k = 0; k < path.length - 1; k++) {
    const p = path[k];
    const nextIsIndex = path[k + 1].startsWith('[');
    const node = p.startsWith('[') ? container.L?.[Number(p.slice(1, -1))] : (container.M ?? container)[p];
    if (!node) throw awsError('ValidationException', 'The document path provided in the update expression is invalid for update');
    container = node;
    if (nextIsIndex && !container.L) throw awsError('ValidationException', 'The document path provided in the update expression is invalid for update');
  }
  const last = path[path.length - 1];
  if (last.startsWith('[')) {
    const idx = Number(last.slice(1, -1));
    if (value === undefined) container.L.splice(idx, 1);
    else container.L[idx] = value;
    return;
  }
  const target = container === item ? item : container.M;
  if (value === undefined) delete target[last];
  else target[last] = value;
}

function cmp(a: AttributeValue | undefined, b: AttributeValue | undefined): number | undefined {
  if (!a || !b) return undefined;
  if (a.N !== undefined && b.N !== undefined) return Number(a.N) - Number(b.N);
  if (a.S !== undefined && b.S !== undefined) return a.S < b.S ? -1 : a.S > b.S ? 1 : 0;
  if (a.B !== undefined && b.B !== undefined) return String(a.B).localeCompare(String(b.B));
  return undefined;
}

function equal(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  return !!a && !!b && JSON.stringify(a) === JSON.stringify(b);
}

function value(p: Parser, ctx: Ctx): AttributeValue {
  const t = p.next();
  const v = ctx.values[t.v];
  if (v === undefined) throw awsError('ValidationException', `An expression attribute value used in expression is not defined; attribute value: ${t.v}`);
  return v;
}

/** An operand: a path, a :value, or size(path). */
function operand(p: Parser, ctx: Ctx, item: Item | undefined): AttributeValue | undefined {
  const t = p.peek();
  if (t?.t === 'value') return value(p, ctx);
  if (t?.t === 'ident' && t.v === 'size' && p.peek(1)?.v === '(') {
    p.next();
    p.next();
    const v = resolve(item, p.path());
    p.expect(')');
    if (!v) return undefined;
    const size =
      v.S !== undefined
        ? v.S.length
        : v.L !== undefined
          ? v.L.length
          : v.M !== undefined
            ? Object.keys(v.M).length
            : v.SS !== undefined
              ? v.SS.length
              : v.NS !== undefined
                ? v.NS.length
                : undefined;
    return size === undefined ? undefined : { N: String(size) };
  }
  return resolve(item, p.path());
}

function condition(p: Parser, ctx: Ctx, item: Item | undefined): boolean {
  let left = conjunction(p, ctx, item);
  while (p.accept('OR')) {
    const right = conjunction(p, ctx, item);
    left = left || right;
  }
  return left;
}

function conjunction(p: Parser, ctx: Ctx, item: Item | undefined): boolean {
  let left = negation(p, ctx, item);
  while (p.accept('AND')) {
    const right = negation(p, ctx, item);
    left = left && right;
  }
  return left;
}

function negation(p: Parser, ctx: Ctx, item: Item | undefined): boolean {
  if (p.accept('NOT')) return !negation(p, ctx, item);
  return primary(p, ctx, item);
}

const FUNCTIONS = new Set(['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains']);

function primary(p: Parser, ctx: Ctx, item: Item | undefined): boolean {
  if (p.accept('(')) {
    const v = condition(p, ctx, item);
    p.expect(')');
    return v;
  }
  const t = p.peek();
  if (t?.t === 'ident' && FUNCTIONS.has(t.v) && p.peek(1)?.v === '(') {
    p.next();
    p.next();
    const path = p.path();
    const target = resolve(item, path);
    let result: boolean;
    switch (t.v) {
      case 'attribute_exists':
        result = target !== undefined;
        break;
      case 'attribute_not_exists':
        result = target === undefined;
        break;
      case 'attribute_type': {
        p.expect(',');
        const type = value(p, ctx).S;
        result = !!target && type !== undefined && type in target;
        break;
      }
      case 'begins_with': {
        p.expect(',');
        const prefix = operand(p, ctx, item)?.S;
        result = target?.S !== undefined && prefix !== undefined && target.S.startsWith(prefix);
        break;
      }
      default: {
        p.expect(',');
        const needle = operand(p, ctx, item);
        const members: unknown[] = target?.SS ?? target?.L ?? [];
        result =
          !!target &&
          !!needle &&
          ((target.S !== undefined && needle.S !== undefined && target.S.includes(needle.S)) ||
            members.some((x) => JSON.stringify(x) === JSON.stringify(needle) || x === needle.S));
      }
    }
    p.expect(')');
    return result;
  }
  const left = operand(p, ctx, item);
  if (p.accept('BETWEEN')) {
    const lo = operand(p, ctx, item);
    p.expect('AND');
    const hi = operand(p, ctx, item);
    const a = cmp(left, lo);
    const b = cmp(left, hi);
    return a !== undefined && b !== undefined && a >= 0 && b <= 0;
  }
  if (p.accept('IN')) {
    p.expect('(');
    const options = [operand(p, ctx, item)];
    while (p.accept(',')) options.push(operand(p, ctx, item));
    p.expect(')');
    return options.some((o) => equal(left, o));
  }
  const op = p.next();
  if (op.t !== 'op') throw awsError('ValidationException', `Invalid ConditionExpression: expected a comparator, got "${op.v}"`);
  const right = operand(p, ctx, item);
  if (op.v === '=') return equal(left, right);
  if (op.v === '<>') return !equal(left, right);
  const c = cmp(left, right);
  if (c === undefined) return false;
  return op.v === '<' ? c < 0 : op.v === '<=' ? c <= 0 : op.v === '>' ? c > 0 : c >= 0;
}

const EXPRESSION_FIELDS = ['KeyConditionExpression', 'FilterExpression', 'ConditionExpression', 'UpdateExpression', 'ProjectionExpression'] as const;

/**
 * What DynamoDB checks before it reads a single item: every #name and :value an expression uses is
 * defined, and every one defined is used (so a mistake fails even on an empty table).
 */
export function checkPlaceholders(
  input: { [F in (typeof EXPRESSION_FIELDS)[number]]?: string } & {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  },
): void {
  const used = { '#': new Set<string>(), ':': new Set<string>() };
  for (const field of EXPRESSION_FIELDS) {
    const src = input[field];
    if (typeof src !== 'string') continue;
    for (const m of src.matchAll(/([#:])[A-Za-z0-9_]+/g)) used[m[1] as '#' | ':'].add(m[0]);
  }
  const names = Object.keys(input.ExpressionAttributeNames ?? {});
  const values = Object.keys(input.ExpressionAttributeValues ?? {});
  for (const n of used['#'])
    if (!names.includes(n))
      throw awsError('ValidationException', `Invalid expression: An expression attribute name used in the document path is not defined; attribute name: ${n}`);
  for (const v of used[':'])
    if (!values.includes(v))
      throw awsError('ValidationException', `Invalid expression: An expression attribute value used in expression is not defined; attribute value: ${v}`);
  const unusedNames = names.filter((n) => !used['#'].has(n));
  if (unusedNames.length)
    throw awsError('ValidationException', `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`);
  const unusedValues = values.filter((v) => !used[':'].has(v));
  if (unusedValues.length)
    throw awsError('ValidationException', `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`);
}

export function evaluateCondition(expression: string | undefined, item: Item | undefined, ctx: Ctx): boolean {
  if (!expression) return true;
  const p = new Parser(tokenize(expression), ctx, expression);
  const result = condition(p, ctx, item);
  if (!p.done()) throw awsError('ValidationException', `Invalid ConditionExpression: unexpected "${p.peek()?.v}"`);
  return result;
}

function updateValue(p: Parser, ctx: Ctx, item: Item): AttributeValue {
  const single = (): AttributeValue => {
    const t = p.peek();
    if (t?.t === 'ident' && (t.v === 'if_not_exists' || t.v === 'list_append') && p.peek(1)?.v === '(') {
      p.next();
      p.next();
      if (t.v === 'if_not_exists') {
        const existing = resolve(item, p.path());
        p.expect(',');
        const fallback = single();
        p.expect(')');
        return existing ?? fallback;
      }
      const a = single();
      p.expect(',');
      const b = single();
      p.expect(')');
      return { L: [...(a.L ?? []), ...(b.L ?? [])] };
    }
    const v = operand(p, ctx, item);
    if (!v) throw awsError('ValidationException', 'The provided expression refers to an attribute that does not exist in the item');
    return v;
  };
  let v = single();
  while (p.peek()?.v === '+' || p.peek()?.v === '-') {
    const sign = p.next().v;
    const w = single();
    if (!('N' in v) || !('N' in w)) throw awsError('ValidationException', 'An operand in the update expression has an incorrect data type');
    v = { N: String(sign === '+' ? Number(v.N) + Number(w.N) : Number(v.N) - Number(w.N)) };
  }
  return v;
}

/** Applies an UpdateExpression to a copy of the item and returns it. Every operand reads the item as it was before the update, as in DynamoDB. */
export function applyUpdate(expression: string, item: Item, ctx: Ctx): Item {
  const out: Item = JSON.parse(JSON.stringify(item));
  const p = new Parser(tokenize(expression), ctx, expression);
  while (!p.done()) {
    const clause = p.next().v.toUpperCase();
    do {
      if (clause === 'SET') {
        const path = p.path();
        p.expect('=');
        setPath(out, path, updateValue(p, ctx, item));
      } else if (clause === 'REMOVE') {
        setPath(out, p.path(), undefined);
      } else if (clause === 'ADD') {
        const path = p.path();
        const v = value(p, ctx);
        const cur = resolve(item, path);
        if (v.N !== undefined) setPath(out, path, { N: String(Number(cur?.N ?? 0) + Number(v.N)) });
        else if (v.SS !== undefined) setPath(out, path, { SS: [...new Set([...(cur?.SS ?? []), ...v.SS])] });
        else throw awsError('ValidationException', 'ADD supports numbers and sets');
      } else if (clause === 'DELETE') {
        const path = p.path();
        const v = value(p, ctx);
        const cur = resolve(item, path);
        if (cur?.SS) setPath(out, path, { SS: cur.SS.filter((x) => !(v.SS ?? []).includes(x)) });
      } else {
        throw awsError('ValidationException', `Invalid UpdateExpression: unknown clause ${clause}`);
      }
    } while (p.accept(','));
  }
  return out;
}
