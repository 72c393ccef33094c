/**
 * What decide sees: every managed group of every configured cluster, as observed, with
 * capacity-guard's tags decoded and cluster-autoscaler's failover order applied. Pure.
 */
import { clusterOf } from '../cluster-autoscaler/tags';
import type { ClusterPolicy, Policy } from '../config/policy';
import type { ObservedGroup } from '../ports/auto-scaling';
import { failoverOrder } from '../cluster-autoscaler/expander';
import { TAG } from '../vocabulary/tags';
import { type GuardMemory, type GuardState, readGuardMemory, readGuardState } from './guard-state';

const DEFAULT_FAILOVER_SET = 'default';

export interface GroupView {
  name: string;
  cluster: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  /** Instances that exist and are not leaving: Pending* and InService. */
  live: number;
  inService: number;
  /** Index in the cluster's tiers (0 = highest priority), null when the expander never prefers it. */
  tier: number | null;
  failoverSet: string;
  ignored: boolean;
  /**
   * The unit of a weighted group (`vcpu`, `memory-mib`), null when it counts instances.
   * capacity-guard's sizes are instance counts: it never writes a weighted group's sizes.
   */
  weighted: string | null;
  guard: GuardState;
  memory: GuardMemory;
  tags: Record<string, string>;
}

export interface ClusterSnapshot {
  policy: ClusterPolicy;
  /** Group names, highest priority first. */
  tiers: string[][];
  groups: GroupView[];
}

export interface Snapshot {
  clusters: ClusterSnapshot[];
}

export function buildSnapshot(observed: readonly ObservedGroup[], policy: Policy): Snapshot {
  const byCluster = new Map<string, ObservedGroup[]>();
  for (const group of observed) {
    const cluster = clusterOf(group.tags, policy.clusters, { enabledOnly: true });
    if (cluster) byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), group]);
  }
  return {
    clusters: policy.clusters.map((clusterPolicyEntry) => {
      const groups = (byCluster.get(clusterPolicyEntry.name) ?? []).slice().sort((a, b) => a.name.localeCompare(b.name));
      const order = failoverOrder(
        clusterPolicyEntry.rules,
        groups.map((group) => group.name),
      );
      const tierOf = new Map(order.tiers.flatMap((members, index) => members.map((name) => [name, index] as const)));
      return {
        policy: clusterPolicyEntry,
        tiers: order.tiers,
        groups: groups.map((group) => toView(group, clusterPolicyEntry.name, tierOf.get(group.name) ?? null)),
      };
    }),
  };
}

export function findGroup(snapshot: Snapshot, name: string): { cluster: ClusterSnapshot; group: GroupView } | null {
  for (const cluster of snapshot.clusters) {
    const group = cluster.groups.find((candidate) => candidate.name === name);
    if (group) return { cluster, group };
  }
  return null;
}

export function toView(group: ObservedGroup, cluster: string, tier: number | null): GroupView {
  const live = group.instances.filter((instance) => /^(Pending|InService)/.test(instance.lifecycleState)).length;
  const inService = group.instances.filter((instance) => instance.lifecycleState === 'InService').length;
  return {
    name: group.name,
    cluster,
    minSize: group.minSize,
    maxSize: group.maxSize,
    desiredCapacity: group.desiredCapacity,
    live,
    inService,
    tier,
    failoverSet: group.tags[TAG.failoverSet] || DEFAULT_FAILOVER_SET,
    ignored: group.tags[TAG.ignore] === 'true',
    weighted: group.desiredCapacityType && group.desiredCapacityType !== 'units' ? group.desiredCapacityType : null,
    guard: readGuardState(group.tags, group.name),
    memory: readGuardMemory(group.tags),
    tags: { ...group.tags },
  };
}
