/**
 * An uptime and a downtime spec together: up when the uptime spec matches and the downtime spec
 * does not. Downtime wins when both match, as in kube-downscaler (scaler.py; confirmed in
 * hjacobs/kube-downscaler#28: overlapping uptime and downtime scale down).
 * Defaults as kube-downscaler's: uptime `always`, downtime `never`.
 */
import { ALWAYS, NEVER, type TimeSpec, matchesTimeSpec, parseTimeSpec } from './spec';
import { wallClock } from './zoned-time';

export interface Schedule {
  uptime: TimeSpec;
  downtime: TimeSpec;
}

export const ALWAYS_UP: Schedule = { uptime: ALWAYS, downtime: NEVER };

export function parseSchedule(uptime: string | undefined, downtime: string | undefined): Schedule {
  return { uptime: uptime === undefined ? ALWAYS : parseTimeSpec(uptime), downtime: downtime === undefined ? NEVER : parseTimeSpec(downtime) };
}

export function isUp(schedule: Schedule, instant: Date | number): boolean {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return matchesTimeSpec(schedule.uptime, ms) && !matchesTimeSpec(schedule.downtime, ms);
}

export interface Transition {
  /** First instant in the new state, ISO-8601 UTC. */
  at: string;
  up: boolean;
}

const MINUTE = 60_000;
const DAY_MINUTES = 1440;

/**
 * The next `count` changes of state strictly after `from`, searched up to `horizonDays` ahead.
 * Instead of testing every minute, it jumps from one candidate instant to the next: a recurring
 * entry can only change its answer when the zone's wall clock reaches one of its boundary
 * minutes (or midnight, when the weekday changes) or when the zone's UTC offset changes (DST);
 * an absolute entry at its start and one second after its (inclusive) end.
 */
export function nextTransitions(schedule: Schedule, from: Date, count: number, horizonDays = 366): Transition[] {
  const transitions: Transition[] = [];
  const end = from.getTime() + horizonDays * DAY_MINUTES * MINUTE;
  let state = isUp(schedule, from);
  let cursor = from.getTime();
  while (transitions.length < count) {
    const next = nextCandidate(schedule, cursor);
    if (next === null || next > end) break;
    const up = isUp(schedule, next);
    if (up !== state) transitions.push({ at: new Date(next).toISOString(), up });
    state = up;
    cursor = next;
  }
  return transitions;
}

/** The earliest instant after `cursor` at which any entry may change its answer. */
function nextCandidate(schedule: Schedule, cursor: number): number | null {
  const entries = [...schedule.uptime.entries, ...schedule.downtime.entries];
  let best: number | null = null;
  const consider = (candidate: number) => {
    if (candidate > cursor && (best === null || candidate < best)) best = candidate;
  };
  const zones = new Map<string, Set<number>>();
  for (const entry of entries) {
    if (entry.kind === 'absolute') {
      consider(entry.fromMs);
      consider(entry.toMs + 1000);
      continue;
    }
    const boundaries = zones.get(entry.zone) ?? new Set([0]);
    boundaries.add(entry.minuteFrom).add(entry.minuteTo % DAY_MINUTES);
    zones.set(entry.zone, boundaries);
  }
  for (const [zone, boundaries] of zones) consider(nextZoneCandidate(zone, boundaries, cursor));
  return best;
}

/** Next minute after `cursor` whose wall clock in `zone` is a boundary, or at which the offset changes. */
function nextZoneCandidate(zone: string, boundaries: Set<number>, cursor: number): number {
  const minuteStart = Math.floor(cursor / MINUTE) * MINUTE;
  const now = wallClock(minuteStart, zone);
  let ahead = DAY_MINUTES;
  for (const boundary of boundaries) {
    const distance = (boundary - now.minuteOfDay + DAY_MINUTES) % DAY_MINUTES || DAY_MINUTES;
    ahead = Math.min(ahead, distance);
  }
  const candidate = minuteStart + ahead * MINUTE;
  if (wallClock(candidate, zone).offsetMinutes === now.offsetMinutes) return candidate;
  // The offset changes on the way (DST): find the first minute with the new offset.
  let low = minuteStart; // old offset
  let high = candidate; // new offset
  while (high - low > MINUTE) {
    const middle = low + Math.floor((high - low) / MINUTE / 2) * MINUTE;
    if (wallClock(middle, zone).offsetMinutes === now.offsetMinutes) low = middle;
    else high = middle;
  }
  return high;
}
