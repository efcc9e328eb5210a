/**
 * The IAM actions each task's handler calls, declared by hand so a test can compare them with what
 * the handler code actually uses (least privilege in both directions).
 */
import type { TaskName } from '../tasks/catalog';

export const taskPermissions: Record<TaskName, string[]> = {
  ValidateOnboardInput: [],
  ValidateTeardownInput: [],
  PlanTeardown: [],
  PlanCompensation: [],
  AbandonUndo: [],
  PlanOnboardCutover: [],
  PrepareAuthorizations: ['secretsmanager:GetSecretValue'],
  EnsureIpamPool: ['ec2:DescribeIpams', 'ec2:DescribeIpamPools', 'ec2:GetIpamPoolCidrs', 'ec2:CreateIpamPool', 'ec2:CreateTags'],
  CheckIpamPool: ['ec2:DescribeIpamPools'],
  ProvisionPoolCidrs: ['ec2:GetIpamPoolCidrs', 'ec2:ProvisionIpamPoolCidr'],
  CheckPoolCidrs: ['ec2:GetIpamPoolCidrs'],
  DeprovisionPoolCidrs: ['ec2:GetIpamPoolCidrs', 'ec2:DeprovisionIpamPoolCidr'],
  DeleteIpamPool: ['ec2:DescribeIpamPools', 'ec2:DeleteIpamPool'],
  FindByoipPools: ['ec2:DescribeIpams', 'ec2:DescribeIpamPools', 'ec2:GetIpamPoolCidrs'],
  AdvertiseCidr: ['ec2:DescribeByoipCidrs', 'ec2:AdvertiseByoipCidr'],
  WithdrawCidr: ['ec2:DescribeByoipCidrs', 'ec2:WithdrawByoipCidr'],
  CheckByoipCidrs: ['ec2:DescribeByoipCidrs'],
  InspectByoipCidrs: ['ec2:DescribeByoipCidrs'],
  EnsureAnycastIpList: ['cloudfront:ListAnycastIpLists', 'cloudfront:GetAnycastIpList', 'cloudfront:CreateAnycastIpList', 'cloudfront:TagResource'],
  CheckAnycastIpList: ['cloudfront:GetAnycastIpList'],
  SetDistributionAnycastList: ['cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution'],
  CheckDistributionDeployed: ['cloudfront:GetDistribution'],
  DeleteAnycastIpList: ['cloudfront:GetAnycastIpList', 'cloudfront:ListDistributionsByAnycastIpListId', 'cloudfront:DeleteAnycastIpList'],
  InspectDistributions: ['cloudfront:GetDistribution'],
  FindAnycastList: ['cloudfront:ListAnycastIpLists', 'cloudfront:GetAnycastIpList', 'cloudfront:ListDistributionsByAnycastIpListId'],
  LowerDnsTtl: ['route53:ChangeResourceRecordSets'],
  CutoverDnsRecords: ['route53:ChangeResourceRecordSets'],
  RestoreDnsTtl: ['route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets'],
  CheckDnsChanges: ['route53:GetChange'],
  InspectDnsRecords: ['route53:ListResourceRecordSets'],
  RequestApproval: [],
  AcquireLock: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem'],
  ReleaseLock: ['dynamodb:DeleteItem'],
  UndoEc2: ['ec2:DescribeByoipCidrs', 'ec2:WithdrawByoipCidr', 'ec2:DescribeIpamPools', 'ec2:GetIpamPoolCidrs', 'ec2:DeprovisionIpamPoolCidr', 'ec2:DeleteIpamPool'],
  UndoCloudFront: [
    'cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution', 'cloudfront:GetDistribution', 'cloudfront:ListAnycastIpLists',
    'cloudfront:ListTagsForResource', 'cloudfront:GetAnycastIpList', 'cloudfront:ListDistributionsByAnycastIpListId', 'cloudfront:DeleteAnycastIpList',
  ],
  UndoRoute53: ['route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets', 'route53:GetChange'],
  UndoDynamoDb: ['dynamodb:DeleteItem'],
  // BYOASN
  ValidateByoasnOnboardInput: [],
  ValidateAsnSwapInput: [],
  ValidateByoasnTeardownInput: [],
  CaptureByoasnOnboardState: ['ec2:DescribeByoipCidrs', 'ec2:DescribeIpamByoasn'],
  CaptureAsnSwapState: ['ec2:DescribeByoipCidrs', 'dynamodb:GetItem'],
  CaptureByoasnTeardownState: ['ec2:DescribeByoipCidrs', 'ec2:DescribeIpamByoasn'],
  PrepareAsnAuthorization: ['secretsmanager:GetSecretValue'],
  ProvisionByoasn: ['ec2:DescribeIpamByoasn', 'ec2:ProvisionIpamByoasn'],
  CheckByoasn: ['ec2:DescribeIpamByoasn'],
  AssociateByoasn: ['ec2:DescribeByoipCidrs', 'ec2:AssociateIpamByoasn'],
  DisassociateByoasn: ['ec2:DescribeByoipCidrs', 'ec2:DisassociateIpamByoasn'],
  CheckAsnAssociations: ['ec2:DescribeByoipCidrs'],
  DeprovisionByoasn: ['ec2:DescribeIpamByoasn', 'ec2:DeprovisionIpamByoasn'],
  PlanAsnOrigin: ['ec2:DescribeByoipCidrs', 'dynamodb:GetItem'],
  PlanByoasnTeardown: [],
  ClaimAsnSwapSlot: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  AdvertiseWithAsn: ['ec2:DescribeByoipCidrs', 'ec2:AdvertiseByoipCidr', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
  CheckByoipSettled: ['ec2:DescribeByoipCidrs'],
  UndoByoasn: [
    'ec2:DescribeByoipCidrs', 'ec2:AdvertiseByoipCidr', 'ec2:DisassociateIpamByoasn', 'ec2:DescribeIpamByoasn', 'ec2:DeprovisionIpamByoasn',
    'dynamodb:GetItem', 'dynamodb:UpdateItem',
  ],
};

/** What cross-account tasks do inside a team account (granted by the team-access role, not the task role). */
export const CROSS_ACCOUNT_ACTIONS: string[] = [];
