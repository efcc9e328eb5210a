/**
 * Workflow families: each is deployed as its own nested stack (infra/family-stack.ts) holding its state
 * machines, their log groups and alarms, and the task functions only its workflows use. Tasks that
 * workflows of several families use (approval gate, leases, compensation, shared checks), and tasks no
 * definition references (the starters, the approval page), stay in the parent stack. Each template then
 * grows with its own family only, so the number of workflows can double within CloudFormation's limits
 * (test/infra/budget.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskName } from '../tasks/catalog';
import { workflows } from '../workflows';

export const FAMILIES = {
  CloudFrontByoip: ['onboard-cloudfront-byoip', 'teardown-cloudfront-byoip'],
  StaticIp: ['static-ip-byoip', 'teardown-static-ip-byoip'],
  Byoasn: ['byoasn-onboard', 'asn-swap', 'byoasn-teardown'],
  VpcOrigins: ['vpc-origin-share', 'vpc-origin-teardown'],
  OriginLockdown: ['origin-ranges-sync'],
} as const satisfies Record<string, readonly string[]>;

export type Family = keyof typeof FAMILIES;

const ROOT = join(__dirname, '..');

/** The family a workflow belongs to; a workflow that belongs to none (or two) is refused. */
export function familyOf(workflow: string): Family {
  const found = (Object.keys(FAMILIES) as Family[]).filter((f) => (FAMILIES[f] as readonly string[]).includes(workflow));
  if (found.length !== 1) throw new Error(`workflow ${workflow} must belong to exactly one family in infra/families.ts (found ${found.length})`);
  return found[0];
}

/** The committed definition of a workflow (asl/<name>.asl.json). */
export function definitionOf(workflow: string): string {
  return readFileSync(join(ROOT, 'asl', `${workflow}.asl.json`), 'utf8');
}

/** The task names a definition references. */
export function tasksOf(definition: string): TaskName[] {
  return [...new Set([...definition.matchAll(/\$\{(\w+)Arn\}/g)].map((m) => m[1] as TaskName))];
}

/**
 * Where each task's function lives: the one family whose workflows reference it, or "shared" (the
 * parent stack) when several families, or none, do. Decided over all workflows, not only the deployed
 * ones, so a function does not move between stacks when byoip.workflows changes.
 */
export function taskHome(task: TaskName): Family | 'shared' {
  const homes = taskHomes();
  return homes.get(task) ?? 'shared';
}

let homes: Map<TaskName, Family | 'shared'> | undefined;
function taskHomes(): Map<TaskName, Family | 'shared'> {
  if (homes) return homes;
  const users = new Map<TaskName, Set<Family>>();
  for (const wf of workflows) {
    for (const t of tasksOf(definitionOf(wf.name))) {
      const set = users.get(t) ?? new Set<Family>();
      set.add(familyOf(wf.name));
      users.set(t, set);
    }
  }
  homes = new Map([...users].map(([t, fams]) => [t, fams.size === 1 ? [...fams][0] : 'shared']));
  return homes;
}

/** Compact JSON for a definition: CloudFormation counts every byte of the template, whitespace included. */
export function compactDefinition(definition: string): string {
  return JSON.stringify(JSON.parse(definition));
}
