/**
 * byoasn-onboard: bring the customer's ASN to IPAM and advertise their BYOIP CIDRs from it, so
 * partners that allow-list by origin ASN keep working.
 *
 * ProvisionIpamByoasn (the ASN message signed, or taken, inside that task) → wait provisioned → AssociateIpamByoasn
 * per CIDR → wait associated → approval → per CIDR (10 s apart): claim the once-per-hour swap slot
 * (a Wait state until the allowed time when taken) → AdvertiseByoipCidr with the ASN → wait advertised.
 * Any failure (or a rejection) undoes what this execution did, newest first.
 */
import { AMAZON_ASNS } from '../domain/internet/evidence';
import { PollProfiles } from '../domain/polling';
import { MAX_EXECUTION_SECONDS } from '../domain/validation';
import { ADVERTISE_RETRY, ChainBuilder, initialize, verifyRequester } from './lib/builder';
import { awaitBgpVisibility, preflight } from './lib/internet';
import { defineWorkflow } from './lib/define';

function build() {
  const c = new ChainBuilder();
  initialize(c);
  c.task('ValidateInput', {
    fn: 'ValidateByoasnOnboardInput',
    comment: 'ASN rules, CIDRs, the signed message: every mistake named before any AWS call.',
    parameters: { 'input.$': '$.input' },
    resultPath: '$.plan',
  });
  verifyRequester(c);
  c.holdLeases({ resourcesPath: '$.plan.lock.resources', leaseSeconds: MAX_EXECUTION_SECONDS, purpose: 'byoasn-onboard' });
  c.task('CaptureState', {
    fn: 'CaptureByoasnOnboardState',
    comment: 'What compensation keeps: an ASN provisioned before, associations and advertisements that existed.',
    parameters: {
      'region.$': '$.plan.region',
      'accountId.$': '$.plan.accountId',
      'ipamId.$': '$.plan.ipamId',
      'asn.$': '$.plan.asn',
      'cidrs.$': '$.plan.cidrs',
    },
    resultPath: '$.baseline',
  });
  preflight(c, {
    workflow: 'byoasn-onboard',
    regionPath: '$.plan.region',
    rdapResourcesPath: 'States.Array($.plan.asn)',
    prefixesPath: '$.plan.cidrs',
    requiredOrigins: [...AMAZON_ASNS],
    customerAsnPath: '$.plan.asn',
    authorizationPath: '$.plan.authorization',
    internetChecksPath: '$.plan.internetChecks',
  });

  c.intent('asn', {
    action: 'Byoasn.Deprovision',
    label: 'deprovision the ASN this execution provisioned',
    'region.$': '$.plan.region',
    'ipamId.$': '$.plan.ipamId',
    'asn.$': '$.plan.asn',
    'provisionedBefore.$': '$.baseline.asnProvisionedBefore',
  });
  c.task('ProvisionAsn', {
    fn: 'ProvisionByoasn',
    comment: 'Signs the ASN message inside this task (own account, allowed ASNs): no signature enters the state.',
    parameters: {
      'region.$': '$.plan.region',
      'ipamId.$': '$.plan.ipamId',
      'asn.$': '$.plan.asn',
      'accountId.$': '$.plan.accountId',
      'authorization.$': '$.plan.authorization',
    },
    resultPath: '$.provision',
  });
  c.poll('AwaitAsnProvisioned', {
    fn: 'CheckByoasn',
    comment: "IPAM verifies the signature against the ASN's RDAP record: a few minutes; failed-provision ends the wait with the reason.",
    parameters: { 'region.$': '$.plan.region', 'ipamId.$': '$.plan.ipamId', 'asn.$': '$.plan.asn', target: 'provisioned' },
    profile: PollProfiles.byoasn,
    resultPath: '$.wait.asn',
  });

  c.intent('associations', {
    action: 'Byoasn.Disassociate',
    label: 'disassociate the ASN',
    'region.$': '$.plan.region',
    'asn.$': '$.plan.asn',
    'each.$': '$.plan.cidrs',
    eachAs: 'cidr',
    'except.$': '$.baseline.associatedBefore',
  });
  c.task('AssociateAsn', {
    fn: 'AssociateByoasn',
    parameters: { 'region.$': '$.plan.region', 'asn.$': '$.plan.asn', 'cidrs.$': '$.plan.cidrs' },
    resultPath: '$.association',
  });
  c.poll('AwaitAssociated', {
    fn: 'CheckAsnAssociations',
    parameters: { 'region.$': '$.plan.region', 'asn.$': '$.plan.asn', 'cidrs.$': '$.plan.cidrs', target: 'associated' },
    profile: PollProfiles.asnAssociation,
    resultPath: '$.wait.associated',
  });

  // Recorded before the gate (intents inside a branch would not reach compensation); each is a no-op
  // unless this execution's Advertise changed the CIDR.
  c.intent('origin', {
    action: 'Byoasn.RestoreOrigin',
    label: 'advertise from the AWS ASN again',
    'region.$': '$.plan.region',
    'accountId.$': '$.plan.accountId',
    'executionName.$': '$.execution.name',
    'each.$': '$.baseline.advertisedBefore',
    eachAs: 'cidr',
  });
  c.intent('advertisement', {
    action: 'EC2.WithdrawCidr',
    label: 'withdraw the advertisement',
    'region.$': '$.plan.region',
    'each.$': '$.plan.cidrs',
    eachAs: 'cidr',
    'except.$': '$.baseline.advertisedBefore',
  });
  c.when('ShouldAdvertise', '$.plan.advertise', (b) => {
    b.planAndApprove({
      workflow: 'byoasn-onboard',
      planState: 'PlanAdvertisement',
      planFn: 'PlanAsnOrigin',
      planParameters: {
        workflow: 'byoasn-onboard',
        'migrationId.$': '$.plan.migrationId',
        'accountId.$': '$.plan.accountId',
        'region.$': '$.plan.region',
        'asn.$': '$.plan.asn',
        'cidrs.$': '$.plan.cidrs',
        'approvers.$': '$.plan.approvers',
        'preflight.$': '$.preflight',
      },
    });
    // Advertising from the customer's ASN is the point of no return: the approval told the operator to stop
    // announcing elsewhere. From here a failure asks an operator instead of withdrawing.
    b.pivot({
      workflow: 'byoasn-onboard',
      label: "the advertisement from the customer's ASN",
      approversPath: '$.plan.approvers',
      backNeeds: 'have the previous origin announce the prefixes again and see its route at the collectors',
    });
    b.map('AdvertiseFromAsn', {
      comment: 'One CIDR at a time, 10 s apart; each through the once-per-hour swap guard.',
      itemsPath: '$.plan.advertiseItems',
      maxConcurrency: 1,
      resultPath: '$.advertised',
      itemSelector: {
        'cidr.$': '$$.Map.Item.Value.cidr',
        'waitSeconds.$': '$$.Map.Item.Value.waitSeconds',
        'region.$': '$.plan.region',
        'accountId.$': '$.plan.accountId',
        'asn.$': '$.plan.asn',
        'approval.$': '$.approval',
        'execution.$': '$.execution',
        wait: {},
      },
      build: (m) => {
        m.wait('SpaceAdvertiseCalls', { secondsPath: '$.waitSeconds' });
        m.poll('AwaitSwapSlot', {
          fn: 'ClaimAsnSwapSlot',
          comment: 'Conditional write in the state table; when the hour has not passed, a Wait state until the allowed time.',
          parameters: { 'accountId.$': '$.accountId', 'region.$': '$.region', 'cidr.$': '$.cidr', 'asn.$': '$.asn', 'execution.$': '$.execution' },
          profile: PollProfiles.asnSwapSlot,
          resultPath: '$.wait.swapSlot',
          until: 'retryAt',
        });
        m.task('AdvertiseWithAsn', {
          fn: 'AdvertiseWithAsn',
          parameters: {
            'accountId.$': '$.accountId',
            'region.$': '$.region',
            'cidr.$': '$.cidr',
            'asn.$': '$.asn',
            'execution.$': '$.execution',
            'approval.$': '$.approval',
          },
          resultPath: '$.advertise',
          retry: [ADVERTISE_RETRY],
        });
        m.pass('Advertised', {
          Parameters: { 'cidr.$': '$.cidr', 'changedAt.$': '$.advertise.changedAt', 'previousCustomChange.$': '$.advertise.previousCustomChange' },
        });
      },
    });
    b.poll('AwaitAdvertised', {
      fn: 'CheckByoipCidrs',
      parameters: { 'region.$': '$.plan.region', 'cidrs.$': '$.plan.cidrs', target: 'advertised' },
      profile: PollProfiles.advertisement,
      resultPath: '$.wait.advertised',
    });
    awaitBgpVisibility(b, { prefixesPath: '$.plan.cidrs', expectedOrigin: { path: '$.plan.asn' }, internetChecksPath: '$.plan.internetChecks' });
  });
  c.finish('Onboarded', {
    'migrationId.$': '$.plan.migrationId',
    'asn.$': '$.plan.asn',
    'ipamId.$': '$.plan.ipamId',
    'cidrs.$': '$.plan.cidrs',
    'advertised.$': '$.plan.advertise',
  });
  return c;
}

export const byoasnOnboard = defineWorkflow({
  name: 'byoasn-onboard',
  description: 'BYOASN: provision the ASN (signed), associate it with BYOIP CIDRs, approval, advertise from it through the once-per-hour guard.',
  recovery: 'compensate',
  summary: "Brings the customer's ASN to IPAM and advertises BYOIP CIDRs from it, with approval and full compensation.",
  chain: build,
});
