/** Synthesizes the CDK app once per test file, with bundling skipped (the bundles are tested separately). */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';

/**
 * The deployment the template tests look at: every workflow deployed (the VPC-origin ones need team
 * accounts), the team-access stack for the orchestrator's account, one origin-lockdown sync.
 */
export const TEST_DEPLOYMENT = {
  teamAccounts: ['444455556666', '555566667777', '666677778888'],
  orchestratorAccountId: '111122223333',
  originLockdown: { syncs: { 'web-origins': { securityGroups: { vpcId: 'vpc-0a1b2c3d4e5f60001', ports: [{ port: 443 }] } } } },
};

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
