/**
 * What received marks do to this account's groups, through the pool logic (lib/pools): a group
 * every pool of which is out leaves rotation through the failover's own suspension (its guard
 * rails included: inferred evidence is budgeted and never takes the last group of a failover set);
 * a group with pools left gets a warning only. Remote evidence alone is weaker than the group's own
 * failure, so (a) only a group in rotation is taken out (lib/pools does that); (b) the backoff
 * memory is left as it was (no escalation) and the group comes back when the earliest of its
 * pools' marks ends; (c) only suspensions and alerts are kept: nothing is raised. Pure.
 */
import type { Policy } from '../config/policy';
import type { Action, EnforceSuspension, SuspendGroup } from '../failover/actions';
import { decideInOrder } from '../failover/decide-in-order';
import { type Snapshot, findGroup } from '../failover/snapshot';
import { memoryTag, readGuardState, stateRecordOf, stateTag } from '../failover/guard-state';
import { poolOutSignals } from '../pools/decide';
import { poolsOfGroup } from '../pools/group-pools';
import { liveOuts, sameZonePool } from '../pools/pool-out';
import type { ObservedGroup } from '../ports/auto-scaling';
import type { PoolOut } from '../ports/pool-signals';
import { poolId } from '../vocabulary/pool-key';
import { TAG, tagValue } from '../vocabulary/tags';
import type { EndedMark } from './marks';

export interface GroupPartlyOut {
  group: string;
  out: PoolOut[];
  left: string[];
}

export function remoteReason(outs: readonly PoolOut[]): string {
  const remote = outs.filter((out) => out.account !== null);
  const first = remote[0] ?? outs[0]!;
  const others = outs.length > 1 ? ` and ${outs.length - 1} more pool(s)` : '';
  const accounts = [...new Set(remote.map((out) => out.account))].join(', ');
  return `capacity: every pool out, per account ${accounts} (${first.evidence} in ${poolId(first.pool)}${others})`;
}

/** The group's pools and the live mark of each, the longest of this account's and others' (undefined: not out). */
function poolMarks(group: ObservedGroup, live: readonly PoolOut[], zoneIds: ReadonlyMap<string, string>) {
  return (poolsOfGroup(group, zoneIds) ?? []).map((pool) => ({
    pool,
    out: live
      .filter((out) => sameZonePool(out, pool))
      .reduce<PoolOut | undefined>((kept, out) => (kept && Date.parse(kept.until) >= Date.parse(out.until) ? kept : out), undefined),
  }));
}

/** Groups some (not all) of whose pools another account marked out: warned about, never moved. */
export function groupsPartlyOut(
  observed: readonly ObservedGroup[],
  outs: readonly PoolOut[],
  now: Date,
  zoneIds: ReadonlyMap<string, string>,
): GroupPartlyOut[] {
  const live = liveOuts(outs, now);
  return observed.flatMap((group) => {
    const marks = poolMarks(group, live, zoneIds);
    const out = marks.flatMap((entry) => (entry.out ? [entry.out] : []));
    if (!out.some((entry) => entry.account !== null) || out.length === marks.length) return [];
    return [
      {
        group: group.name,
        out,
        left: marks.filter((entry) => !entry.out).map((entry) => `${entry.pool.instanceType} ${entry.pool.market} ${entry.pool.zoneId ?? entry.pool.zoneName}`),
      },
    ];
  });
}

/** Suspensions (and the guard rails' alerts) for groups in rotation all of whose pools are out, another account's evidence among them. */
export function suspensionsForRemote(
  snapshot: Snapshot,
  observed: readonly ObservedGroup[],
  outs: readonly PoolOut[],
  policy: Policy,
  now: Date,
  zoneIds: ReadonlyMap<string, string>,
): Action[] {
  const live = liveOuts(outs, now);
  const byName = new Map(observed.map((group) => [group.name, group]));
  const signals = poolOutSignals(snapshot, observed, live, now, zoneIds).flatMap((signal) => {
    const group = byName.get(signal.autoScalingGroupName);
    const marks = group ? poolMarks(group, live, zoneIds).flatMap((entry) => (entry.out ? [entry.out] : [])) : [];
    return marks.some((out) => out.account !== null) ? [{ item: marks, signal }] : [];
  });
  const { decided } = decideInOrder(signals, snapshot, policy, now);
  return decided.flatMap(({ item, signal, actions }) =>
    actions.flatMap((action): Action[] => {
      if (action.kind === 'alert') return [action];
      if (action.kind === 'suspend-group' && 'autoScalingGroupName' in signal && action.group === signal.autoScalingGroupName)
        return [asRemoteSuspension(action, item, snapshot)];
      return [];
    }),
  );
}

/** The suspension with the pools' end as its resume time, their reason, and the group's backoff memory as it was. */
function asRemoteSuspension(action: SuspendGroup, outs: readonly PoolOut[], snapshot: Snapshot): SuspendGroup {
  const until = outs.reduce((a, b) => (a.until < b.until ? a : b)).until;
  const reason = remoteReason(outs);
  const group = findGroup(snapshot, action.group)?.group;
  const written = group ? readGuardState({ ...group.tags, ...action.tags }, group.name) : null;
  const record = written ? stateRecordOf(written) : null;
  const since = record?.since ?? until;
  const tags = { ...action.tags };
  // Only what the failover fitted into the group's 50 tags is rewritten.
  if (record && TAG.state in tags) tags[TAG.state] = stateTag({ ...record, until });
  if (TAG.reason in tags) tags[TAG.reason] = tagValue(reason);
  if (group && written?.state === 'suspended' && TAG.memory in tags) {
    const memory = memoryTag(group.name, written.saved, { ...group.memory, unknownFailures: null });
    if (memory !== null) tags[TAG.memory] = memory;
  }
  return {
    ...action,
    reason,
    until,
    backoffSeconds: Math.max(0, Math.round((Date.parse(until) - Date.parse(since)) / 1000)),
    tags,
  };
}

/**
 * A suspension that rested on another account's marks resumes when its origin says the pool is
 * back: a group still suspended with the very end one of its pools' ended marks had (to the
 * second: the state tag keeps whole seconds) is re-dated to now, and the next reconcile opens its
 * probe as after any suspension. A group that failed by itself since has another end and waits.
 * Batch-scoped: a recovery that is redelivered finds its mark already ended and changes nothing,
 * so a lost re-date leaves the group to its own end (at most the mark's lifetime). Pure.
 */
export function resumeEarly(
  snapshot: Snapshot,
  observed: readonly ObservedGroup[],
  ended: readonly EndedMark[],
  now: Date,
  zoneIds: ReadonlyMap<string, string>,
): EnforceSuspension[] {
  if (ended.length === 0) return [];
  const sameSecond = (a: string, b: string) => Math.floor(Date.parse(a) / 1000) === Math.floor(Date.parse(b) / 1000);
  return observed.flatMap((group): EnforceSuspension[] => {
    const view = findGroup(snapshot, group.name)?.group;
    if (!view || view.ignored || view.guard.state !== 'suspended' || view.guard.until === null) return [];
    const until = view.guard.until;
    if (Date.parse(until) <= now.getTime()) return [];
    const pools = poolsOfGroup(group, zoneIds) ?? [];
    const rested = ended.some(({ out, endedFrom }) => sameSecond(endedFrom, until) && pools.some((pool) => sameZonePool(out, pool)));
    const record = stateRecordOf(view.guard);
    if (!rested || !record) return [];
    const sizes = { minSize: view.minSize, desiredCapacity: view.desiredCapacity, maxSize: view.maxSize };
    return [
      {
        kind: 'enforce-suspension',
        cluster: view.cluster,
        group: view.name,
        tier: view.tier,
        from: sizes,
        to: sizes,
        tags: { [TAG.state]: stateTag({ ...record, until: now.toISOString() }) },
      },
    ];
  });
}
