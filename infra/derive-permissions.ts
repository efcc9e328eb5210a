/**
 * Derives the IAM actions each task's handler can call, from the code: starting at the handler file,
 * follow every identifier to its declaration in this repository (function by function, not file by
 * file) and collect each `new <Name>Command(...)` of an AWS SDK package. Implied permissions are added
 * where AWS requires them (tags on create, role assumption for cross-account clients).
 * Used by test/infra/least-privilege.test.ts to keep infra/task-permissions.ts honest both ways.
 */
import { join, resolve } from 'node:path';
import * as ts from 'typescript';

const IAM_PREFIX: Record<string, string> = {
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-cloudfront': 'cloudfront',
  '@aws-sdk/client-route-53': 'route53',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-ram': 'ram',
  '@aws-sdk/client-global-accelerator': 'globalaccelerator',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-kms': 'kms',
  '@aws-sdk/client-ssm': 'ssm',
};

/** lib-dynamodb's DocumentClient commands and the DynamoDB actions they perform. */
const DOCUMENT_CLIENT: Record<string, string> = {
  GetCommand: 'GetItem', PutCommand: 'PutItem', UpdateCommand: 'UpdateItem', DeleteCommand: 'DeleteItem', QueryCommand: 'Query',
  ScanCommand: 'Scan', TransactWriteCommand: 'TransactWriteItems', TransactGetCommand: 'TransactGetItems',
  BatchWriteCommand: 'BatchWriteItem', BatchGetCommand: 'BatchGetItem',
};

function packageOf(fileName: string): string | undefined {
  const m = /node_modules\/(@aws-sdk\/[^/]+)\//.exec(fileName.replace(/\\/g, '/'));
  return m?.[1];
}

function hasProperty(arg: ts.Expression | undefined, names: string[]): boolean {
  return !!arg && ts.isObjectLiteralExpression(arg) && arg.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && names.includes(p.name.text));
}

type SymbolOf = (n: ts.Node) => ts.Symbol | undefined;

let cachedProgram: { key: string; program: ts.Program } | undefined;

/**
 * Calls `onNode` for every node each handler can reach: its own file, then (function by function, not
 * file by file) the declaration of every identifier it uses in this repository, transitively.
 */
function walkHandlers(root: string, entries: Record<string, string>, onNode: (task: string, node: ts.Node, symbolOf: SymbolOf) => void): void {
  const files = Object.values(entries).map((e) => resolve(root, e));
  const key = files.join('\n');
  // Type-checking the handlers is most of the cost: derivations over the same handlers share one program.
  if (cachedProgram?.key !== key) {
    cachedProgram = {
      key,
      program: ts.createProgram(files, {
        target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
        strict: true, esModuleInterop: true, skipLibCheck: true, resolveJsonModule: true, noEmit: true, types: [],
      }),
    };
  }
  const program = cachedProgram.program;
  const checker = program.getTypeChecker();
  const inRepo = (f: string) => f.startsWith(root) && !f.includes('/node_modules/') && !f.endsWith('.d.ts');
  const symbolOf: SymbolOf = (n) => {
    let sym = checker.getSymbolAtLocation(n);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    return sym;
  };
  for (const [task, entry] of Object.entries(entries)) {
    const source = program.getSourceFile(join(root, entry));
    if (!source) throw new Error(`cannot read ${entry}`);
    const visited = new Set<ts.Node>();
    const visit = (node: ts.Node): void => {
      onNode(task, node, symbolOf);
      if (ts.isIdentifier(node)) {
        for (const decl of symbolOf(node)?.declarations ?? []) {
          if (!visited.has(decl) && inRepo(decl.getSourceFile().fileName)) {
            visited.add(decl);
            visit(decl);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
}

export function deriveTaskActions(root: string, entries: Record<string, string>): Record<string, string[]> {
  const result: Record<string, Set<string>> = Object.fromEntries(Object.keys(entries).map((t) => [t, new Set<string>()]));
  walkHandlers(root, entries, (task, node, symbolOf) => {
    const actions = result[task];
    if (ts.isNewExpression(node)) {
      const sym = symbolOf(node.expression);
      const decl = sym?.declarations?.[0];
      const pkg = decl && packageOf(decl.getSourceFile().fileName);
      const name = sym?.getName() ?? '';
      if (pkg && name.endsWith('Command')) {
        const arg = node.arguments?.[0];
        if (pkg === '@aws-sdk/lib-dynamodb') actions.add(`dynamodb:${DOCUMENT_CLIENT[name] ?? name.replace(/Command$/, '')}`);
        else if (IAM_PREFIX[pkg]) {
          actions.add(`${IAM_PREFIX[pkg]}:${name.replace(/Command$/, '')}`);
          // Tagging at creation needs the tagging permission too.
          if (hasProperty(arg, ['TagSpecifications'])) actions.add(`${IAM_PREFIX[pkg]}:CreateTags`);
          if (hasProperty(arg, ['Tags', 'tags']) && IAM_PREFIX[pkg] !== 'ec2') actions.add(`${IAM_PREFIX[pkg]}:TagResource`);
        }
      }
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'client' && hasProperty(node.arguments[1], ['roleArn'])) {
      actions.add('sts:AssumeRole');
    }
  });
  return Object.fromEntries(Object.entries(result).map(([t, a]) => [t, [...a].sort()]));
}

/** A partition-key expression as an IAM dynamodb:LeadingKeys pattern: literal text, `*` for each substitution. */
function keyPattern(expr: ts.Expression, symbolOf: SymbolOf): string | undefined {
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return expr.text;
  if (ts.isTemplateExpression(expr)) return `${expr.head.text}*`;
  if (ts.isCallExpression(expr)) {
    // pk: partition(name), where partition = (x) => `PREFIX#${x}`
    const decl = symbolOf(expr.expression)?.declarations?.[0];
    const fn = decl && ts.isVariableDeclaration(decl) ? decl.initializer : decl;
    if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && !ts.isBlock(fn.body)) return keyPattern(fn.body, symbolOf);
  }
  return undefined;
}

/**
 * The state-table partition keys each handler can touch, derived from the code: every `pk: <key>`
 * property and every `':pk': <key>` query value it can reach, as LeadingKeys patterns ("LOCK#*").
 * A key the derivation cannot read (a variable) is reported as "?" so the test fails loudly.
 * Used by test/infra/iam-conditions.test.ts to keep STATE_TABLE_KEYS (iam-scopes.ts) honest.
 */
export function deriveStateTableKeys(root: string, entries: Record<string, string>): Record<string, string[]> {
  const result: Record<string, Set<string>> = Object.fromEntries(Object.keys(entries).map((t) => [t, new Set<string>()]));
  walkHandlers(root, entries, (task, node, symbolOf) => {
    if (!ts.isPropertyAssignment(node)) return;
    const name = ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : undefined;
    if (name !== 'pk' && name !== ':pk') return;
    result[task].add(keyPattern(node.initializer, symbolOf) ?? '?');
  });
  return Object.fromEntries(Object.entries(result).filter(([, k]) => k.size > 0).map(([t, k]) => [t, [...k].sort()]));
}

/** Differences between what handlers call and what is granted; empty when they agree exactly. */
export function comparePermissions(derived: Record<string, string[]>, granted: Record<string, readonly string[]>): string[] {
  const problems: string[] = [];
  for (const task of new Set([...Object.keys(derived), ...Object.keys(granted)])) {
    const d = new Set(derived[task] ?? []);
    const g = new Set(granted[task] ?? []);
    for (const a of d) if (!g.has(a)) problems.push(`${task}: calls ${a} but is not granted it`);
    for (const a of g) if (!d.has(a)) problems.push(`${task}: is granted ${a} but never calls it`);
  }
  return problems.sort();
}
