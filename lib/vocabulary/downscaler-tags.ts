/**
 * The downscaler's tags on an ASG: what operators write (schedule, exclusions, capacity) and what
 * the downscaler keeps while a group is down. Names follow kube-downscaler's annotations
 * (downscaler/uptime, downscaler/downtime, downscaler/exclude, downscaler/exclude-until,
 * downscaler/force-uptime, downscaler/downtime-replicas) under capacity-guard/; the saved-sizes
 * key is distinct from the failover's saved sizes (in capacity-guard/memory) so the two never clash.
 */
import { TAG_PREFIX } from './tags';

export const DOWNSCALER_TAG = {
  uptime: `${TAG_PREFIX}uptime`,
  downtime: `${TAG_PREFIX}downtime`,
  /** `true`: never scaled by the schedule. */
  exclude: `${TAG_PREFIX}exclude`,
  /** A time (kube-downscaler's formats, UTC when no offset): excluded until then. */
  excludeUntil: `${TAG_PREFIX}exclude-until`,
  /** `true`: kept up whatever the schedule says. */
  forceUptime: `${TAG_PREFIX}force-uptime`,
  /** Instances kept during downtime (default: the cluster's downtimeCapacity, else 0). */
  downtimeCapacity: `${TAG_PREFIX}downtime-capacity`,
  /** `min,desired,max` before the downscale; present = the group is down because of us. */
  saved: `${TAG_PREFIX}downscaler-saved`,
  /** The size we set (min = desired = max); a group at other sizes was changed by someone else. */
  set: `${TAG_PREFIX}downscaler-set`,
  /**
   * When the scale-down was decided (ISO-8601). Sizes still equal to the saved ones shortly after
   * it mean our size write was lost; long after it, that an operator put them back by hand.
   */
  since: `${TAG_PREFIX}downscaler-since`,
} as const;

/** Tag keys the tag-key discovery looks for: scheduled groups, and groups we left down. */
export const DISCOVERY_TAG_KEYS: readonly string[] = [DOWNSCALER_TAG.uptime, DOWNSCALER_TAG.downtime, DOWNSCALER_TAG.saved];

/**
 * kube-downscaler's exclude-until formats (scaler.py TIMESTAMP_FORMATS: `%Y-%m-%dT%H:%M:%SZ`,
 * `%Y-%m-%dT%H:%M`, `%Y-%m-%d %H:%M`, `%Y-%m-%d`, all UTC), plus any ISO-8601 time with an offset.
 */
export function readExcludeUntil(value: string): number | null {
  const text = value.trim();
  const plain = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (plain) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = plain;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    return Number.isNaN(ms) ? null : ms;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[-+]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}
