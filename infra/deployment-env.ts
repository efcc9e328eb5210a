/**
 * Which part of the deployment configuration each task reads at run time (platform/deployment.ts): the
 * CDK app sets BYOIP_DEPLOYMENT on exactly these functions, with exactly these fields (the template stays
 * small, and no function learns more of the configuration than it uses). A task not listed here that
 * calls deployment() fails closed with ConfigurationInvalid.
 */
import type { DeploymentConfig } from '../domain/deployment';
import type { TaskName } from '../tasks/catalog';

type Field = keyof DeploymentConfig;

const VALIDATE: Field[] = ['approvers', 'signing', 'teamAccounts'];

export const DEPLOYMENT_FIELDS: Partial<Record<TaskName, Field[]>> = {
  ValidateOnboardInput: VALIDATE,
  ValidateTeardownInput: VALIDATE,
  ValidateByoasnOnboardInput: VALIDATE,
  ValidateAsnSwapInput: VALIDATE,
  ValidateByoasnTeardownInput: VALIDATE,
  ValidateStaticIpInput: VALIDATE,
  ValidateStaticIpTeardownInput: VALIDATE,
  ValidateVpcOriginShareInput: VALIDATE,
  ValidateVpcOriginTeardownInput: VALIDATE,
  // the signers (tasks/lib/signer.ts)
  ProvisionPoolCidrs: ['signing'],
  ProvisionGaByoipCidrs: ['signing'],
  ProvisionByoasn: ['signing'],
  // the approval gate
  RequestApproval: ['approvers', 'twoApproverGates'],
  VerifyApproval: ['approvers'],
  ApprovalPage: ['approverPrincipals', 'approvalPage'],
  StartWorkflow: ['operators', 'approverPrincipals', 'eventStartableTeardowns', 'workflows'],
  AcceptShareInvitation: ['teamAccounts'],
  // origin-ranges-sync (docs/origin-lockdown.md): executions carry only a sync's name
  ValidateOriginRangesInput: ['originLockdown'],
  PlanOriginSync: ['originLockdown'],
  StartOriginRangesSync: ['originLockdown'],
  // evidence from the internet
  PreflightInternetChecks: ['internet', 'signing'],
  CheckBgpVisibility: ['internet'],
};

/** Lambda allows 4 KB of environment per function; the other variables need some of it. */
export const MAX_DEPLOYMENT_ENV_BYTES = 3000;

/** The BYOIP_DEPLOYMENT value for a task, or undefined when it reads none. */
export function deploymentEnvFor(task: TaskName, config: DeploymentConfig): string | undefined {
  const fields = DEPLOYMENT_FIELDS[task];
  if (!fields) return undefined;
  const env = JSON.stringify(Object.fromEntries(fields.filter((f) => config[f] !== undefined).map((f) => [f, config[f]])));
  if (Buffer.byteLength(env) > MAX_DEPLOYMENT_ENV_BYTES) {
    throw new Error(
      `byoip.${fields.join(' + byoip.')} is ${Buffer.byteLength(env)} bytes as JSON for ${task}; a function's environment holds 4 KB, so keep it under ${MAX_DEPLOYMENT_ENV_BYTES} (fewer attachTo interfaces, fewer syncs or approvers per deployment)`,
    );
  }
  return env;
}
