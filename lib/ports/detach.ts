/** Auto Scaling's DetachInstances, for the spot function (kept apart from the core's AutoScalingPort). */
import type { CallOptions } from './auto-scaling';

/** "You can specify up to 20 instances" (DetachInstances API reference). */
export const DETACH_MAX_IDS = 20;

export interface DetachPort {
  /**
   * DetachInstances with ShouldDecrementDesiredCapacity=false unless told: the group launches a
   * replacement at once. Chunks of 20 ids per call.
   */
  detachInstances(groupName: string, instanceIds: readonly string[], shouldDecrementDesiredCapacity?: boolean, options?: CallOptions): Promise<void>;
}
