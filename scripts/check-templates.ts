/**
 * After `cdk synth` (scripts/synth.sh): each synthesized template's figures against the budget
 * (infra/budget.ts: 80 % of CloudFormation's limits, and half of that as room to double), then
 * cfn-lint on every template, failing on any error or warning except the justified ignores in
 * scripts/cfn-lint-ignores.json (each for one rule, resource type and message, with its reason).
 * Usage: tsx scripts/check-templates.ts [cdk.out]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUDGET, HEADROOM_FACTOR, figuresOf, overBudget, type TemplateFigures } from '../infra/budget';

type Json = any;

export interface LintIgnore {
  rule: string;
  resourceType?: string;
  message?: string;
  reason: string;
}
export interface LintFinding {
  rule: string;
  level: string;
  file: string;
  resource?: string;
  resourceType?: string;
  message: string;
  line?: number;
}

export const IGNORES: LintIgnore[] = JSON.parse(readFileSync(join(__dirname, 'cfn-lint-ignores.json'), 'utf8')).ignores;

export function templatesIn(dir: string): Array<{ file: string; path: string; json: Json; figures: TemplateFigures }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.template.json'))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      const json = JSON.parse(readFileSync(path, 'utf8'));
      return { file, path, json, figures: figuresOf(file, statSync(path).size, json) };
    });
}

/** The findings no ignore covers. */
export function unexplained(findings: LintFinding[], ignores: LintIgnore[] = IGNORES): LintFinding[] {
  return findings.filter(
    (f) =>
      !ignores.some(
        (i) => i.rule === f.rule && (!i.resourceType || i.resourceType === f.resourceType) && (!i.message || new RegExp(i.message).test(f.message)),
      ),
  );
}

/** cfn-lint's findings on the templates, with each finding's resource type. */
export function lint(templates: Array<{ path: string; json: Json }>): LintFinding[] {
  const out = spawnSync('cfn-lint', ['--format', 'json', ...templates.map((t) => t.path)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (out.error) throw new Error(`cfn-lint could not run (${out.error.message}); install it: pip install cfn-lint==1.51.0`);
  const byPath = new Map(templates.map((t) => [t.path, t.json]));
  return (JSON.parse(out.stdout || '[]') as Json[]).map((f) => {
    const path: unknown[] = f.Location?.Path ?? [];
    const resource = path[0] === 'Resources' ? String(path[1]) : undefined;
    return {
      rule: f.Rule.Id,
      level: f.Level,
      file: f.Filename,
      resource,
      message: f.Message,
      line: f.Location?.Start?.LineNumber,
      resourceType: resource ? byPath.get(f.Filename)?.Resources?.[resource]?.Type : undefined,
    };
  });
}

function table(rows: TemplateFigures[]): string {
  const cols: Array<keyof TemplateFigures> = ['bytes', 'resources', 'outputs', 'parameters', 'mappings'];
  const lines = [`${'template'.padEnd(62)} ${cols.map((c) => c.padStart(10)).join(' ')}`];
  for (const r of rows) lines.push(`${r.file.padEnd(62)} ${cols.map((c) => String(r[c]).padStart(10)).join(' ')}`);
  lines.push(
    `${'budget (80 % of the limit; half of it leaves room to double)'.padEnd(62)} ${cols.map((c) => String(BUDGET[c as keyof typeof BUDGET]).padStart(10)).join(' ')}`,
  );
  return lines.join('\n');
}

if (require.main === module) {
  const dir = process.argv[2] ?? 'cdk.out';
  const templates = templatesIn(dir);
  console.log(table(templates.map((t) => t.figures)));
  const over = templates.flatMap((t) => overBudget(t.figures, true));
  const t0 = Date.now();
  const findings = lint(templates);
  const left = unexplained(findings);
  console.log(
    `cfn-lint: ${templates.length} templates, ${findings.length} findings, ${findings.length - left.length} covered by scripts/cfn-lint-ignores.json, ${left.length} left (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  for (const f of left) console.log(`  ${f.rule} ${f.file}:${f.line ?? '?'} ${f.resource ?? ''} ${f.message.slice(0, 300)}`);
  for (const o of over) console.log(`  over budget: ${o}`);
  if (left.length || over.length) process.exit(1);
  void HEADROOM_FACTOR;
}
