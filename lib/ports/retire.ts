/**
 * What on-demand retirement needs from Auto Scaling beyond the core's port: which groups have a
 * termination lifecycle hook (so the cluster's handler drains a node before it goes), and the
 * targeted termination cluster-autoscaler itself uses. Adapter: lib/aws/retire-adapter.ts;
 * fake: lib/fakes/fake-auto-scaling.ts.
 */
import type { CallOptions } from './auto-scaling';

export const TERMINATING_TRANSITION = 'autoscaling:EC2_INSTANCE_TERMINATING';

export interface RetirePort {
  /** DescribeLifecycleHooks: names of the group's hooks on autoscaling:EC2_INSTANCE_TERMINATING. */
  terminationHooks(groupName: string, options?: CallOptions): Promise<string[]>;
  /**
   * TerminateInstanceInAutoScalingGroup for one instance. With `decrementDesired`, the group's desired
   * goes down by one and no replacement is launched; AWS refuses it (ValidationError) below MinSize.
   * Scale-in protection does not stop it; a termination hook does hold it (Terminating:Wait).
   * An instance already terminating or gone counts as done.
   */
  terminateInGroup(instanceId: string, decrementDesired: boolean, options?: CallOptions): Promise<void>;
}
