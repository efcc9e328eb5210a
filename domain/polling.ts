/**
 * Poll scheduling for Wait → Check loops. The check task computes the next delay; the ASL Wait state
 * (SecondsPath) does the waiting, so no Lambda ever sleeps.
 *
 * The schedule is shaped by what we expect of each wait: check fast early for things that are often
 * quick, keep the detection lateness a bounded share of the time already waited, and cap the interval.
 */
import { ErrorNames, WorkflowError } from './errors';
import { MAX_EXECUTION_SECONDS } from './validation';

export interface PollProfile {
  /**
   * The time scale of this wait (seconds): checks are spaced `precision` × (waited + expected), so a
   * wait far shorter than expected is still checked every precision×expected, and a long one sparsely.
   */
  readonly expectedSeconds: number;
  /** Shortest interval between checks. */
  readonly minDelaySeconds: number;
  /** Longest interval between checks. */
  readonly maxDelaySeconds: number;
  /** Allowed lateness as a share of (time waited + expected): the detection delay never exceeds it. */
  readonly precision: number;
  /** Give up after this long. */
  readonly timeoutSeconds: number;
}

/** The state a poll loop carries between checks (in the execution state, under `$.polls.<name>`). */
export interface PollState {
  readonly attempt: number;
  /** Epoch ms of the first check. */
  readonly startedAt?: number;
}

export interface PollDecision {
  readonly attempt: number;
  readonly startedAt: number;
  readonly elapsedSeconds: number;
  readonly nextDelaySeconds: number;
}

/**
 * Profiles per kind of wait, from AWS's documented and observed timings (aws-api-facts §9), tuned with
 * bench/ (docs/performance.md): e.g. BYOIP provisioning of 24 h is detected within 5 % with < 40 checks,
 * while a 30-minute one is still seen within minutes.
 */
export const PollProfiles = {
  /** BYOIP CIDR into a top-level pool: "most within two hours, up to one week". */
  byoipProvisioning: { expectedSeconds: 30_600, minDelaySeconds: 30, maxDelaySeconds: 6 * 3600, precision: 0.036, timeoutSeconds: 8 * 86400 },
  /** Child-pool provisioning and deprovisioning: minutes. */
  poolCidr: { expectedSeconds: 600, minDelaySeconds: 10, maxDelaySeconds: 1800, precision: 0.1, timeoutSeconds: 2 * 86400 },
  /** IPAM pool create/delete: seconds. */
  poolState: { expectedSeconds: 20, minDelaySeconds: 5, maxDelaySeconds: 300, precision: 0.2, timeoutSeconds: 6 * 3600 },
  /**
   * CloudFront distribution or anycast list deployments: minutes. (Precision 0.1, not finer: every check
   * writes 9 history events; a week's onboarding under slow timings stays under 10 % of the 25,000.)
   */
  cloudfrontDeployment: { expectedSeconds: 450, minDelaySeconds: 10, maxDelaySeconds: 600, precision: 0.1, timeoutSeconds: 6 * 3600 },
  /** Route 53 change to INSYNC: usually under 60 s; checked every 15 s at first. */
  dnsChange: { expectedSeconds: 60, minDelaySeconds: 15, maxDelaySeconds: 60, precision: 0.1, timeoutSeconds: 3600 },
  /** Another execution's lease on the same resources (only when the input asks to wait). */
  lockWait: { expectedSeconds: 1800, minDelaySeconds: 30, maxDelaySeconds: 1800, precision: 0.1, timeoutSeconds: 7 * 86400 },
  /** Advertise / withdraw reaching advertised / provisioned: a few minutes. */
  advertisement: { expectedSeconds: 120, minDelaySeconds: 10, maxDelaySeconds: 300, precision: 0.1, timeoutSeconds: 6 * 3600 },
  /** BYOASN provision / deprovision: "after a few minutes". */
  byoasn: { expectedSeconds: 300, minDelaySeconds: 10, maxDelaySeconds: 600, precision: 0.08, timeoutSeconds: 2 * 86400 },
  /** ASN ↔ CIDR association and disassociation: minutes (not documented). */
  asnAssociation: { expectedSeconds: 120, minDelaySeconds: 5, maxDelaySeconds: 300, precision: 0.1, timeoutSeconds: 6 * 3600 },
  /**
   * The once-per-hour AWS→custom ASN slot of a CIDR. The wait itself is a Wait state until the
   * allowed time (TimestampPath); the timeout bounds a queue of executions taking turns.
   */
  asnSwapSlot: { expectedSeconds: 3660, minDelaySeconds: 1, maxDelaySeconds: 3660, precision: 0.05, timeoutSeconds: 24 * 3600 },
  /** Global Accelerator BYOIP provisioning: "can take up to 3 weeks" (GA BYOIP guide). */
  gaByoipProvisioning: { expectedSeconds: 30_600, minDelaySeconds: 60, maxDelaySeconds: 6 * 3600, precision: 0.036, timeoutSeconds: 21 * 86400 },
  /** A Global Accelerator change reaching the edge (IN_PROGRESS → DEPLOYED): minutes. */
  acceleratorDeployment: { expectedSeconds: 120, minDelaySeconds: 10, maxDelaySeconds: 120, precision: 0.1, timeoutSeconds: 2 * 3600 },
  /** A customer-managed prefix list reaching create-/modify-complete: seconds. */
  prefixListChange: { expectedSeconds: 10, minDelaySeconds: 2, maxDelaySeconds: 30, precision: 0.1, timeoutSeconds: 3600 },
  /** ip-ranges.json catching up with its AmazonIpSpaceChanged notification (a CDN lagging behind). */
  ipRangesPublication: { expectedSeconds: 120, minDelaySeconds: 30, maxDelaySeconds: 600, precision: 0.1, timeoutSeconds: 6 * 3600 },
  /** CloudFront VPC origin Deploying → Deployed (about 15 min; reports of more) or Deleting → gone. */
  vpcOriginDeployment: { expectedSeconds: 900, minDelaySeconds: 30, maxDelaySeconds: 120, precision: 0.05, timeoutSeconds: 3 * 3600 },
  /** RAM: an invitation arriving, an acceptance or unshare taking effect: seconds. */
  ramShare: { expectedSeconds: 10, minDelaySeconds: 5, maxDelaySeconds: 60, precision: 0.1, timeoutSeconds: 3600 },
  /** Waiting for the distribution's writer (another execution holding its lock, deploying). */
  distributionTurn: { expectedSeconds: 600, minDelaySeconds: 15, maxDelaySeconds: 60, precision: 0.1, timeoutSeconds: 12 * 3600 },
  /**
   * RIS collectors seeing an advertisement converge (most peers within a minute of AWS announcing; the
   * looking-glass lags by seconds). The check enforces the deployment's deadline itself
   * (internet.bgp.deadlineSeconds, at most 24 h) with BgpVisibilityFailed; this timeout is only a backstop.
   */
  bgpVisibility: { expectedSeconds: 120, minDelaySeconds: 20, maxDelaySeconds: 120, precision: 0.1, timeoutSeconds: 25 * 3600 },
} as const satisfies Record<string, PollProfile>;

export type PollProfileName = keyof typeof PollProfiles;

/** The delay before the next check: precision × (waited + expected), within [min, max]. */
export function nextPollDelay(elapsedSeconds: number, profile: PollProfile): number {
  const proportional = profile.precision * (elapsedSeconds + profile.expectedSeconds);
  const delay = Math.max(profile.minDelaySeconds, Math.min(profile.maxDelaySeconds, proportional));
  return Math.max(1, Math.round(delay));
}

/** A fixed-interval profile (the naive baseline the benchmark compares against). */
export function fixedInterval(seconds: number, timeoutSeconds: number): PollProfile {
  return { expectedSeconds: 0, minDelaySeconds: seconds, maxDelaySeconds: seconds, precision: 1, timeoutSeconds };
}

/**
 * Time kept free at the end of every execution for compensation (undo steps poll too): no wait of the
 * workflow itself runs into it. Together with the approval gates' longest timeout, it is what a wait
 * before a gate leaves (workflows/lib/builder.ts computes each poll's reserve).
 */
export const COMPENSATION_RESERVE_SECONDS = 86_400;

/**
 * The latest moment a wait may still be waiting: the execution's start plus the state machine's
 * timeout (MAX_EXECUTION_SECONDS), minus what must still fit after this wait. A wait that reaches it
 * fails with WaitTimedOut, so the execution compensates instead of hitting States.Timeout (which ends
 * it on the spot, nothing undone).
 */
export interface PollDeadline {
  /** `$$.Execution.StartTime` (ISO 8601). */
  readonly executionStartTime: string;
  /** Seconds kept free after this wait: approval gates that follow, and compensation. */
  readonly reserveSeconds: number;
}

export function deadlineMs(d: PollDeadline): number {
  return Date.parse(d.executionStartTime) + (MAX_EXECUTION_SECONDS - d.reserveSeconds) * 1000;
}

/**
 * Advances a poll loop by one check made at `nowMs`; throws WaitTimedOut past the profile's timeout or
 * the execution's deadline, and never sleeps past that deadline.
 */
export function advancePoll(state: PollState | undefined, nowMs: number, profile: PollProfile, what: string, deadline?: PollDeadline): PollDecision {
  const attempt = (state?.attempt ?? 0) + 1;
  const startedAt = state?.startedAt ?? nowMs;
  const elapsedSeconds = Math.max(0, (nowMs - startedAt) / 1000);
  if (elapsedSeconds > profile.timeoutSeconds) {
    throw new WorkflowError(ErrorNames.WaitTimedOut, `${what} did not finish within ${Math.round(profile.timeoutSeconds / 3600)} h (${attempt - 1} checks)`);
  }
  let nextDelaySeconds = nextPollDelay(elapsedSeconds, profile);
  if (deadline) {
    const end = deadlineMs(deadline);
    if (nowMs >= end) {
      throw new WorkflowError(
        ErrorNames.WaitTimedOut,
        `${what} did not finish by ${new Date(end).toISOString()} (${attempt - 1} checks): the execution must keep ${Math.round(deadline.reserveSeconds / 3600)} h for what follows (approval, compensation) within its ${MAX_EXECUTION_SECONDS / 86_400}-day timeout`,
      );
    }
    nextDelaySeconds = Math.max(1, Math.min(nextDelaySeconds, Math.ceil((end - nowMs) / 1000)));
  }
  return { attempt, startedAt, elapsedSeconds, nextDelaySeconds };
}
