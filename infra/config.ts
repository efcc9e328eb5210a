/**
 * The CDK app's configuration: the one "byoip" context object, defined and validated in
 * domain/deployment.ts (tasks read the same object at run time through tasks/lib/deployment.ts).
 * Beyond its shape, a deployment must be one that can be trusted (deployableProblems): approvers,
 * team accounts for the VPC-origin workflows, principals that map to configured approvers.
 */
import { deployableProblems, parseDeploymentConfig, type DeploymentConfig } from '../domain/deployment';
import { workflows } from '../workflows';

export type OrchestratorConfig = DeploymentConfig;

/** The workflows this deployment deploys: byoip.workflows, or all of them. */
export function deployedWorkflows(config: OrchestratorConfig): string[] {
  return config.workflows ?? workflows.map((w) => w.name);
}

export function loadConfig(raw: unknown): OrchestratorConfig {
  const config = parseDeploymentConfig(raw);
  const unknown = (config.workflows ?? []).filter((w) => !workflows.some((x) => x.name === w));
  const problems = [
    ...unknown.map((w) => `byoip.workflows: there is no workflow "${w}" (${workflows.map((x) => x.name).join(', ')})`),
    ...deployableProblems(config, deployedWorkflows(config)),
  ];
  if (problems.length) throw new Error(`invalid "byoip" context in cdk.json:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return config;
}
