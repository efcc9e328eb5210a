/**
 * Poll scheduling for Wait → Check loops. The check task computes the next delay; the ASL Wait state
 * (SecondsPath) does the waiting, so no Lambda ever sleeps.
 *
 * The schedule is shaped by what we expect of each wait: check fast early for things that are often
 * quick, keep the detection lateness a bounded share of the time already waited, and cap the interval.
 */
import { ErrorNames, WorkflowError } from './errors';

export interface PollProfile {
  /** What this wait typically takes (seconds). Checks are denser around it. */
  readonly expectedSeconds: number;
  /** Shortest interval between checks. */
  readonly minDelaySeconds: number;
  /** Longest interval between checks. */
  readonly maxDelaySeconds: number;
  /** Allowed lateness as a share of the time waited so far (0.05 = detect within 5 %). */
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

/** Profiles per kind of wait, from AWS's documented and observed timings (aws-api-facts §9). */
export const PollProfiles = {
  /** BYOIP CIDR into a top-level pool: "most within two hours, up to one week". */
  byoipProvisioning: { expectedSeconds: 2 * 3600, minDelaySeconds: 30, maxDelaySeconds: 3600, precision: 0.05, timeoutSeconds: 8 * 86400 },
  /** Child-pool provisioning and deprovisioning: minutes. */
  poolCidr: { expectedSeconds: 600, minDelaySeconds: 10, maxDelaySeconds: 900, precision: 0.05, timeoutSeconds: 2 * 86400 },
  /** IPAM pool create/delete. */
  poolState: { expectedSeconds: 60, minDelaySeconds: 5, maxDelaySeconds: 300, precision: 0.05, timeoutSeconds: 6 * 3600 },
  /** CloudFront distribution or anycast list deployments: minutes. */
  cloudfrontDeployment: { expectedSeconds: 300, minDelaySeconds: 10, maxDelaySeconds: 300, precision: 0.05, timeoutSeconds: 6 * 3600 },
  /** Route 53 change to INSYNC: usually under 60 s. */
  dnsChange: { expectedSeconds: 60, minDelaySeconds: 5, maxDelaySeconds: 60, precision: 0.05, timeoutSeconds: 3600 },
  /** Advertise / withdraw reaching advertised / provisioned: a few minutes. */
  advertisement: { expectedSeconds: 120, minDelaySeconds: 5, maxDelaySeconds: 120, precision: 0.05, timeoutSeconds: 6 * 3600 },
  /** CloudFront VPC origin Deploying → Deployed (about 15 min; reports of more) or Deleting → gone. */
  vpcOriginDeployment: { expectedSeconds: 900, minDelaySeconds: 30, maxDelaySeconds: 120, precision: 0.05, timeoutSeconds: 3 * 3600 },
  /** RAM: an invitation arriving, an acceptance or unshare taking effect: seconds. */
  ramShare: { expectedSeconds: 10, minDelaySeconds: 5, maxDelaySeconds: 60, precision: 0.1, timeoutSeconds: 3600 },
  /** Waiting for the distribution's writer (another execution holding its lock, deploying). */
  distributionTurn: { expectedSeconds: 600, minDelaySeconds: 15, maxDelaySeconds: 60, precision: 0.1, timeoutSeconds: 12 * 3600 },
} as const satisfies Record<string, PollProfile>;

export type PollProfileName = keyof typeof PollProfiles;

/**
 * The delay before the next check. Early on it grows from the minimum; afterwards it is `precision`
 * of the time waited so far (so a wait of D is detected at most precision·D late), capped.
 */
export function nextPollDelay(elapsedSeconds: number, profile: PollProfile): number {
  const proportional = profile.precision * elapsedSeconds;
  const delay = Math.max(profile.minDelaySeconds, Math.min(profile.maxDelaySeconds, proportional));
  return Math.max(1, Math.round(delay));
}

/** Advances a poll loop by one check made at `nowMs`; throws WaitTimedOut past the profile's timeout. */
export function advancePoll(state: PollState | undefined, nowMs: number, profile: PollProfile, what: string): PollDecision {
  const attempt = (state?.attempt ?? 0) + 1;
  const startedAt = state?.startedAt ?? nowMs;
  const elapsedSeconds = Math.max(0, (nowMs - startedAt) / 1000);
  if (elapsedSeconds > profile.timeoutSeconds) {
    throw new WorkflowError(
      ErrorNames.WaitTimedOut,
      `${what} did not finish within ${Math.round(profile.timeoutSeconds / 3600)} h (${attempt - 1} checks)`,
    );
  }
  return { attempt, startedAt, elapsedSeconds, nextDelaySeconds: nextPollDelay(elapsedSeconds, profile) };
}
