/**
 * The evidence-from-the-internet fragments every provisioning workflow shares:
 *  - preflight(): a task before any changing AWS call (RDAP certificate, ROAs, current routes);
 *    its failure (PreflightCheckFailed) goes where task failures go, with nothing to undo yet.
 *  - awaitBgpVisibility(): a poll after the advertisement. Its failure NEVER goes to compensation
 *    (that would withdraw what the internet already routes): it goes to a stop without rollback that
 *    releases the leases and ends the execution with the check's error (BgpVisibilityFailed), so an
 *    operator decides. Past a workflow's point of no return (ChainBuilder.pivot) the failure goes to the
 *    operator decision like every other step's.
 */
import { PollProfiles } from '../../domain/polling';
import { STANDARD_RETRY, taskArn, type ChainBuilder, type Json } from './builder';

/** The services may be briefly unreachable: the task is tried again, slower than the client's own retries. */
export const INTERNET_RETRY = { ErrorEquals: ['InternetServiceUnavailable'], IntervalSeconds: 20, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 120, JitterStrategy: 'FULL' };

/** State names the report and the CLI single out (the time breakdown always shows them). */
export const PREFLIGHT_STATE = 'PreflightInternetChecks';
export const VISIBILITY_STATE = 'AwaitBgpVisibility';
export const VISIBILITY_STOP = 'VisibilityNotConfirmed';

export function preflight(chain: ChainBuilder, o: {
  workflow: string;
  regionPath: string;
  rdapResourcesPath: string;
  prefixesPath: string;
  requiredOrigins: number[];
  customerAsnPath?: string;
  authorizationPath: string;
  internetChecksPath: string;
}): ChainBuilder {
  return chain.task(PREFLIGHT_STATE, {
    fn: 'PreflightInternetChecks',
    comment: 'Before any changing AWS call: the RDAP certificate of the signing key, a valid ROA per /24 for each origin, the current routes (the "before").',
    parameters: {
      workflow: o.workflow, 'region.$': o.regionPath, 'rdapResources.$': o.rdapResourcesPath, 'prefixes.$': o.prefixesPath,
      requiredOrigins: o.requiredOrigins as unknown as Json, ...(o.customerAsnPath ? { 'customerAsn.$': o.customerAsnPath } : {}),
      'authorization.$': o.authorizationPath, 'internetChecks.$': o.internetChecksPath,
    },
    resultPath: '$.preflight',
    retry: [INTERNET_RETRY],
    timeoutSeconds: 180,
  });
}

export function awaitBgpVisibility(chain: ChainBuilder, o: {
  prefixesPath: string;
  /** A fixed origin (16509) or a path to the customer's ASN. */
  expectedOrigin: number | { path: string };
  internetChecksPath: string;
  /** Leases to release when the check stops the execution. */
  locksPath?: string;
}): ChainBuilder {
  chain.poll(VISIBILITY_STATE, {
    fn: 'CheckBgpVisibility',
    comment: 'After the advertisement: the expected origin seen by enough RIS collector peers, the old origin gone, RPKI valid. A failure stops for an operator; nothing is withdrawn.',
    parameters: {
      'prefixes.$': o.prefixesPath,
      ...(typeof o.expectedOrigin === 'number' ? { expectedOrigin: o.expectedOrigin } : { 'expectedOrigin.$': o.expectedOrigin.path }),
      'preflight.$': '$.preflight', 'internetChecks.$': o.internetChecksPath,
    },
    profile: PollProfiles.bgpVisibility,
    resultPath: '$.wait.bgpVisibility',
    retry: [INTERNET_RETRY],
    catchTo: chain.pastPivot ? undefined : o.locksPath ? `${VISIBILITY_STOP}ReleaseLocks` : VISIBILITY_STOP,
  });
  if (chain.pastPivot) return chain;
  const fail = {
    Type: 'Fail',
    Comment: 'After the first advertisement nothing is rolled back automatically: the prefixes stay advertised from AWS and an operator decides (docs/runbook.md "BGP visibility").',
    ErrorPath: '$.failure.Error',
    CausePath: '$.failure.Cause',
  };
  if (o.locksPath) {
    chain.states[`${VISIBILITY_STOP}ReleaseLocks`] = {
      Type: 'Task', Resource: taskArn('ReleaseLock'), Parameters: { 'resources.$': o.locksPath, 'owner.$': '$.execution.name' },
      ResultPath: null, TimeoutSeconds: 60, Retry: STANDARD_RETRY, Next: VISIBILITY_STOP,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: VISIBILITY_STOP }],
    };
  }
  chain.states[VISIBILITY_STOP] = fail;
  return chain;
}
