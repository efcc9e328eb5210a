/**
 * Example: Example Corp's partner API (one Lambda function) on two static IPs that partners allow-list,
 * taken from Example Corp's own 198.19.0.0/23 (the range the simulator's example world provisions to
 * Global Accelerator with static-ip-byoip). Synthesizes offline: no lookups, inline code.
 */
import { Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { StaticIpLambdaEndpoint } from '../../infra/constructs/static-ip-lambda-endpoint';

export interface StaticIpExampleProps extends StackProps {
  /** The allow-listed addresses (BYOIP); omit to start on Amazon's and move later with static-ip-byoip. */
  readonly byoipAddresses?: string[];
  /** An ACM certificate in this region for the API's name; without one the example serves plain HTTP. */
  readonly certificateArn?: string;
}

/** ALB → Lambda events carry httpMethod/path/headers; the answer needs statusCode, headers and a string body. */
const HANDLER = `
exports.handler = async (event) => {
  if (event.path === '/health') return { statusCode: 200, statusDescription: '200 OK', headers: { 'content-type': 'text/plain' }, body: 'ok' };
  const client = (event.headers || {})['x-forwarded-for'] || 'unknown';
  return {
    statusCode: 200, statusDescription: '200 OK', isBase64Encoded: false,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hello: 'partner', path: event.path, method: event.httpMethod, client }),
  };
};
`;

export class StaticIpExampleStack extends Stack {
  readonly endpoint: StaticIpLambdaEndpoint;

  constructor(scope: Construct, id: string, props: StaticIpExampleProps = {}) {
    super(scope, id, props);
    // A public subnet gives the VPC its internet gateway (GA needs it); the ALB sits in isolated subnets.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'alb', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    vpc.addFlowLog('FlowLog', { trafficType: ec2.FlowLogTrafficType.REJECT });
    const fn = new lambda.Function(this, 'PartnerApi', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(HANDLER),
      timeout: Duration.seconds(29),
      memorySize: 256,
      description: 'Partner API behind static IPs (Global Accelerator → ALB → Lambda)',
    });
    this.endpoint = new StaticIpLambdaEndpoint(this, 'StaticIp', {
      handler: fn,
      vpc,
      byoipAddresses: props.byoipAddresses,
      certificate: props.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn) : undefined,
      acceleratorName: 'partner-api',
      healthCheckPath: '/health',
      rateLimitPerFiveMinutes: 1000,
    });
    // An example keeps these two short; a production stack passes accessLogsBucket and its own role.
    Validations.of(this).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-ELB2', reason: 'Example: pass accessLogsBucket to StaticIpLambdaEndpoint in production.' },
      { id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'Example function: basic execution role (logs only).' },
    );
  }
}
