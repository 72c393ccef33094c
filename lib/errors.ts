/**
 * The small error hierarchy. Outcomes are chosen by class, never by message text.
 */

export class CapacityGuardError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Config file missing, unreadable or invalid. Fatal at cold start. */
export class ConfigError extends CapacityGuardError {}

/** A cluster-autoscaler priorities document that cluster-autoscaler itself would reject. */
export class PrioritiesError extends CapacityGuardError {}

/** The group no longer exists: an action on it counts as done. */
export class GroupNotFoundError extends CapacityGuardError {
  constructor(public readonly groupName: string, options?: { cause?: unknown }) {
    super(`Auto Scaling group not found: ${groupName}`, options);
  }
}

/** AWS refused a write for a reason worth retrying later (throttling after retries, conflicts). */
export class TransientAwsError extends CapacityGuardError {}

/** A schedule (kube-downscaler grammar) that cannot be read; `entry` is the offending comma-separated part. */
export class ScheduleError extends CapacityGuardError {
  constructor(public readonly entry: string, reason: string) {
    super(`schedule entry ${JSON.stringify(entry)}: ${reason}`);
  }
}
