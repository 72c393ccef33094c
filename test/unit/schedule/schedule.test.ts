/** Uptime + downtime, downtime winning, and the next transitions across DST weeks. */
import { describe, expect, it } from 'vitest';
import { isUp, nextTransitions, parseSchedule } from '../../../lib/schedule/schedule';

const PARIS_WORK = 'Mon-Fri 07:30-20:30 Europe/Paris';

describe('uptime and downtime', () => {
  it('is up when the uptime matches and the downtime does not; downtime wins when both match', () => {
    const schedule = parseSchedule(PARIS_WORK, '2026-12-24T00:00:00+01:00-2026-12-27T00:00:00+01:00');
    expect(isUp(schedule, new Date('2026-12-22T10:00:00Z'))).toBe(true);
    expect(isUp(schedule, new Date('2026-12-24T10:00:00Z'))).toBe(false); // a Thursday, but Christmas downtime
    expect(isUp(schedule, new Date('2026-12-22T22:00:00Z'))).toBe(false); // outside uptime
  });

  it('defaults to uptime always and downtime never (kube-downscaler defaults)', () => {
    expect(isUp(parseSchedule(undefined, undefined), new Date('2026-11-28T03:00:00Z'))).toBe(true);
    expect(isUp(parseSchedule(undefined, 'Sat-Sun 00:00-24:00 UTC'), new Date('2026-11-28T03:00:00Z'))).toBe(false);
  });
});

describe('next transitions', () => {
  const iso = (transitions: { at: string; up: boolean }[]) => transitions.map((t) => `${t.up ? 'up' : 'down'} ${t.at}`);

  it('spring-forward week in Paris (2026-03-29): down Friday 20:30 CET, up Monday 07:30 CEST', () => {
    const schedule = parseSchedule(PARIS_WORK, undefined);
    expect(iso(nextTransitions(schedule, new Date('2026-03-27T12:00:00Z'), 3))).toEqual([
      'down 2026-03-27T19:30:00.000Z',
      'up 2026-03-30T05:30:00.000Z',
      'down 2026-03-30T18:30:00.000Z',
    ]);
  });

  it('fall-back week in Paris (2026-10-25): down Friday 20:30 CEST, up Monday 07:30 CET', () => {
    const schedule = parseSchedule(PARIS_WORK, undefined);
    expect(iso(nextTransitions(schedule, new Date('2026-10-23T12:00:00Z'), 3))).toEqual([
      'down 2026-10-23T18:30:00.000Z',
      'up 2026-10-26T06:30:00.000Z',
      'down 2026-10-26T19:30:00.000Z',
    ]);
  });

  it('handles wall-clock times that do not exist or happen twice on the DST night itself', () => {
    const schedule = parseSchedule(undefined, 'Sun-Sun 02:30-03:30 Europe/Paris');
    // Spring forward: 02:00 CET jumps to 03:00 CEST at 01:00 UTC, straight into the range.
    expect(iso(nextTransitions(schedule, new Date('2026-03-28T12:00:00Z'), 2))).toEqual(['down 2026-03-29T01:00:00.000Z', 'up 2026-03-29T01:30:00.000Z']);
    // Fall back: 02:30–03:00 CEST, then 03:00 CEST becomes 02:00 CET, and 02:30–03:30 CET again.
    expect(iso(nextTransitions(schedule, new Date('2026-10-24T12:00:00Z'), 4))).toEqual([
      'down 2026-10-25T00:30:00.000Z',
      'up 2026-10-25T01:00:00.000Z',
      'down 2026-10-25T01:30:00.000Z',
      'up 2026-10-25T02:30:00.000Z',
    ]);
  });

  it('agrees with a minute-by-minute scan over a DST week, east and west of UTC', () => {
    for (const zone of ['Europe/Paris', 'Pacific/Auckland', 'America/New_York']) {
      const schedule = parseSchedule(`Mon-Fri 07:30-20:30 ${zone}, Sun-Sun 02:15-02:45 ${zone}`, `Wed-Wed 12:00-13:00 ${zone}`);
      for (const start of ['2026-03-25T00:00:00Z', '2026-04-01T00:00:00Z', '2026-10-21T00:00:00Z', '2026-11-04T00:00:00Z']) {
        const from = Date.parse(start);
        const expected: string[] = [];
        let state = isUp(schedule, from);
        for (let minute = from + 60_000; minute <= from + 8 * 86_400_000; minute += 60_000) {
          const up = isUp(schedule, minute);
          if (up !== state) expected.push(`${up ? 'up' : 'down'} ${new Date(minute).toISOString()}`);
          state = up;
        }
        const found = iso(nextTransitions(schedule, new Date(from), 100, 8));
        // A scan that found nothing would make the comparison vacuous: 8 days hold at least 10 transitions.
        expect(expected.length, `${zone} from ${start}`).toBeGreaterThanOrEqual(10);
        expect(found, `${zone} from ${start}`).toEqual(expected);
      }
    }
  });

  it('includes the absolute range end: the state changes one second after it', () => {
    const schedule = parseSchedule(undefined, '2026-12-24T00:00:00+01:00-2026-12-27T00:00:00+01:00');
    expect(iso(nextTransitions(schedule, new Date('2026-12-01T00:00:00Z'), 5))).toEqual(['down 2026-12-23T23:00:00.000Z', 'up 2026-12-26T23:00:01.000Z']);
  });

  it('returns nothing for schedules that never change', () => {
    expect(nextTransitions(parseSchedule('always', undefined), new Date('2026-12-01T00:00:00Z'), 5)).toEqual([]);
  });
});

describe('localTime', () => {
  it('writes the wall clock with its offset, west of UTC, with a quarter-hour offset, and on a DST night', async () => {
    const { localTime } = await import('../../../lib/schedule/zoned-time');
    const at = Date.parse('2026-03-29T00:59:30Z');
    expect(localTime(at, 'America/New_York')).toEqual({ iso: '2026-03-28T20:59:30-04:00', weekday: 'Sat' });
    expect(localTime(at, 'Asia/Kathmandu')).toEqual({ iso: '2026-03-29T06:44:30+05:45', weekday: 'Sun' });
    expect(localTime(at, 'Europe/Paris')).toEqual({ iso: '2026-03-29T01:59:30+01:00', weekday: 'Sun' });
    expect(localTime(at + 60_000, 'Europe/Paris')).toEqual({ iso: '2026-03-29T03:00:30+02:00', weekday: 'Sun' });
  });
});
