/**
 * kube-downscaler's time-spec grammar, compiled once and matched against instants.
 *
 * Grammar and semantics as in kube-downscaler (hjacobs/kube-downscaler, kube_downscaler/helper.py,
 * `matches_time_spec`; the same in caas-team/py-kube-downscaler):
 * - `always` / `never` (any case);
 * - otherwise a comma-separated list; the spec matches when any entry does;
 * - recurring entry `Mon-Fri 07:30-20:30 Europe/Paris`: weekday and minute of the instant's wall
 *   clock in that zone; days inclusive, `Sun-Fri` wraps the week; start inclusive, end exclusive
 *   (`minute_from <= local_minutes < minute_to`), so `24:00` ends a range at midnight;
 * - absolute entry `2026-12-24T00:00:00+01:00-2026-12-27T00:00:00+01:00`: both ends inclusive.
 *
 * Stricter than kube-downscaler on purpose: every entry is checked when the spec is read (it only
 * reports a bad entry when it reaches it), hours/minutes out of range and unknown zones are
 * errors, and a recurring range whose end is not after its start (`20:30-07:30`) is an error —
 * kube-downscaler accepts it but it can never match, which is never what its author meant.
 * Absolute entries also accept `Z` for a zero offset.
 */
import { ScheduleError } from '../vocabulary/errors';
import { isKnownZone, wallClock } from './zoned-time';

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export interface RecurringEntry {
  kind: 'recurring';
  text: string;
  dayFrom: number;
  dayTo: number;
  minuteFrom: number;
  /** Exclusive; 1440 for `24:00`. */
  minuteTo: number;
  zone: string;
}

export interface AbsoluteEntry {
  kind: 'absolute';
  text: string;
  /** Epoch ms, both inclusive. */
  fromMs: number;
  toMs: number;
}

export type SpecEntry = RecurringEntry | AbsoluteEntry;

export interface TimeSpec {
  text: string;
  always: boolean;
  /** Empty and `always` false: `never`. */
  entries: readonly SpecEntry[];
}

const RECURRING = /^([A-Za-z]{3})-([A-Za-z]{3}) (\d\d):(\d\d)-(\d\d):(\d\d) ([A-Za-z][A-Za-z0-9/_+-]*)$/;
const INSTANT = String.raw`(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[-+]\d{2}:\d{2})`;
const ABSOLUTE = new RegExp(`^${INSTANT}-${INSTANT}$`);

const FORMATS =
  '"always", "never", or comma-separated entries like "Mon-Fri 07:30-20:30 Europe/Paris" or "2026-12-24T00:00:00+01:00-2026-12-27T00:00:00+01:00"';

export const ALWAYS: TimeSpec = { text: 'always', always: true, entries: [] };
export const NEVER: TimeSpec = { text: 'never', always: false, entries: [] };

/** Reads a spec; throws ScheduleError naming the first entry that is wrong. */
export function parseTimeSpec(text: string): TimeSpec {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'always') return { ...ALWAYS, text: trimmed };
  if (trimmed.toLowerCase() === 'never') return { ...NEVER, text: trimmed };
  const entries = trimmed.split(',').map((part) => parseEntry(part.trim()));
  return { text: trimmed, always: false, entries };
}

function parseEntry(text: string): SpecEntry {
  if (text === '') throw new ScheduleError(text, `empty entry (expected ${FORMATS})`);
  const recurring = RECURRING.exec(text);
  if (recurring) return recurringEntry(text, recurring);
  const absolute = ABSOLUTE.exec(text);
  if (absolute) return absoluteEntry(text, absolute);
  throw new ScheduleError(text, `does not match the format (expected ${FORMATS})`);
}

function recurringEntry(text: string, match: RegExpExecArray): RecurringEntry {
  const [, from = '', to = '', h1 = '', m1 = '', h2 = '', m2 = '', zone = ''] = match;
  const dayFrom = weekday(text, from);
  const dayTo = weekday(text, to);
  const minuteFrom = minuteOfDay(text, h1, m1, false);
  const minuteTo = minuteOfDay(text, h2, m2, true);
  if (minuteTo <= minuteFrom) {
    throw new ScheduleError(
      text,
      `end ${h2}:${m2} is not after start ${h1}:${m1} (a range cannot cross midnight: write two entries, e.g. "Mon-Fri 20:30-24:00 …, Tue-Sat 00:00-07:30 …")`,
    );
  }
  if (!isKnownZone(zone)) throw new ScheduleError(text, `unknown time zone ${JSON.stringify(zone)} (use an IANA name such as Europe/Paris or UTC)`);
  return { kind: 'recurring', text, dayFrom, dayTo, minuteFrom, minuteTo, zone };
}

function weekday(text: string, name: string): number {
  const index = WEEKDAYS.findIndex((day) => day.toLowerCase() === name.toLowerCase());
  if (index < 0) throw new ScheduleError(text, `unknown weekday ${JSON.stringify(name)} (use ${WEEKDAYS.join(', ')})`);
  return index;
}

function minuteOfDay(text: string, hours: string, minutes: string, isEnd: boolean): number {
  const h = Number(hours);
  const m = Number(minutes);
  const value = h * 60 + m;
  if (m > 59 || h > 24 || value > 1440 || (value === 1440 && !isEnd)) {
    throw new ScheduleError(text, `invalid time ${hours}:${minutes} (00:00–23:59${isEnd ? ', or 24:00 as an end' : ''})`);
  }
  return value;
}

function absoluteEntry(text: string, match: RegExpExecArray): AbsoluteEntry {
  const fromMs = instant(text, match.slice(1, 8));
  const toMs = instant(text, match.slice(8, 15));
  if (toMs < fromMs) throw new ScheduleError(text, 'end is before start');
  return { kind: 'absolute', text, fromMs, toMs };
}

function instant(text: string, parts: (string | undefined)[]): number {
  const [year, month, day, hour, minute, second] = parts.slice(0, 6).map(Number) as [number, number, number, number, number, number];
  const zone = parts[6] ?? 'Z';
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(local);
  // Date.UTC rolls 31 February over into March: compare the fields back.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new ScheduleError(text, `invalid date or time ${parts.slice(0, 6).join('-')}`);
  }
  if (zone === 'Z') return local;
  const sign = zone.startsWith('-') ? -1 : 1;
  const [offsetHours = 0, offsetMinutes = 0] = zone.slice(1).split(':').map(Number);
  return local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

/** Does the spec cover this instant? */
export function matchesTimeSpec(spec: TimeSpec, instantMs: number): boolean {
  return spec.always || spec.entries.some((entry) => matchesEntry(entry, instantMs));
}

function matchesEntry(entry: SpecEntry, instantMs: number): boolean {
  if (entry.kind === 'absolute') return entry.fromMs <= instantMs && instantMs <= entry.toMs;
  const { weekday: day, minuteOfDay: minute } = wallClock(instantMs, entry.zone);
  const dayMatches = entry.dayFrom <= entry.dayTo ? entry.dayFrom <= day && day <= entry.dayTo : day >= entry.dayFrom || day <= entry.dayTo;
  return dayMatches && entry.minuteFrom <= minute && minute < entry.minuteTo;
}
