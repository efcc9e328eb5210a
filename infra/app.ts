#!/usr/bin/env node
/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy ByoipOrchestrator` (docs/deploy.md). Synthesizes
 * offline without credentials. cdk-nag's AwsSolutions pack runs on every synth; a finding that is not
 * acknowledged with a specific reason fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from './config';
import { CROSS_ACCOUNT_TASKS, crossAccountRoleName } from './iam-scopes';
import { acknowledgeFindings } from './nag';
import { OrchestratorStack } from './orchestrator-stack';
import { TeamAccessStack } from './team-access-stack';

export function buildApp(app = new App()) {
  const config = loadConfig(app.node.tryGetContext('byoip'));
  const env = process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined;
  const orchestrator = new OrchestratorStack(app, config.stackName, {
    description: 'byoip-orchestrator: Step Functions workflows for BYOIP/BYOASN migrations to the AWS edge',
    env,
    config,
  });
  const teamAccess = new TeamAccessStack(app, `${config.stackName}TeamAccess`, {
    description: 'byoip-orchestrator: role for cross-account tasks, deployed in each team account',
    // Never this account by default (deployed in a team account, that would trust the team's own roles):
    // without byoip.orchestratorAccountId the template asks for it as a parameter with no default.
    orchestratorAccount: config.orchestratorAccountId,
    roleName: config.teamAccessRoleName,
    callerRoleNames: CROSS_ACCOUNT_TASKS.map((task) => crossAccountRoleName(config.stackName, task)),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  acknowledgeFindings(orchestrator);
  acknowledgeFindings(teamAccess);
  return { app, orchestrator, teamAccess, config };
}

if (require.main === module) buildApp().app.synth();
