/**
 * The world file, strictly: the shared fields (sim/world.ts) and every service model's section, made
 * strict at every level, so a misspelt or unknown field is an error with its JSON path and the names
 * that are valid there. The JSON Schema published as docs/world.schema.json and the field reference
 * docs/world.md are generated from it (npm run build:world-schema; a test checks they are current).
 *
 * The models still parse their own sections (with defaults); this module only adds the strictness and
 * the documentation. A new section: add it to WORLD_SECTIONS and document its fields in world-docs.ts.
 */
import * as z from 'zod';
import { closestMatch } from '../domain/names';
import { CloudFrontWorldSection } from './services/cloudfront';
import { VpcOriginWorldSection } from './services/cloudfront/vpc-origins';
import { DynamoDbWorldSection } from './services/dynamodb';
import { IpamWorldSection, RegistrySection } from './services/ec2/ipam';
import { Ec2NetworkWorldSection } from './services/ec2/network';
import { ElbWorldSection } from './services/elbv2';
import { GlobalAcceleratorWorldSection, MOVED_LOAD_BALANCERS } from './services/global-accelerator';
import { IpRangesWorldSection } from './services/ip-ranges';
import { SecretsWorldSection } from './services/platform';
import { RamWorldSection } from './services/ram';
import { Route53WorldSection } from './services/route53';
import { SnsWorldSection } from './services/sns';
import { CloudFormationWorldSection } from './services/cloudformation';
import { StepFunctionsWorldSection } from './services/stepfunctions';
import { StsWorldSection } from './services/sts';
import { InternetWorldSection } from './internet/world';
import { AccountSeed, WorldSeedBase } from './world';
import { FIELD_DOCS, QUOTA_NAMES, SECTION_DOCS } from './world-docs';

/** Who can sign in to the local approval page when byoip.approvalPage.signIn is "authorizer" (runner/approval-server.ts). */
export const ApprovalSignInWorldSection = z
  .object({
    users: z.array(z.object({ email: z.string(), password: z.string() }).strict()).default([]),
  })
  .strict();

/** Each top-level section and the model schema that reads it. */
export const WORLD_SECTIONS = {
  registry: RegistrySection,
  ipam: IpamWorldSection,
  cloudfront: CloudFrontWorldSection.extend(VpcOriginWorldSection.shape),
  route53: Route53WorldSection,
  ec2Network: Ec2NetworkWorldSection,
  globalAccelerator: GlobalAcceleratorWorldSection,
  elbv2: ElbWorldSection,
  ram: RamWorldSection,
  sns: SnsWorldSection,
  dynamodb: DynamoDbWorldSection,
  secrets: SecretsWorldSection,
  ipRanges: IpRangesWorldSection,
  internet: InternetWorldSection,
  sts: StsWorldSection,
  approvalSignIn: ApprovalSignInWorldSection,
  stepFunctions: StepFunctionsWorldSection,
  cloudformation: CloudFormationWorldSection,
} as const;

type AnySchema = z.ZodType;
interface Def {
  type: string;
  [k: string]: any;
}
const defOf = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const cloneWith = (s: AnySchema, patch: Partial<Def>): AnySchema => (s as unknown as { clone(def: Def): AnySchema }).clone({ ...defOf(s), ...patch });

/** The same schema with every object strict (records stay open maps: tags, quotas, configs, items). */
export function deepStrict(schema: AnySchema): AnySchema {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return cloneWith(schema, {
        shape: Object.fromEntries(Object.entries(def.shape as Record<string, AnySchema>).map(([k, v]) => [k, deepStrict(v)])),
        catchall: z.never(),
      });
    case 'array':
      return cloneWith(schema, { element: deepStrict(def.element) });
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return cloneWith(schema, { innerType: deepStrict(def.innerType) });
    case 'pipe':
      return cloneWith(schema, { in: deepStrict(def.in) });
    case 'union':
      return cloneWith(schema, { options: (def.options as AnySchema[]).map(deepStrict) });
    case 'record':
      return cloneWith(schema, { valueType: deepStrict(def.valueType) });
    default:
      return schema;
  }
}

const QuotaName = z.enum(QUOTA_NAMES);

/** The whole world file, strict at every level. */
export const WorldFileSchema = deepStrict(
  WorldSeedBase.extend({
    /** Editors validate against the published schema: "$schema": "../docs/world.schema.json". */
    $schema: z.string().optional(),
    accounts: z.array(AccountSeed.extend({ quotas: z.partialRecord(QuotaName, z.number().int().nonnegative()).default({}) })).min(1),
    // Every object section may carry a "description" for its readers (JSON has no comments).
    ...(Object.fromEntries(
      Object.entries(WORLD_SECTIONS).map(([k, v]) => [k, (v instanceof z.ZodObject ? v.extend({ description: z.string().optional() }) : v).optional()]),
    ) as Record<string, z.ZodType>),
  }),
) as z.ZodObject;

/** Fields that moved: an old world that still has one is told where it went, not only that it is unknown. */
const MOVED_FIELDS: Record<string, string> = { 'world.globalAccelerator.loadBalancers': MOVED_LOAD_BALANCERS };

/** A JSON path for messages: world.ipam.pools[0].cidrs[1].cidr */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, k) =>
      typeof k === 'number' ? `${acc}[${k}]` : /^[A-Za-z_$][\w$]*$/.test(String(k)) ? `${acc}.${String(k)}` : `${acc}[${JSON.stringify(String(k))}]`,
    'world',
  );
}

/** The object schema found at `path` (through arrays, optionals, defaults, unions), to name the valid fields there. */
function objectAt(schema: AnySchema, path: ReadonlyArray<PropertyKey>): AnySchema[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return objectAt(def.innerType, path);
    case 'pipe':
      return objectAt(def.in, path);
    case 'union':
      return (def.options as AnySchema[]).flatMap((o) => objectAt(o, path));
    default:
      break;
  }
  if (path.length === 0) return def.type === 'object' || def.type === 'record' ? [schema] : [];
  const [head, ...rest] = path;
  if (def.type === 'object') return head in def.shape ? objectAt(def.shape[head as string], rest) : [];
  if (def.type === 'array') return objectAt(def.element, rest);
  if (def.type === 'record') return objectAt(def.valueType, rest);
  return [];
}

/** The fields an object at `path` accepts (or the keys a map with named keys, such as quotas, accepts). */
export function fieldsAt(path: ReadonlyArray<PropertyKey>): string[] {
  return [
    ...new Set(
      objectAt(WorldFileSchema, path).flatMap((o) => {
        const def = defOf(o);
        if (def.type === 'object') return Object.keys(def.shape);
        const keys = defOf(def.keyType);
        return keys.type === 'enum' ? Object.values(keys.entries as Record<string, string>) : [];
      }),
    ),
  ];
}

/**
 * Everything wrong with a world, one line each with its JSON path; unknown fields name the closest
 * valid field and list the valid ones. Empty when the world is valid.
 */
export function worldProblems(world: unknown): string[] {
  const result = WorldFileSchema.safeParse(world);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const valid = fieldsAt(issue.path);
      return issue.keys.map((key) => {
        const path = jsonPath([...issue.path, key]);
        if (MOVED_FIELDS[path]) return `${path}: ${MOVED_FIELDS[path]}`;
        const near = closestMatch(key, valid);
        return `${path}: unknown field${near ? `; did you mean "${near}"?` : ''} (valid here: ${valid.join(', ')})`;
      });
    }
    if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return [`${jsonPath(issue.path)}: missing (required)`];
    return [`${jsonPath(issue.path)}: ${issue.message}`];
  });
}

/** The published JSON Schema (docs/world.schema.json), every field described from world-docs.ts. */
export function worldJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(WorldFileSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, any>;
  const describe = (node: any, path: string) => {
    if (!node || typeof node !== 'object') return;
    if (node.properties) {
      for (const [k, child] of Object.entries<any>(node.properties)) {
        const p = path ? `${path}.${k}` : k;
        const doc = FIELD_DOCS[p];
        if (doc) child.description = doc;
        describe(child, p);
      }
    }
    if (node.items) describe(node.items, `${path}[]`);
    for (const key of ['anyOf', 'oneOf', 'allOf']) for (const alt of node[key] ?? []) describe(alt, path);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') describe(node.additionalProperties, `${path}{}`);
  };
  describe(schema, '');
  return {
    $schema: schema.$schema,
    $id: 'https://byoip-orchestrator.local/docs/world.schema.json',
    title: 'byoip-orchestrator simulated world',
    description: 'A world for `byoip simulate` / `byoip rehearse` (docs/world.md). Strings "file:relative/path" are replaced by that file\'s text.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

/** Every field path of the schema (arrays as [], maps as {}), for docs and their test. */
export function fieldPaths(): string[] {
  const out: string[] = [];
  const walk = (node: any, path: string) => {
    if (!node || typeof node !== 'object') return;
    for (const [k, child] of Object.entries<any>(node.properties ?? {})) {
      const p = path ? `${path}.${k}` : k;
      out.push(p);
      walk(child, p);
    }
    if (node.items) walk(node.items, `${path}[]`);
    for (const key of ['anyOf', 'oneOf', 'allOf']) for (const alt of node[key] ?? []) walk(alt, path);
    if (node.additionalProperties && typeof node.additionalProperties === 'object' && node.additionalProperties.properties)
      walk(node.additionalProperties, `${path}{}`);
  };
  walk(z.toJSONSchema(WorldFileSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }), '');
  return [...new Set(out)];
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A JSON Schema node's type in a few words. */
function typeOf(node: any): string {
  if (!node || typeof node !== 'object') return 'any';
  if (node.enum) return node.enum.map((v: unknown) => `\`${JSON.stringify(v)}\``).join(' or ');
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  for (const key of ['anyOf', 'oneOf']) if (node[key]) return [...new Set(node[key].map(typeOf))].join(' or ');
  const t = Array.isArray(node.type) ? node.type.join(' or ') : node.type;
  if (t === 'array') return `list of ${typeOf(node.items).replace(/^object$/, 'objects')}`;
  if (t === 'object' && !node.properties && node.additionalProperties && typeof node.additionalProperties === 'object')
    return `map of ${typeOf(node.additionalProperties)}`;
  const limits: string[] = [];
  if (node.format) limits.push(node.format);
  if (node.pattern && !node.format) limits.push(`\`${node.pattern}\``);
  if (node.minimum !== undefined && node.minimum > Number.MIN_SAFE_INTEGER) limits.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER) limits.push(`≤ ${node.maximum}`);
  if (node.minLength !== undefined) limits.push(`length ≥ ${node.minLength}`);
  if (node.maxLength !== undefined) limits.push(`length ≤ ${node.maxLength}`);
  if (node.minItems !== undefined) limits.push(`≥ ${node.minItems} items`);
  if (node.maxItems !== undefined) limits.push(`≤ ${node.maxItems} items`);
  return `${t ?? 'any'}${limits.length ? ` (${limits.join(', ')})` : ''}`;
}

/** docs/world.md: every field of the world file, by section, generated from the schema and its docs. */
export function worldMarkdown(): string {
  const schema = worldJsonSchema() as any;
  const rows = (node: any, prefix: string, docPrefix: string): string[] => {
    const out: string[] = [];
    const required = new Set<string>(node.required ?? []);
    for (const [k, child] of Object.entries<any>(node.properties ?? {})) {
      const field = `${prefix}${k}`;
      const doc = FIELD_DOCS[`${docPrefix}${k}`] ?? '';
      const dflt = child.default !== undefined ? `\`${JSON.stringify(child.default)}\`` : required.has(k) ? 'required' : '';
      out.push(`| \`${field}\` | ${cell(typeOf(child))} | ${cell(dflt.length > 60 ? 'see description' : dflt)} | ${cell(doc)} |`);
      const inner = child.type === 'array' ? child.items : child;
      const suffix = child.type === 'array' ? '[]' : '';
      if (inner?.properties) out.push(...rows(inner, `${field}${suffix}.`, `${docPrefix}${k}${suffix}.`));
      const map =
        !child.properties && child.additionalProperties && typeof child.additionalProperties === 'object' && child.additionalProperties.properties
          ? child.additionalProperties
          : undefined;
      if (map) out.push(...rows(map, `${field}{…}.`, `${docPrefix}${k}{}.`));
    }
    return out;
  };
  const header = '| field | type | default | what it is |\n|---|---|---|---|';
  const top = { ...schema, properties: Object.fromEntries(Object.entries<any>(schema.properties).filter(([k]) => !(k in WORLD_SECTIONS) && k !== 'internet')) };
  const parts = [
    '# The world file',
    '',
    '<!-- Generated by `npm run build:world-schema` from sim/world-schema.ts and sim/world-docs.ts. Do not edit by hand. -->',
    '',
    'A world is the simulated AWS (and the registry records) a rehearsal starts from: `byoip simulate --world FILE`,',
    'the worlds in `examples/`, what `byoip simulate --world-out` and `byoip snapshot` write. Its JSON Schema is',
    '[world.schema.json](world.schema.json); put `"$schema": "../docs/world.schema.json"` (relative to the file) in a world',
    'for your editor to check it as you type.',
    '',
    '- Every field below is checked when a world is loaded. An unknown or misspelt field is an error that names its',
    '  JSON path, the closest valid name and the names that are valid there, e.g.',
    '  `world.timings.byoipProvison: unknown field; did you mean "byoipProvision"? (valid here: …)`.',
    '- A string `"file:relative/path"` is replaced by that file\'s text (relative to the world file), so keys and',
    '  certificates stay in their own files.',
    "- Times are virtual seconds unless a field says otherwise; ids follow AWS's shapes.",
    '',
    '## Top level',
    '',
    SECTION_DOCS[''],
    '',
    header,
    ...rows(top, '', ''),
  ];
  for (const name of [...Object.keys(WORLD_SECTIONS), 'internet']) {
    const node = schema.properties[name];
    parts.push('', `## \`${name}\``, '', SECTION_DOCS[name], '');
    const inner = node.type === 'array' ? node.items : node;
    if (inner?.properties) parts.push(header, ...rows(inner, node.type === 'array' ? '[].' : '', node.type === 'array' ? `${name}[].` : `${name}.`));
    else parts.push(`Type: ${typeOf(node)}.`);
  }
  return `${parts.join('\n')}\n`;
}
