/** RetirePort against Auto Scaling: DescribeLifecycleHooks, TerminateInstanceInAutoScalingGroup. */
import { type AutoScalingClient, DescribeLifecycleHooksCommand, TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import type { CallOptions } from '../ports/auto-scaling';
import { type RetirePort, TERMINATING_TRANSITION } from '../ports/retire';
import { classify } from './auto-scaling-adapter';

/**
 * "Instance Id not found - No managed instance found for instance ID: i-…" (gone, or already left
 * its group) and an instance already on its way out: done. Anything else (the MinSize refusal,
 * "Currently, desiredSize equals minSize …") is an error the run reports.
 */
const ALREADY_GONE = /not found|No managed instance|is in Terminating|already terminat/i;

export function createRetireAdapter(client: AutoScalingClient): RetirePort {
  const http = (options?: CallOptions) => (options?.abortSignal ? { abortSignal: options.abortSignal } : {});
  return {
    async terminationHooks(groupName, options) {
      try {
        const answer = await client.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: groupName }), http(options));
        return (answer.LifecycleHooks ?? []).filter((hook) => hook.LifecycleTransition === TERMINATING_TRANSITION).map((hook) => hook.LifecycleHookName ?? '');
      } catch (error) {
        throw classify(error, groupName);
      }
    },
    async terminateInGroup(instanceId, decrementDesired, options) {
      try {
        await client.send(
          new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instanceId, ShouldDecrementDesiredCapacity: decrementDesired }),
          http(options),
        );
      } catch (error) {
        if ((error as { name?: string }).name === 'ValidationError' && ALREADY_GONE.test(String((error as Error).message))) return;
        throw classify(error);
      }
    },
  };
}
