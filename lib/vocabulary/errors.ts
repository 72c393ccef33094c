/**
 * The small error hierarchy. Outcomes are chosen by class, never by message text.
 */

/**
 * Each class names itself with a string: the Lambda bundles are minified, and `new.target.name`
 * alone would log `errorName: "yr"` (kept as the fallback for classes outside the bundles).
 */
export class CapacityGuardError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Config file missing, unreadable or invalid. Fatal at cold start. */
export class ConfigError extends CapacityGuardError {
  override name = 'ConfigError';
}

/** A cluster-autoscaler priorities document that cluster-autoscaler itself would reject. */
export class PrioritiesError extends CapacityGuardError {
  override name = 'PrioritiesError';
}

/** The group no longer exists: an action on it counts as done. */
export class GroupNotFoundError extends CapacityGuardError {
  override name = 'GroupNotFoundError';
  constructor(
    public readonly groupName: string,
    options?: { cause?: unknown },
  ) {
    super(`Auto Scaling group not found: ${groupName}`, options);
  }
}

/** AWS refused a write for a reason worth retrying later (throttling after retries, conflicts). */
export class TransientAwsError extends CapacityGuardError {
  override name = 'TransientAwsError';
}

/**
 * The endpoint does not know LaunchInstances (an API of 2025-11-18: a region or an emulator without it,
 * e.g. moto): the tier probe is off until the next cold start (lib/pools/run.ts).
 */
export class LaunchInstancesUnavailableError extends CapacityGuardError {
  override name = 'LaunchInstancesUnavailableError';
}

/** A schedule (kube-downscaler grammar) that cannot be read; `entry` is the offending comma-separated part. */
export class ScheduleError extends CapacityGuardError {
  override name = 'ScheduleError';
  constructor(
    public readonly entry: string,
    reason: string,
  ) {
    super(`schedule entry ${JSON.stringify(entry)}: ${reason}`);
  }
}

/** Error codes (the SDK's `name`) that mean "try again shortly": throttling and Auto Scaling's conflicts. */
const TRANSIENT_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ResourceContention',
  'ResourceContentionFault',
  'ScalingActivityInProgress',
  'ScalingActivityInProgressFault',
]);

/** Worth another try within the same invocation: a TransientAwsError, or an unclassified error named like one (the fakes throw those). */
export function isTransient(error: unknown): boolean {
  if (error instanceof TransientAwsError) return true;
  return typeof error === 'object' && error !== null && TRANSIENT_NAMES.has(String((error as { name?: unknown }).name));
}
