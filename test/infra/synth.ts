/**
 * Synthesizes the CDK app once per test file, with bundling skipped (the bundles are tested separately),
 * with cdk.json's "byoip" configuration unless a test gives its own context.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';

/** The deployment configuration in cdk.json (what `npx cdk synth` uses). */
export const CDK_JSON_CONFIG = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context.byoip;

let cached: { orchestrator: Template; teamAccess: Template; app: App; built: ReturnType<typeof buildApp> } | undefined;

export function synthTemplates(context: Record<string, unknown> = {}) {
  if (cached && Object.keys(context).length === 0) return cached;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], byoip: CDK_JSON_CONFIG, ...context } });
  const built = buildApp(app);
  const result = { orchestrator: Template.fromStack(built.orchestrator), teamAccess: Template.fromStack(built.teamAccess), app, built };
  if (Object.keys(context).length === 0) cached = result;
  return result;
}
