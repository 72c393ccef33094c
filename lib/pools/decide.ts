/**
 * Act on pools: every group in rotation whose pools are all out leaves rotation at once, through
 * the core's own path (a launch-failure signal, so the same suspension, backoff and probe); a
 * group with a pool left stays. A probing group counts too, on evidence seen since its probe
 * opened (older marks are what the probe tests): its probe has failed, as if it had failed itself.
 * Without this, groups whose backoffs end together open their probes together, and
 * cluster-autoscaler tries them one by one while the pools are still known out. Own evidence (launch failures in this account) gives origin
 * `pool`; anything inferred (a storm, another account) gives `inferred`, which the change budget
 * counts (lib/failover/evidence-budget.ts). Pure.
 */
import type { Snapshot } from '../failover/snapshot';
import type { ObservedGroup } from '../ports/auto-scaling';
import type { PoolOut } from '../ports/pool-signals';
import { type LaunchFailure, POOLS_OUT_CODE } from '../vocabulary/signals';
import type { GuardState } from '../failover/guard-state';
import { describePool, poolsOfGroup } from './group-pools';
import { liveOuts, sameZonePool } from './pool-out';

/** A reason fits a 256-character tag; the message is for logs and Slack. */
const SHOWN_POOLS = 4;

export function poolOutSignals(
  snapshot: Snapshot,
  observed: readonly ObservedGroup[],
  outs: readonly PoolOut[],
  now: Date,
  zoneIds?: ReadonlyMap<string, string>,
): LaunchFailure[] {
  const live = liveOuts(outs, now);
  if (live.length === 0) return [];
  const byName = new Map(observed.map((group) => [group.name, group]));
  const signals: LaunchFailure[] = [];
  for (const cluster of snapshot.clusters) {
    for (const view of cluster.groups) {
      const since = evidenceSince(view.guard);
      if (view.ignored || since === null) continue;
      const group = byName.get(view.name);
      const pools = group ? poolsOfGroup(group, zoneIds) : null;
      if (!pools || pools.length === 0) continue;
      const evidence = pools.map((pool) => ({ pool, out: live.find((out) => sameZonePool(out, pool) && Date.parse(out.seenAt) >= since) }));
      if (evidence.some(({ out }) => out === undefined)) continue;
      const found = evidence.map(({ pool, out }) => ({ pool, out: out! }));
      const inferred = found.some(({ out }) => out.account !== null || out.source === 'interruption-storm' || out.source === 'remote');
      const latest = found.reduce((max, { out }) => (Date.parse(out.seenAt) > Date.parse(max) ? out.seenAt : max), found[0]!.out.seenAt);
      // Remote evidence first, and the accounts named before the pools: a reason tag keeps 256 characters.
      const ordered = [...found].sort((a, b) => Number(b.out.account !== null) - Number(a.out.account !== null));
      const shown = ordered.slice(0, SHOWN_POOLS).map(({ pool, out }) => `${describePool(pool)}: ${out.evidence} ${whereSeen(out)}`);
      const more = found.length > SHOWN_POOLS ? ` and ${found.length - SHOWN_POOLS} more` : '';
      const accounts = [...new Set(found.flatMap(({ out }) => (out.account ? [out.account] : [])))];
      const per = accounts.length ? ` per account ${accounts.join(', ')}${found.some(({ out }) => !out.account) ? ' and this account' : ''}` : '';
      signals.push({
        kind: 'launch-failure',
        autoScalingGroupName: view.name,
        availabilityZone: null,
        instanceType: null,
        market: found[0]!.pool.market,
        failure: 'capacity',
        message: `all ${found.length} pool(s) out${per}: ${shown.join('; ')}${more}`,
        errorCode: POOLS_OUT_CODE,
        time: latest,
        activityId: null,
        origin: inferred ? 'inferred' : 'pool',
      });
    }
  }
  return signals;
}

/** Marks seen from when count for a group: any for a group in rotation, those since its probe opened for a probing group; null: pool knowledge leaves the group alone. */
export function evidenceSince(guard: GuardState): number | null {
  if (guard.state === 'healthy' || guard.state === 'released') return Number.NEGATIVE_INFINITY;
  return guard.state === 'probing' ? Date.parse(guard.probeStart) : null;
}

function whereSeen(out: PoolOut): string {
  const where = out.account ? `account ${out.account}` : out.group ? out.group : out.source;
  return `(seen on ${where})`;
}
