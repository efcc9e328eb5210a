/**
 * Every Lambda task, by the name the ASL uses (Resource "${<Name>Arn}"), and its handler file.
 * The CDK app makes one function per entry; the local runner loads the same files.
 */
export const taskCatalog = {
  // onboarding / teardown specifics
  ValidateOnboardInput: 'tasks/cloudfront-byoip/validate-onboard-input.ts',
  PlanOnboardCutover: 'tasks/cloudfront-byoip/plan-cutover.ts',
  ValidateTeardownInput: 'tasks/cloudfront-byoip/validate-teardown-input.ts',
  PlanTeardown: 'tasks/cloudfront-byoip/plan-teardown.ts',
  // IPAM
  PrepareAuthorizations: 'tasks/ipam/prepare-authorizations.ts',
  EnsureIpamPool: 'tasks/ipam/ensure-ipam-pool.ts',
  CheckIpamPool: 'tasks/ipam/check-ipam-pool.ts',
  ProvisionPoolCidrs: 'tasks/ipam/provision-pool-cidrs.ts',
  CheckPoolCidrs: 'tasks/ipam/check-pool-cidrs.ts',
  DeprovisionPoolCidrs: 'tasks/ipam/deprovision-pool-cidrs.ts',
  DeleteIpamPool: 'tasks/ipam/delete-ipam-pool.ts',
  FindByoipPools: 'tasks/ipam/find-byoip-pools.ts',
  // BYOIP advertisement
  AdvertiseCidr: 'tasks/byoip/advertise-cidr.ts',
  WithdrawCidr: 'tasks/byoip/withdraw-cidr.ts',
  CheckByoipCidrs: 'tasks/byoip/check-byoip-cidrs.ts',
  InspectByoipCidrs: 'tasks/byoip/inspect-byoip-cidrs.ts',
  // CloudFront
  EnsureAnycastIpList: 'tasks/cloudfront/ensure-anycast-ip-list.ts',
  CheckAnycastIpList: 'tasks/cloudfront/check-anycast-ip-list.ts',
  SetDistributionAnycastList: 'tasks/cloudfront/set-distribution-anycast-list.ts',
  CheckDistributionDeployed: 'tasks/cloudfront/check-distribution-deployed.ts',
  DeleteAnycastIpList: 'tasks/cloudfront/delete-anycast-ip-list.ts',
  InspectDistributions: 'tasks/cloudfront/inspect-distributions.ts',
  FindAnycastList: 'tasks/cloudfront/find-anycast-list.ts',
  // Route 53
  LowerDnsTtl: 'tasks/dns/lower-ttl.ts',
  CutoverDnsRecords: 'tasks/dns/cutover-records.ts',
  RestoreDnsTtl: 'tasks/dns/restore-ttl.ts',
  CheckDnsChanges: 'tasks/dns/check-dns-changes.ts',
  InspectDnsRecords: 'tasks/dns/inspect-dns-records.ts',
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
  // BYOASN (byoasn-onboard, asn-swap, byoasn-teardown)
  ValidateByoasnOnboardInput: 'tasks/byoasn/validate-onboard-input.ts',
  ValidateAsnSwapInput: 'tasks/byoasn/validate-swap-input.ts',
  ValidateByoasnTeardownInput: 'tasks/byoasn/validate-teardown-input.ts',
  CaptureByoasnOnboardState: 'tasks/byoasn/capture-onboard-state.ts',
  CaptureAsnSwapState: 'tasks/byoasn/capture-swap-state.ts',
  CaptureByoasnTeardownState: 'tasks/byoasn/capture-teardown-state.ts',
  PrepareAsnAuthorization: 'tasks/byoasn/prepare-asn-authorization.ts',
  ProvisionByoasn: 'tasks/byoasn/provision-asn.ts',
  CheckByoasn: 'tasks/byoasn/check-asn.ts',
  AssociateByoasn: 'tasks/byoasn/associate-asn.ts',
  DisassociateByoasn: 'tasks/byoasn/disassociate-asn.ts',
  CheckAsnAssociations: 'tasks/byoasn/check-asn-associations.ts',
  DeprovisionByoasn: 'tasks/byoasn/deprovision-asn.ts',
  PlanAsnOrigin: 'tasks/byoasn/plan-asn-origin.ts',
  PlanByoasnTeardown: 'tasks/byoasn/plan-teardown.ts',
  ClaimAsnSwapSlot: 'tasks/byoasn/claim-swap-slot.ts',
  AdvertiseWithAsn: 'tasks/byoasn/advertise-with-asn.ts',
  CheckByoipSettled: 'tasks/byoasn/check-byoip-settled.ts',
  UndoByoasn: 'tasks/compensation/undo-byoasn.ts',
  // static IPs for serverless (Global Accelerator BYOIP)
  ValidateStaticIpInput: 'tasks/static-ip/validate-input.ts',
  CaptureStaticIpBaseline: 'tasks/static-ip/capture-baseline.ts',
  PlanStaticIpCutover: 'tasks/static-ip/plan-cutover.ts',
  ValidateStaticIpTeardownInput: 'tasks/static-ip/validate-teardown-input.ts',
  CaptureStaticIpTeardownState: 'tasks/static-ip/capture-teardown-state.ts',
  PlanStaticIpTeardown: 'tasks/static-ip/plan-teardown.ts',
  ProvisionGaByoipCidrs: 'tasks/global-accelerator/provision-byoip-cidrs.ts',
  CheckGaByoipCidrs: 'tasks/global-accelerator/check-byoip-cidrs.ts',
  AdvertiseGaByoipCidrs: 'tasks/global-accelerator/advertise-byoip-cidrs.ts',
  WithdrawGaByoipCidr: 'tasks/global-accelerator/withdraw-byoip-cidr.ts',
  DeprovisionGaByoipCidrs: 'tasks/global-accelerator/deprovision-byoip-cidrs.ts',
  EnsureGaAccelerator: 'tasks/global-accelerator/ensure-accelerator.ts',
  CheckGaAccelerator: 'tasks/global-accelerator/check-accelerator.ts',
  EnsureGaListener: 'tasks/global-accelerator/ensure-listener.ts',
  EnsureGaEndpointGroup: 'tasks/global-accelerator/ensure-endpoint-group.ts',
  RemoveGaAcceleratorRouting: 'tasks/global-accelerator/remove-routing.ts',
  DisableGaAccelerator: 'tasks/global-accelerator/disable-accelerator.ts',
  DeleteGaAccelerator: 'tasks/global-accelerator/delete-accelerator.ts',
  UndoGlobalAccelerator: 'tasks/compensation/undo-global-accelerator.ts',
} as const;

export type TaskName = keyof typeof taskCatalog;
