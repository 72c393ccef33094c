/**
 * capacity-guard's state lives in tags on the ASG: visible in the console, removable by an
 * operator, surviving redeploys. This file is the one home of the `capacity-guard/` prefix and of
 * the failover's tag keys (the downscaler and notifications read them too); the values' formats
 * are in lib/failover/guard-state.ts, the sizes codec in ./sizes.ts.
 */

export const TAG_PREFIX = 'capacity-guard/';
export const TAG = {
  /**
   * The suspension in one value (format in lib/failover/guard-state.ts):
   * `suspended <failure> since=<epoch s> until=<epoch s|manual> max=<n>[ probe=<epoch s>]` or
   * `probing <failure> since=… until=… max=<n> probe=<epoch s>,<live at start>`. Deleting it ends
   * the suspension: the saved sizes in `memory` are then restored.
   */
  state: `${TAG_PREFIX}state`,
  /** Why, for people: the failure class and AWS's error code and words (at most 256 characters). */
  reason: `${TAG_PREFIX}reason`,
  /**
   * What accompanies or outlives a suspension: `saved=<min,desired,max,checksum>` while out of
   * rotation, `backoff=<seconds>,<epoch s>`, `restored=<epoch s>`, `unknown=<epoch s>,<key>;<key>`.
   * Bounded to 256 characters (lib/failover/guard-state.ts, MEMORY_WORST_CASE).
   */
  memory: `${TAG_PREFIX}memory`,
  /** `true`: an operator excluded this group. */
  ignore: `${TAG_PREFIX}ignore`,
  /** direct mode: groups with the same value stand in for each other (absent = `default`). */
  failoverSet: `${TAG_PREFIX}failover-set`,
} as const;

/**
 * The keys the release before the three-key format wrote, one per field (their `state` and
 * `reason` keys are the current ones). Read when `memory` is absent or `state` is a bare word;
 * the next write of the group replaces them and deletes them (README "What changed for operators").
 */
export const LEGACY_TAG = {
  failure: `${TAG_PREFIX}failure`,
  since: `${TAG_PREFIX}since`,
  until: `${TAG_PREFIX}until`,
  setMax: `${TAG_PREFIX}set-max`,
  probe: `${TAG_PREFIX}probe`,
  backoff: `${TAG_PREFIX}backoff`,
  restoredAt: `${TAG_PREFIX}restored-at`,
  unknownFailures: `${TAG_PREFIX}unknown-failures`,
  /** Deleted last: until the new `memory` holds the sizes, this is the only way back. */
  savedSizes: `${TAG_PREFIX}saved-sizes`,
} as const;

/** In deletion order: the saved sizes last. */
export const LEGACY_TAG_KEYS: readonly string[] = Object.values(LEGACY_TAG);

/** The failover's own keys: at most three on a group, next to the operator's ignore and failover-set. */
export const FAILOVER_TAG_KEYS: readonly string[] = [TAG.state, TAG.reason, TAG.memory];

/** Tags that describe one suspension; removed when the group is back (memory stays, without the sizes). */
export const SUSPENSION_TAG_KEYS: readonly string[] = [TAG.state, TAG.reason];

export const MANUAL = 'manual';

/** Auto Scaling: at most 50 tags per group, 25 per CreateOrUpdateTags call (`LimitExceeded` beyond). */
export const GROUP_TAG_LIMIT = 50;
export const TAGS_PER_CALL = 25;

/** What a suspension cannot do without: its state and its restorable sizes (the reason is an extra). */
export const ESSENTIAL_SUSPENSION_TAG_KEYS: readonly string[] = [TAG.state, TAG.memory];

export const TAG_VALUE_MAX = 256;

/** Tag values are at most 256 characters. */
export function tagValue(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= TAG_VALUE_MAX ? clean : `${clean.slice(0, TAG_VALUE_MAX - 1)}…`;
}
