/**
 * One look at everything retirement decides on: the groups (one paginated Describe), the fallback
 * nodes in EC2 (ages, markets, tags: one DescribeInstances), the current batches' nodes (one tagged
 * lookup), termination hooks of the fallback groups, the account-wide pool table, and failed
 * launches of a group taking replacements.
 */
import { buildSnapshot } from '../failover/snapshot';
import type { GroupView } from '../failover/snapshot';
import type { CallOptions } from '../ports/auto-scaling';
import type { PoolState } from '../ports/pool-signals';
import { isFailedLaunch, isLaunch } from '../parse/scaling-activity';
import { drainEventBusOf } from '../config/spot-schema';
import type { DrainPath } from './actions';
import { retirePolicyOf } from './decide';
import type { RetireDeps } from './deps';
import { type SetGroups, type SetView, retireSets } from './sets';
import { RETIRE_BATCH_TAG } from './tags';

/** `everything`: observe every set even with retirement off (for `capacity-guard status --retire`). */
export async function observeRetirement(deps: RetireDeps, options: CallOptions = {}, everything = false): Promise<SetView[]> {
  const retire = retirePolicyOf(deps.policy);
  const now = deps.now();
  const observed = await deps.autoScaling.describeGroups(
    deps.policy.clusters.map((cluster) => cluster.name),
    options,
  );
  const sets = retireSets(buildSnapshot(observed, deps.policy));
  const busy = sets.filter((set) => set.state?.value.phase === 'replacing' || set.state?.value.phase === 'retiring');
  // Off and nothing under way: no further call (status shows the sets as idle).
  const active = retire.enabled || everything ? sets : busy;
  const instances = new Map(observed.flatMap((group) => group.instances.map((instance) => [instance.instanceId, { group: group.name, instance }] as const)));
  const fallbackIds = active.flatMap((set) =>
    set.fallbackGroups.flatMap((group) => observed.find((o) => o.name === group.name)?.instances.map((i) => i.instanceId) ?? []),
  );
  const ec2 = fallbackIds.length > 0 ? await deps.ec2.describeInstances(fallbackIds, options) : [];
  const byId = new Map(ec2.map((instance) => [instance.instanceId, instance]));
  const batches = busy.map((set) => (set.state!.value as { batch: string }).batch);
  const batchLive = batches.length > 0 ? await deps.ec2.findTagged(RETIRE_BATCH_TAG, batches, options) : [];
  const hooks = new Map<string, boolean>();
  // One DescribeLifecycleHooks per fallback group that has nodes to retire (an empty group needs no drain path).
  for (const group of active.flatMap((set) => set.fallbackGroups)) {
    if (everything || group.live > 0) hooks.set(group.name, (await deps.retire.terminationHooks(group.name, options)).length > 0);
  }
  const pools = new Map<number, PoolState[]>();
  const poolsWithin = async (windowMs: number): Promise<PoolState[]> => {
    if (!pools.has(windowMs)) pools.set(windowMs, await deps.poolSignals.listPools(windowMs, now, options));
    return pools.get(windowMs)!;
  };
  const views: SetView[] = [];
  for (const set of sets) {
    const drainEventBus = drainEventBusOf(deps.policy.spot, set.cluster);
    const drainPaths: Record<string, DrainPath> = Object.fromEntries(
      set.fallbackGroups.map((group) => [group.name, hooks.get(group.name) ? 'hook' : drainEventBus ? 'bus' : 'none']),
    );
    const state = set.state?.value;
    const batch = state && (state.phase === 'replacing' || state.phase === 'retiring') ? state.batch : null;
    const isActive = active.includes(set);
    const windowMs = batch ? Math.max(1000, now.getTime() - Date.parse(batch)) : retire.settleMs;
    const poolSignal = isActive ? (await poolsWithin(windowMs)).some((pool) => touches(pool, set.spotGroups, observed)) : false;
    // Failures of any group of the set count: an on-demand pool failing too means capacity is still short.
    let lastSignalAt = localSignal([...set.spotGroups, ...set.fallbackGroups]);
    if (isActive && state?.phase === 'replacing') {
      // Replacements that cannot launch: the batch stops at the first failure, before the failover's event arrives.
      const activities = await deps.autoScaling.scalingActivities(set.state!.group, new Date(state.batch), options);
      const failed = activities.filter((activity) => isLaunch(activity) && isFailedLaunch(activity)).map((activity) => activity.startTime);
      lastSignalAt = newest([lastSignalAt, ...failed]);
    }
    views.push({
      cluster: set.cluster,
      set: set.set,
      spotGroups: set.spotGroups,
      fallbackGroups: set.fallbackGroups,
      nodes: isActive ? nodesOf(set, instances, byId) : [],
      batchLive: batch ? batchLive.filter((instance) => instance.tags[RETIRE_BATCH_TAG] === batch).map((instance) => instance.instanceId) : [],
      drainPaths,
      drainEventBus,
      lastSignalAt,
      poolSignal,
      state: set.state,
    });
  }
  return views;
}

function nodesOf(
  set: SetGroups,
  instances: Map<string, { group: string; instance: { instanceId: string; lifecycleState: string; instanceType: string | null } }>,
  byId: Map<string, Awaited<ReturnType<RetireDeps['ec2']['describeInstances']>>[number]>,
): SetView['nodes'] {
  const names = new Set(set.fallbackGroups.map((group) => group.name));
  return [...instances.values()]
    .filter(({ group }) => names.has(group))
    .map(({ group, instance }) => {
      const ec2 = byId.get(instance.instanceId);
      return {
        instanceId: instance.instanceId,
        group,
        lifecycleState: instance.lifecycleState,
        market: ec2?.market ?? null,
        instanceType: instance.instanceType ?? ec2?.instanceType ?? null,
        launchTime: ec2?.launchTime ?? null,
        nodeName: ec2?.privateDnsName ?? null,
        ec2State: ec2?.state ?? null,
        tags: ec2?.tags ?? {},
      };
    });
}

/** What capacity-guard's own tags say about the Spot groups: failure, suspension, restore times. */
function localSignal(groups: readonly GroupView[]): string | null {
  return newest(
    groups.flatMap((group) => [
      group.memory.restoredAt,
      group.memory.backoff?.failureAt ?? null,
      group.guard.state === 'suspended' || group.guard.state === 'probing' ? group.guard.since : null,
    ]),
  );
}

/** A Spot pool the set's Spot groups use: one of them lost instances in it, or it is of their zones and instance types. */
function touches(pool: PoolState, spotGroups: readonly GroupView[], observed: Awaited<ReturnType<RetireDeps['autoScaling']['describeGroups']>>): boolean {
  if (pool.pool.market !== 'spot' || pool.interruptions === 0) return false;
  return spotGroups.some((group) => {
    if (pool.groups.includes(group.name)) return true;
    const found = observed.find((candidate) => candidate.name === group.name);
    return !!found && found.availabilityZones.includes(pool.zoneName) && found.instances.some((instance) => instance.instanceType === pool.pool.instanceType);
  });
}

function newest(times: readonly (string | null)[]): string | null {
  const valid = times.filter((time): time is string => time !== null && !Number.isNaN(Date.parse(time)));
  return valid.sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? null;
}
