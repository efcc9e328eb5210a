/**
 * The CDK app's configuration: the one "byoip" context object, defined and validated in
 * domain/deployment.ts (tasks read the same object at run time through platform/deployment.ts).
 * Beyond its shape, a deployment must be one that can be trusted (deployableProblems): approvers,
 * team accounts for the VPC-origin workflows, principals that map to configured approvers.
 */
import { deployableProblems, parseDeploymentConfig, TEAM_ACCOUNT_WORKFLOWS, type DeploymentConfig } from '../domain/deployment';
import { workflows } from '../workflows';
import type { WorkflowDefinition } from '../workflows/lib/workflow';

export type OrchestratorConfig = DeploymentConfig;

/**
 * The workflows this deployment deploys: byoip.workflows, or all of them. The VPC-origin workflows need
 * byoip.teamAccounts (loadConfig refuses them without it) rather than being deployed able to assume a
 * role in any account.
 */
export function deployedWorkflows(config: OrchestratorConfig): WorkflowDefinition[] {
  return config.workflows ? workflows.filter((w) => config.workflows!.includes(w.name)) : workflows;
}

export function loadConfig(raw: unknown): OrchestratorConfig {
  const config = parseDeploymentConfig(raw);
  const unknown = (config.workflows ?? []).filter((w) => !workflows.some((x) => x.name === w));
  const problems = [
    ...unknown.map((w) => `byoip.workflows: there is no workflow "${w}" (${workflows.map((x) => x.name).join(', ')})`),
    ...deployableProblems(
      config,
      deployedWorkflows(config).map((w) => w.name),
    ),
  ];
  if (problems.length) throw new Error(`invalid "byoip" context in cdk.json:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return config;
}

export { TEAM_ACCOUNT_WORKFLOWS };
