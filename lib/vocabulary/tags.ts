/**
 * capacity-guard's state lives in tags on the ASG: visible in the console, removable by an
 * operator, surviving redeploys. This file is the one place that knows their keys and formats.
 */
import { FAILURE_CLASSES, type FailureClass } from './signals';

export const TAG_PREFIX = 'capacity-guard/';
export const TAG = {
  /** `suspended` (out of rotation) or `probing` (half-open: MaxSize = current + 1). */
  state: `${TAG_PREFIX}state`,
  failure: `${TAG_PREFIX}failure`,
  reason: `${TAG_PREFIX}reason`,
  /** AWS's time of the failure that started the suspension. */
  since: `${TAG_PREFIX}since`,
  /** When the probe may start, or `manual` (configuration failures: a person must fix it). */
  until: `${TAG_PREFIX}until`,
  /** `min,desired,max` before the suspension; min and max are restored from it. */
  savedSizes: `${TAG_PREFIX}saved-sizes`,
  /** The MaxSize capacity-guard last wrote (the probe's MaxSize while probing). */
  setMax: `${TAG_PREFIX}set-max`,
  /** `<ISO start>,<live instances at start>` while probing. */
  probe: `${TAG_PREFIX}probe`,
  /** `<seconds>,<ISO of the failure>`: kept after restore so the next failure can double it. */
  backoff: `${TAG_PREFIX}backoff`,
  /** When the group last came back; failures older than this are late events. Kept after restore. */
  restoredAt: `${TAG_PREFIX}restored-at`,
  /** `<ISO window start>,<key>;<key>` of unclassified failures counted in the current window. */
  unknownFailures: `${TAG_PREFIX}unknown-failures`,
  /** `true`: an operator excluded this group. */
  ignore: `${TAG_PREFIX}ignore`,
  /** direct mode: groups with the same value stand in for each other (absent = `default`). */
  failoverSet: `${TAG_PREFIX}failover-set`,
} as const;

/** Tags that describe one suspension; removed when the group is fully back. */
export const SUSPENSION_TAG_KEYS: readonly string[] = [TAG.state, TAG.failure, TAG.reason, TAG.since, TAG.until, TAG.savedSizes, TAG.setMax, TAG.probe];

export const MANUAL = 'manual';
const TAG_VALUE_MAX = 256;

export interface Sizes {
  minSize: number;
  desiredCapacity: number;
  maxSize: number;
}

export type GuardState =
  | { state: 'healthy' }
  /** An operator deleted the state tag: the suspension is over, sizes still to restore. */
  | { state: 'released'; saved: Sizes }
  /** A state tag without readable saved sizes or start time: nothing safe to restore; a person must look. */
  | { state: 'damaged'; problem: string }
  | {
      state: 'suspended';
      failure: FailureClass;
      reason: string;
      since: string;
      until: string | null;
      saved: Sizes;
      setMax: number | null;
      /** Start of the probe whose failure led to this suspension, if one did: older failures are late. */
      cycleStart: string | null;
    }
  | { state: 'probing'; failure: FailureClass; reason: string; since: string; saved: Sizes; setMax: number | null; probeStart: string; probeBase: number };

export interface GuardMemory {
  backoff: { seconds: number; failureAt: string } | null;
  restoredAt: string | null;
  /** Unclassified failures in the current window: when it started and which ones were counted. */
  unknownFailures: { first: string; keys: string[] } | null;
}

export function readGuardState(tags: Record<string, string>): GuardState {
  const state = tags[TAG.state];
  const saved = readSizes(tags[TAG.savedSizes]);
  if (state !== 'suspended' && state !== 'probing') return saved ? { state: 'released', saved } : { state: 'healthy' };
  const since = readTime(tags[TAG.since]);
  if (!saved) return { state: 'damaged', problem: `${TAG.state} is ${state} but ${TAG.savedSizes} is missing or not "min,desired,max"` };
  if (!since) return { state: 'damaged', problem: `${TAG.state} is ${state} but ${TAG.since} is missing or not a time` };
  const failureTag = tags[TAG.failure] ?? 'unknown';
  const failure = (FAILURE_CLASSES as readonly string[]).includes(failureTag) ? (failureTag as FailureClass) : 'unknown';
  const common = { failure, reason: tags[TAG.reason] ?? '', since, saved, setMax: readInt(tags[TAG.setMax]) };
  const [start, base] = (tags[TAG.probe] ?? '').split(',');
  const probeStart = readTime(start);
  const probeBase = readInt(base);
  if (state === 'suspended') {
    return { state, ...common, until: resume(tags[TAG.until], failure, since), cycleStart: probeStart ?? null };
  }
  if (!probeStart || probeBase === null) return { state: 'suspended', ...common, until: since, cycleStart: null };
  return { state, ...common, probeStart, probeBase };
}

/** An unreadable resume time must not strand the group: probe at the next run, unless a person must act anyway. */
function resume(until: string | undefined, failure: FailureClass, since: string): string | null {
  if (until === MANUAL || (failure === 'configuration' && !readTime(until))) return null;
  return readTime(until) ?? since;
}

export function readGuardMemory(tags: Record<string, string>): GuardMemory {
  const [seconds, failureAt] = (tags[TAG.backoff] ?? '').split(',');
  const backoffSeconds = readInt(seconds);
  const backoffAt = readTime(failureAt);
  const [first, keys] = (tags[TAG.unknownFailures] ?? '').split(',');
  const unknownFirst = readTime(first);
  return {
    backoff: backoffSeconds !== null && backoffAt ? { seconds: backoffSeconds, failureAt: backoffAt } : null,
    restoredAt: readTime(tags[TAG.restoredAt]) ?? null,
    unknownFailures: unknownFirst && keys ? { first: unknownFirst, keys: keys.split(';').filter(Boolean) } : null,
  };
}

export function sizesTag(sizes: Sizes): string {
  return `${sizes.minSize},${sizes.desiredCapacity},${sizes.maxSize}`;
}

export function backoffTag(seconds: number, failureAt: string): string {
  return `${seconds},${failureAt}`;
}

export function probeTag(start: string, base: number): string {
  return `${start},${base}`;
}

export function unknownFailuresTag(first: string, keys: readonly string[]): string {
  return `${first},${keys.join(';')}`;
}

/** Tag values are at most 256 characters. */
export function tagValue(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= TAG_VALUE_MAX ? clean : `${clean.slice(0, TAG_VALUE_MAX - 1)}…`;
}

function readSizes(value: string | undefined): Sizes | null {
  const parts = (value ?? '').split(',').map(readInt);
  const [minSize, desiredCapacity, maxSize] = parts;
  if (parts.length !== 3 || minSize == null || desiredCapacity == null || maxSize == null) return null;
  return { minSize, desiredCapacity, maxSize };
}

function readInt(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

function readTime(value: string | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
