/**
 * The downscaler's pure decision: (observed groups, policy, now) → actions and notes.
 *
 * Which groups: those of clusters marked `staging` in the config, and any group carrying its own
 * schedule tag (capacity-guard/uptime or /downtime). Groups carrying only our saved-sizes tag are
 * looked at too, so a group we left down is brought back even after its schedule was removed.
 *
 * Which schedule: kube-downscaler's precedence (README: the resource's own annotations first, then
 * the namespace's, then the defaults; the first level that has one wins): a group with either
 * schedule tag uses its tags alone (the missing one defaults to always / never); otherwise its
 * cluster's config. `force-uptime=true` wins over both.
 *
 * The operator-change rule: while down, a group's sizes are min = desired = max = the size we set
 * (cluster-autoscaler cannot move them). Sizes that are neither that nor the saved sizes were
 * changed by someone: they are never overwritten. During downtime the group is left as is; at
 * uptime the downscaler drops its tags and leaves the sizes (a `scheduled-release`, notified).
 * Sizes equal to the saved sizes within LOST_WRITE_WINDOW_MS of the scale-down (tag
 * capacity-guard/downscaler-since) mean our size write was lost: it is written again. Later, they
 * mean an operator put the group back by hand (the usual sizes are right there in the saved tag):
 * left as they are, like any other change by hand. At uptime only the tags are dropped.
 */
import { clusterOf } from '../cluster-autoscaler/tags';
import { CLUSTER_DEFAULTS, type ClusterDownscalerPolicy, DOWNSCALER_OFF, type DownscalerPolicy } from '../config/downscaler-schema';
import type { Policy } from '../config/policy';
import { readGuardState } from '../failover/guard-state';
import { ScheduleError } from '../vocabulary/errors';
import type { ObservedGroup } from '../ports/auto-scaling';
import { type Schedule, isUp } from '../schedule/schedule';
import { ALWAYS, NEVER, type TimeSpec, parseTimeSpec } from '../schedule/spec';
import type { DownscalerAction, DownscalerNote, DownscalerNoteReason } from './actions';
import { summarizeDownscaler } from './actions';
import { DOWNSCALER_TAG, readExcludeUntil } from '../vocabulary/downscaler-tags';
import { type Sizes, readCount, readSignedSizes, signedSizesTag } from '../vocabulary/sizes';

export interface DownscalerDecision {
  actions: DownscalerAction[];
  notes: DownscalerNote[];
}

/**
 * How long after a scale-down sizes still equal to the saved ones count as our lost write (retried
 * by the next two 5-minute runs) rather than an operator's. If every run fails for longer, the
 * group stays up: the safe side.
 */
export const LOST_WRITE_WINDOW_MS = 15 * 60_000;

type Wanted = { up: true; why: 'schedule' | 'excluded' | 'force-uptime' } | { up: false; schedule: string };
type Skip = { note: string; reason: DownscalerNoteReason };
type Outcome = { action: DownscalerAction } | Skip | null;

export function decideDownscaler(groups: readonly ObservedGroup[], policy: Policy, now: Date): DownscalerDecision {
  const downscaler = policy.downscaler ?? DOWNSCALER_OFF;
  const decision: DownscalerDecision = { actions: [], notes: [] };
  if (!downscaler.enabled) return decision;
  for (const group of [...groups].sort((a, b) => a.name.localeCompare(b.name))) {
    const cluster = downscalerClusterOf(group, policy);
    const outcome = decideGroup(group, cluster, policy, downscaler, now);
    if (outcome === null) continue;
    if ('note' in outcome) decision.notes.push({ cluster, group: group.name, reason: outcome.reason, note: outcome.note });
    else if (!policy.enabled)
      decision.notes.push({ cluster, group: group.name, reason: 'kill-switch', note: `kill switch on: not done: ${summarizeDownscaler(outcome.action)}` });
    else decision.actions.push(outcome.action);
  }
  return decision;
}

/** The group's cluster: a configured one whose discovery tag it carries, else the first cluster tag it has, else `-`. */
export function downscalerClusterOf(group: ObservedGroup, policy: Policy): string {
  return clusterOf(group.tags, policy.clusters, { anyTagged: true }) ?? '-';
}

function decideGroup(group: ObservedGroup, cluster: string, policy: Policy, downscaler: DownscalerPolicy, now: Date): Outcome {
  const tags = group.tags;
  const clusterPolicy = downscaler.clusters[cluster] ?? CLUSTER_DEFAULTS;
  const hasScheduleTag = DOWNSCALER_TAG.uptime in tags || DOWNSCALER_TAG.downtime in tags;
  const down = DOWNSCALER_TAG.saved in tags;
  if (!clusterPolicy.staging && !hasScheduleTag && !down) return null; // not ours
  if (policy.clusters.find((entry) => entry.name === cluster)?.enabled === false)
    return { reason: 'cluster-disabled', note: `cluster ${cluster} is disabled in the config` };
  // The failover owns the group's sizes while its state tags are there; two writers would fight.
  const failover = readGuardState(tags, group.name).state;
  if (failover !== 'healthy') return { reason: 'failover', note: `failover in progress (${failover}): left to the failover` };

  const wanted = wantedState(group, clusterPolicy, downscaler, now, hasScheduleTag);
  if ('note' in wanted) return down ? { ...wanted, note: `${wanted.note}; left down` } : wanted;
  const current = sizesOf(group);
  return down ? whileDown(group, cluster, current, wanted, now) : whileUp(group, cluster, current, wanted, clusterPolicy, downscaler, now);
}

function wantedState(
  group: ObservedGroup,
  clusterPolicy: ClusterDownscalerPolicy,
  downscaler: DownscalerPolicy,
  now: Date,
  hasScheduleTag: boolean,
): Wanted | Skip {
  const tags = group.tags;
  const exclusion = exclusionOf(group, clusterPolicy, downscaler, now);
  // A tag we cannot read leaves the group as it is, up or down, until someone fixes it.
  if (exclusion?.reason === 'invalid-tag') return exclusion;
  // An exclusion ends our management; a group we had taken down comes back rather than stay stranded.
  if (exclusion) return DOWNSCALER_TAG.saved in tags ? { up: true, why: 'excluded' } : exclusion;
  const force = readFlag(DOWNSCALER_TAG.forceUptime, tags);
  if (typeof force === 'object') return force;
  if (force) return { up: true, why: 'force-uptime' };
  const schedule = hasScheduleTag ? scheduleFromTags(tags) : clusterPolicy.schedule;
  if ('note' in schedule) return schedule;
  if (isUp(schedule, now)) return { up: true, why: 'schedule' };
  return { up: false, schedule: describeSchedule(schedule) };
}

export function excludedBecause(group: ObservedGroup, clusterPolicy: ClusterDownscalerPolicy, downscaler: DownscalerPolicy, now: Date): string | null {
  return exclusionOf(group, clusterPolicy, downscaler, now)?.note ?? null;
}

function exclusionOf(group: ObservedGroup, clusterPolicy: ClusterDownscalerPolicy, downscaler: DownscalerPolicy, now: Date): Skip | null {
  const tags = group.tags;
  const controlPlane = clusterPolicy.controlPlane ?? downscaler.controlPlane;
  if (clusterPolicy.excludeControlPlane && (controlPlane.test(group.name) || Object.keys(tags).some((key) => controlPlane.test(key)))) {
    return { reason: 'control-plane', note: `control-plane group (matches ${controlPlane.source}): excluded` };
  }
  const exclude = readFlag(DOWNSCALER_TAG.exclude, tags);
  if (typeof exclude === 'object') return exclude;
  if (exclude) return { reason: 'excluded', note: `${DOWNSCALER_TAG.exclude}=true: excluded` };
  const until = tags[DOWNSCALER_TAG.excludeUntil];
  if (until !== undefined) {
    const untilMs = readExcludeUntil(until);
    // Unreadable: err on the side of leaving the group alone.
    if (untilMs === null)
      return {
        reason: 'invalid-tag',
        note: `${DOWNSCALER_TAG.excludeUntil}=${until} is not a time (e.g. 2026-12-01, 2026-12-01T08:00, 2026-12-01T08:00:00+01:00): excluded`,
      };
    if (now.getTime() < untilMs)
      return { reason: 'excluded', note: `${DOWNSCALER_TAG.excludeUntil}=${until}: excluded until ${new Date(untilMs).toISOString()}` };
  }
  return null;
}

function whileUp(
  group: ObservedGroup,
  cluster: string,
  current: Sizes,
  wanted: Wanted,
  clusterPolicy: ClusterDownscalerPolicy,
  downscaler: DownscalerPolicy,
  now: Date,
): Outcome {
  if (wanted.up) return null;
  const age = now.getTime() - Date.parse(group.createdTime);
  const graceMs = clusterPolicy.graceMs ?? downscaler.graceMs;
  if (age < graceMs) return { reason: 'grace', note: `created ${group.createdTime}, within the ${Math.round(graceMs / 60_000)} min grace period` };
  const capacityTag = group.tags[DOWNSCALER_TAG.downtimeCapacity];
  const capacity = capacityTag === undefined ? clusterPolicy.downtimeCapacity : readCount(capacityTag);
  if (capacity === null) return { reason: 'invalid-tag', note: `${DOWNSCALER_TAG.downtimeCapacity}=${capacityTag} is not a whole number: left up` };
  // Never raise a group: the downtime size is at most what it wants now.
  const size = Math.min(capacity, current.desiredCapacity);
  const to: Sizes = { minSize: size, desiredCapacity: size, maxSize: size };
  if (sameSizes(current, to)) return null; // already as small as downtime wants; nothing to save
  return {
    action: {
      kind: 'scheduled-downscale',
      cluster,
      group: group.name,
      from: current,
      to,
      tags: { [DOWNSCALER_TAG.saved]: signedSizesTag(group.name, current), [DOWNSCALER_TAG.set]: String(size), [DOWNSCALER_TAG.since]: now.toISOString() },
      schedule: wanted.schedule,
    },
  };
}

function whileDown(group: ObservedGroup, cluster: string, current: Sizes, wanted: Wanted, now: Date): Outcome {
  // Only sizes the downscaler signed itself are restored (item 7: a hand-typed `0,2,100000` must
  // not raise MaxSize); unsigned values from before the checksum get the failover's upgrade rule.
  const signed = readSignedSizes(group.name, group.tags[DOWNSCALER_TAG.saved] ?? '');
  if (!signed.ok)
    return {
      reason: 'needs-a-person',
      note: `${DOWNSCALER_TAG.saved} ${signed.problem}: never restored on its own; a person must set the sizes and delete the downscaler tags`,
    };
  const saved = signed.sizes;
  const set = readCount(group.tags[DOWNSCALER_TAG.set] ?? '');
  if (set === null)
    return {
      reason: 'needs-a-person',
      note: `${DOWNSCALER_TAG.set} unreadable (${group.tags[DOWNSCALER_TAG.set]}): nothing safe to restore; a person must look`,
    };
  const ours: Sizes = { minSize: set, desiredCapacity: set, maxSize: set };
  const removeTags = [DOWNSCALER_TAG.saved, DOWNSCALER_TAG.set, DOWNSCALER_TAG.since].filter((key) => key in group.tags);
  if (wanted.up) {
    if (sameSizes(current, ours) || sameSizes(current, saved))
      return { action: { kind: 'scheduled-restore', cluster, group: group.name, why: wanted.why, from: current, to: saved, removeTags } };
    return { action: { kind: 'scheduled-release', cluster, group: group.name, sizes: current, saved, removeTags } };
  }
  if (sameSizes(current, ours)) return null;
  if (sameSizes(current, saved)) {
    // Our tags are there but the sizes are the saved ones: our size write was lost (finish it), or,
    // well after the scale-down, an operator set the group back by hand (leave it).
    const since = group.tags[DOWNSCALER_TAG.since];
    const sinceMs = since === undefined ? Number.NaN : Date.parse(since);
    // Tags written before downscaler-since existed: read as a lost write, as then.
    if (since === undefined || now.getTime() - sinceMs < LOST_WRITE_WINDOW_MS) {
      return { action: { kind: 'scheduled-downscale', cluster, group: group.name, from: current, to: ours, tags: {}, schedule: wanted.schedule } };
    }
    return {
      reason: 'changed-by-hand',
      note: `sizes set back to the saved ${sizesText(saved)} by hand while down (scaled down at ${since}): left as they are`,
    };
  }
  return { reason: 'changed-by-hand', note: `sizes changed by hand while down (${sizesText(current)}, downscaler set ${sizesText(ours)}): left as they are` };
}

function describeSchedule(schedule: Schedule): string {
  const parts = [`uptime ${schedule.uptime.text}`, `downtime ${schedule.downtime.text}`];
  return parts.join('; ');
}

/** The group's own schedule; a bad tag names itself and the offending entry. */
export function scheduleFromTags(tags: Record<string, string>): Schedule | Skip {
  const specs: Partial<Record<'uptime' | 'downtime', TimeSpec>> = {};
  for (const which of ['uptime', 'downtime'] as const) {
    const text = tags[DOWNSCALER_TAG[which]];
    if (text === undefined) continue;
    try {
      specs[which] = parseTimeSpec(text);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      return { reason: 'invalid-tag', note: `invalid ${DOWNSCALER_TAG[which]} tag: ${error.message}` };
    }
  }
  return { uptime: specs.uptime ?? ALWAYS, downtime: specs.downtime ?? NEVER };
}

/**
 * A true/false tag (any case, spaces ignored; absent = false). Anything else (`yes`, `1`) is not
 * guessed: kube-downscaler only honours `true`, and reading `yes` as false would scale down a
 * group someone meant to keep up.
 */
export function readFlag(key: string, tags: Record<string, string>): boolean | Skip {
  const value = tags[key];
  if (value === undefined) return false;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === 'false') return text === 'true';
  return { reason: 'invalid-tag', note: `${key}=${value} is not true or false: left as it is` };
}

export function sizesOf(group: ObservedGroup): Sizes {
  return { minSize: group.minSize, desiredCapacity: group.desiredCapacity, maxSize: group.maxSize };
}

function sameSizes(a: Sizes, b: Sizes): boolean {
  return a.minSize === b.minSize && a.desiredCapacity === b.desiredCapacity && a.maxSize === b.maxSize;
}

function sizesText(sizes: Sizes): string {
  return `${sizes.minSize}/${sizes.desiredCapacity}/${sizes.maxSize}`;
}
