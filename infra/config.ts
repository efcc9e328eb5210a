/**
 * The CDK app's configuration: the one "byoip" context object, defined and validated in
 * domain/deployment.ts (tasks read the same object at run time through tasks/lib/deployment.ts).
 */
import { parseDeploymentConfig, type DeploymentConfig } from '../domain/deployment';

export type OrchestratorConfig = DeploymentConfig;

export function loadConfig(raw: unknown): OrchestratorConfig {
  return parseDeploymentConfig(raw);
}
