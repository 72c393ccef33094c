/**
 * After a batch of launch events, under the same lease: the pools out of the account are read (one
 * Scan); on a group's own capacity failure, the other groups of its tier are probed with
 * LaunchInstances (lib/pools/probe-tier.ts, when a launcher is wired); the capacity failures and
 * the probe's errors mark their pools out (one BatchWriteItem per 25 pools); every group whose
 * pools are all out leaves rotation through the core's decide. Nothing more is called when the
 * batch holds no capacity failure that names a pool: the hot path stays one Describe.
 */
import { actDecided, logDecided } from '../failover/act-or-print';
import { decideInOrder } from '../failover/decide-in-order';
import type { LaunchBatchFollowUp } from '../failover/run';
import type { CallOptions } from '../ports/auto-scaling';
import type { PoolOut, PoolSignalStore } from '../ports/pool-signals';
import type { AppDeps } from '../run/deps';
import { writeGate } from '../run/gate';
import { evidenceSince, poolOutSignals } from './decide';
import { DEFAULT_POOL_OUT_MS, foldLocalMarks, liveOuts, poolsOutOfFailure, sameZonePool } from './pool-out';
import { probeTier } from './probe-tier';
import { type GroupPool, poolsOfGroup } from './group-pools';
import type { LaunchInstancesPort } from '../ports/launch-instances';
import type { ObservedGroup } from '../ports/auto-scaling';
import type { Snapshot } from '../failover/snapshot';
import type { Signal } from '../vocabulary/signals';

export interface PoolsDeps {
  store: PoolSignalStore;
  /** LaunchInstances: on the first capacity failure in a tier, its other groups are probed (lib/pools/probe-tier.ts). Absent: no probe. */
  launcher?: LaunchInstancesPort;
  /** How long a pool stays out after its last capacity failure (config `pools.outFor`). */
  outForMs?: number;
}

export function actOnPoolsAfterLaunchEvents(deps: AppDeps, pools: PoolsDeps): LaunchBatchFollowUp {
  return async ({ signals, observed, snapshot, phantom }, options: CallOptions) => {
    const byName = new Map(observed.map((group) => [group.name, group]));
    const lifetime = pools.outForMs ?? DEFAULT_POOL_OUT_MS;
    const marked: { item: number; outs: PoolOut[] }[] = signals.flatMap(({ item, signal }) => {
      if (signal.kind !== 'launch-failure') return [];
      const outs = poolsOutOfFailure(signal, byName.get(signal.autoScalingGroupName), lifetime);
      return outs.length ? [{ item, outs }] : [];
    });
    const none = { actions: [], result: { done: [], failed: [] }, retry: [] };
    if (marked.length === 0) return none;
    const outs = marked.flatMap((entry) => entry.outs);
    const writes = writeGate(deps.policy, true).writes;
    const retry = marked.map((entry) => entry.item);
    try {
      // Read before writing: the batch's own marks are added in memory.
      const known = await pools.store.listPoolsOut(deps.now(), options);
      // The kill switch stops the probe too: it launches instances.
      if (writes && deps.policy.enabled && pools.launcher && (deps.policy.pools?.probeTiers ?? true)) {
        for (const probe of tiersToProbe(signals, snapshot, observed, [...known, ...outs], deps.now())) {
          // A probe that fails (throttled, refused) only loses what it would have learnt.
          const found = await probeTier(
            probe.groups,
            { unmet: probe.groups.length, perCall: 1 },
            pools.launcher,
            probe.token,
            deps.now(),
            lifetime,
            options,
          ).catch((error: unknown) => {
            deps.log.warn('tier probe (LaunchInstances) failed: the tier is learnt group by group', { error: String(error) });
            return null;
          });
          if (!found) continue;
          deps.metrics.count('pools.tier-probe-calls', found.calls);
          outs.push(...found.outs);
        }
      }
      if (writes) await pools.store.recordPoolsOut(foldLocalMarks(known, outs, deps.now()), options);
      deps.metrics.count('pools.marked-out', outs.length);
      const inferred = poolOutSignals(snapshot, observed, [...known, ...outs], deps.now());
      if (inferred.length === 0) return none;
      const { decided } = decideInOrder(
        inferred.map((signal) => ({ item: signal.autoScalingGroupName, signal })),
        snapshot,
        deps.policy,
        deps.now(),
      );
      const actions = decided.flatMap((entry) => entry.actions);
      logDecided(actions, deps);
      const result = await actDecided(actions, deps, options, phantom);
      return { actions, result, retry: result.failed.length > 0 ? retry : [] };
    } catch (error) {
      // The batch's own actions are done; its capacity failures come back to mark the pools again.
      deps.log.warn('pools out not recorded or not acted on: the records are retried', { error: String(error) });
      return { ...none, retry };
    }
  };
}

/**
 * For each tier with a group's own capacity failure in the batch: the tier's other groups still in
 * rotation with a pool not known out. One probe per tier and batch; the token is the first
 * failure's activity (or time), so a redelivered batch launches nothing twice.
 */
function tiersToProbe(
  signals: readonly { signal: Signal }[],
  snapshot: Snapshot,
  observed: readonly ObservedGroup[],
  known: readonly PoolOut[],
  now: Date,
): { groups: ObservedGroup[]; token: string }[] {
  const live = liveOuts(known, now);
  const byName = new Map(observed.map((group) => [group.name, group]));
  const probes = new Map<string, { groups: ObservedGroup[]; token: string }>();
  for (const { signal } of signals) {
    if (signal.kind !== 'launch-failure' || signal.failure !== 'capacity' || (signal.origin !== 'event' && signal.origin !== 'scaling-activity')) continue;
    const cluster = snapshot.clusters.find((candidate) => candidate.groups.some((group) => group.name === signal.autoScalingGroupName));
    const failed = cluster?.groups.find((group) => group.name === signal.autoScalingGroupName);
    if (!cluster || !cluster.policy.enabled || !failed || failed.tier === null) continue;
    const key = `${cluster.policy.name}#${failed.tier}`;
    if (probes.has(key)) continue;
    // Probing groups too: their probe is what the tier probe answers at once (lib/pools/decide.ts).
    const groups = cluster.groups
      .filter((view) => view.tier === failed.tier && view.name !== failed.name && !view.ignored && evidenceSince(view.guard) !== null)
      .flatMap((view) => {
        const group = byName.get(view.name);
        const groupPools = group ? poolsOfGroup(group) : null;
        const since = evidenceSince(view.guard)!;
        const known = (pool: GroupPool) => live.some((out) => sameZonePool(out, pool) && Date.parse(out.seenAt) >= since);
        return group && groupPools && groupPools.some((pool) => !known(pool)) ? [group] : [];
      });
    if (groups.length) probes.set(key, { groups, token: signal.activityId ?? String(Date.parse(signal.time)) });
  }
  return [...probes.values()];
}
