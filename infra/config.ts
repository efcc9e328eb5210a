/**
 * The CDK app's configuration: the one "byoip" context object, defined and validated in
 * domain/deployment.ts (tasks read the same object at run time through tasks/lib/deployment.ts).
 */
import { parseDeploymentConfig, type DeploymentConfig } from '../domain/deployment';
import { workflows } from '../workflows';
import type { WorkflowDefinition } from '../workflows/lib/workflow';

export type OrchestratorConfig = DeploymentConfig;

export function loadConfig(raw: unknown): OrchestratorConfig {
  return parseDeploymentConfig(raw);
}

/** The workflows that assume a role in team accounts: deployed only when byoip.teamAccounts lists those accounts. */
export const TEAM_ACCOUNT_WORKFLOWS = ['vpc-origin-share', 'vpc-origin-teardown'];

/**
 * The workflows this deployment runs. The VPC-origin workflows need byoip.teamAccounts: without it
 * they are left out (and no role may assume anything), rather than deployed able to assume a role in
 * any account.
 */
export function deployedWorkflows(config: OrchestratorConfig): WorkflowDefinition[] {
  return workflows.filter((w) => config.teamAccounts.length > 0 || !TEAM_ACCOUNT_WORKFLOWS.includes(w.name));
}
