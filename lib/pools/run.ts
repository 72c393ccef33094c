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
import type { PoolEvidence } from '../ports/shared-signals';
import type { AppDeps } from '../run/deps';
import { writeGate } from '../run/gate';
import { evidenceSince, poolOutSignals } from './decide';
import {
  DEFAULT_POOL_OUT_MS,
  evidenceOfLaunches,
  evidenceOfOuts,
  evidenceOfProbeSuccesses,
  foldLocalMarks,
  liveOuts,
  poolsOutOfFailure,
  sameZonePool,
} from './pool-out';
import { probeTier } from './probe-tier';
import { type GroupPool, poolsOfGroup } from './group-pools';
import type { LaunchInstancesPort } from '../ports/launch-instances';
import type { ObservedGroup } from '../ports/auto-scaling';
import type { Snapshot } from '../failover/snapshot';
import { LaunchInstancesUnavailableError } from '../vocabulary/errors';
import type { Signal } from '../vocabulary/signals';

export interface PoolsDeps {
  store: PoolSignalStore;
  /** LaunchInstances: on the first capacity failure in a tier, its other groups are probed (lib/pools/probe-tier.ts). Absent: no probe. */
  launcher?: LaunchInstancesPort;
  /** How long a pool stays out after its last capacity failure (config `pools.outFor`). */
  outForMs?: number;
  /**
   * Zone name → AZ ID of this account: another account's marks name zones by AZ ID only, so a
   * group in several zones is matched to them through it. Read only when such a mark is live.
   */
  zoneIds?: (options?: CallOptions) => Promise<ReadonlyMap<string, string>>;
}

export function actOnPoolsAfterLaunchEvents(deps: AppDeps, pools: PoolsDeps): LaunchBatchFollowUp {
  // Once the endpoint says it has no LaunchInstances, no probe is sent again from this container.
  let launcherUnavailable = false;
  return async ({ signals, observed, snapshot, phantom }, options: CallOptions) => {
    const byName = new Map(observed.map((group) => [group.name, group]));
    const lifetime = pools.outForMs ?? DEFAULT_POOL_OUT_MS;
    const marked: { item: number; outs: PoolOut[] }[] = signals.flatMap(({ item, signal }) => {
      if (signal.kind !== 'launch-failure') return [];
      const outs = poolsOutOfFailure(signal, byName.get(signal.autoScalingGroupName), lifetime);
      return outs.length ? [{ item, outs }] : [];
    });
    // A probe that launched: a pool this account may have told others was out ("recovered").
    const recovered = evidenceOfProbeSuccesses(
      signals.map(({ signal }) => signal),
      observed,
    );
    const none = { actions: [], result: { done: [], failed: [] }, retry: [], evidence: recovered };
    if (marked.length === 0) return none;
    const outs = marked.flatMap((entry) => entry.outs);
    const writes = writeGate(deps.policy, true).writes;
    const retry = marked.map((entry) => entry.item);
    // What the tier probe learns is shared with other accounts (the batch's own failures already are):
    // its capacity errors, and its launches ("recovered", sent only for pools this account had published out).
    const probed: PoolOut[] = [];
    const up: PoolEvidence[] = [];
    try {
      // Read before writing: the batch's own marks are added in memory.
      const known = await pools.store.listPoolsOut(deps.now(), options);
      const zoneIds = await zoneIdsFor(known, deps.now(), pools, options);
      // The kill switch stops the probe too: it launches instances.
      if (writes && deps.policy.enabled && pools.launcher && !launcherUnavailable && (deps.policy.pools?.probeTiers ?? true)) {
        for (const probe of tiersToProbe(signals, snapshot, observed, [...known, ...outs], deps.now(), zoneIds)) {
          // A probe that fails (throttled, refused) only loses what it would have learnt.
          const found = await probeTier(probe.groups, { unmet: probe.unmet, perCall: 1 }, pools.launcher, probe.token, deps.now(), lifetime, options).catch(
            (error: unknown) => {
              if (error instanceof LaunchInstancesUnavailableError) {
                deps.metrics.count('pools.tier-probe-unavailable');
                if (!launcherUnavailable)
                  deps.log.warn('LaunchInstances is not available or not permitted here: no tier probe until the next cold start', { error: String(error) });
                launcherUnavailable = true;
                return null;
              }
              deps.metrics.count('pools.tier-probe-failed');
              deps.log.warn('tier probe (LaunchInstances) failed: the tier is learnt group by group', { error: String(error) });
              return null;
            },
          );
          if (launcherUnavailable) break;
          if (!found) continue;
          deps.metrics.count('pools.tier-probe-calls', found.calls);
          outs.push(...found.outs);
          probed.push(...found.outs);
          up.push(...found.launched.flatMap((entry) => evidenceOfLaunches(entry.pools, entry.group, deps.now())));
        }
      }
      if (writes) await pools.store.recordPoolsOut(foldLocalMarks(known, outs, deps.now()), options);
      deps.metrics.count('pools.marked-out', outs.length);
      const inferred = poolOutSignals(snapshot, observed, [...known, ...outs], deps.now(), zoneIds);
      const evidence = [...recovered, ...evidenceOfOuts(probed), ...up];
      if (inferred.length === 0) return { ...none, evidence };
      const { decided } = decideInOrder(
        inferred.map((signal) => ({ item: signal.autoScalingGroupName, signal })),
        snapshot,
        deps.policy,
        deps.now(),
      );
      const actions = decided.flatMap((entry) => entry.actions);
      logDecided(actions, deps);
      const result = await actDecided(actions, deps, options, phantom);
      return { actions, result, retry: result.failed.length > 0 ? retry : [], evidence };
    } catch (error) {
      // The batch's own actions are done; its capacity failures come back to mark the pools again.
      deps.log.warn('pools out not recorded or not acted on: the records are retried', { error: String(error) });
      return { ...none, retry, evidence: [...recovered, ...evidenceOfOuts(probed), ...up] };
    }
  };
}

/** Nodes a group wants and does not run (desired less its Pending and InService instances), as observed before the batch. */
function unmetNodes(group: ObservedGroup | undefined): number {
  if (!group) return 0;
  return group.desiredCapacity - group.instances.filter((instance) => /^(Pending|InService)/.test(instance.lifecycleState)).length;
}

/** The zone map when a live mark names its zone by AZ ID alone (another account's); a failed read only loses those matches. */
async function zoneIdsFor(known: readonly PoolOut[], now: Date, pools: PoolsDeps, options: CallOptions): Promise<ReadonlyMap<string, string> | undefined> {
  if (!pools.zoneIds || !liveOuts(known, now).some((out) => out.zoneName === null)) return undefined;
  return pools.zoneIds(options).catch(() => undefined);
}

/**
 * For each tier with a group's own capacity failure in the batch: the tier's other groups still in
 * rotation with a pool not known out. One probe per tier and batch; the token is the first
 * failure's activity (or time), so a redelivered batch launches nothing twice. A probe launches at
 * most as many nodes as the failing group could not (its desired less what runs, at least one),
 * one per group: what launches serves those pending pods, so capacity is never ordered beyond them
 * by more than one node per failure batch and tier, even when failures repeat.
 */
function tiersToProbe(
  signals: readonly { signal: Signal }[],
  snapshot: Snapshot,
  observed: readonly ObservedGroup[],
  known: readonly PoolOut[],
  now: Date,
  zoneIds?: ReadonlyMap<string, string>,
): { groups: ObservedGroup[]; token: string; unmet: number }[] {
  const live = liveOuts(known, now);
  const byName = new Map(observed.map((group) => [group.name, group]));
  const probes = new Map<string, { groups: ObservedGroup[]; token: string; unmet: number }>();
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
        const groupPools = group ? poolsOfGroup(group, zoneIds) : null;
        const since = evidenceSince(view.guard)!;
        const known = (pool: GroupPool) => live.some((out) => sameZonePool(out, pool) && Date.parse(out.seenAt) >= since);
        return group && groupPools && groupPools.some((pool) => !known(pool)) ? [group] : [];
      });
    const unmet = Math.min(groups.length, Math.max(1, unmetNodes(byName.get(failed.name))));
    if (groups.length) probes.set(key, { groups, token: signal.activityId ?? String(Date.parse(signal.time)), unmet });
  }
  return [...probes.values()];
}
