/**
 * The evidence-from-the-internet fragments every provisioning workflow shares:
 *  - preflight(): a task before any changing AWS call (RDAP certificate, ROAs, current routes);
 *    its failure (PreflightCheckFailed) goes where task failures go, with nothing to undo yet.
 *  - awaitBgpVisibility(): a poll after the advertisement, past the workflow's point of no return
 *    (ChainBuilder.pivot): its failure (BgpVisibilityFailed) NEVER compensates (that would withdraw what
 *    the internet already routes); it waits for an operator decision like every other step's.
 */
import { PollProfiles } from '../../domain/polling';
import type { ChainBuilder, Json } from './builder';

/** The services may be briefly unreachable: the task is tried again, slower than the client's own retries. */
export const INTERNET_RETRY = {
  ErrorEquals: ['InternetServiceUnavailable'],
  IntervalSeconds: 20,
  MaxAttempts: 3,
  BackoffRate: 2,
  MaxDelaySeconds: 120,
  JitterStrategy: 'FULL',
};

/** State names the report and the CLI single out (the time breakdown always shows them). */
export const PREFLIGHT_STATE = 'PreflightInternetChecks';
export const VISIBILITY_STATE = 'AwaitBgpVisibility';

export function preflight(
  chain: ChainBuilder,
  o: {
    workflow: string;
    regionPath: string;
    rdapResourcesPath: string;
    prefixesPath: string;
    requiredOrigins: number[];
    customerAsnPath?: string;
    authorizationPath: string;
    internetChecksPath: string;
  },
): ChainBuilder {
  return chain.task(PREFLIGHT_STATE, {
    fn: 'PreflightInternetChecks',
    comment: 'Before any changing AWS call: the RDAP certificate of the signing key, a valid ROA per /24 for each origin, the current routes (the "before").',
    parameters: {
      workflow: o.workflow,
      'region.$': o.regionPath,
      'rdapResources.$': o.rdapResourcesPath,
      'prefixes.$': o.prefixesPath,
      requiredOrigins: o.requiredOrigins as unknown as Json,
      ...(o.customerAsnPath ? { 'customerAsn.$': o.customerAsnPath } : {}),
      'authorization.$': o.authorizationPath,
      'internetChecks.$': o.internetChecksPath,
    },
    resultPath: '$.preflight',
    retry: [INTERNET_RETRY],
    timeoutSeconds: 180,
  });
}

export function awaitBgpVisibility(
  chain: ChainBuilder,
  o: {
    prefixesPath: string;
    /** A fixed origin (16509) or a path to the customer's ASN. */
    expectedOrigin: number | { path: string };
    internetChecksPath: string;
  },
): ChainBuilder {
  // Its failure must never compensate (that would withdraw what the internet already routes).
  if (!chain.pastPivot) throw new Error(`${VISIBILITY_STATE} comes after the workflow's point of no return (ChainBuilder.pivot)`);
  return chain.poll(VISIBILITY_STATE, {
    fn: 'CheckBgpVisibility',
    comment:
      'After the advertisement: the expected origin seen by enough RIS collector peers, the old origin gone, RPKI valid. A failure asks an operator; nothing is withdrawn.',
    parameters: {
      'prefixes.$': o.prefixesPath,
      ...(typeof o.expectedOrigin === 'number' ? { expectedOrigin: o.expectedOrigin } : { 'expectedOrigin.$': o.expectedOrigin.path }),
      'preflight.$': '$.preflight',
      'internetChecks.$': o.internetChecksPath,
    },
    profile: PollProfiles.bgpVisibility,
    resultPath: '$.wait.bgpVisibility',
    retry: [INTERNET_RETRY],
  });
}
