/**
 * The deployment's configuration as a task sees it at run time (domain/deployment.ts): in AWS, the
 * JSON the CDK app put in the function's BYOIP_DEPLOYMENT variable; in the simulator, the world's
 * "deployment" section, installed by sim/transport.ts. A task that needs it and finds none fails
 * closed (ConfigurationInvalid) instead of assuming a default.
 */
import type { Context } from 'aws-lambda';
import { approversFor, DEPLOYMENT_ENV, maySignAsn, maySignPrefix, parseDeploymentConfig, signingKeySecret, type DeploymentConfig } from '../domain/deployment';
import { ErrorNames, inputInvalid, WorkflowError } from '../domain/errors';
import { useAddressWorld } from '../domain/world';

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
  if (!raw)
    throw new WorkflowError(ErrorNames.ConfigurationInvalid, `${DEPLOYMENT_ENV} is not set: this task needs the deployment's configuration (docs/deploy.md)`);
  if (fromEnv?.raw !== raw) {
    try {
      fromEnv = { raw, config: parseDeploymentConfig(raw, `${DEPLOYMENT_ENV}`) };
    } catch (e) {
      throw new WorkflowError(ErrorNames.ConfigurationInvalid, (e as Error).message);
    }
  }
  return fromEnv.config;
}

/**
 * The account this task runs in, from its own invocation (the function's ARN): never from the input.
 * The local runner's context carries the simulated world's account.
 */
export function ownAccount(context: Pick<Context, 'invokedFunctionArn'> | undefined): string {
  const account = context?.invokedFunctionArn?.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) {
    throw new WorkflowError(ErrorNames.ConfigurationInvalid, "cannot tell this function's own account from its invocation context");
  }
  return account;
}

type SigningAuthorization = { signingKeySecretId: string; expiresInDays: number } | { messages: unknown[] } | { message: string; signature: string };

export interface DeploymentBinding {
  /** The field of the plan that names the account the workflow acts in (default accountId). */
  accountField?: string;
  /** What a signing key would sign: CIDRs or an ASN, with the plan's authorization. */
  signs?: { authorization: SigningAuthorization; cidrs?: string[]; asn?: string };
  /** Team accounts the workflow reaches into: each must be one of byoip.teamAccounts. */
  teamAccounts?: string[];
}

/**
 * Binds a validated plan to this deployment, before any AWS call: the account is this function's own,
 * the approvers are the configured ones (an input may only narrow them), and what a signing key would
 * sign is allowed by the configuration. Every problem is named, as input validation does.
 */
export function bindToDeployment<P extends { approvers?: string[] }>(
  plan: P,
  context: Pick<Context, 'invokedFunctionArn'>,
  b: DeploymentBinding = {},
): P & { approvers: string[] } {
  const config = deployment();
  const account = ownAccount(context);
  const problems: string[] = [];
  const field = b.accountField ?? 'accountId';
  const named = (plan as Record<string, unknown>)[field];
  if (typeof named === 'string' && named !== account) {
    problems.push(`input.${field}: ${named} is not this deployment's account ${account}; the orchestrator signs and changes only its own account`);
  }
  const who = approversFor(config, plan.approvers?.length ? plan.approvers : undefined);
  problems.push(...who.problems.map((p) => `input.approvers: ${p}`));
  (b.teamAccounts ?? []).forEach((a, i) => {
    if (!config.teamAccounts.includes(a))
      problems.push(
        `input.teams[${i}].accountId: ${a} is not a team account of this deployment (byoip.teamAccounts: ${config.teamAccounts.join(', ') || 'none'})`,
      );
  });
  const auth = b.signs?.authorization;
  if (auth && 'signingKeySecretId' in auth) {
    if (!signingKeySecret(config, auth.signingKeySecretId)) {
      problems.push(
        `input.authorization.signingKeySecretId: ${auth.signingKeySecretId} is not a signing key this deployment may use (byoip.signing.keySecretArns)`,
      );
    }
    for (const cidr of b.signs?.cidrs ?? []) {
      if (!maySignPrefix(config, cidr))
        problems.push(
          `input: ${cidr} is outside the prefixes this deployment may sign for (byoip.signing.prefixes: ${config.signing.prefixes.join(', ') || 'none'})`,
        );
    }
    if (b.signs?.asn !== undefined && !maySignAsn(config, b.signs.asn)) {
      problems.push(`input.asn: AS${b.signs.asn} is not an ASN this deployment may sign for (byoip.signing.asns: ${config.signing.asns.join(', ') || 'none'})`);
    }
    if (auth.expiresInDays > config.signing.maxAuthorizationDays) {
      problems.push(
        `input.authorization.expiresInDays: ${auth.expiresInDays} is longer than this deployment allows (byoip.signing.maxAuthorizationDays: ${config.signing.maxAuthorizationDays})`,
      );
    }
  }
  if (problems.length)
    throw inputInvalid(`the input does not fit this deployment:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { issues: problems.length });
  return { ...plan, approvers: who.approvers };
}
