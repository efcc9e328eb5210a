/**
 * static-ip-byoip: give a serverless API (Global Accelerator → ALB → Lambda) the customer's own,
 * allow-listed addresses.
 *
 * validate → lock → provision the range(s) to Global Accelerator (its own BYOIP, us-west-2) → wait
 * READY (hours to weeks) → approval → advertise → wait ADVERTISING → create the accelerator with the
 * addresses, or move an existing one onto them → listener and endpoint group to the ALB → wait DEPLOYED.
 * Any failure (or a rejection) undoes what this execution did, newest first.
 */
import { AWS_ORIGIN_ASN, GLOBAL_ACCELERATOR_ASN } from '../domain/internet/evidence';
import { PollProfiles } from '../domain/polling';
import { STATIC_IP_MAX_APPROVAL_SECONDS } from '../domain/static-ip';
import { ChainBuilder, initialize, PARK, verifyRequester } from './lib/builder';
import { awaitBgpVisibility, preflight } from './lib/internet';
import { defineWorkflow } from './lib/define';

function build() {
  const c = new ChainBuilder();
  initialize(c);
  c.task('ValidateInput', {
    fn: 'ValidateStaticIpInput',
    comment: 'Every input mistake, named, before any AWS call.',
    parameters: { 'input.$': '$.input' },
    resultPath: '$.plan',
  });
  verifyRequester(c);
  preflight(c, {
    workflow: 'static-ip-byoip',
    regionPath: '$.plan.region',
    rdapResourcesPath: '$.plan.cidrs',
    prefixesPath: '$.plan.cidrs',
    requiredOrigins: [GLOBAL_ACCELERATOR_ASN],
    authorizationPath: '$.plan.authorization',
    internetChecksPath: '$.plan.internetChecks',
  });
  c.holdLeases({
    resourcesPath: '$.plan.lock.resources',
    leaseSeconds: { path: '$.plan.lock.leaseSeconds' },
    purpose: 'static-ip-byoip',
    comment: 'One writer per range and per accelerator; another execution holding them fails this one fast.',
  });
  c.task('CaptureBaseline', {
    fn: 'CaptureStaticIpBaseline',
    comment: "What compensation restores: which ranges were provisioned or advertised before, the existing accelerator's addresses and routing.",
    parameters: { 'cidrs.$': '$.plan.cidrs', 'accelerator.$': '$.plan.accelerator' },
    resultPath: '$.baseline',
  });

  // The range(s), brought to Global Accelerator itself (not EC2/IPAM: a range serves one service).
  c.intent('gaCidrs', {
    action: 'GlobalAccelerator.DeprovisionCidr',
    label: 'deprovision from Global Accelerator',
    'each.$': '$.plan.cidrs',
    eachAs: 'cidr',
    'except.$': '$.baseline.provisionedBefore',
  });
  c.task('ProvisionCidrs', {
    fn: 'ProvisionGaByoipCidrs',
    comment: 'Signs the authorization messages inside this task: no signature enters the state.',
    parameters: { 'cidrs.$': '$.plan.cidrs', 'accountId.$': '$.plan.accountId', 'authorization.$': '$.plan.authorization' },
    resultPath: '$.provisioned',
  });
  c.poll('AwaitCidrsReady', {
    fn: 'CheckGaByoipCidrs',
    comment: 'GA BYOIP provisioning: hours to weeks ("up to 3 weeks"). Sparse checks, capped back-off.',
    parameters: { 'cidrs.$': '$.plan.cidrs', target: 'ready' },
    profile: PollProfiles.gaByoipProvisioning,
    resultPath: '$.wait.cidrsReady',
  });

  // The gate: nothing is announced, and no address answers, without a human decision.
  c.planAndApprove({
    workflow: 'static-ip-byoip',
    planState: 'PlanCutover',
    planFn: 'PlanStaticIpCutover',
    planParameters: {
      'migrationId.$': '$.plan.migrationId',
      'cidrs.$': '$.plan.cidrs',
      'approvers.$': '$.plan.approvers',
      'accelerator.$': '$.plan.accelerator',
      'baseline.$': '$.baseline.accelerator',
      'preflight.$': '$.preflight',
    },
    maxTimeoutSeconds: STATIC_IP_MAX_APPROVAL_SECONDS,
    rejectTo: PARK,
  });

  // From the advertisement on, AWS's announcement may be the only path to the prefixes: failures ask an operator.
  c.pivot({
    workflow: 'static-ip-byoip',
    label: 'the advertisement',
    approversPath: '$.plan.approvers',
    backNeeds: 'have the old provider announce the prefixes again and see its route at the collectors',
  });
  c.intent('advertisement', {
    action: 'GlobalAccelerator.WithdrawCidr',
    label: 'withdraw the advertisement',
    'each.$': '$.plan.cidrs',
    eachAs: 'cidr',
    'except.$': '$.baseline.advertisedBefore',
  });
  c.task('AdvertiseCidrs', { fn: 'AdvertiseGaByoipCidrs', parameters: { 'cidrs.$': '$.plan.cidrs', 'approval.$': '$.approval' }, resultPath: '$.advertised' });
  c.poll('AwaitCidrsAdvertising', {
    fn: 'CheckGaByoipCidrs',
    comment: 'GA: "make sure the range is advertised by AWS before you use an IP address from your pool".',
    parameters: { 'cidrs.$': '$.plan.cidrs', target: 'advertising' },
    profile: PollProfiles.advertisement,
    resultPath: '$.wait.cidrsAdvertising',
  });
  awaitBgpVisibility(c, { prefixesPath: '$.plan.cidrs', expectedOrigin: AWS_ORIGIN_ASN, internetChecksPath: '$.plan.internetChecks' });

  // The accelerator: the approved addresses, then the route to the ALB.
  c.intent('accelerator', {
    action: 'GlobalAccelerator.RestoreAccelerator',
    label: 'put the accelerator back as it was (or delete the one created)',
    'executionName.$': '$.execution.name',
    'baseline.$': '$.baseline.accelerator',
  });
  c.task('EnsureAccelerator', {
    fn: 'EnsureGaAccelerator',
    parameters: {
      'mode.$': '$.plan.accelerator.mode',
      'arn.$': '$.plan.accelerator.arn',
      'name.$': '$.plan.accelerator.name',
      'ipAddresses.$': '$.plan.accelerator.ipAddresses',
      'migrationId.$': '$.plan.migrationId',
      'execution.$': '$.execution',
      'approval.$': '$.approval',
    },
    resultPath: '$.accelerator',
  });
  c.poll('AwaitAcceleratorDeployed', {
    fn: 'CheckGaAccelerator',
    parameters: { 'acceleratorArn.$': '$.accelerator.acceleratorArn', target: 'deployed', 'expectIpAddresses.$': '$.plan.accelerator.ipAddresses' },
    profile: PollProfiles.acceleratorDeployment,
    resultPath: '$.wait.acceleratorDeployed',
  });
  c.when('EnsureRouting', '$.plan.accelerator.ensureRouting', (b) => {
    b.task('EnsureListener', {
      fn: 'EnsureGaListener',
      parameters: { 'acceleratorArn.$': '$.accelerator.acceleratorArn', 'listener.$': '$.plan.accelerator.listener', 'execution.$': '$.execution' },
      resultPath: '$.listener',
    });
    b.task('EnsureEndpointGroup', {
      fn: 'EnsureGaEndpointGroup',
      parameters: { 'listenerArn.$': '$.listener.listenerArn', 'endpointGroup.$': '$.plan.accelerator.endpointGroup', 'execution.$': '$.execution' },
      resultPath: '$.endpointGroup',
    });
    b.poll('AwaitRoutingDeployed', {
      fn: 'CheckGaAccelerator',
      parameters: { 'acceleratorArn.$': '$.accelerator.acceleratorArn', target: 'deployed', 'expectIpAddresses.$': '$.plan.accelerator.ipAddresses' },
      profile: PollProfiles.acceleratorDeployment,
      resultPath: '$.wait.routingDeployed',
    });
  });
  c.finish(
    'Done',
    {
      'migrationId.$': '$.plan.migrationId',
      'cidrs.$': '$.plan.cidrs',
      'acceleratorArn.$': '$.accelerator.acceleratorArn',
      'created.$': '$.accelerator.created',
      'byoipAddresses.$': '$.plan.accelerator.ipAddresses',
      'staticIps.$': '$.wait.acceleratorDeployed.ipAddresses',
      'dnsName.$': '$.wait.acceleratorDeployed.dnsName',
      'approval.$': '$.approval',
      internetEvidence: { 'preflight.$': '$.preflight.summary', 'bgpVisibility.$': '$.wait.bgpVisibility.summary' },
    },
    'StaticIpsServed',
  );
  return c;
}

export const staticIpByoip = defineWorkflow({
  name: 'static-ip-byoip',
  description: 'BYOIP to Global Accelerator for a serverless API: provision, approval, advertise, accelerator with the allow-listed IPs.',
  recovery: 'compensate',
  summary: "Static IPs for serverless on the customer's own addresses (Global Accelerator BYOIP), with approval before advertisement and full compensation.",
  chain: build,
  beside: (c) => {
    // A rejection keeps the ranges provisioned to Global Accelerator (hours to weeks) unless the input says "undo-all".
    c.parking({
      onRejectPath: '$.plan.onReject',
      keep: ['gaCidrs'],
      outputParameters: {
        status: 'Parked',
        'migrationId.$': '$.plan.migrationId',
        'cidrs.$': '$.plan.cidrs',
        kept: { 'provisionedCidrs.$': '$.plan.cidrs' },
        'undone.$': '$.compensation.completed',
        'rejection.$': '$.failure',
        next: 'Run static-ip-byoip again with the same input to resume (the ranges are not provisioned again), or teardown-static-ip-byoip to deprovision them.',
      },
    });
  },
});
