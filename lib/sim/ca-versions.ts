/**
 * Which cluster-autoscaler the simulator models, and where each modelled behaviour comes from.
 * Every citation is a file and function of kubernetes/autoscaler (cluster-autoscaler/…) at the
 * tag named in CA_SOURCE: the model is written from CA's code, not from its docs.
 */

/** `1.36`: today's CA (every release since 1.24 behaves as it does on AWS). `1.23`: CA as the operators ran it in 2020. */
export const CA_VERSIONS = ['1.36', '1.23'] as const;
export type CaVersion = (typeof CA_VERSIONS)[number];

export const CA_SOURCE: Record<CaVersion, string> = {
  '1.36': 'kubernetes/autoscaler tag cluster-autoscaler-1.36.1',
  '1.23': 'kubernetes/autoscaler tag cluster-autoscaler-1.23.1',
};

export const CA_LABEL: Record<CaVersion, string> = {
  '1.36': "CA 1.36 (today's: early abort since 1.24)",
  '1.23': 'CA 1.23 (as run in 2020: timers only)',
};

/** The behaviours that differ between the versions, each with its source. */
export interface CaBehaviours {
  /** A Failed scaling activity newer than CA's last resize makes the group's placeholders unfulfillable (since 1.24, PR #4489). */
  earlyAbort: boolean;
  /** Upcoming nodes of a group with no scale-up request or in backoff do not count as capacity on the way. */
  skipUpcomingOfBackedOff: boolean;
  /** A timed-out scale-up is reverted by DecreaseTargetSize (refused while the cache lists placeholders). */
  revertTimedOutScaleUp: boolean;
  /** A scale-up that completes clears the group's backoff. */
  successClearsBackoff: boolean;
  /** Removing long-unregistered nodes ends the loop: no scale-up before the next one. */
  removalSkipsIteration: boolean;
  /** Deleting placeholders sets desired to the instances AWS reports (1.36) rather than decreasing it by one per placeholder (1.23). */
  placeholderDeleteSetsActiveCount: boolean;
}

export const CA_BEHAVIOURS: Record<CaVersion, CaBehaviours> = {
  '1.36': {
    earlyAbort: true,
    skipUpcomingOfBackedOff: true,
    revertTimedOutScaleUp: true,
    successClearsBackoff: false,
    removalSkipsIteration: false,
    placeholderDeleteSetsActiveCount: true,
  },
  '1.23': {
    earlyAbort: false,
    skipUpcomingOfBackedOff: false,
    revertTimedOutScaleUp: false,
    successClearsBackoff: true,
    removalSkipsIteration: true,
    placeholderDeleteSetsActiveCount: false,
  },
};

/** What each behaviour of the model does and where CA does it; printed with every report. */
export const CA_BEHAVIOUR_SOURCES: { behaviour: string; versions: readonly CaVersion[]; source: string }[] = [
  {
    behaviour:
      'ASG cache regenerated when older than refreshInterval (1 min), at the start of a main loop; its first refresh falls at a random phase of the scenario',
    versions: ['1.36', '1.23'],
    source:
      'cloudprovider/aws/aws_manager.go: refreshInterval, AwsManager.Refresh/forceRefresh; core/static_autoscaler.go: RunOnce (CloudProvider.Refresh first)',
  },
  {
    behaviour: 'a group whose desired exceeds its instances gets placeholder instances for the missing ones',
    versions: ['1.36', '1.23'],
    source: 'cloudprovider/aws/auto_scaling_groups.go: asgCache.regenerate → createPlaceholdersForDesiredNonStartedInstances',
  },
  {
    behaviour: "early abort: a Failed scaling activity that started after CA's own last resize marks the placeholders placeholder-cannot-be-fulfilled",
    versions: ['1.36'],
    source:
      'cloudprovider/aws/auto_scaling_groups.go: createPlaceholdersForDesiredNonStartedInstances → isNodeGroupAvailable (DescribeScalingActivities vs asg.lastUpdateTime set in setAsgSizeNoLock); aws_cloud_provider.go: AwsNodeGroup.Nodes (OutOfResources error)',
  },
  {
    behaviour: 'unfulfillable placeholders of a group that is scaling up back it off and shrink its scale-up request, in the loop of the refresh',
    versions: ['1.36'],
    source: 'clusterstate/clusterstate.go: updateClusterStateRegistry → handleInstanceCreationErrorsForNodeGroup → RegisterFailedScaleUp',
  },
  {
    behaviour: 'unfulfillable placeholders are deleted (desired back to the instances AWS reports) and the next loop refreshes the cache',
    versions: ['1.36'],
    source:
      'core/static_autoscaler.go: deleteCreatedNodesWithErrors; cloudprovider/aws/auto_scaling_groups.go: asgCache.DeleteInstances; aws_manager.go: AwsManager.DeleteInstances (lastRefresh set back by refreshInterval)',
  },
  {
    behaviour:
      'the next scale-up comes in the loop of the abort (before the forced refresh, so the next loop sees its failure); in 1.23 a loop that removed unregistered nodes ends there and the scale-up waits for the next loop',
    versions: ['1.36', '1.23'],
    source:
      'core/static_autoscaler.go: RunOnce (1.36: deleteCreatedNodesWithErrors, then GetUpcomingNodes and the scale-up; 1.23: "Some unregistered nodes were removed, skipping iteration")',
  },
  {
    behaviour: 'a scale-up request expects its nodes within max-node-provision-time; adding nodes to a waiting group restarts that timer',
    versions: ['1.36', '1.23'],
    source: 'clusterstate/clusterstate.go: registerOrUpdateScaleUpNoLock (ExpectedAddTime)',
  },
  {
    behaviour: 'a request past its ExpectedAddTime times out: the group is backed off',
    versions: ['1.36', '1.23'],
    source: 'clusterstate/clusterstate.go: updateScaleRequests (ScaleUpTimedOut → RegisterFailedScaleUp)',
  },
  {
    behaviour: "a timed-out scale-up is reverted with DecreaseTargetSize, which refuses while the cache lists placeholders (they count as the group's nodes)",
    versions: ['1.36'],
    source: 'clusterstate/clusterstate.go: updateScaleRequests; cloudprovider/aws/aws_cloud_provider.go: AwsNodeGroup.DecreaseTargetSize',
  },
  {
    behaviour:
      'each placeholder has its own timer from the loop it was first seen; past max-node-provision-time it is LongUnregistered and no longer counts as upcoming',
    versions: ['1.36', '1.23'],
    source: 'clusterstate/clusterstate.go: getNotRegisteredNodes, updateUnregisteredNodes, updateReadinessStats, calculateUpcomingNodesInNodeGroup',
  },
  {
    behaviour:
      'LongUnregistered placeholders are deleted (no backoff), down to MinSize, and the next loop refreshes the cache; placeholders are named by index, so the ones left after a deletion inherit the timers of the deleted names',
    versions: ['1.36', '1.23'],
    source: 'core/static_autoscaler.go: removeOldUnregisteredNodes; cloudprovider/aws/auto_scaling_groups.go: asgCache.DeleteInstances',
  },
  {
    behaviour: 'upcoming nodes of a group with no scale-up request or in backoff are not counted, so the pods look unhelped at once',
    versions: ['1.36'],
    source: 'clusterstate/clusterstate.go: GetUpcomingNodes',
  },
  {
    behaviour: "a completed scale-up clears the group's backoff",
    versions: ['1.23'],
    source: 'clusterstate/clusterstate.go (1.23): updateScaleRequests (RemoveBackoff)',
  },
  {
    behaviour:
      'node-group backoff: 5 min, doubled on each failure after the last backoff ended, at most 30 min, forgotten 3 h after the last failure; failures during a backoff restart it without doubling',
    versions: ['1.36', '1.23'],
    source:
      'utils/backoff/exponential_backoff.go: Backoff, RemoveStaleBackoffData; config/flags/flags.go: --initial-node-group-backoff-duration, --max-node-group-backoff-duration, --node-group-backoff-reset-timeout',
  },
  {
    behaviour:
      'scale-up: backed-off groups and groups whose cached desired is at MaxSize are skipped; the highest priority wins, ties at random (seeded); one group per loop',
    versions: ['1.36', '1.23'],
    source:
      'core/scaleup/orchestrator/orchestrator.go: ScaleUp (NodeGroupScaleUpSafety, currentTargetSize >= MaxSize); expander/priority/priority.go: BestOptions, then the random expander',
  },
  {
    behaviour: 'a resize that AWS refuses (e.g. above a MaxSize the cache has not seen yet) is a failed scale-up: backoff',
    versions: ['1.36', '1.23'],
    source: 'core/scaleup/orchestrator/executor.go: executeScaleUp (RegisterFailedScaleUp); cloudprovider/aws/aws_cloud_provider.go: AwsNodeGroup.IncreaseSize',
  },
];

/** CA's flags as the model uses them (milliseconds). */
export interface CaParameters {
  scanInterval: number;
  maxNodeProvisionTime: number;
  initialBackoff: number;
  maxBackoff: number;
  backoffResetAfter: number;
  cacheRefresh: number;
}

export const CA_DEFAULTS: Record<CaVersion, CaParameters> = {
  '1.36': {
    scanInterval: 10_000,
    maxNodeProvisionTime: 15 * 60_000,
    initialBackoff: 5 * 60_000,
    maxBackoff: 30 * 60_000,
    backoffResetAfter: 3 * 3_600_000,
    cacheRefresh: 60_000,
  },
  // The operators' 2020 setting: "We've reduced the cluster-autoscaler fallback timeout to 5 minutes" (background/operator-story.txt).
  '1.23': {
    scanInterval: 10_000,
    maxNodeProvisionTime: 5 * 60_000,
    initialBackoff: 5 * 60_000,
    maxBackoff: 30 * 60_000,
    backoffResetAfter: 3 * 3_600_000,
    cacheRefresh: 60_000,
  },
};

export const CA_PARAMETER_SOURCES: Record<keyof CaParameters, string> = {
  scanInterval: '--scan-interval, default 10s (config/flags/flags.go, config.DefaultScanInterval)',
  maxNodeProvisionTime: '--max-node-provision-time, default 15m (config/flags/flags.go); the operators ran 5m in 2020 (the 1.23 baseline uses that)',
  initialBackoff: '--initial-node-group-backoff-duration, default 5m (config/flags/flags.go)',
  maxBackoff: '--max-node-group-backoff-duration, default 30m (config/flags/flags.go)',
  backoffResetAfter: '--node-group-backoff-reset-timeout, default 3h (config/flags/flags.go)',
  cacheRefresh: 'refreshInterval = 1 min, not a flag (cloudprovider/aws/aws_manager.go)',
};

/** Not modelled, said with every report. */
export const CA_NOT_MODELLED = [
  'scale-down in the capacity-guard and baseline runs (on-demand nodes stay to the end); only the on-demand retirement runs add it (lib/sim/ca-scale-down.ts)',
  'balancing of similar groups, node-template mismatches, pods counted one by one (demand is in whole nodes)',
  "fixNodeGroupSize (it acts on a size mismatch only after max-node-provision-time; the placeholders' own timers act first here)",
  'the "cluster unhealthy" pause (IsClusterHealthy) and the young-pod delay (filterOutYoungPods, default 0 s)',
  "groups listed with --nodes: CA keeps its own min/max for them and never adopts the ASG's MaxSize (auto_scaling_groups.go: register), so a capacity-guard cap acts only through AWS refusing the resize; the model reads MaxSize as for auto-discovered groups",
];

export function isCaVersion(value: string): value is CaVersion {
  return (CA_VERSIONS as readonly string[]).includes(value);
}
