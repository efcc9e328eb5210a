/**
 * StaticIpLambdaEndpoint, by template assertions: internal ALB → Lambda, WAF on the ALB, accelerator
 * with the BYOIP addresses, TCP listener and endpoint group to the ALB with client IPs preserved, the
 * static IPs exported; and the example app in examples/static-ip-app synthesizes offline.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { StaticIpLambdaEndpoint, type StaticIpLambdaEndpointProps } from '../../infra/constructs/static-ip-lambda-endpoint';
import { StaticIpExampleStack } from '../../examples/static-ip-app/stack';

function synth(props: Partial<StaticIpLambdaEndpointProps> = {}, vpcProps?: ec2.VpcProps) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(
    stack,
    'Vpc',
    vpcProps ?? {
      natGateways: 0,
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'alb', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    },
  );
  const handler = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler=async()=>({statusCode:200})'),
  });
  const endpoint = new StaticIpLambdaEndpoint(stack, 'Api', { handler, vpc, ...props });
  return { stack, endpoint, template: Template.fromStack(stack) };
}

const CERT = 'arn:aws:acm:eu-west-1:111122223333:certificate/11111111-2222-3333-4444-555555555555';

describe('StaticIpLambdaEndpoint', () => {
  const withCert = () => {
    const stack = new Stack(new App(), 'C', { env: { account: '111122223333', region: 'eu-west-1' } });
    return acm.Certificate.fromCertificateArn(stack, 'Cert', CERT);
  };

  it('puts an internal ALB, with the Lambda function as its only target, in the isolated subnets', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Type: 'application',
      Subnets: [{ Ref: Match.stringLikeRegexp('VpcalbSubnet1') }, { Ref: Match.stringLikeRegexp('VpcalbSubnet2') }],
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda',
      Targets: [{ Id: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Fn'), 'Arn'] } }],
      HealthCheckEnabled: false,
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'elasticloadbalancing.amazonaws.com' });
  });

  it('serves HTTPS on 443 with a modern TLS policy when given a certificate, and opens only that port', () => {
    const { template } = synth({ certificate: withCert() });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERT }],
      SslPolicy: Match.stringLikeRegexp('TLS13'),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [{ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }],
    });
    template.hasResourceProperties('AWS::GlobalAccelerator::Listener', {
      Protocol: 'TCP',
      PortRanges: [{ FromPort: 443, ToPort: 443 }],
      ClientAffinity: 'NONE',
    });
  });

  it('protects the ALB with WAF: per-client rate limit, optional client allow-list, AWS managed rules', () => {
    const { template } = synth({ rateLimitPerFiveMinutes: 500, allowedClientCidrs: ['203.0.113.0/24'] });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'OnlyAllowedClients',
          Action: { Block: {} },
          Statement: { NotStatement: { Statement: { IPSetReferenceStatement: Match.anyValue() } } },
        }),
        Match.objectLike({
          Name: 'RateLimitPerClientIp',
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
        }),
        Match.objectLike({ Name: 'AWSManagedRulesAmazonIpReputationList' }),
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
        }),
        Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet' }),
      ]),
    });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'REGIONAL', Addresses: ['203.0.113.0/24'] });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('ApiAlb') },
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ApiWebAcl'), 'Arn'] },
    });
  });

  it('uses a given web ACL instead of its own', () => {
    const { template } = synth({ webAclArn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/shared/abc' });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/shared/abc' });
  });

  it('creates the accelerator on the BYOIP addresses and routes its listener to the ALB in this region, client IPs preserved', () => {
    const { template } = synth({ byoipAddresses: ['198.19.0.10', '198.19.1.10'], acceleratorName: 'partner-api' });
    template.hasResourceProperties('AWS::GlobalAccelerator::Accelerator', {
      Name: 'partner-api',
      IpAddresses: ['198.19.0.10', '198.19.1.10'],
      IpAddressType: 'IPV4',
      Enabled: true,
    });
    template.hasResource('AWS::GlobalAccelerator::EndpointGroup', {
      Properties: {
        EndpointGroupRegion: 'eu-west-1',
        EndpointConfigurations: [{ EndpointId: { Ref: Match.stringLikeRegexp('ApiAlb') }, ClientIPPreservationEnabled: true }],
      },
      // GA reaches an internal ALB only once the VPC's internet gateway is attached.
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('VpcIGW'), Match.stringLikeRegexp('VpcVPCGW')]),
    });
  });

  it("uses Amazon's addresses when no BYOIP addresses are given", () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::GlobalAccelerator::Accelerator', { IpAddresses: Match.absent() });
  });

  it('exports the static IPs, the accelerator ARN and the ALB ARN (what static-ip-byoip takes)', () => {
    const { template } = synth({ byoipAddresses: ['198.19.0.10'] });
    template.hasOutput('*', { Value: { 'Fn::Join': [',', { 'Fn::GetAtt': [Match.stringLikeRegexp('ApiAccelerator'), 'Ipv4Addresses'] }] } });
    template.hasOutput('*', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('ApiAccelerator'), 'AcceleratorArn'] } });
    template.hasOutput('*', { Value: { Ref: Match.stringLikeRegexp('ApiAlb') } });
  });

  it('checks the ALB target health on the given path', () => {
    const { template } = synth({ healthCheckPath: '/health' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckEnabled: true,
      HealthCheckPath: '/health',
      Matcher: { HttpCode: '200' },
    });
  });

  it.each([
    ['three addresses', { byoipAddresses: ['198.19.0.1', '198.19.1.1', '198.19.2.1'] }, /one or two addresses, not 3/],
    ['a /32 suffix', { byoipAddresses: ['198.19.0.10/32'] }, /byoipAddresses\[0\]: .*without \/32/],
    ['two addresses from one /24', { byoipAddresses: ['198.19.0.10', '198.19.0.11'] }, /byoipAddresses\[1\]: .* same \/24/],
    ['a bad client range', { allowedClientCidrs: ['203.0.113.0/33'] }, /allowedClientCidrs\[0\]/],
  ])('refuses %s at synth time', (_n, props, message) => {
    expect(() => synth(props as Partial<StaticIpLambdaEndpointProps>)).toThrow(message);
  });

  it('refuses a VPC without an internet gateway (GA could not reach the ALB)', () => {
    expect(() => synth({}, { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'alb', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] })).toThrow(
      /no internet gateway: Global Accelerator needs one attached/,
    );
  });
});

describe('examples/static-ip-app', () => {
  it('synthesizes offline: VPC with an internet gateway, internal ALB, WAF, accelerator on 198.19.0.10 and 198.19.1.10', () => {
    const app = new App();
    const stack = new StaticIpExampleStack(app, 'PartnerApiStaticIp', { byoipAddresses: ['198.19.0.10', '198.19.1.10'] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::InternetGateway', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    template.hasResourceProperties('AWS::GlobalAccelerator::Accelerator', { Name: 'partner-api', IpAddresses: ['198.19.0.10', '198.19.1.10'] });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Code: { ZipFile: Match.stringLikeRegexp("event.path === '/health'") } });
    expect(app.synth().getStackByName('PartnerApiStaticIp').template).toBeDefined();
  });

  it('passes the cdk-nag AwsSolutions checks (acknowledged: 0.0.0.0/0 on the internal ALB, and two example shortcuts)', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new StaticIpExampleStack(app, 'PartnerApiStaticIp', { byoipAddresses: ['198.19.0.10'], certificateArn: CERT.replace('eu-west-1', 'us-east-1') });
    expect(() => app.synth()).not.toThrow();
  });

  it('still flags 0.0.0.0/0 when the ALB is internet-facing (the acknowledgment is only for the internal one)', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new Stack(app, 'PublicAlb');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    const handler = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler=async()=>({})'),
    });
    new StaticIpLambdaEndpoint(stack, 'Api', { handler, vpc, internal: false });
    expect(() => app.synth()).toThrow(/AwsSolutions-EC23/);
  });
});
