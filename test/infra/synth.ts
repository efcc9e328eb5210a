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

/**
 * The deployment the template tests look at: cdk.json's, with the team-access stack for the
 * orchestrator's account and one origin-lockdown sync.
 */
export const TEST_DEPLOYMENT = {
  ...CDK_JSON_CONFIG,
  orchestratorAccountId: '111122223333',
  originLockdown: { syncs: { 'web-origins': { securityGroups: { vpcId: 'vpc-0a1b2c3d4e5f60001', ports: [{ port: 443 }] } } } },
} as typeof CDK_JSON_CONFIG & { teamAccounts: string[]; orchestratorAccountId: string };

let cached: { orchestrator: Template; teamAccess: Template; app: App; built: ReturnType<typeof buildApp> } | undefined;

export function synthTemplates(context: Record<string, unknown> = {}) {
  const isDefault = Object.keys(context).length === 0;
  if (cached && isDefault) return cached;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...(isDefault ? { byoip: TEST_DEPLOYMENT } : context) } });
  const built = buildApp(app);
  const result = { orchestrator: Template.fromStack(built.orchestrator), teamAccess: Template.fromStack(built.teamAccess), app, built };
  if (isDefault) cached = result;
  return result;
}
