/**
 * The failover sets retirement works on, from the core's snapshot: per cluster and failover set
 * (capacity-guard/failover-set, `default` when absent), the groups of the set's best tier in the
 * expander's priorities are its Spot groups, the groups of lower tiers its on-demand fallbacks.
 * Pure.
 */
import type { GroupView, Snapshot } from '../failover/snapshot';
import type { Market } from '../vocabulary/signals';
import type { DrainPath } from './actions';
import { RETIRE_TAG, type RetireState, readRetireState } from './tags';

export interface FallbackNode {
  instanceId: string;
  group: string;
  /** The Auto Scaling lifecycle state (InService, Terminating:Wait, ...). */
  lifecycleState: string;
  /** From EC2 (InstanceLifecycle); null when EC2 did not describe it. */
  market: Market | null;
  instanceType: string | null;
  launchTime: string | null;
  nodeName: string | null;
  /** EC2's state (pending, running, shutting-down, terminated); null when EC2 did not describe it. */
  ec2State: string | null;
  tags: Record<string, string>;
}

export interface SetView {
  cluster: string;
  set: string;
  spotGroups: GroupView[];
  fallbackGroups: GroupView[];
  /** Instances of the fallback groups as Auto Scaling lists them, with what EC2 says of them. */
  nodes: FallbackNode[];
  /** Instances of the current batch that are still running (EC2), in a group or not. */
  batchLive: string[];
  /** Per fallback group. */
  drainPaths: Record<string, DrainPath>;
  drainEventBus: string | null;
  /** The newest capacity signal touching the set that capacity-guard knows of (local tags, failed launches), ISO. */
  lastSignalAt: string | null;
  /** A pool signal (Spot interruptions in the account-wide table) touches the set's pools within the window asked. */
  poolSignal: boolean;
  /** The state tag, and the group carrying it (the newest when several do). */
  state: { group: string; value: RetireState } | null;
}

export interface SetGroups {
  cluster: string;
  set: string;
  spotGroups: GroupView[];
  fallbackGroups: GroupView[];
  state: SetView['state'];
}

/** Sets that have both Spot groups and fallbacks; ignored groups are left out. */
export function retireSets(snapshot: Snapshot): SetGroups[] {
  const sets: SetGroups[] = [];
  for (const cluster of snapshot.clusters) {
    const bySet = new Map<string, GroupView[]>();
    for (const group of cluster.groups) {
      if (group.ignored || group.tier === null) continue;
      bySet.set(group.failoverSet, [...(bySet.get(group.failoverSet) ?? []), group]);
    }
    for (const [set, groups] of [...bySet].sort(([a], [b]) => a.localeCompare(b))) {
      const best = Math.min(...groups.map((group) => group.tier!));
      const spotGroups = groups.filter((group) => group.tier === best);
      const fallbackGroups = groups.filter((group) => group.tier !== best);
      if (fallbackGroups.length === 0) continue;
      sets.push({ cluster: cluster.policy.name, set, spotGroups, fallbackGroups, state: stateOf(groups) });
    }
  }
  return sets;
}

function stateOf(groups: readonly GroupView[]): SetView['state'] {
  const states = groups.flatMap((group) => {
    const value = readRetireState(group.tags[RETIRE_TAG]);
    return value ? [{ group: group.name, value }] : [];
  });
  const at = (state: RetireState): number => {
    switch (state.phase) {
      case 'replacing':
      case 'retiring':
        return Date.parse(state.batch);
      case 'done':
      case 'aborted':
        return Date.parse(state.at);
      case 'damaged':
        return Number.POSITIVE_INFINITY;
    }
  };
  return states.sort((a, b) => at(b.value) - at(a.value))[0] ?? null;
}
