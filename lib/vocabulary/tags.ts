/**
 * capacity-guard's state lives in tags on the ASG: visible in the console, removable by an
 * operator, surviving redeploys. This file is the one home of the `capacity-guard/` prefix and of
 * the failover's tag keys (the downscaler and notifications read them too); the values' formats
 * are in lib/failover/guard-state.ts, the sizes codec in ./sizes.ts.
 */

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

/** Auto Scaling: at most 50 tags per group, 25 per CreateOrUpdateTags call (`LimitExceeded` beyond). */
export const GROUP_TAG_LIMIT = 50;
export const TAGS_PER_CALL = 25;

/** What a suspension cannot do without: state, restorable sizes, its dates and its cap (failure, reason and backoff are extras). */
export const ESSENTIAL_SUSPENSION_TAG_KEYS: readonly string[] = [TAG.state, TAG.savedSizes, TAG.since, TAG.until, TAG.setMax];

const TAG_VALUE_MAX = 256;

/** Tag values are at most 256 characters. */
export function tagValue(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= TAG_VALUE_MAX ? clean : `${clean.slice(0, TAG_VALUE_MAX - 1)}…`;
}
