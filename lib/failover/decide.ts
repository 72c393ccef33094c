/**
 * decide: (signal, snapshot, policy, now) → actions. Pure and total; no I/O, no clock of its own.
 * Every rule works from observed state and AWS's event times, so a duplicate, late or reordered
 * event decides nothing new.
 */
import type { Policy } from '../config/policy';
import { DOWNSCALER_TAG } from '../vocabulary/downscaler-tags';
import { failureEssence } from '../parse/launch-failure-text';
import { type LaunchFailure, type LaunchSuccess, POOLS_OUT_CODE, type Signal } from '../vocabulary/signals';
import type { Action, Alert, RestoreGroup } from './actions';
import { nextBackoffSeconds } from './backoff';
import { applyGuardRails } from './guard-rails';
import { ESSENTIAL_SUSPENSION_TAG_KEYS, GROUP_TAG_LIMIT, LEGACY_TAG, SUSPENSION_TAG_KEYS, TAG } from '../vocabulary/tags';
import { placeUnmetCapacity } from './placement';
import { type ClusterSnapshot, type GroupView, type Snapshot, findGroup } from './snapshot';
import type { Sizes } from '../vocabulary/sizes';
import { legacyKeysOf, memoryTag, stateRecordOf, unknownFailureKey } from './guard-state';
import { type TagWrite, fitSuspension, guardWrite, withRoom } from './guard-write';

export interface Decision {
  actions: Action[];
  /** Why nothing (more) was done, for logs and `explain`. */
  notes: string[];
}

export function decide(signal: Signal, snapshot: Snapshot, policy: Policy, now: Date): Action[] {
  return decideWithNotes(signal, snapshot, policy, now).actions;
}

export function decideWithNotes(signal: Signal, snapshot: Snapshot, policy: Policy, now: Date): Decision {
  const decision = decideSignal(signal, snapshot, policy, now);
  return { actions: applyGuardRails(decision.actions, snapshot, policy, now), notes: decision.notes };
}

function decideSignal(signal: Signal, snapshot: Snapshot, policy: Policy, now: Date): Decision {
  switch (signal.kind) {
    case 'launch-failure':
      return onLaunchFailure(signal, snapshot, policy);
    case 'launch-success':
      return onLaunchSuccess(signal, snapshot);
    case 'tick':
      return onTick(snapshot, policy, now);
    case 'spot-interruption':
    case 'rebalance-recommendation':
    case 'instance-state-change':
      // The spot pipeline's own (lib/spot); it reaches the core only as launch failures of a storm.
      return note(`${signal.kind} of ${signal.instanceId} is handled by the spot function`);
    default:
      return assertNever(signal);
  }
}

function onLaunchFailure(signal: LaunchFailure, snapshot: Snapshot, policy: Policy): Decision {
  const found = findGroup(snapshot, signal.autoScalingGroupName);
  if (!found) return note(`${signal.autoScalingGroupName} is not a group of a configured cluster`);
  const { cluster, group } = found;
  if (group.ignored) return note(`${group.name} carries ${TAG.ignore}=true`);
  if (group.weighted) return { actions: [weightedAlert(cluster, group)], notes: [`${group.name} counts capacity in ${group.weighted}: not touched`] };
  const at = Date.parse(signal.time);
  const guard = group.guard;
  const restoredAt = group.memory.restoredAt;
  if (restoredAt && at < Date.parse(restoredAt)) return note(`late event: failure at ${signal.time} precedes the restore at ${restoredAt}`);
  switch (guard.state) {
    case 'damaged':
      return note(`${group.name}: ${guard.problem}`);
    case 'healthy':
    case 'released': {
      const saved = guard.state === 'released' ? guard.saved : currentSizes(group);
      if (signal.failure === 'unknown') return countUnknownFailure(signal, cluster, group, policy, saved);
      return suspend(signal, cluster, group, policy, saved);
    }
    case 'suspended': {
      // A failure from before the probe that led to this suspension belongs to the previous cycle.
      if (guard.cycleStart && at < Date.parse(guard.cycleStart)) return note(`late event: failure at ${signal.time} precedes the probe of ${guard.cycleStart}`);
      // One incident is dated by its earliest failure, whatever order the events arrive in.
      if (at < Date.parse(guard.since)) return redateSuspension(signal, cluster, group, policy);
      return { actions: enforceSuspension(cluster, group), notes: [`${group.name} is already out of rotation since ${guard.since}`] };
    }
    case 'probing': {
      if (at < Date.parse(guard.probeStart)) return note(`late event: failure at ${signal.time} precedes the probe started ${guard.probeStart}`);
      // The probe failed: out again, with the original sizes kept and the backoff doubled.
      return suspend(signal, cluster, group, policy, guard.saved);
    }
    default:
      return assertNever(guard);
  }
}

function onLaunchSuccess(signal: LaunchSuccess, snapshot: Snapshot): Decision {
  const found = findGroup(snapshot, signal.autoScalingGroupName);
  if (!found) return note(`${signal.autoScalingGroupName} is not a group of a configured cluster`);
  const { cluster, group } = found;
  const guard = group.guard;
  if (guard.state !== 'probing') return note(`${group.name} is ${guard.state}: a launch success changes nothing`);
  if (Date.parse(signal.time) < Date.parse(guard.probeStart))
    return note(`late event: success at ${signal.time} precedes the probe started ${guard.probeStart}`);
  return { actions: [restore(cluster, group, 'probe-succeeded', signal.time)], notes: [] };
}

/** Time-driven transitions and drift repair, for the scheduled run. */
function onTick(snapshot: Snapshot, policy: Policy, now: Date): Decision {
  const actions: Action[] = [];
  for (const cluster of snapshot.clusters) {
    for (const group of cluster.groups) {
      if (group.ignored) {
        // "Never touch this group" includes not leaving it capped: hand it back once.
        if (group.guard.state === 'suspended' || group.guard.state === 'probing' || group.guard.state === 'released') {
          actions.push(restore(cluster, group, 'operator-released', now.toISOString()));
        }
        continue;
      }
      // A weighted group carrying our state (written before capacity-guard knew better) is left to a person.
      if (group.weighted) {
        if (group.guard.state !== 'healthy') actions.push(weightedAlert(cluster, group));
        continue;
      }
      actions.push(...tickGroup(cluster, group, now, policy));
    }
  }
  return { actions, notes: [] };
}

function tickGroup(cluster: ClusterSnapshot, group: GroupView, now: Date, policy: Policy): Action[] {
  const guard = group.guard;
  switch (guard.state) {
    case 'healthy':
      return [];
    case 'damaged':
      return [
        alert(
          'warning',
          'needs-operator',
          cluster,
          group,
          `${group.name} has damaged capacity-guard tags (${guard.problem}); capacity-guard leaves it alone until a person fixes or deletes them`,
        ),
      ];
    case 'released':
      return [restore(cluster, group, 'operator-released', now.toISOString())];
    case 'probing':
      // The success event was lost, but an instance came up: the probe succeeded.
      if (group.inService > guard.probeBase) return [restore(cluster, group, 'probe-succeeded', now.toISOString())];
      // No failure for a whole backoff period while open: without demand there is no launch to
      // wait for, and a failure would take the group out again within a second.
      if (now.getTime() - Date.parse(guard.probeStart) >= probeWindowMs(group, policy))
        return [restore(cluster, group, 'probe-window-passed', now.toISOString())];
      return enforceProbe(cluster, group, guard.setMax);
    case 'suspended':
      if (guard.until !== null && now.getTime() >= Date.parse(guard.until)) return startProbe(cluster, group, now);
      return enforceSuspension(cluster, group);
    default:
      return assertNever(guard);
  }
}

/** Sizes in vCPUs or MiB: an instance count written there would scale the group in. */
function weightedAlert(cluster: ClusterSnapshot, group: GroupView): Alert {
  return alert(
    'critical',
    'needs-operator',
    cluster,
    group,
    `${group.name} counts its capacity in ${group.weighted} (DesiredCapacityType), capacity-guard in instances: it does not take this group out of rotation or resize it; set DesiredCapacityType to units, or tag it ${TAG.ignore}=true and keep it out of the priority expander's failover path`,
  );
}

function suspend(signal: LaunchFailure, cluster: ClusterSnapshot, group: GroupView, policy: Policy, saved: Sizes): Decision {
  const to = suspendedSizes(group);
  const target = to.desiredCapacity;
  // "Not supported" (type or zone) does not heal with time like capacity does: wait the longest.
  const backoffSeconds = signal.failure === 'unsupported' ? policy.backoff.maxMs / 1000 : nextBackoffSeconds(group.memory, signal.time, policy.backoff);
  const manual = signal.failure === 'configuration';
  const until = manual ? null : new Date(Date.parse(signal.time) + backoffSeconds * 1000).toISOString();
  const reason = describeFailure(signal);
  // A failed probe stays on record: failures from before it are late.
  const probe = group.guard.state === 'probing' ? { start: group.guard.probeStart, base: null } : null;
  const fitted = fitSuspension(
    group,
    guardWrite(group, {
      state: { state: 'suspended', failure: signal.failure, since: signal.time, until, setMax: to.maxSize, probe },
      reason,
      saved,
      memory: { ...group.memory, backoff: { seconds: backoffSeconds, failureAt: signal.time }, unknownFailures: null },
    }),
  );
  const actions: Action[] = [
    {
      kind: 'suspend-group',
      cluster: cluster.policy.name,
      group: group.name,
      tier: group.tier,
      failure: signal.failure,
      reason,
      evidence: signal.origin,
      until,
      backoffSeconds,
      from: currentSizes(group),
      to,
      ...(fitted.removeFirst ? { removeFirst: fitted.removeFirst } : {}),
      tags: fitted.tags,
      removeTags: fitted.removeTags,
    },
  ];
  if (fitted.dropped === 'all') {
    actions.push(
      alert(
        'critical',
        'needs-operator',
        cluster,
        group,
        `${group.name} has no room for capacity-guard's tags (${Object.keys(group.tags).length} of ${GROUP_TAG_LIMIT}): taken out of rotation by its sizes alone, which capacity-guard cannot undo; restore min ${saved.minSize}, desired ${saved.desiredCapacity}, max ${saved.maxSize} by hand once it launches again, and free some tags`,
      ),
    );
  } else if (fitted.dropped === 'extras') {
    actions.push(
      alert(
        'warning',
        'needs-operator',
        cluster,
        group,
        `${group.name} is near the ${GROUP_TAG_LIMIT}-tag limit: its suspension keeps only ${ESSENTIAL_SUSPENSION_TAG_KEYS.join(' and ')} (no ${TAG.reason}); free some tags`,
      ),
    );
  }
  if (manual) {
    actions.push(
      alert(
        'critical',
        'needs-operator',
        cluster,
        group,
        `${group.name} cannot launch because of its configuration (${reason}); it stays out of rotation until a person fixes it and deletes the ${TAG.state} tag (the saved sizes are then restored)`,
      ),
    );
  }
  actions.push(...moveUnmetCapacity(cluster, group, group.desiredCapacity - target));
  return { actions, notes: [] };
}

function redateSuspension(signal: LaunchFailure, cluster: ClusterSnapshot, group: GroupView, policy: Policy): Decision {
  const guard = group.guard;
  if (guard.state !== 'suspended') throw new Error('redateSuspension needs a suspended group');
  const backoffSeconds = group.memory.backoff?.seconds ?? policy.backoff.initialMs / 1000;
  const until = guard.until === null ? null : new Date(Date.parse(signal.time) + backoffSeconds * 1000).toISOString();
  const record = stateRecordOf(guard);
  const sizes = suspendedSizes(group);
  const write = withRoom(
    group,
    guardWrite(group, {
      ...(record ? { state: { ...record, since: signal.time, until } } : {}),
      memory: { ...group.memory, backoff: { seconds: backoffSeconds, failureAt: signal.time } },
    }),
  );
  const enforce: Action = {
    kind: 'enforce-suspension',
    cluster: cluster.policy.name,
    group: group.name,
    tier: group.tier,
    from: currentSizes(group),
    to: sizes,
    ...(write ?? { tags: {} }),
  };
  return {
    actions: write ? [enforce] : [enforce, noRoomAlert(cluster, group, `cannot date its suspension from the earlier failure at ${signal.time}`)],
    notes: [`earlier failure at ${signal.time}: the suspension is dated from it`],
  };
}

function moveUnmetCapacity(cluster: ClusterSnapshot, group: GroupView, unmet: number): Action[] {
  if (unmet <= 0) return [];
  const { placements, leftover } = placeUnmetCapacity(cluster, group, unmet);
  const actions: Action[] = [];
  if (cluster.policy.mode === 'direct') {
    const ordered = placements.slice().sort((a, b) => (a.group.tier ?? 0) - (b.group.tier ?? 0) || a.group.name.localeCompare(b.group.name));
    for (const { group: fallback, add } of ordered) {
      actions.push({
        kind: 'raise-desired',
        cluster: cluster.policy.name,
        group: fallback.name,
        from: fallback.desiredCapacity,
        to: fallback.desiredCapacity + add,
        replacing: group.name,
        tier: fallback.tier,
      });
    }
  }
  if (leftover > 0) {
    const where = cluster.policy.mode === 'direct' ? 'could not be placed' : 'have no group left to go to';
    // In scheduled downtime (issue 6) the fallbacks sit at MaxSize 0 on purpose: worth a warning, not a page.
    const sleeping = DOWNSCALER_TAG.saved in group.tags;
    const why = sleeping ? `; scheduled downtime: the downscaler holds ${group.name} and its fallbacks at their downtime sizes until uptime` : '';
    actions.push(
      alert(
        sleeping ? 'warning' : 'critical',
        'no-fallback-capacity',
        cluster,
        group,
        `${leftover} of ${unmet} node(s) that ${group.name} could not launch ${where}: every fallback group is out of rotation or at MaxSize${why}`,
      ),
    );
  }
  return actions;
}

function countUnknownFailure(signal: LaunchFailure, cluster: ClusterSnapshot, group: GroupView, policy: Policy, saved: Sizes): Decision {
  const previous = group.memory.unknownFailures;
  const at = Date.parse(signal.time);
  const key = unknownFailureKey(signal.activityId ?? signal.time);
  const windowMs = policy.unknownFailures.windowMs;
  if (previous?.keys.includes(key)) return note(`unknown failure ${key} already counted`);
  const sameWindow = previous !== null && Math.abs(at - Date.parse(previous.first)) < windowMs;
  if (previous && !sameWindow && at < Date.parse(previous.first)) return note(`unknown failure at ${signal.time} is older than the current count's window`);
  const keys = sameWindow ? [...previous.keys, key].slice(-policy.unknownFailures.suspendAfter) : [key];
  const first = sameWindow && Date.parse(previous.first) < at ? previous.first : signal.time;
  if (keys.length >= policy.unknownFailures.suspendAfter) return suspend(signal, cluster, group, policy, saved);
  const write = withRoom(group, guardWrite(group, { memory: { ...group.memory, unknownFailures: { first, keys } } }));
  const uncounted = write
    ? null
    : `; not counted: ${group.name} has no room for ${TAG.memory} (${Object.keys(group.tags).length} of ${GROUP_TAG_LIMIT} tags), free some tags`;
  return {
    actions: [
      ...(write ? [{ kind: 'count-unknown-failure' as const, cluster: cluster.policy.name, group: group.name, count: keys.length, ...write }] : []),
      alert(
        'warning',
        'unknown-failure',
        cluster,
        group,
        `${group.name} failed to launch for a reason capacity-guard does not recognise (${keys.length}/${policy.unknownFailures.suspendAfter} before it is taken out of rotation): ${signal.message}${uncounted ?? ''}`,
      ),
    ],
    notes: [],
  };
}

function probeWindowMs(group: GroupView, policy: Policy): number {
  return Math.max(policy.backoff.initialMs, (group.memory.backoff?.seconds ?? 0) * 1000);
}

function enforceSuspension(cluster: ClusterSnapshot, group: GroupView): Action[] {
  const to = suspendedSizes(group);
  if (group.desiredCapacity === to.desiredCapacity && group.maxSize === to.maxSize && group.minSize === to.minSize) return [];
  return [{ kind: 'enforce-suspension', cluster: cluster.policy.name, group: group.name, tier: group.tier, from: currentSizes(group), to, tags: {} }];
}

/** Out of rotation: desired and MaxSize at what runs, MinSize no higher. */
function suspendedSizes(group: GroupView): Sizes {
  const target = runningTarget(group);
  return { minSize: Math.min(group.minSize, target), desiredCapacity: target, maxSize: target };
}

/** A probe whose MaxSize write was lost: write it again. */
function enforceProbe(cluster: ClusterSnapshot, group: GroupView, probeMax: number | null): Action[] {
  if (probeMax === null || group.maxSize === probeMax || probeMax < group.desiredCapacity) return [];
  const to: Sizes = { ...currentSizes(group), maxSize: probeMax };
  return [{ kind: 'enforce-suspension', cluster: cluster.policy.name, group: group.name, tier: group.tier, from: currentSizes(group), to, tags: {} }];
}

function startProbe(cluster: ClusterSnapshot, group: GroupView, now: Date): Action[] {
  const guard = group.guard;
  if (guard.state !== 'suspended') throw new Error('startProbe needs a suspended group');
  const current = Math.max(group.desiredCapacity, group.live);
  // A group that was already full before the failure has no room for a probe: bring it back whole.
  if (guard.saved.maxSize <= current) return [restore(cluster, group, 'probe-succeeded', now.toISOString())];
  const to: Sizes = { minSize: group.minSize, desiredCapacity: group.desiredCapacity, maxSize: current + 1 };
  const { failure, since, until } = guard;
  const write = withRoom(
    group,
    guardWrite(group, {
      state: { state: 'probing', failure, since, until, setMax: to.maxSize, probe: { start: now.toISOString(), base: group.live } },
    }),
  );
  // A probe its tags do not record could never be told from the suspension: the group stays out until a person makes room.
  if (!write) return [...enforceSuspension(cluster, group), noRoomAlert(cluster, group, 'cannot start its probe and stays out of rotation')];
  return [{ kind: 'start-probe', cluster: cluster.policy.name, group: group.name, tier: group.tier, from: currentSizes(group), to, ...write }];
}

/** A write the group's 50 tags cannot take even with the previous release's spare keys deleted first: none is sent. */
function noRoomAlert(cluster: ClusterSnapshot, group: GroupView, consequence: string): Alert {
  return alert(
    'critical',
    'needs-operator',
    cluster,
    group,
    `${group.name} has no room for capacity-guard's tags (${Object.keys(group.tags).length} of ${GROUP_TAG_LIMIT}): it ${consequence}; free some tags, or delete ${TAG.state} to bring it back with its saved sizes`,
  );
}

function restore(cluster: ClusterSnapshot, group: GroupView, why: RestoreGroup['why'], at: string): RestoreGroup {
  const guard = group.guard;
  if (guard.state === 'healthy' || guard.state === 'damaged') throw new Error('restore needs a group with saved sizes');
  const saved = guard.saved;
  const memory = { ...group.memory, restoredAt: at, unknownFailures: null };
  const legacy = legacyKeysOf(group.tags);
  // The restore time goes first (later failures than it are new, earlier ones late), with the sizes still kept.
  const first = memoryTag(group.name, saved, memory) ?? '';
  const after = memoryTag(group.name, null, memory);
  return {
    kind: 'restore-group',
    cluster: cluster.policy.name,
    group: group.name,
    tier: group.tier,
    why,
    from: currentSizes(group),
    to: {
      minSize: saved.minSize,
      maxSize: saved.maxSize,
      desiredCapacity: Math.min(saved.maxSize, Math.max(group.desiredCapacity, saved.minSize)),
    },
    ...restoreFirstWrite(
      group,
      first,
      [...SUSPENSION_TAG_KEYS, ...legacy.filter((key) => key !== LEGACY_TAG.savedSizes)].filter((key) => key in group.tags),
    ),
    afterSizes: {
      tags: after === null ? {} : { [TAG.memory]: after },
      removeTags: [...(after === null && TAG.memory in group.tags ? [TAG.memory] : []), ...legacy.filter((key) => key === LEGACY_TAG.savedSizes)],
    },
  };
}

/** The restore time with the sizes still kept, where it fits; else only the deletions (the memory follows once they made room). */
function restoreFirstWrite(group: GroupView, memory: string, removeTags: string[]): TagWrite {
  return withRoom(group, { tags: { [TAG.memory]: memory }, removeTags }) ?? { tags: {}, removeTags };
}

/** What actually runs, never below what is in service. */
function runningTarget(group: GroupView): number {
  return Math.max(group.inService, Math.min(group.desiredCapacity, group.live));
}

function currentSizes(group: GroupView): Sizes {
  return { minSize: group.minSize, desiredCapacity: group.desiredCapacity, maxSize: group.maxSize };
}

/**
 * `capacity: InsufficientInstanceCapacity (spot eu-west-3a)`. Where a person must act (configuration,
 * unsupported, unknown) the code alone does not say what to fix: the EC2 message's essential words follow it.
 */
function describeFailure(signal: LaunchFailure): string {
  // Pools out: the message is the evidence (the pools, and the group or account each was seen on).
  if (signal.errorCode === POOLS_OUT_CODE && signal.message.trim()) return `${signal.failure}: ${signal.message.trim()}`;
  const where = [signal.market, signal.instanceType, signal.availabilityZone].filter(Boolean).join(' ');
  const healsWithTime = signal.failure === 'capacity' || signal.failure === 'quota' || signal.failure === 'price';
  const essence = signal.message.trim() ? failureEssence(signal.message) : '';
  const words = healsWithTime || !essence || essence === signal.errorCode ? null : essence;
  const what = [signal.errorCode, words].filter(Boolean).join(': ') || 'launch failed';
  return `${signal.failure}: ${what}${where ? ` (${where})` : ''}`;
}

function alert(severity: Alert['severity'], code: Alert['code'], cluster: ClusterSnapshot, group: GroupView | null, message: string): Alert {
  return { kind: 'alert', severity, code, cluster: cluster.policy.name, group: group?.name ?? null, message };
}

function note(text: string): Decision {
  return { actions: [], notes: [text] };
}

function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
