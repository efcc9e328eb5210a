/**
 * asn-swap: move an advertised CIDR's origin between the AWS ASN and a custom BYOASN.
 *
 * custom → AWS is immediate. AWS → custom needs an approval and is allowed once per hour per CIDR:
 * the swap guard (a conditional write in the state table) lets one execution through; when the
 * hour has not passed the execution waits in a Wait state until the allowed time and claims again.
 *
 * Not compensated: the only change is the Advertise itself, and undoing a swap is another swap
 * (the operator's call; back to AWS is always immediate). A failure stops at SwapStopped.
 */
import { PollProfiles } from '../domain/polling';
import { MAX_EXECUTION_SECONDS } from '../domain/validation';
import { ADVERTISE_RETRY, ChainBuilder, initialize, verifyRequester } from './lib/builder';
import { defineWorkflow } from './lib/define';

function build() {
  const c = new ChainBuilder().catchFailuresAt('SwapStopped');
  initialize(c);
  c.task('ValidateInput', { fn: 'ValidateAsnSwapInput', parameters: { 'input.$': '$.input' }, resultPath: '$.plan' });
  verifyRequester(c);
  c.holdLeases({
    resourcesPath: '$.plan.lock.resources',
    waitPath: '$.plan.lock.wait',
    leaseSeconds: MAX_EXECUTION_SECONDS,
    purpose: 'asn-swap',
    comment: "The CIDR's lease: a teardown or onboarding of it fails or waits this swap; a second swap waits for the first.",
  });
  c.task('CaptureState', {
    fn: 'CaptureAsnSwapState',
    comment: 'The CIDR must be advertised here, and a custom ASN associated with it.',
    parameters: { 'accountId.$': '$.plan.accountId', 'region.$': '$.plan.region', 'cidr.$': '$.plan.cidr', 'to.$': '$.plan.to' },
    resultPath: '$.state',
  });
  c.pass('NoApprovalNeeded', {
    Comment: 'Back to the AWS ASN needs no gate; a custom target replaces this with the decision.',
    Result: { approved: false, required: false },
    ResultPath: '$.approval',
  });
  c.when('ToCustomAsn', '$.plan.toCustom', (b) => {
    b.planAndApprove({
      workflow: 'asn-swap',
      planState: 'PlanSwap',
      planFn: 'PlanAsnOrigin',
      planParameters: {
        workflow: 'asn-swap',
        'migrationId.$': '$.plan.migrationId',
        'accountId.$': '$.plan.accountId',
        'region.$': '$.plan.region',
        'asn.$': '$.plan.to',
        'cidrs.$': 'States.Array($.plan.cidr)',
        'approvers.$': '$.plan.approvers',
      },
    });
    b.poll('AwaitSwapSlot', {
      fn: 'ClaimAsnSwapSlot',
      comment: 'Conditional write in the state table; when the hour has not passed, a Wait state until the allowed time.',
      parameters: {
        'accountId.$': '$.plan.accountId',
        'region.$': '$.plan.region',
        'cidr.$': '$.plan.cidr',
        'asn.$': '$.plan.to',
        'execution.$': '$.execution',
      },
      profile: PollProfiles.asnSwapSlot,
      resultPath: '$.wait.swapSlot',
      until: 'retryAt',
    });
  });
  // The ASN change is the point of no return: a failure from here waits for an operator (forward or stop).
  c.pivot({ workflow: 'asn-swap', label: 'the ASN change', approversPath: '$.plan.approvers', decisions: ['forward', 'stop'] });
  c.task('AdvertiseWithAsn', {
    fn: 'AdvertiseWithAsn',
    parameters: {
      'accountId.$': '$.plan.accountId',
      'region.$': '$.plan.region',
      'cidr.$': '$.plan.cidr',
      'asn.$': '$.plan.to',
      'execution.$': '$.execution',
      'approval.$': '$.approval',
    },
    resultPath: '$.advertise',
    retry: [ADVERTISE_RETRY],
  });
  c.poll('AwaitAdvertised', {
    fn: 'CheckByoipCidrs',
    parameters: { 'region.$': '$.plan.region', 'cidrs.$': 'States.Array($.plan.cidr)', target: 'advertised' },
    profile: PollProfiles.advertisement,
    resultPath: '$.wait.advertised',
  });
  c.finish('Swapped', {
    'cidr.$': '$.plan.cidr',
    'to.$': '$.plan.to',
    'changedAt.$': '$.advertise.changedAt',
    'previousCustomChange.$': '$.advertise.previousCustomChange',
    'approval.$': '$.approval',
  });
  c.stopWithoutRollback('SwapStopped', 'Nothing is rolled back: the CIDR stays as AWS left it. Run asn-swap again (to "AWS" is immediate).');
  return c;
}

export const asnSwap = defineWorkflow({
  name: 'asn-swap',
  description: "Move an advertised CIDR's origin between the AWS ASN and a custom ASN; AWS→custom after approval, once per hour (waits).",
  recovery: 'rerun',
  summary: "Swaps a BYOIP CIDR's origin ASN through the once-per-hour guard.",
  chain: build,
});
