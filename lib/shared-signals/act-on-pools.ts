/**
 * What received marks do to this account's groups. A group every pool of which is marked out
 * leaves rotation through the failover's own suspension (its guard rails included), as a capacity
 * failure of the group; a group with pools left gets a warning only. Remote evidence alone is
 * weaker than the group's own failure, so (a) only a group in rotation (healthy, or released by
 * hand) is taken out, never one already suspended or probing; (b) the backoff memory is left as it
 * was (no escalation) and the group comes back when the earliest of its pools' marks ends; (c) only
 * the suspension and alerts are kept: nothing else is raised. Pure.
 */
import type { Policy } from '../config/policy';
import type { Action, SuspendGroup } from '../failover/actions';
import { decideInOrder } from '../failover/decide-in-order';
import type { Snapshot } from '../failover/snapshot';
import { type PoolKey, poolId } from '../vocabulary/pool-key';
import type { RemoteMark } from '../vocabulary/shared-signal';
import type { LaunchFailure } from '../vocabulary/signals';
import { TAG, tagValue } from '../vocabulary/tags';

export interface GroupOut {
  group: string;
  cluster: string;
  /** The live mark of each of the group's pools (the latest-ending when several accounts marked it). */
  marks: RemoteMark[];
}

export interface GroupPartlyOut {
  group: string;
  cluster: string;
  out: RemoteMark[];
  left: PoolKey[];
}

export function groupsOutOfPools(snapshot: Snapshot, poolsByGroup: ReadonlyMap<string, readonly PoolKey[]>, live: readonly RemoteMark[]): { out: GroupOut[]; partly: GroupPartlyOut[] } {
  const byPool = new Map<string, RemoteMark>();
  for (const mark of live) {
    const seen = byPool.get(poolId(mark.pool));
    if (!seen || seen.until < mark.until) byPool.set(poolId(mark.pool), mark);
  }
  const out: GroupOut[] = [];
  const partly: GroupPartlyOut[] = [];
  for (const cluster of snapshot.clusters) {
    for (const group of cluster.groups) {
      const pools = poolsByGroup.get(group.name) ?? [];
      const marks = pools.flatMap((pool) => byPool.get(poolId(pool)) ?? []);
      if (marks.length === 0) continue;
      if (marks.length === pools.length) out.push({ group: group.name, cluster: cluster.policy.name, marks });
      else partly.push({ group: group.name, cluster: cluster.policy.name, out: marks, left: pools.filter((pool) => !byPool.has(poolId(pool))) });
    }
  }
  return { out, partly };
}

export function remoteReason(marks: readonly RemoteMark[]): string {
  const first = marks[0]!;
  const others = marks.length > 1 ? ` and ${marks.length - 1} more pool(s)` : '';
  const accounts = [...new Set(marks.map((mark) => mark.originAccount))].join(', ');
  return `capacity: every pool out per account ${accounts} (${first.kind} in ${poolId(first.pool)}${others}), remote evidence`;
}

/** The suspensions (and the guard rails' alerts) for groups entirely out; nothing for groups already out. */
export function suspensionsForRemote(out: readonly GroupOut[], snapshot: Snapshot, policy: Policy, now: Date): Action[] {
  const inRotation = out.filter((entry) => {
    const state = snapshot.clusters.flatMap((cluster) => cluster.groups).find((group) => group.name === entry.group)?.guard.state;
    return state === 'healthy' || state === 'released';
  });
  const items = inRotation.map((entry) => ({ item: entry, signal: asFailure(entry) }));
  const { decided } = decideInOrder(items, snapshot, policy, now);
  return decided.flatMap(({ item, actions }) =>
    actions.flatMap((action): Action[] => {
      if (action.kind === 'alert') return [action];
      if (action.kind === 'suspend-group' && action.group === item.group) return [asRemoteSuspension(action, item)];
      return [];
    }),
  );
}

function asFailure(entry: GroupOut): LaunchFailure {
  const latest = entry.marks.reduce((a, b) => (a.lastSeen > b.lastSeen ? a : b));
  return {
    kind: 'launch-failure',
    autoScalingGroupName: entry.group,
    availabilityZone: null,
    instanceType: latest.pool.instanceType,
    market: latest.pool.market,
    failure: 'capacity',
    message: remoteReason(entry.marks),
    errorCode: null,
    time: latest.lastSeen,
    activityId: null,
    origin: 'event',
  };
}

function asRemoteSuspension(action: SuspendGroup, entry: GroupOut): SuspendGroup {
  const until = entry.marks.reduce((a, b) => (a.until < b.until ? a : b)).until;
  const reason = remoteReason(entry.marks);
  const since = action.tags[TAG.since] ?? until;
  const { [TAG.backoff]: _kept, ...tags } = action.tags;
  return { ...action, reason, until, backoffSeconds: Math.max(0, Math.round((Date.parse(until) - Date.parse(since)) / 1000)), tags: { ...tags, [TAG.reason]: tagValue(reason), [TAG.until]: until } };
}
