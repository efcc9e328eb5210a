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
  CaptureOnboardBaseline: ['cloudfront:GetDistributionConfig', 'route53:ListResourceRecordSets', 'ec2:DescribeByoipCidrs'],
  PlanOnboardCutover: ['cloudfront:GetDistribution', 'ec2:DescribeByoipCidrs'],
  VerifyCutover: ['ec2:DescribeByoipCidrs', 'route53:ListResourceRecordSets', 'cloudfront:GetDistribution'],
  CaptureTeardownState: [
    'cloudfront:ListAnycastIpLists', 'cloudfront:GetAnycastIpList', 'cloudfront:ListDistributionsByAnycastIpListId',
    'route53:ListResourceRecordSets', 'ec2:DescribeIpams', 'ec2:DescribeIpamPools', 'ec2:GetIpamPoolCidrs',
  ],
  PrepareAuthorizations: ['secretsmanager:GetSecretValue'],
  EnsureIpamPool: ['ec2:DescribeIpams', 'ec2:DescribeIpamPools', 'ec2:GetIpamPoolCidrs', 'ec2:CreateIpamPool', 'ec2:CreateTags'],
  CheckIpamPool: ['ec2:DescribeIpamPools'],
  ProvisionPoolCidrs: ['ec2:GetIpamPoolCidrs', 'ec2:ProvisionIpamPoolCidr'],
  CheckPoolCidrs: ['ec2:GetIpamPoolCidrs'],
  DeprovisionPoolCidrs: ['ec2:GetIpamPoolCidrs', 'ec2:DeprovisionIpamPoolCidr'],
  DeleteIpamPool: ['ec2:DescribeIpamPools', 'ec2:DeleteIpamPool'],
  AdvertiseCidr: ['ec2:DescribeByoipCidrs', 'ec2:AdvertiseByoipCidr'],
  WithdrawCidr: ['ec2:DescribeByoipCidrs', 'ec2:WithdrawByoipCidr'],
  CheckByoipCidrs: ['ec2:DescribeByoipCidrs'],
  EnsureAnycastIpList: ['cloudfront:ListAnycastIpLists', 'cloudfront:GetAnycastIpList', 'cloudfront:CreateAnycastIpList', 'cloudfront:TagResource'],
  CheckAnycastIpList: ['cloudfront:GetAnycastIpList'],
  SetDistributionAnycastList: ['cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution'],
  CheckDistributionDeployed: ['cloudfront:GetDistribution'],
  DeleteAnycastIpList: ['cloudfront:GetAnycastIpList', 'cloudfront:ListDistributionsByAnycastIpListId', 'cloudfront:DeleteAnycastIpList'],
  LowerDnsTtl: ['route53:ChangeResourceRecordSets'],
  CutoverDnsRecords: ['route53:ChangeResourceRecordSets'],
  RestoreDnsTtl: ['route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets'],
  CheckDnsChanges: ['route53:GetChange'],
  RequestApproval: ['secretsmanager:GetSecretValue', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'sns:Publish'],
  RemindApprovers: [
    'dynamodb:GetItem', 'dynamodb:UpdateItem', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess', 'states:SendTaskFailure',
    'secretsmanager:GetSecretValue', 'sns:Publish',
  ],
  ArmApprovalReminder: ['dynamodb:UpdateItem', 'states:SendTaskFailure'],
  StopApprovalReminders: ['dynamodb:GetItem', 'states:SendTaskFailure'],
  CloseApproval: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'sns:Publish'],
  ApprovalPage: ['secretsmanager:GetSecretValue', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'states:SendTaskSuccess', 'states:SendTaskFailure'],
  AcquireLock: ['dynamodb:PutItem', 'dynamodb:GetItem'],
  ReleaseLock: ['dynamodb:DeleteItem'],
  UndoEc2: ['ec2:DescribeByoipCidrs', 'ec2:WithdrawByoipCidr', 'ec2:DescribeIpamPools', 'ec2:GetIpamPoolCidrs', 'ec2:DeprovisionIpamPoolCidr', 'ec2:DeleteIpamPool'],
  UndoCloudFront: [
    'cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution', 'cloudfront:GetDistribution', 'cloudfront:ListAnycastIpLists',
    'cloudfront:ListTagsForResource', 'cloudfront:GetAnycastIpList', 'cloudfront:ListDistributionsByAnycastIpListId', 'cloudfront:DeleteAnycastIpList',
  ],
  UndoRoute53: ['route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets', 'route53:GetChange'],
  UndoDynamoDb: ['dynamodb:DeleteItem'],
};
