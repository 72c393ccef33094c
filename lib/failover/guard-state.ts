/**
 * The failover's state as its tags on the group say it (keys in lib/vocabulary/tags.ts): read into
 * a GuardState and a GuardMemory, and the formats written back. Pure.
 */
import { type Sizes, readCount, readSignedSizes } from '../vocabulary/sizes';
import { FAILURE_CLASSES, type FailureClass } from '../vocabulary/signals';
import { MANUAL, TAG } from '../vocabulary/tags';

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

/**
 * Saved sizes that do not check out (lib/vocabulary/sizes.ts, signedSizesTag) make the group
 * damaged: left for a person, never restored. That includes unsigned `min,desired,max` values
 * written before the checksum (one-time migration rule, README "Operators: what changed").
 */
export function readGuardState(tags: Record<string, string>, group: string): GuardState {
  const state = tags[TAG.state];
  const savedTag = tags[TAG.savedSizes];
  const signed = savedTag === undefined ? null : readSignedSizes(group, savedTag);
  if (signed && !signed.ok) return { state: 'damaged', problem: `${TAG.savedSizes} ${signed.problem}; capacity-guard restores only sizes it saved itself` };
  const saved = signed?.sizes ?? null;
  if (state !== 'suspended' && state !== 'probing') return saved ? { state: 'released', saved } : { state: 'healthy' };
  const since = readTime(tags[TAG.since]);
  if (!saved) return { state: 'damaged', problem: `${TAG.state} is ${state} but ${TAG.savedSizes} is missing` };
  if (!since) return { state: 'damaged', problem: `${TAG.state} is ${state} but ${TAG.since} is missing or not a time` };
  const failureTag = tags[TAG.failure] ?? 'unknown';
  const failure = (FAILURE_CLASSES as readonly string[]).includes(failureTag) ? (failureTag as FailureClass) : 'unknown';
  const common = { failure, reason: tags[TAG.reason] ?? '', since, saved, setMax: readCount(tags[TAG.setMax]) };
  const [start, base] = (tags[TAG.probe] ?? '').split(',');
  const probeStart = readTime(start);
  const probeBase = readCount(base);
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
  const backoffSeconds = readCount(seconds);
  const backoffAt = readTime(failureAt);
  const [first, keys] = (tags[TAG.unknownFailures] ?? '').split(',');
  const unknownFirst = readTime(first);
  return {
    backoff: backoffSeconds !== null && backoffAt ? { seconds: backoffSeconds, failureAt: backoffAt } : null,
    restoredAt: readTime(tags[TAG.restoredAt]) ?? null,
    unknownFailures: unknownFirst && keys ? { first: unknownFirst, keys: keys.split(';').filter(Boolean) } : null,
  };
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

function readTime(value: string | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
