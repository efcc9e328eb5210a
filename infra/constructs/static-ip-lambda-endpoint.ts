/**
 * StaticIpLambdaEndpoint: two fixed anycast IPv4 addresses in front of a Lambda function, for clients
 * that allow-list IPs and cannot follow API Gateway's changing addresses.
 *
 *   client ──▶ Global Accelerator (2 static IPs; optionally the customer's own, BYOIP)
 *          ──▶ listener (TCP 443) ──▶ endpoint group (this region) ──▶ internal ALB (+ WAF) ──▶ Lambda
 *
 * The ALB is internal by default: it has no public address, so the only way in from the internet is
 * the accelerator (GA reaches internal ALBs through the VPC's internet gateway, which must be attached;
 * no route is needed). Internal ALB endpoints always see the client's own IP, so the security group
 * and WAF's per-IP rate limit work on real clients.
 *
 * What API Gateway gives and an ALB does not (auth, throttling, validation, usage plans...) is in
 * docs/static-ip.md, with what this construct puts in its place.
 */
import { CfnOutput, Duration, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as ga from 'aws-cdk-lib/aws-globalaccelerator';
import * as gaEndpoints from 'aws-cdk-lib/aws-globalaccelerator-endpoints';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { parseCidr, parseIpv4 } from '../../domain/cidr';

export interface StaticIpLambdaEndpointProps {
  /** The function the addresses serve (invoked by the ALB with ALB-shaped events). */
  readonly handler: lambda.IFunction;
  /** The VPC for the ALB. It must have an internet gateway attached (Global Accelerator's requirement for internal ALBs). */
  readonly vpc: ec2.IVpc;
  /** Subnets for the ALB. @default private subnets (with egress, else isolated) for an internal ALB */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Keep the ALB internal, reachable from the internet only through the accelerator. @default true */
  readonly internal?: boolean;
  /** Certificate for HTTPS on 443. Without one the ALB listens on plain HTTP 80: for tests only. */
  readonly certificate?: acm.ICertificate;
  /**
   * Static addresses from the customer's own ranges (BYOIP), provisioned to Global Accelerator and
   * ADVERTISING (the static-ip-byoip workflow does that). One per range, at most two, without /32;
   * with one, Global Accelerator adds one from Amazon's pool. @default Amazon's addresses
   */
  readonly byoipAddresses?: string[];
  /** @default the construct path */
  readonly acceleratorName?: string;
  /** Requests per client IP per 5 minutes before WAF blocks it (API Gateway's throttling, per client). @default 2000 */
  readonly rateLimitPerFiveMinutes?: number;
  /** Only these client ranges may call (WAF IP set); the partners who allow-list us are often allow-listed back. @default any client */
  readonly allowedClientCidrs?: string[];
  /** Use this web ACL (REGIONAL) instead of the construct's own. */
  readonly webAclArn?: string;
  /** ALB target health check path, answered by the function. @default no health check (Lambda targets' default) */
  readonly healthCheckPath?: string;
  /** Keep a client on one endpoint (SOURCE_IP) or spread by 5-tuple (NONE). @default NONE */
  readonly clientAffinity?: ga.ClientAffinity;
  /** ALB access logs. @default none */
  readonly accessLogsBucket?: s3.IBucket;
}

/** Synth-time checks for the BYOIP addresses: the mistakes that would otherwise fail a deployment. */
export function checkByoipAddresses(addresses: string[]): void {
  if (addresses.length < 1 || addresses.length > 2) throw new Error(`byoipAddresses: give one or two addresses, not ${addresses.length}`);
  const slash24s = new Set<string>();
  addresses.forEach((ip, i) => {
    if (Token.isUnresolved(ip)) return;
    try {
      parseIpv4(ip);
    } catch (e) {
      throw new Error(`byoipAddresses[${i}]: ${(e as Error).message}${ip.includes('/') ? ' (give the address without /32)' : ''}`);
    }
    const net = `${ip.split('.').slice(0, 3).join('.')}.0/24`;
    if (slash24s.has(net)) throw new Error(`byoipAddresses[${i}]: ${ip} is in the same /24 as another address; an accelerator takes one address per range`);
    slash24s.add(net);
  });
}

export class StaticIpLambdaEndpoint extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly securityGroup: ec2.SecurityGroup;
  readonly accelerator: ga.Accelerator;
  readonly acceleratorListener: ga.Listener;
  readonly endpointGroup: ga.EndpointGroup;
  readonly webAcl?: wafv2.CfnWebACL;
  /** The two static IPv4 addresses (a token until deployed). */
  readonly staticIps: string[];

  constructor(scope: Construct, id: string, props: StaticIpLambdaEndpointProps) {
    super(scope, id);
    const internal = props.internal ?? true;
    if (props.byoipAddresses) checkByoipAddresses(props.byoipAddresses);
    // Global Accelerator reaches an internal ALB only through an attached internet gateway.
    if (props.vpc instanceof ec2.Vpc && !props.vpc.internetGatewayId) {
      throw new Error(
        'vpc has no internet gateway: Global Accelerator needs one attached to reach the ALB (add a public subnet; no route to it is needed for the ALB)',
      );
    }
    const https = !!props.certificate;
    const port = https ? 443 : 80;

    this.securityGroup = new ec2.SecurityGroup(this, 'AlbSecurityGroup', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: `Static-IP ALB: ${https ? 'HTTPS' : 'HTTP'} from clients via Global Accelerator (client IPs preserved)`,
    });
    // Client IPs arrive unchanged through the accelerator; the ALB is internal, so only the VPC and GA reach it.
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), 'clients through Global Accelerator');
    if (internal) {
      Validations.of(this.securityGroup).acknowledge({
        id: 'AwsSolutions::AwsSolutions-EC23',
        reason:
          'Internal ALB: not reachable from the internet except through Global Accelerator, which preserves client IPs, so the sources are any client. WAF rate-limits (and optionally allow-lists) them.',
      });
    }

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: !internal,
      securityGroup: this.securityGroup,
      vpcSubnets: props.vpcSubnets ?? (internal ? { subnets: privateSubnets(props.vpc) } : { subnetType: ec2.SubnetType.PUBLIC }),
      dropInvalidHeaderFields: true,
      http2Enabled: true,
      idleTimeout: Duration.seconds(60),
    });
    if (props.accessLogsBucket) this.loadBalancer.logAccessLogs(props.accessLogsBucket, 'static-ip-alb');

    const targetGroup = new elbv2.ApplicationTargetGroup(this, 'LambdaTargets', {
      targetType: elbv2.TargetType.LAMBDA,
      targets: [new targets.LambdaTarget(props.handler)],
      healthCheck: props.healthCheckPath
        ? { enabled: true, path: props.healthCheckPath, interval: Duration.seconds(35), timeout: Duration.seconds(30), healthyHttpCodes: '200' }
        : { enabled: false },
    });
    this.listener = this.loadBalancer.addListener('Listener', {
      port,
      protocol: https ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      certificates: props.certificate ? [props.certificate] : undefined,
      sslPolicy: https ? elbv2.SslPolicy.RECOMMENDED_TLS : undefined,
      open: false, // the security group above already says who may connect
      defaultTargetGroups: [targetGroup],
    });

    if (!props.webAclArn) this.webAcl = this.createWebAcl(props);
    const webAclArn = props.webAclArn ?? this.webAcl!.attrArn;
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.loadBalancer.loadBalancerArn, webAclArn });

    this.accelerator = new ga.Accelerator(this, 'Accelerator', {
      acceleratorName: props.acceleratorName,
      ipAddresses: props.byoipAddresses,
      ipAddressType: ga.IpAddressType.IPV4,
      enabled: true,
    });
    this.acceleratorListener = this.accelerator.addListener('Listener', {
      portRanges: [{ fromPort: port }],
      protocol: ga.ConnectionProtocol.TCP,
      clientAffinity: props.clientAffinity ?? ga.ClientAffinity.NONE,
    });
    this.endpointGroup = this.acceleratorListener.addEndpointGroup('Region', {
      region: Stack.of(this).region,
      endpoints: [new gaEndpoints.ApplicationLoadBalancerEndpoint(this.loadBalancer, { preserveClientIp: true })],
    });
    // The internet gateway must be attached before GA can reach an internal endpoint.
    this.endpointGroup.node.addDependency(props.vpc.internetConnectivityEstablished);
    const attachment = props.vpc.node.tryFindChild('VPCGW');
    if (attachment) this.endpointGroup.node.addDependency(attachment);

    const cfnAccelerator = this.accelerator.node.defaultChild as ga.CfnAccelerator;
    this.staticIps = [Fn.select(0, cfnAccelerator.attrIpv4Addresses), Fn.select(1, cfnAccelerator.attrIpv4Addresses)];
    new CfnOutput(this, 'StaticIps', {
      value: Fn.join(',', cfnAccelerator.attrIpv4Addresses),
      description: 'The two static IPv4 addresses clients allow-list',
    });
    new CfnOutput(this, 'AcceleratorArn', {
      value: this.accelerator.acceleratorArn,
      description: 'For static-ip-byoip (accelerator.arn) when moving this accelerator onto BYOIP addresses',
    });
    new CfnOutput(this, 'AcceleratorDnsName', { value: this.accelerator.dnsName });
    new CfnOutput(this, 'AlbArn', {
      value: this.loadBalancer.loadBalancerArn,
      description: 'For static-ip-byoip (accelerator.endpointGroup.endpoints[].albArn)',
    });
  }

  /** WAF on the ALB: per-client rate limit, optional client allow-list, AWS managed protections. */
  private createWebAcl(props: StaticIpLambdaEndpointProps): wafv2.CfnWebACL {
    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    if (props.allowedClientCidrs?.length) {
      props.allowedClientCidrs.forEach((c, i) => {
        try {
          parseCidr(c);
        } catch (e) {
          throw new Error(`allowedClientCidrs[${i}]: ${(e as Error).message}`);
        }
      });
      const allowed = new wafv2.CfnIPSet(this, 'AllowedClients', { scope: 'REGIONAL', ipAddressVersion: 'IPV4', addresses: props.allowedClientCidrs });
      rules.push({
        name: 'OnlyAllowedClients',
        priority: 0,
        action: { block: {} },
        statement: { notStatement: { statement: { ipSetReferenceStatement: { arn: allowed.attrArn } } } },
        visibilityConfig: visibility('OnlyAllowedClients'),
      });
    }
    rules.push({
      name: 'RateLimitPerClientIp',
      priority: 1,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: props.rateLimitPerFiveMinutes ?? 2000, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
      visibilityConfig: visibility('RateLimitPerClientIp'),
    });
    ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'].forEach((name, i) =>
      rules.push({
        name,
        priority: 10 + i,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
        visibilityConfig: visibility(name),
      }),
    );
    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'Static-IP API: per-client rate limit and AWS managed protections',
      visibilityConfig: visibility('StaticIpApi'),
      rules,
    });
    return acl;
  }
}

function privateSubnets(vpc: ec2.IVpc): ec2.ISubnet[] {
  const subnets = vpc.privateSubnets.length ? vpc.privateSubnets : vpc.isolatedSubnets;
  if (!subnets.length) throw new Error('vpc has no private or isolated subnets for an internal ALB; pass vpcSubnets');
  return subnets;
}
