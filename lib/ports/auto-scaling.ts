/**
 * The port through which the act layer talks to Auto Scaling. Domain names, no SDK types:
 * the adapter (lib/aws) implements it against AWS or moto, the behavioural fake
 * (lib/fakes) implements it in memory for scenarios and the simulator.
 */

export interface CallOptions {
  /** Aborted shortly before the Lambda times out (middy's `context.signal`). */
  abortSignal?: AbortSignal;
}

export type LifecycleState = string; // 'Pending' | 'Pending:Wait' | 'InService' | 'Terminating' | ...

export interface ObservedInstance {
  instanceId: string;
  lifecycleState: LifecycleState;
  availabilityZone: string;
  instanceType: string | null;
  healthStatus: string;
}

/**
 * What a group launches, as DescribeAutoScalingGroups tells it (lib/pools turns it into pools).
 * Source: SDK AutoScalingGroup / MixedInstancesPolicy / InstancesDistribution (OnDemandBaseCapacity
 * default 0, OnDemandPercentageAboveBaseCapacity default 100).
 */
export interface GroupLaunch {
  /** Instance types the mixed instances policy's overrides name; empty: the launch template's one. */
  instanceTypes: string[];
  /** The market of all its capacity; 'mixed' for an on-demand/Spot split; null: the template's (not read). */
  market: 'spot' | 'on-demand' | 'mixed' | null;
  /** The group's AZ IDs when AWS reports them (same physical zone in every account). */
  availabilityZoneIds: string[];
  /** False for a launch configuration (LaunchInstances takes launch templates only). */
  launchTemplate: boolean;
}

/** One ASG as DescribeAutoScalingGroups reports it. */
export interface ObservedGroup {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  instances: ObservedInstance[];
  tags: Record<string, string>;
  createdTime: string; // ISO-8601
  availabilityZones: string[];
  /** What it launches; absent when not known (hand-built views): its pools are then unknown. */
  launch?: GroupLaunch;
}

export interface ScalingActivity {
  activityId: string;
  autoScalingGroupName: string;
  statusCode: string; // 'Failed' | 'Cancelled' | 'Successful' | 'InProgress' | ...
  statusMessage: string;
  cause: string;
  description: string;
  startTime: string; // ISO-8601
  /** The activity's Details JSON as text, e.g. {"Subnet ID":"…","Availability Zone":"eu-west-3a"}. */
  details: string;
}

export interface GroupSizes {
  minSize?: number;
  maxSize?: number;
  desiredCapacity?: number;
}

export interface AutoScalingPort {
  /**
   * Groups carrying `k8s.io/cluster-autoscaler/enabled=true` and the tag key
   * `k8s.io/cluster-autoscaler/<cluster>` of at least one of `clusterNames`
   * (DescribeAutoScalingGroups with Filters, every page).
   */
  describeGroups(clusterNames: readonly string[], options?: CallOptions): Promise<ObservedGroup[]>;
  /**
   * Groups carrying `k8s.io/cluster-autoscaler/enabled=true` and at least one of `tagKeys`, whatever
   * their cluster (DescribeAutoScalingGroups with a tag-key filter, every page). The downscaler finds
   * groups with their own schedule tags this way. Optional so that hand-written ports in tests
   * need not implement it; the AWS adapter and the fake do.
   */
  describeGroupsWithTagKeys?(tagKeys: readonly string[], options?: CallOptions): Promise<ObservedGroup[]>;
  /** UpdateAutoScalingGroup with only the given sizes. */
  updateSizes(groupName: string, sizes: GroupSizes, options?: CallOptions): Promise<void>;
  /** SetDesiredCapacity, HonorCooldown=false. */
  setDesiredCapacity(groupName: string, desired: number, options?: CallOptions): Promise<void>;
  /** CreateOrUpdateTags on the group, PropagateAtLaunch=false. */
  putTags(groupName: string, tags: Record<string, string>, options?: CallOptions): Promise<void>;
  /** DeleteTags on the group (keys only). */
  deleteTags(groupName: string, keys: readonly string[], options?: CallOptions): Promise<void>;
  /** DescribeScalingActivities for one group, newest first, started at or after `since`. */
  scalingActivities(groupName: string, since: Date, options?: CallOptions): Promise<ScalingActivity[]>;
}
