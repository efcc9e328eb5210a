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

export function deriveTaskActions(root: string, entries: Record<string, string>): Record<string, string[]> {
  const files = Object.values(entries).map((e) => resolve(root, e));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true, esModuleInterop: true, skipLibCheck: true, resolveJsonModule: true, noEmit: true, types: [],
  });
  const checker = program.getTypeChecker();
  const inRepo = (f: string) => f.startsWith(root) && !f.includes('/node_modules/') && !f.endsWith('.d.ts');

  const result: Record<string, string[]> = {};
  for (const [task, entry] of Object.entries(entries)) {
    const source = program.getSourceFile(join(root, entry));
    if (!source) throw new Error(`cannot read ${entry}`);
    const actions = new Set<string>();
    const visited = new Set<ts.Node>();
    const symbolOf = (n: ts.Node) => {
      let s = checker.getSymbolAtLocation(n);
      if (s && s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
      return s;
    };
    const visit = (node: ts.Node): void => {
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
    result[task] = [...actions].sort();
  }
  return result;
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
