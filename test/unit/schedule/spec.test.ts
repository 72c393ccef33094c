/** kube-downscaler's grammar: what matches when, and errors that name the entry. */
import { describe, expect, it } from 'vitest';
import { ScheduleError } from '../../../lib/vocabulary/errors';
import { matchesTimeSpec, parseTimeSpec } from '../../../lib/schedule/spec';

const at = (spec: string, iso: string) => matchesTimeSpec(parseTimeSpec(spec), Date.parse(iso));

describe('always and never', () => {
  it('match every instant and none, in any case', () => {
    expect(at('always', '2026-11-28T03:00:00Z')).toBe(true);
    expect(at('ALWAYS', '2026-11-28T03:00:00Z')).toBe(true);
    expect(at('never', '2026-11-28T03:00:00Z')).toBe(false);
    expect(at('Never', '2026-11-28T03:00:00Z')).toBe(false);
  });
});

describe('recurring ranges', () => {
  const WORK = 'Mon-Fri 07:30-20:30 Europe/Paris';

  it('include the start minute and exclude the end minute, on the zone wall clock (winter, UTC+1)', () => {
    expect(at(WORK, '2026-11-27T06:29:59Z')).toBe(false); // Fri 07:29:59 Paris
    expect(at(WORK, '2026-11-27T06:30:00Z')).toBe(true); // Fri 07:30
    expect(at(WORK, '2026-11-27T19:29:59Z')).toBe(true); // Fri 20:29:59
    expect(at(WORK, '2026-11-27T19:30:00Z')).toBe(false); // Fri 20:30
    expect(at(WORK, '2026-11-28T10:00:00Z')).toBe(false); // Saturday
  });

  it('follows the wall clock across DST: the same words mean UTC+2 in summer', () => {
    expect(at(WORK, '2026-06-01T05:30:00Z')).toBe(true); // Mon 07:30 CEST
    expect(at(WORK, '2026-06-01T05:29:00Z')).toBe(false);
    expect(at(WORK, '2026-06-01T18:29:00Z')).toBe(true); // 20:29 CEST
    expect(at(WORK, '2026-06-01T18:30:00Z')).toBe(false);
  });

  it('evaluates the weekday in the zone, not in UTC (Tokyo and Auckland Monday morning is Sunday in UTC)', () => {
    // Mon 2026-11-30 05:00 JST = Sun 2026-11-29 20:00 UTC
    expect(at('Mon-Mon 00:00-24:00 Asia/Tokyo', '2026-11-29T20:00:00Z')).toBe(true);
    expect(at('Sun-Sun 00:00-24:00 Asia/Tokyo', '2026-11-29T20:00:00Z')).toBe(false);
    expect(at('Sun-Sun 00:00-24:00 UTC', '2026-11-29T20:00:00Z')).toBe(true);
    // Mon 2026-11-30 08:00 NZDT (UTC+13) = Sun 19:00 UTC
    expect(at('Mon-Fri 07:30-20:30 Pacific/Auckland', '2026-11-29T19:00:00Z')).toBe(true);
    expect(at('Mon-Fri 07:30-20:30 Pacific/Auckland', '2026-11-29T18:29:00Z')).toBe(false); // 07:29 Monday
  });

  it('wraps the week when the first day comes after the last (Sun-Fri skips only Saturday)', () => {
    const SUN_FRI = 'Sun-Fri 08:00-17:00 UTC';
    expect(at(SUN_FRI, '2026-11-29T09:00:00Z')).toBe(true); // Sunday
    expect(at(SUN_FRI, '2026-11-27T09:00:00Z')).toBe(true); // Friday
    expect(at(SUN_FRI, '2026-11-25T09:00:00Z')).toBe(true); // Wednesday
    expect(at(SUN_FRI, '2026-11-28T09:00:00Z')).toBe(false); // Saturday
  });

  it('lets 24:00 end a range at midnight', () => {
    const WEEKEND = 'Sat-Sun 00:00-24:00 UTC';
    expect(at(WEEKEND, '2026-11-29T23:59:59Z')).toBe(true);
    expect(at(WEEKEND, '2026-11-30T00:00:00Z')).toBe(false);
    expect(at(WEEKEND, '2026-11-28T00:00:00Z')).toBe(true);
  });

  it('matches when any entry of a comma list does, weekday names in any case', () => {
    const spec = 'sat-sun 00:00-24:00 Europe/Paris, FRI-FRI 20:00-24:00 Europe/Paris';
    expect(at(spec, '2026-11-27T19:00:00Z')).toBe(true); // Fri 20:00 Paris
    expect(at(spec, '2026-11-27T18:59:00Z')).toBe(false);
    expect(at(spec, '2026-11-29T12:00:00Z')).toBe(true);
  });
});

describe('absolute ranges', () => {
  const CHRISTMAS = '2026-12-24T00:00:00+01:00-2026-12-27T00:00:00+01:00';

  it('include both ends', () => {
    expect(at(CHRISTMAS, '2026-12-23T22:59:59Z')).toBe(false);
    expect(at(CHRISTMAS, '2026-12-23T23:00:00Z')).toBe(true);
    expect(at(CHRISTMAS, '2026-12-26T23:00:00Z')).toBe(true);
    expect(at(CHRISTMAS, '2026-12-26T23:00:01Z')).toBe(false);
  });

  it('mix with recurring entries', () => {
    const spec = `Mon-Fri 07:30-20:30 Europe/Paris, ${CHRISTMAS}`;
    expect(at(spec, '2026-12-26T12:00:00Z')).toBe(true); // a Saturday, inside the absolute range
  });
});

describe('invalid specs', () => {
  const errorOf = (spec: string): ScheduleError => {
    try {
      parseTimeSpec(spec);
    } catch (error) {
      if (error instanceof ScheduleError) return error;
      throw error;
    }
    throw new Error(`no error for ${spec}`);
  };

  it.each([
    ['Mon-Fri 07:30-20:30 Europe/Paris, Mon-Fry 08:00-09:00 UTC', 'Mon-Fry 08:00-09:00 UTC', 'unknown weekday "Fry"'],
    ['Mon-Fri 07:30-20:30 Europe/Pariss', 'Mon-Fri 07:30-20:30 Europe/Pariss', 'unknown time zone'],
    ['Mon-Fri 07:30-25:00 UTC', 'Mon-Fri 07:30-25:00 UTC', 'invalid time 25:00'],
    ['Mon-Fri 07:60-20:00 UTC', 'Mon-Fri 07:60-20:00 UTC', 'invalid time 07:60'],
    ['Mon-Fri 24:00-24:00 UTC', 'Mon-Fri 24:00-24:00 UTC', 'invalid time 24:00'],
    ['Mon-Fri 20:30-07:30 UTC', 'Mon-Fri 20:30-07:30 UTC', 'not after start'],
    ['Mon-Fri 7:30-20:30 UTC', 'Mon-Fri 7:30-20:30 UTC', 'does not match the format'],
    ['Mon-Fri 07:30-20:30 UTC,', '', 'empty entry'],
    ['weekdays', 'weekdays', 'does not match the format'],
    ['2026-02-31T00:00:00+01:00-2026-03-02T00:00:00+01:00', '2026-02-31T00:00:00+01:00-2026-03-02T00:00:00+01:00', 'invalid date'],
    ['2026-12-27T00:00:00+01:00-2026-12-24T00:00:00+01:00', '2026-12-27T00:00:00+01:00-2026-12-24T00:00:00+01:00', 'end is before start'],
  ])('%s → names %j', (spec, entry, reason) => {
    const error = errorOf(spec);
    expect(error.entry).toBe(entry);
    expect(error.message).toContain(JSON.stringify(entry));
    expect(error.message).toContain(reason);
  });
});
