/**
 * Where unmet capacity can go, in cluster-autoscaler's priority order: the failing group's tier
 * peers first, then lower tiers, only groups of the same failover set that are in rotation,
 * each within its MaxSize; spread evenly inside a tier.
 */
import type { GroupView, ClusterSnapshot } from './snapshot';

export interface Placement {
  group: GroupView;
  add: number;
}

export function placeUnmetCapacity(cluster: ClusterSnapshot, failing: GroupView, unmet: number): { placements: Placement[]; leftover: number } {
  const candidates = cluster.groups.filter(
    (group) =>
      group.name !== failing.name &&
      group.failoverSet === failing.failoverSet &&
      group.guard.state === 'healthy' &&
      !group.ignored &&
      group.weighted === null &&
      group.tier !== null &&
      (failing.tier === null || group.tier >= failing.tier) &&
      group.maxSize > group.desiredCapacity,
  );
  const tiers = [...new Set(candidates.map((group) => group.tier as number))].sort((a, b) => a - b);
  const added = new Map<string, number>();
  let leftover = unmet;
  for (const tier of tiers) {
    const members = candidates.filter((group) => group.tier === tier);
    // One node at a time round the tier, so equals share the load.
    let progressed = true;
    while (leftover > 0 && progressed) {
      progressed = false;
      for (const group of members) {
        if (leftover === 0) break;
        const already = added.get(group.name) ?? 0;
        if (group.desiredCapacity + already >= group.maxSize) continue;
        added.set(group.name, already + 1);
        leftover -= 1;
        progressed = true;
      }
    }
    if (leftover === 0) break;
  }
  const placements = candidates.filter((group) => added.has(group.name)).map((group) => ({ group, add: added.get(group.name) ?? 0 }));
  return { placements, leftover };
}
