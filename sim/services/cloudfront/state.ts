/**
 * The simulated CloudFront's state, in one place so the API model (cloudfront.ts), VPC origins
 * (vpc-origins.ts) and the edge (edge.ts) share it without importing each other in a circle.
 */
import type { DistributionConfig, IpAddressType, Tags, VpcOriginEndpointConfig } from '@aws-sdk/client-cloudfront';
import type { Lifecycle } from '../../lifecycle';

export type ListStatus = 'Deploying' | 'Deployed' | 'Failed' | 'Deleting' | 'Deleted';
export type DistStatus = 'InProgress' | 'Deployed';

export interface SimAnycastList {
  Id: string;
  Arn: string;
  account: string;
  Name: string;
  IpCount: number;
  IpAddressType: IpAddressType;
  cidrs: Array<{ Cidr: string; IpamPoolArn: string; AnycastIp: string }>;
  lc: Lifecycle<ListStatus>;
  ETag: string;
  LastModifiedTime: number;
  Tags?: Tags;
}

export interface SimDistribution {
  Id: string;
  ARN: string;
  account: string;
  DomainName: string;
  config: DistributionConfig;
  ETag: string;
  lc: Lifecycle<DistStatus>;
  LastModifiedTime: number;
  /** What the edge serves: the config as of the last time the distribution reached Deployed. */
  deployedConfig: DistributionConfig;
}

export interface CloudFrontState {
  anycastLists: SimAnycastList[];
  distributions: SimDistribution[];
  vpcOrigins: SimVpcOrigin[];
  etagCounter: number;
}

export type VpcOriginStatus = 'Deploying' | 'Deployed' | 'Failed' | 'Deleting' | 'Deleted';

export interface SimVpcOrigin {
  Id: string;
  Arn: string;
  account: string;
  endpoint: VpcOriginEndpointConfig;
  lc: Lifecycle<VpcOriginStatus>;
  ETag: string;
  CreatedTime: number;
  LastModifiedTime: number;
  Tags: Array<{ Key: string; Value?: string }>;
}
