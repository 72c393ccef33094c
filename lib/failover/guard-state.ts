/**
 * The failover's state as its tags on the group say it (keys in lib/vocabulary/tags.ts): read into
 * a GuardState and a GuardMemory, and the two values written back. Pure.
 *
 * `capacity-guard/state`, one suspension in one value, parsed strictly:
 *   suspended capacity since=1764277200 until=1764277380 max=2
 *   suspended configuration since=1764277200 until=manual max=2
 *   probing capacity since=1764277200 until=1764277380 max=3 probe=1764277381,2
 * (a suspension that follows a failed probe keeps `probe=<its start>`: older failures are late).
 * `capacity-guard/memory`, what accompanies or outlives it:
 *   saved=1,7,50,9f2c01ab3e backoff=360,1764277200 restored=1764279000 unknown=1764277200,Qm3xZ;a_9Kp
 * Times are epoch seconds (UTC). Deleting the state tag ends the suspension: the sizes saved in the
 * memory are restored ("released"). Groups written by the previous release carry one key per field
 * (LEGACY_TAG); they are read by the same rules until the next write replaces them.
 */
import { createHash } from 'node:crypto';
import { type Sizes, readCount, readSignedSizes, signedSizesTag } from '../vocabulary/sizes';
import { FAILURE_CLASSES, type FailureClass } from '../vocabulary/signals';
import { LEGACY_TAG, LEGACY_TAG_KEYS, MANUAL, TAG, TAG_VALUE_MAX } from '../vocabulary/tags';

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

/** One suspension as `capacity-guard/state` records it. */
export interface StateRecord {
  state: 'suspended' | 'probing';
  failure: FailureClass;
  since: string;
  /** null: `manual`, only a person brings it back. */
  until: string | null;
  setMax: number | null;
  /** Probing: the probe; suspended: the failed probe that led here, if any (base then null). */
  probe: { start: string; base: number | null } | null;
}

export const EMPTY_MEMORY: GuardMemory = { backoff: null, restoredAt: null, unknownFailures: null };

/**
 * Saved sizes that do not check out (lib/vocabulary/sizes.ts, signedSizesTag) make the group
 * damaged: left for a person, never restored. That includes unsigned `min,desired,max` values
 * written before the checksum (one-time migration rule, README "Operators: what changed").
 */
export function readGuardState(tags: Record<string, string>, group: string): GuardState {
  const fields = stateFields(tags);
  const memory = memoryFields(tags);
  const savedKey = memory.legacy ? LEGACY_TAG.savedSizes : TAG.memory;
  if ('problem' in memory) return { state: 'damaged', problem: memory.problem };
  const signed = memory.saved === undefined ? null : readSignedSizes(group, memory.saved);
  if (signed && !signed.ok) return { state: 'damaged', problem: `${savedKey} ${signed.problem}; capacity-guard restores only sizes it saved itself` };
  const saved = signed?.sizes ?? null;
  if (fields === null) return saved ? { state: 'released', saved } : { state: 'healthy' };
  if ('problem' in fields) return { state: 'damaged', problem: fields.problem };
  const state = fields.state;
  if (!saved) return { state: 'damaged', problem: `${TAG.state} is ${state} but the saved sizes (${savedKey}) are missing` };
  const since = fields.since;
  if (!since) {
    const problem = fields.legacy ? `${LEGACY_TAG.since} is missing or not a time` : `its since= is missing or not epoch seconds`;
    return { state: 'damaged', problem: `${TAG.state} "${tags[TAG.state]}": ${problem}` };
  }
  const failure = (FAILURE_CLASSES as readonly string[]).includes(fields.failure ?? '') ? (fields.failure as FailureClass) : 'unknown';
  const common = { failure, reason: tags[TAG.reason] ?? '', since, saved, setMax: readCount(fields.setMax) };
  const [start, base] = (fields.probe ?? '').split(',');
  const probeStart = fields.readTime(start);
  const probeBase = readCount(base);
  if (state === 'suspended') {
    return { state, ...common, until: resume(fields.until, failure, since, fields.readTime), cycleStart: probeStart ?? null };
  }
  if (!probeStart || probeBase === null) return { state: 'suspended', ...common, until: since, cycleStart: null };
  return { state, ...common, probeStart, probeBase };
}

/** An unreadable resume time must not strand the group: probe at the next run, unless a person must act anyway. */
function resume(until: string | undefined, failure: FailureClass, since: string, readTime: TimeReader): string | null {
  if (until === MANUAL || (failure === 'configuration' && !readTime(until))) return null;
  return readTime(until) ?? since;
}

export function readGuardMemory(tags: Record<string, string>): GuardMemory {
  const memory = memoryFields(tags);
  if ('problem' in memory) return EMPTY_MEMORY;
  const [seconds, failureAt] = (memory.backoff ?? '').split(',');
  const backoffSeconds = readCount(seconds);
  const backoffAt = memory.readTime(failureAt);
  const [first, keys] = (memory.unknown ?? '').split(',');
  const unknownFirst = memory.readTime(first);
  return {
    backoff: backoffSeconds !== null && backoffAt ? { seconds: backoffSeconds, failureAt: backoffAt } : null,
    restoredAt: memory.readTime(memory.restored) ?? null,
    unknownFailures: unknownFirst && keys ? { first: unknownFirst, keys: keys.split(';').filter(Boolean) } : null,
  };
}

/** The `capacity-guard/state` value of a suspension. */
export function stateTag(record: StateRecord): string {
  const parts = [
    record.state,
    record.failure,
    `since=${epoch(record.since)}`,
    `until=${record.until === null ? MANUAL : epoch(record.until)}`,
    ...(record.setMax === null ? [] : [`max=${record.setMax}`]),
    ...(record.probe === null ? [] : [`probe=${epoch(record.probe.start)}${record.probe.base === null ? '' : `,${record.probe.base}`}`]),
  ];
  return parts.join(' ');
}

/** The state a group's guard records, to write again (null when it records no suspension). */
export function stateRecordOf(guard: GuardState): StateRecord | null {
  if (guard.state === 'suspended') {
    const { failure, since, until, setMax, cycleStart } = guard;
    return { state: 'suspended', failure, since, until, setMax, probe: cycleStart ? { start: cycleStart, base: null } : null };
  }
  if (guard.state === 'probing') {
    const { failure, since, setMax, probeStart, probeBase } = guard;
    return { state: 'probing', failure, since, until: since, setMax, probe: { start: probeStart, base: probeBase } };
  }
  return null;
}

/**
 * The `capacity-guard/memory` value, or null when there is nothing to remember. Never longer
 * than 256 characters: sizes are AWS's 32-bit integers, backoff seconds at most the config's
 * 30 days, times 10 digits, at most 20 unknown-failure keys of 5 characters (MEMORY_WORST_CASE
 * in the tests); should a value still be too long, the oldest unknown-failure keys go first.
 */
export function memoryTag(group: string, saved: Sizes | null, memory: GuardMemory): string | null {
  const parts = [
    ...(saved ? [`saved=${signedSizesTag(group, saved)}`] : []),
    ...(memory.backoff ? [`backoff=${memory.backoff.seconds},${epoch(memory.backoff.failureAt)}`] : []),
    ...(memory.restoredAt ? [`restored=${epoch(memory.restoredAt)}`] : []),
  ];
  const keys = memory.unknownFailures?.keys.slice() ?? [];
  const value = () =>
    [...parts, ...(memory.unknownFailures && keys.length > 0 ? [`unknown=${epoch(memory.unknownFailures.first)},${keys.join(';')}`] : [])].join(' ');
  while (value().length > TAG_VALUE_MAX && keys.length > 0) keys.shift();
  if (value().length > TAG_VALUE_MAX) throw new Error(`capacity-guard's memory of ${group} would pass ${TAG_VALUE_MAX} characters: ${value()}`);
  return value() || null;
}

/** A short key for one unclassified failure, unique enough to dedupe within one window (64^5 values). */
export function unknownFailureKey(activityIdOrTime: string): string {
  return createHash('sha256').update(activityIdOrTime).digest('base64url').slice(0, 5);
}

/** The group still carries keys of the previous release's format (read, to be replaced at the next write). */
export function legacyKeysOf(tags: Record<string, string>): string[] {
  return LEGACY_TAG_KEYS.filter((key) => key in tags);
}

export function carriesLegacyState(tags: Record<string, string>): boolean {
  return tags[TAG.state] === 'suspended' || tags[TAG.state] === 'probing' || legacyKeysOf(tags).length > 0;
}

type TimeReader = (value: string | undefined) => string | null;

interface StateFields {
  state: 'suspended' | 'probing';
  legacy: boolean;
  failure: string | undefined;
  since: string | null;
  until: string | undefined;
  setMax: string | undefined;
  probe: string | undefined;
  readTime: TimeReader;
}

const STATE_WORDS = ['suspended', 'probing'] as const;
const STATE_FIELDS = ['since', 'until', 'max', 'probe'] as const;

/** null: no suspension recorded (absent, or a word that is not ours). */
function stateFields(tags: Record<string, string>): StateFields | { problem: string } | null {
  const value = tags[TAG.state];
  const [word, failure, ...rest] = (value ?? '').split(' ');
  if (!(STATE_WORDS as readonly string[]).includes(word ?? '')) return null;
  const state = word as StateFields['state'];
  if (failure === undefined) {
    return {
      state,
      legacy: true,
      failure: tags[LEGACY_TAG.failure] ?? 'unknown',
      since: readIsoTime(tags[LEGACY_TAG.since]),
      until: tags[LEGACY_TAG.until],
      setMax: tags[LEGACY_TAG.setMax],
      probe: tags[LEGACY_TAG.probe],
      readTime: readIsoTime,
    };
  }
  const named = readNamed(rest, STATE_FIELDS);
  const problem = `${TAG.state} "${value}" is not "<suspended|probing> <failure> since=<epoch s> until=<epoch s|manual> max=<n> [probe=<epoch s>[,<n>]]"`;
  if (!named || !(FAILURE_CLASSES as readonly string[]).includes(failure)) return { problem };
  return { state, legacy: false, failure, since: readEpoch(named.since), until: named.until, setMax: named.max, probe: named.probe, readTime: readEpoch };
}

interface MemoryFields {
  legacy: boolean;
  saved: string | undefined;
  backoff: string | undefined;
  restored: string | undefined;
  unknown: string | undefined;
  readTime: TimeReader;
}

const MEMORY_FIELDS = ['saved', 'backoff', 'restored', 'unknown'] as const;

function memoryFields(tags: Record<string, string>): MemoryFields | { problem: string; legacy: false } {
  const value = tags[TAG.memory];
  if (value === undefined) {
    return {
      legacy: true,
      saved: tags[LEGACY_TAG.savedSizes],
      backoff: tags[LEGACY_TAG.backoff],
      restored: tags[LEGACY_TAG.restoredAt],
      unknown: tags[LEGACY_TAG.unknownFailures],
      readTime: readIsoTime,
    };
  }
  const named = readNamed(value.split(' '), MEMORY_FIELDS);
  if (!named) return { legacy: false, problem: `${TAG.memory} "${value}" is not "saved=… backoff=… restored=… unknown=…" (written or changed by hand?)` };
  return { legacy: false, saved: named.saved, backoff: named.backoff, restored: named.restored, unknown: named.unknown, readTime: readEpoch };
}

/** `name=value` tokens, each name known and at most once; null otherwise. */
function readNamed<Name extends string>(tokens: readonly string[], names: readonly Name[]): Partial<Record<Name, string>> | null {
  const named: Partial<Record<Name, string>> = {};
  for (const token of tokens) {
    if (token === '') continue;
    const cut = token.indexOf('=');
    const name = token.slice(0, cut) as Name;
    if (cut <= 0 || !names.includes(name) || named[name] !== undefined) return null;
    named[name] = token.slice(cut + 1);
  }
  return named;
}

function epoch(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

function readEpoch(value: string | undefined): string | null {
  return value !== undefined && /^\d{1,11}$/.test(value) ? new Date(Number(value) * 1000).toISOString() : null;
}

/** The previous release wrote ISO times. */
function readIsoTime(value: string | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
