/**
 * Synthesizes the CDK app once per test file, with bundling skipped (the bundles are tested separately),
 * with cdk.json's "byoip" configuration unless a test gives its own context.
 *
 * `orchestrator` is the orchestrator as one template: the parent stack with its family nested stacks
 * (infra/families.ts) folded in, each nested parameter replaced by the value the parent passes and each
 * nested output by its value, so tests ask about resources without caring which stack holds them.
 * `templates` are the files CloudFormation receives, for the budget test.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';
import { sharedBuild } from '../../infra/build-cache';

/** The deployment configuration in cdk.json (what `npx cdk synth` uses). */
export const CDK_JSON_CONFIG = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context.byoip;

/**
 * The deployment the template tests look at: cdk.json's, with the team-access stack for the
 * orchestrator's account, the rehearsal world's third team account and one origin-lockdown sync.
 */
export const TEST_DEPLOYMENT = {
  ...CDK_JSON_CONFIG,
  // and team C, which the rehearsal world's vpc-origin-teardown works in (test/infra/iam-conditions.test.ts)
  teamAccounts: [...CDK_JSON_CONFIG.teamAccounts, '666677778888'],
  orchestratorAccountId: '111122223333',
  originLockdown: { syncs: { 'web-origins': { securityGroups: { vpcId: 'vpc-0a1b2c3d4e5f60001', ports: [{ port: 443 }] } } } },
} as typeof CDK_JSON_CONFIG & { teamAccounts: string[]; orchestratorAccountId: string };

type Json = any;

export interface SynthesizedTemplate {
  file: string;
  bytes: number;
  json: Json;
}

let cached: { orchestrator: Template; teamAccess: Template; templates: SynthesizedTemplate[] } | undefined;
const ROOT = join(__dirname, '..', '..');

function substitute(value: Json, refs: Record<string, Json>, outputs: Record<string, Record<string, Json>>): Json {
  if (Array.isArray(value)) return value.map((v) => substitute(v, refs, outputs));
  if (!value || typeof value !== 'object') return value;
  if (typeof value.Ref === 'string' && value.Ref in refs) return refs[value.Ref];
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && outputs[getAtt[0]] && String(getAtt[1]).startsWith('Outputs.'))
    return outputs[getAtt[0]][String(getAtt[1]).slice('Outputs.'.length)];
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, refs, outputs)]));
}

/** The parent and its nested stacks as one template (see the file's comment). */
function flatten(built: ReturnType<typeof buildApp>): Template {
  const parent = Template.fromStack(built.orchestrator).toJSON();
  const nested = [...built.orchestrator.families.values()].map((stack) => ({
    id: built.orchestrator.getLogicalId(stack.nestedStackResource!),
    json: Template.fromStack(stack).toJSON(),
  }));
  const outputs: Record<string, Record<string, Json>> = {};
  const resources: Record<string, Json> = {};
  for (const n of nested) {
    const passed = parent.Resources[n.id].Properties.Parameters ?? {};
    const own = substitute(n.json, passed, {});
    outputs[n.id] = Object.fromEntries(Object.entries(own.Outputs ?? {}).map(([k, o]: [string, Json]) => [k, o.Value]));
    Object.assign(resources, own.Resources);
  }
  for (const [id, r] of Object.entries(parent.Resources as Record<string, Json>)) {
    if (r.Type !== 'AWS::CloudFormation::Stack') resources[id] = substitute(r, {}, outputs);
  }
  return Template.fromJSON({ ...parent, Resources: resources, Outputs: substitute(parent.Outputs ?? {}, {}, outputs) });
}

function synthesize(context: Record<string, unknown>, isDefault: boolean) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...(isDefault ? { byoip: TEST_DEPLOYMENT } : context) } });
  const built = buildApp(app);
  const orchestrator = flatten(built);
  const teamAccess = Template.fromStack(built.teamAccess);
  const dir = app.synth().directory;
  const templates: SynthesizedTemplate[] = readdirSync(dir)
    .filter((f) => f.endsWith('.template.json'))
    .sort()
    .map((file) => ({ file, bytes: statSync(join(dir, file)).size, json: JSON.parse(readFileSync(join(dir, file), 'utf8')) }));
  return { orchestrator, teamAccess, app, built, templates };
}

/**
 * The default synth's templates, shared by the test files (infra/build-cache.ts) while nothing changed of
 * what the app is built from (infra/, the ASL, the workflows, the tasks and platform/ whose code the IAM
 * policies are derived from, domain/, cdk.json, the lockfile): each test file would otherwise synthesize it again.
 */
function inputFiles(): string[] {
  const out: string[] = [];
  const walk = (path: string): void => {
    if (statSync(join(ROOT, path)).isDirectory()) for (const f of readdirSync(join(ROOT, path)).sort()) walk(join(path, f));
    else if (/\.(ts|json)$/.test(path)) out.push(path);
  };
  for (const p of ['infra', 'asl', 'workflows', 'tasks', 'platform', 'domain', 'cdk.json', 'package-lock.json', 'test/infra/synth.ts']) walk(p);
  return out;
}

interface SharedSynth {
  orchestrator: Json;
  teamAccess: Json;
  templates: SynthesizedTemplate[];
}

export function synthTemplates(context: Record<string, unknown> = {}) {
  const isDefault = Object.keys(context).length === 0;
  if (!isDefault) return synthesize(context, false);
  if (cached) return cached;
  // The files are the settings too: a file added to one of the folders means a new synth.
  const inputs = inputFiles();
  const settings = JSON.stringify(inputs);
  let fresh: ReturnType<typeof synthesize> | undefined;
  const file = sharedBuild('test-synth', settings, () => {
    fresh = synthesize(context, true);
    const shared: SharedSynth = { orchestrator: fresh.orchestrator.toJSON(), teamAccess: fresh.teamAccess.toJSON(), templates: fresh.templates };
    const output = join(mkdtempSync(join(tmpdir(), 'byoip-test-synth-')), 'templates.json');
    writeFileSync(output, JSON.stringify(shared));
    return { inputs, output };
  });
  if (!fresh) {
    const shared = JSON.parse(readFileSync(file, 'utf8')) as SharedSynth;
    cached = { orchestrator: Template.fromJSON(shared.orchestrator), teamAccess: Template.fromJSON(shared.teamAccess), templates: shared.templates };
    return cached;
  }
  const result = fresh;
  cached = { orchestrator: result.orchestrator, teamAccess: result.teamAccess, templates: result.templates };
  return cached;
}
