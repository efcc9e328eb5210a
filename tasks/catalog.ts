/**
 * Every Lambda task, by the name the ASL uses (Resource "${<Name>Arn}"), and its handler file.
 * The CDK app makes one function per entry; the local runner loads the same files.
 */
export const taskCatalog = {
  // onboarding / teardown specifics
  ValidateOnboardInput: 'tasks/cloudfront-byoip/validate-onboard-input.ts',
  CaptureOnboardBaseline: 'tasks/cloudfront-byoip/capture-baseline.ts',
  PlanOnboardCutover: 'tasks/cloudfront-byoip/plan-cutover.ts',
  VerifyCutover: 'tasks/cloudfront-byoip/verify-cutover.ts',
  ValidateTeardownInput: 'tasks/cloudfront-byoip/validate-teardown-input.ts',
  CaptureTeardownState: 'tasks/cloudfront-byoip/capture-teardown-state.ts',
  PlanTeardown: 'tasks/cloudfront-byoip/plan-teardown.ts',
  // IPAM
  PrepareAuthorizations: 'tasks/ipam/prepare-authorizations.ts',
  EnsureIpamPool: 'tasks/ipam/ensure-ipam-pool.ts',
  CheckIpamPool: 'tasks/ipam/check-ipam-pool.ts',
  ProvisionPoolCidrs: 'tasks/ipam/provision-pool-cidrs.ts',
  CheckPoolCidrs: 'tasks/ipam/check-pool-cidrs.ts',
  DeprovisionPoolCidrs: 'tasks/ipam/deprovision-pool-cidrs.ts',
  DeleteIpamPool: 'tasks/ipam/delete-ipam-pool.ts',
  // BYOIP advertisement
  AdvertiseCidr: 'tasks/byoip/advertise-cidr.ts',
  WithdrawCidr: 'tasks/byoip/withdraw-cidr.ts',
  CheckByoipCidrs: 'tasks/byoip/check-byoip-cidrs.ts',
  // CloudFront
  EnsureAnycastIpList: 'tasks/cloudfront/ensure-anycast-ip-list.ts',
  CheckAnycastIpList: 'tasks/cloudfront/check-anycast-ip-list.ts',
  SetDistributionAnycastList: 'tasks/cloudfront/set-distribution-anycast-list.ts',
  CheckDistributionDeployed: 'tasks/cloudfront/check-distribution-deployed.ts',
  DeleteAnycastIpList: 'tasks/cloudfront/delete-anycast-ip-list.ts',
  // Route 53
  LowerDnsTtl: 'tasks/dns/lower-ttl.ts',
  CutoverDnsRecords: 'tasks/dns/cutover-records.ts',
  RestoreDnsTtl: 'tasks/dns/restore-ttl.ts',
  CheckDnsChanges: 'tasks/dns/check-dns-changes.ts',
  // cross-account CloudFront VPC origins (vpc-origin-share / vpc-origin-teardown)
  ValidateVpcOriginShareInput: 'tasks/vpc-origins/validate-share-input.ts',
  CaptureVpcOriginShareBaseline: 'tasks/vpc-origins/capture-share-baseline.ts',
  EnsureVpcOrigin: 'tasks/vpc-origins/ensure-vpc-origin.ts',
  CheckVpcOrigin: 'tasks/vpc-origins/check-vpc-origin.ts',
  EnsureVpcOriginShare: 'tasks/vpc-origins/ensure-share.ts',
  CheckShareInvitation: 'tasks/vpc-origins/check-share-invitation.ts',
  AcceptShareInvitation: 'tasks/vpc-origins/accept-share-invitation.ts',
  CheckSharedVpcOrigin: 'tasks/vpc-origins/check-shared-origin.ts',
  EnqueueOriginAdditions: 'tasks/vpc-origins/enqueue-additions.ts',
  CheckDistributionTurn: 'tasks/vpc-origins/check-distribution-turn.ts',
  ApplyOriginAdditions: 'tasks/vpc-origins/apply-additions.ts',
  MarkOriginAdditionsDeployed: 'tasks/vpc-origins/mark-additions-deployed.ts',
  ConfirmOriginsAttached: 'tasks/vpc-origins/confirm-attached.ts',
  PlanTeamDnsCutover: 'tasks/vpc-origins/plan-dns-cutover.ts',
  UpsertTeamAliases: 'tasks/vpc-origins/upsert-team-aliases.ts',
  VerifyTeamIsolation: 'tasks/vpc-origins/verify-isolation.ts',
  ValidateVpcOriginTeardownInput: 'tasks/vpc-origins/validate-teardown-input.ts',
  CaptureVpcOriginTeardownState: 'tasks/vpc-origins/capture-teardown-state.ts',
  DetachTeamOrigins: 'tasks/vpc-origins/detach-team-origins.ts',
  RevokeVpcOriginShare: 'tasks/vpc-origins/revoke-share.ts',
  CheckVpcOriginShareRevoked: 'tasks/vpc-origins/check-share-revoked.ts',
  DeleteVpcOrigin: 'tasks/vpc-origins/delete-vpc-origin.ts',
  ConfirmVpcOriginUnreferenced: 'tasks/vpc-origins/confirm-unreferenced.ts',
  // approval
  RequestApproval: 'tasks/approval/request-approval.ts',
  // locks (state table)
  AcquireLock: 'tasks/locks/acquire-lock.ts',
  ReleaseLock: 'tasks/locks/release-lock.ts',
  // compensation
  PlanCompensation: 'tasks/compensation/plan-compensation.ts',
  AbandonUndo: 'tasks/compensation/abandon-undo.ts',
  UndoEc2: 'tasks/compensation/undo-ec2.ts',
  UndoCloudFront: 'tasks/compensation/undo-cloudfront.ts',
  UndoRoute53: 'tasks/compensation/undo-route53.ts',
  UndoDynamoDb: 'tasks/compensation/undo-dynamodb.ts',
  UndoRam: 'tasks/compensation/undo-ram.ts',
} as const;

export type TaskName = keyof typeof taskCatalog;
