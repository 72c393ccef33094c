import { describe, expect, it } from 'vitest';
import { isKnownZone, wallClock } from '../../../lib/schedule/zoned-time';

describe('isKnownZone', () => {
  it.each(['Europe/Paris', 'America/New_York', 'Asia/Tokyo'])('knows the canonical zone %s', (zone) => {
    expect(isKnownZone(zone)).toBe(true);
  });

  // Not in Intl.supportedValuesOf('timeZone') on Node 20, still accepted by Intl.DateTimeFormat.
  it.each(['UTC', 'US/Eastern', 'CET', 'Etc/GMT-2'])('knows the alias %s', (zone) => {
    expect(isKnownZone(zone)).toBe(true);
    expect(() => wallClock(0, zone)).not.toThrow();
  });

  it.each(['Europe/Pariss', 'Mars/Olympus_Mons', '', 'europe paris'])('rejects %j', (zone) => {
    expect(isKnownZone(zone)).toBe(false);
  });
});
