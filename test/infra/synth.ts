/** Synthesizes the CDK app once per test file, with bundling skipped (the bundles are tested separately). */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';

let cached: { orchestrator: Template; teamAccess: Template; app: App; built: ReturnType<typeof buildApp> } | undefined;

export function synthTemplates(context: Record<string, unknown> = {}) {
  if (cached && Object.keys(context).length === 0) return cached;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const built = buildApp(app);
  const result = { orchestrator: Template.fromStack(built.orchestrator), teamAccess: Template.fromStack(built.teamAccess), app, built };
  if (Object.keys(context).length === 0) cached = result;
  return result;
}
