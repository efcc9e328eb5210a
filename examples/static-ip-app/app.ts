#!/usr/bin/env node
/**
 * `npx cdk synth` in this folder (offline). Context:
 *   -c byoipAddresses=198.19.0.10,198.19.1.10   the allow-listed addresses (empty string: Amazon's)
 *   -c certificateArn=arn:aws:acm:...           HTTPS on 443 (else HTTP 80, for trying it out)
 */
import { App } from 'aws-cdk-lib';
import { StaticIpExampleStack } from './stack';

const app = new App();
const addresses = String(app.node.tryGetContext('byoipAddresses') ?? '198.19.0.10,198.19.1.10');
new StaticIpExampleStack(app, 'PartnerApiStaticIp', {
  description: 'Example Corp partner API on static IPs (byoip-orchestrator example)',
  byoipAddresses: addresses ? addresses.split(',').map((a) => a.trim()) : undefined,
  certificateArn: app.node.tryGetContext('certificateArn'),
});
app.synth();
