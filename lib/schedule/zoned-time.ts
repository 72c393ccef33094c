/**
 * Wall-clock time of an instant in an IANA time zone, from the runtime's ICU data
 * (`Intl.DateTimeFormat`, full ICU in Node 20 and in Lambda's nodejs22.x). No tz library.
 */

export interface WallClock {
  /** 0 = Monday … 6 = Sunday (kube-downscaler's WEEKDAYS order). */
  weekday: number;
  /** Minutes since local midnight, 0–1439. */
  minuteOfDay: number;
  /** Local time minus UTC, in minutes (e.g. +60 for Europe/Paris in winter). */
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, found);
  }
  return found;
}

let canonicalZones: ReadonlySet<string> | undefined;

/**
 * True when the runtime knows the zone (`Europe/Paris`, `UTC`, `CET`, …). Every function validates
 * the whole config at cold start, and the first `Intl.DateTimeFormat` of a process costs 10–40 ms
 * (ICU data): the runtime's list of canonical zones (about 1 ms) answers for the common names, and
 * only other names (aliases such as `UTC` or `US/Eastern`) build a formatter to decide.
 */
export function isKnownZone(zone: string): boolean {
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalZones.has(zone)) return true;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

export function wallClock(instantMs: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const localAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Both sides are whole seconds: the offset is exact.
  const offsetMinutes = Math.round((localAsUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
  const sundayFirst = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { weekday: (sundayFirst + 6) % 7, minuteOfDay: hour * 60 + minute, offsetMinutes };
}

/** ISO-8601 local time with its offset in `zone`, and the weekday: `{ iso: '2026-03-30T07:30:00+02:00', weekday: 'Mon' }`. */
export function localTime(instantMs: number, zone: string): { iso: string; weekday: string } {
  const { weekday, offsetMinutes } = wallClock(instantMs, zone);
  const local = new Date(Math.floor(instantMs / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return { iso: `${local}${offset}`, weekday: WEEKDAY_NAMES[weekday] ?? '?' };
}

const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
