/**
 * What a schedule saves, per group, over one reference week (pure; `capacity-guard downscaler
 * report` prints it):
 *
 *   saved instance-hours = (usual desired − downtime size) × hours the schedule is down in the week
 *   saved percent        = saved instance-hours / (usual desired × 168 h)
 *
 * where the week is the 7 × 24 h from `weekStart`, the usual desired is the saved desired for a
 * group that is down now and the current desired otherwise, and the downtime size is
 * min(downtime capacity, usual desired) — what the downscaler would set. Groups the downscaler
 * would leave alone (excluded, control plane, force-uptime, a bad tag, in failover) save nothing
 * and say why. The week is always 168 real hours; the schedule inside it is read on the wall clock,
 * so office hours stay office hours in a DST week.
 */
import { CLUSTER_DEFAULTS, DOWNSCALER_OFF } from '../config/downscaler-schema';
import type { Policy } from '../config/policy';
import { TAG } from '../vocabulary/tags';
import type { ObservedGroup } from '../ports/auto-scaling';
import { isUp, nextTransitions } from '../schedule/schedule';
import { downscalerClusterOf, excludedBecause, readFlag, scheduleFromTags, sizesOf } from './decide';
import { DOWNSCALER_TAG } from '../vocabulary/downscaler-tags';
import { readCount, readSignedSizes } from '../vocabulary/sizes';

export interface SavingsRow {
  cluster: string;
  group: string;
  /** The desired capacity the group runs with when up. */
  desired: number;
  downtimeSize: number;
  downtimeHours: number;
  savedInstanceHours: number;
  /** Share of the group's always-up week (desired × 168 h) saved, 0–100; 0 for an empty group. */
  savedPercent: number;
  /** The schedule used, or why the group saves nothing. */
  note: string;
}

const WEEK_MS = 7 * 86_400_000;
const HOUR_MS = 3_600_000;

export function weeklySavings(groups: readonly ObservedGroup[], policy: Policy, weekStart: Date): SavingsRow[] {
  const downscaler = policy.downscaler ?? DOWNSCALER_OFF;
  const rows: SavingsRow[] = [];
  for (const group of [...groups].sort((a, b) => a.name.localeCompare(b.name))) {
    const cluster = downscalerClusterOf(group, policy);
    const clusterPolicy = downscaler.clusters[cluster] ?? CLUSTER_DEFAULTS;
    const hasScheduleTag = DOWNSCALER_TAG.uptime in group.tags || DOWNSCALER_TAG.downtime in group.tags;
    const down = DOWNSCALER_TAG.saved in group.tags;
    if (!clusterPolicy.staging && !hasScheduleTag && !down) continue;
    const saved = down ? readSignedSizes(group.name, group.tags[DOWNSCALER_TAG.saved] ?? '') : null;
    const desired = (saved?.ok ? saved.sizes : null)?.desiredCapacity ?? sizesOf(group).desiredCapacity;
    const none = (note: string): SavingsRow => ({
      cluster,
      group: group.name,
      desired,
      downtimeSize: desired,
      downtimeHours: 0,
      savedInstanceHours: 0,
      savedPercent: 0,
      note,
    });

    if (TAG.state in group.tags) {
      rows.push(none('in failover (capacity-guard/state): left alone while it lasts'));
      continue;
    }
    const exclusion = excludedBecause(group, clusterPolicy, downscaler, weekStart);
    if (exclusion) {
      rows.push(none(exclusion));
      continue;
    }
    const force = readFlag(DOWNSCALER_TAG.forceUptime, group.tags);
    if (force !== false) {
      rows.push(none(force === true ? `${DOWNSCALER_TAG.forceUptime}=true: kept up` : force.note));
      continue;
    }
    const schedule = hasScheduleTag ? scheduleFromTags(group.tags) : clusterPolicy.schedule;
    if ('note' in schedule) {
      rows.push(none(schedule.note));
      continue;
    }
    const capacityTag = group.tags[DOWNSCALER_TAG.downtimeCapacity];
    const capacity = capacityTag === undefined ? clusterPolicy.downtimeCapacity : readCount(capacityTag);
    if (capacity === null) {
      rows.push(none(`${DOWNSCALER_TAG.downtimeCapacity}=${capacityTag} is not a whole number`));
      continue;
    }
    const downtimeSize = Math.min(capacity, desired);
    const downtimeHours = downHours(schedule, weekStart.getTime());
    const savedInstanceHours = round((desired - downtimeSize) * downtimeHours);
    rows.push({
      cluster,
      group: group.name,
      desired,
      downtimeSize,
      downtimeHours,
      savedInstanceHours,
      savedPercent: percentOfWeek(savedInstanceHours, desired),
      note: `uptime ${schedule.uptime.text}; downtime ${schedule.downtime.text}${hasScheduleTag ? ' (group tags)' : ' (cluster config)'}`,
    });
  }
  return rows;
}

/** Saved instance-hours and the share they are of the rows' always-up week, all rows together. */
export function totalSavings(rows: readonly SavingsRow[]): { savedInstanceHours: number; savedPercent: number } {
  const saved = rows.reduce((sum, row) => sum + row.savedInstanceHours, 0);
  const desired = rows.reduce((sum, row) => sum + row.desired, 0);
  return { savedInstanceHours: round(saved), savedPercent: percentOfWeek(saved, desired) };
}

function percentOfWeek(savedInstanceHours: number, desired: number): number {
  return desired === 0 ? 0 : round((savedInstanceHours / ((desired * WEEK_MS) / HOUR_MS)) * 100);
}

/** Hours in [start, start + 7 days) during which the schedule is down. */
function downHours(schedule: Parameters<typeof isUp>[0], start: number): number {
  const end = start + WEEK_MS;
  let up = isUp(schedule, start);
  let since = start;
  let downMs = 0;
  // A week has at most a few hundred transitions even for busy specs.
  for (const transition of nextTransitions(schedule, new Date(start), 10_000, 8)) {
    const at = Date.parse(transition.at);
    if (at >= end) break;
    if (!up) downMs += at - since;
    up = transition.up;
    since = at;
  }
  if (!up) downMs += end - since;
  return round(downMs / HOUR_MS);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
