/**
 * The deployment's configuration as a task sees it at run time (domain/deployment.ts): in AWS, the
 * JSON the CDK app put in the function's BYOIP_DEPLOYMENT variable; in the simulator, the world's
 * "deployment" section, installed by sim/transport.ts. A task that needs it and finds none fails
 * closed (ConfigurationInvalid) instead of assuming a default.
 */
import { DEPLOYMENT_ENV, parseDeploymentConfig, type DeploymentConfig } from '../../domain/deployment';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { useAddressWorld } from '../../domain/world';

let installed: DeploymentConfig | undefined;
let fromEnv: { raw: string; config: DeploymentConfig } | undefined;

/**
 * The simulator installs the world's deployment; `undefined` removes it. Its `rehearsal` switch is the
 * only way input validation accepts documentation space (domain/world.ts): nothing in AWS calls this.
 */
export function installDeployment(config: DeploymentConfig | undefined): void {
  installed = config;
  useAddressWorld(config?.rehearsal ? 'rehearsal' : undefined);
}

export function deployment(): DeploymentConfig {
  if (installed) return installed;
  const raw = process.env[DEPLOYMENT_ENV];
  if (!raw) throw new WorkflowError(ErrorNames.ConfigurationInvalid, `${DEPLOYMENT_ENV} is not set: this task needs the deployment's configuration (docs/deploy.md)`);
  if (fromEnv?.raw !== raw) {
    try {
      fromEnv = { raw, config: parseDeploymentConfig(raw, `${DEPLOYMENT_ENV}`) };
    } catch (e) {
      throw new WorkflowError(ErrorNames.ConfigurationInvalid, (e as Error).message);
    }
  }
  return fromEnv.config;
}
