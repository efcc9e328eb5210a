#!/usr/bin/env node
/** The CDK app: `npx cdk synth` / `npx cdk deploy` (see docs/deploy.md). Synthesizes offline, without credentials. */
import { App } from 'aws-cdk-lib';
import { OrchestratorStack } from './orchestrator-stack';

const app = new App();
new OrchestratorStack(app, 'ByoipOrchestrator', {
  description: 'byoip-orchestrator: Step Functions workflows for BYOIP/BYOASN migrations to the AWS edge',
  env: process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined,
});
app.synth();
