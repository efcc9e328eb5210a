/**
 * What the AWS SDK's own Smithy models say about an operation: its input and output shapes (the
 * schemas each client package ships), the errors it declares, its enums and its pagination. The
 * simulator is checked against these (conformance.ts), never against a copy written by hand.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NormalizedSchema } from '@smithy/core/schema';

/** The client package of each simulated service (the service name is the client class's without "Client"). */
export const CLIENT_PACKAGES: Readonly<Record<string, string>> = {
  EC2: '@aws-sdk/client-ec2',
  CloudFront: '@aws-sdk/client-cloudfront',
  Route53: '@aws-sdk/client-route-53',
  SFN: '@aws-sdk/client-sfn',
  SecretsManager: '@aws-sdk/client-secrets-manager',
  RAM: '@aws-sdk/client-ram',
  GlobalAccelerator: '@aws-sdk/client-global-accelerator',
  DynamoDB: '@aws-sdk/client-dynamodb',
  SNS: '@aws-sdk/client-sns',
  STS: '@aws-sdk/client-sts',
  CloudFormation: '@aws-sdk/client-cloudformation',
  ServiceQuotas: '@aws-sdk/client-service-quotas',
};

const load = (pkg: string): Record<string, any> => require(pkg);

/** The client package's exports (commands, exception classes, schemas), or undefined for a service without one here. */
export function clientModule(service: string): Record<string, any> | undefined {
  const pkg = CLIENT_PACKAGES[service];
  return pkg ? load(pkg) : undefined;
}

export interface OperationModel {
  readonly service: string;
  readonly operation: string;
  readonly input: NormalizedSchema;
  readonly output: NormalizedSchema;
  /** Errors the operation declares (`@throws` in the model's documentation of the command). */
  readonly errors: ReadonlySet<string>;
  /** The input member the SDK fills with an idempotency token when the caller gives none (ClientToken, ...). */
  readonly idempotencyToken?: string;
  /** The paginator's tokens, when the SDK pages this operation. */
  readonly paging?: { inputToken: string; outputToken: string; pageSize?: string };
}

const models = new Map<string, OperationModel | null>();

export function operationModel(service: string, operation: string): OperationModel | undefined {
  const key = `${service}:${operation}`;
  if (!models.has(key)) models.set(key, readOperation(service, operation));
  return models.get(key) ?? undefined;
}

function packageDir(service: string): string {
  return dirname(require.resolve(`${CLIENT_PACKAGES[service]}/package.json`));
}

function readOperation(service: string, operation: string): OperationModel | null {
  const mod = clientModule(service);
  const op = mod?.[`${operation}$`];
  if (!Array.isArray(op) || op[0] !== 9) return null;
  const dir = packageDir(service);
  let doc = '';
  try {
    doc = readFileSync(join(dir, 'dist-types', 'commands', `${operation}Command.d.ts`), 'utf8');
  } catch {
    /* no documentation: no declared errors */
  }
  const errors = new Set([...doc.matchAll(/@throws \{@link (\w+)\}/g)].map((m) => m[1]).filter((n) => !n.endsWith('ServiceException')));
  const input = NormalizedSchema.of(op[4]);
  const output = NormalizedSchema.of(op[5]);
  const idempotencyToken = [...input.structIterator()].find(([, m]) => m.isIdempotencyToken())?.[0];
  return { service, operation, input, output, errors, idempotencyToken, paging: pagingOf(dir, operation) ?? markerPaging(input) };
}

/** Operations the SDK has no paginator for but that page all the same (CloudFront's Marker/NextMarker lists). */
function markerPaging(input: NormalizedSchema): OperationModel['paging'] {
  const names = (s: NormalizedSchema) => ((s.getSchema() as unknown as unknown[])[4] as string[]) ?? [];
  const inputToken = names(input).find((n) => ['Marker', 'NextToken', 'nextToken'].includes(n));
  if (!inputToken) return undefined;
  const pageSize = names(input).find((n) => ['MaxItems', 'MaxResults', 'maxResults'].includes(n));
  return { inputToken, outputToken: inputToken === 'Marker' ? 'NextMarker' : inputToken, pageSize };
}

function pagingOf(dir: string, operation: string): OperationModel['paging'] {
  let src: string;
  try {
    src = readFileSync(join(dir, 'dist-es', 'pagination', `${operation}Paginator.js`), 'utf8');
  } catch {
    return undefined;
  }
  const m = src.match(/createPaginator\([^,]+,\s*\w+,\s*"(\w+)",\s*"([\w.]+)",\s*"?(\w*)"?\)/);
  return m ? { inputToken: m[1], outputToken: m[2], pageSize: m[3] || undefined } : undefined;
}

/** Enum values per structure member, read from the package's type declarations (the schemas hold strings only). */
const enumsByPackage = new Map<string, { members: Map<string, string>; values: Map<string, Set<string>> }>();

function enumsOf(service: string): { members: Map<string, string>; values: Map<string, Set<string>> } {
  let e = enumsByPackage.get(service);
  if (e) return e;
  const dir = join(packageDir(service), 'dist-types', 'models');
  const values = new Map<string, Set<string>>();
  const members = new Map<string, string>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.d.ts'))) {
    const src = readFileSync(join(dir, f), 'utf8');
    for (const m of src.matchAll(/export declare const (\w+): \{([^}]*)\};/g)) {
      const vals = [...m[2].matchAll(/readonly \w+: "([^"]*)"/g)].map((v) => v[1]);
      if (vals.length) values.set(m[1], new Set(vals));
    }
    for (const m of src.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g)) {
      for (const mm of m[2].matchAll(/^\s+(\w+)\??: (\w+) \| undefined;$/gm)) members.set(`${m[1]}.${mm[1]}`, mm[2]);
      for (const mm of m[2].matchAll(/^\s+(\w+)\??: \((\w+)\)\[\] \| undefined;$/gm)) members.set(`${m[1]}.${mm[1]}[]`, mm[2]);
    }
  }
  e = { members, values };
  enumsByPackage.set(service, e);
  return e;
}

/** The enum a structure member is typed with (or, with `[]`, a list member's element), if it is one. */
function enumValues(service: string, struct: string, member: string): Set<string> | undefined {
  const e = enumsOf(service);
  const type = e.members.get(`${struct}.${member}`);
  return type ? e.values.get(type) : undefined;
}

/**
 * Everything about `value` that the shape does not allow, as "path: problem" lines: unknown members,
 * missing required members, wrong types (timestamps are Dates, blobs bytes), values outside an enum,
 * unions without exactly one member.
 */
export function shapeProblems(service: string, schema: NormalizedSchema, value: unknown, path = '$'): string[] {
  const out: string[] = [];
  check(service, schema, value, path, out, undefined);
  return out;
}

function check(service: string, s: NormalizedSchema, v: unknown, path: string, out: string[], allowed: Set<string> | undefined): void {
  if (v === undefined || v === null) return;
  if (s.isDocumentSchema()) return;
  if (s.isStructSchema() || s.isUnionSchema()) {
    if (typeof v !== 'object' || Array.isArray(v) || v instanceof Date) {
      out.push(`${path}: expected a ${s.getName()} structure, got ${typeName(v)}`);
      return;
    }
    const obj = v as Record<string, unknown>;
    const { names, known, required, struct, members } = structureOf(service, s);
    for (const k of Object.keys(obj)) {
      if (k === '$metadata' || k === '$unknown' || obj[k] === undefined) continue;
      if (!known.has(k)) out.push(`${path}.${k}: not a member of ${struct}`);
    }
    names.forEach((name, i) => {
      // Most members of a large structure are absent: only the required and the present are looked at.
      if (i >= required && obj[name] === undefined) return;
      const m = members(name);
      if (i < required && (obj[name] === undefined || obj[name] === null) && !m.schema.isIdempotencyToken())
        out.push(`${path}.${name}: required by ${struct}, missing`);
      if (obj[name] !== undefined) check(service, m.schema, obj[name], `${path}.${name}`, out, m.allowed);
    });
    if (s.isUnionSchema()) {
      const set = names.filter((n) => obj[n] !== undefined && obj[n] !== null);
      if (set.length !== 1) out.push(`${path}: a ${struct} union needs exactly one member, has ${set.length}`);
    }
    return;
  }
  if (s.isListSchema()) {
    if (!Array.isArray(v)) return void out.push(`${path}: expected a list, got ${typeName(v)}`);
    const member = s.getValueSchema();
    v.forEach((x, i) => check(service, member, x, `${path}[${i}]`, out, allowed));
    return;
  }
  if (s.isMapSchema()) {
    if (typeof v !== 'object' || Array.isArray(v)) return void out.push(`${path}: expected a map, got ${typeName(v)}`);
    const value = s.getValueSchema();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) check(service, value, x, `${path}.${k}`, out, undefined);
    return;
  }
  if (s.isTimestampSchema()) {
    if (!(v instanceof Date) || Number.isNaN(v.getTime())) out.push(`${path}: expected a timestamp (Date), got ${typeName(v)}`);
    return;
  }
  if (s.isBlobSchema()) {
    if (!(v instanceof Uint8Array) && typeof v !== 'string') out.push(`${path}: expected bytes, got ${typeName(v)}`);
    return;
  }
  if (s.isBooleanSchema()) {
    if (typeof v !== 'boolean') out.push(`${path}: expected a boolean, got ${typeName(v)}`);
    return;
  }
  if (s.isBigIntegerSchema() || s.isBigDecimalSchema()) return;
  if (s.isNumericSchema()) {
    if (typeof v !== 'number') out.push(`${path}: expected a number, got ${typeName(v)}`);
    return;
  }
  if (s.isStringSchema()) {
    if (typeof v !== 'string') out.push(`${path}: expected a string, got ${typeName(v)}`);
    else if (allowed && !allowed.has(v)) out.push(`${path}: "${v}" is not one of ${[...allowed].join(', ')}`);
  }
}

interface StructureInfo {
  names: string[];
  known: Set<string>;
  required: number;
  struct: string;
  /** A member's schema and the enum its values must be in, if any (worked out on first use). */
  members(name: string): { schema: NormalizedSchema; allowed: Set<string> | undefined };
}

/** A structure's members, worked out once per service and schema: the checks walk the same shapes on every call. */
const structures = new Map<string, WeakMap<object, StructureInfo>>();

function structureOf(service: string, s: NormalizedSchema): StructureInfo {
  const raw = s.getSchema() as unknown as unknown[];
  let byRaw = structures.get(service);
  if (!byRaw) structures.set(service, (byRaw = new WeakMap()));
  let info = byRaw.get(raw);
  if (info) return info;
  const names: string[] = (raw[4] as string[]) ?? [];
  const struct = s.getName() ?? '';
  const memo = new Map<string, { schema: NormalizedSchema; allowed: Set<string> | undefined }>();
  info = {
    names,
    known: new Set(names),
    required: typeof raw[6] === 'number' ? (raw[6] as number) : 0,
    struct,
    members(name) {
      let m = memo.get(name);
      if (!m) memo.set(name, (m = { schema: s.getMemberSchema(name), allowed: enumValues(service, struct, name) ?? listEnum(service, struct, name) }));
      return m;
    },
  };
  byRaw.set(raw, info);
  return info;
}

function listEnum(service: string, struct: string, member: string): Set<string> | undefined {
  const e = enumsOf(service);
  const type = e.members.get(`${struct}.${member}[]`);
  return type ? e.values.get(type) : undefined;
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a Date';
  return typeof v === 'string' ? `the string "${v.slice(0, 40)}"` : typeof v;
}

/**
 * A request the model accepts in shape, naming things that do not exist: every required member, and
 * every id-like member (…Id, …Arn, …Name), filled with a value no world holds. Probes use it to see
 * how an operation answers for a missing resource.
 */
export function probeInput(service: string, schema: NormalizedSchema): Record<string, unknown> {
  return probeValue(service, schema, '', '', 0) as Record<string, unknown>;
}

function probeValue(service: string, s: NormalizedSchema, struct: string, member: string, depth: number): unknown {
  if (s.isStructSchema() || s.isUnionSchema()) {
    const raw = s.getSchema() as unknown as unknown[];
    const names = (raw[4] as string[]) ?? [];
    const required = typeof raw[6] === 'number' ? (raw[6] as number) : 0;
    const out: Record<string, unknown> = {};
    const name = s.getName() ?? '';
    names.forEach((n, i) => {
      const m = s.getMemberSchema(n);
      if (m.isIdempotencyToken()) return;
      const idLike = depth === 0 && /(Id|Arn|ARN|Identifier|Name|Cidr)$/.test(n) && m.isStringSchema();
      if (i < required || idLike || (s.isUnionSchema() && i === 0)) out[n] = probeValue(service, m, name, n, depth + 1);
    });
    return out;
  }
  if (s.isListSchema()) return depth > 4 ? [] : [probeValue(service, s.getValueSchema(), struct, `${member}[]`, depth + 1)];
  if (s.isMapSchema()) return {};
  if (s.isTimestampSchema()) return new Date(0);
  if (s.isBlobSchema()) return new Uint8Array([0]);
  if (s.isBooleanSchema()) return false;
  if (s.isNumericSchema()) return 5;
  if (s.isDocumentSchema()) return {};
  const allowed = member.endsWith('[]') ? listEnum(service, struct, member.slice(0, -2)) : enumValues(service, struct, member);
  if (allowed) return [...allowed][0];
  return /Arn$|ARN$/.test(member)
    ? `arn:aws:${service.toLowerCase()}::111122223333:resource/nonexistent`
    : `nonexistent-${member.toLowerCase().replace(/\W/g, '')}`;
}
