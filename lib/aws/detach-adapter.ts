/** DetachPort against Auto Scaling: DetachInstances, 20 ids a call (the API's limit). */
import { type AutoScalingClient, DetachInstancesCommand } from '@aws-sdk/client-auto-scaling';
import type { CallOptions } from '../ports/auto-scaling';
import { DETACH_MAX_IDS, type DetachPort } from '../ports/detach';
import { classify } from './auto-scaling-adapter';

/**
 * "The instance i-… is not part of Auto Scaling group …": already detached (or gone) counts as done.
 * "The instance i-… is not in InService or Standby": AWS detaches only those; one such instance
 * (Pending, Terminating) refuses the whole call, so the others go one by one and it is skipped.
 */
const NOT_DETACHABLE = /is not part of Auto Scaling group|not in service|not found|is not in InService or Standby/i;

export function createDetachAdapter(client: AutoScalingClient): DetachPort {
  const detach = async (groupName: string, ids: string[], decrement: boolean, options?: CallOptions): Promise<void> => {
    try {
      await client.send(
        new DetachInstancesCommand({ AutoScalingGroupName: groupName, InstanceIds: ids, ShouldDecrementDesiredCapacity: decrement }),
        options?.abortSignal ? { abortSignal: options.abortSignal } : {},
      );
    } catch (error) {
      const code = (error as { name?: string }).name;
      if (code !== 'ValidationError' || !NOT_DETACHABLE.test(String((error as Error).message))) throw classify(error, groupName);
      // The API refuses the whole call for one id that already left: detach the others one by one.
      if (ids.length === 1) return;
      for (const id of ids) await detach(groupName, [id], decrement, options);
    }
  };
  return {
    async detachInstances(groupName, instanceIds, shouldDecrementDesiredCapacity = false, options) {
      const ids = [...new Set(instanceIds)];
      for (let start = 0; start < ids.length; start += DETACH_MAX_IDS)
        await detach(groupName, ids.slice(start, start + DETACH_MAX_IDS), shouldDecrementDesiredCapacity, options);
    },
  };
}
