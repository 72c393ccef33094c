/** The downscaler's own period, from its EventBridge schedule expression. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_EVERY_MS, runEveryMs } from '../../../lib/downscaler/run-every';

describe('runEveryMs', () => {
  it('reads rate expressions in minutes, hours and days', () => {
    expect(runEveryMs('rate(5 minutes)')).toBe(300_000);
    expect(runEveryMs('rate(1 minute)')).toBe(60_000);
    expect(runEveryMs('rate(2 hours)')).toBe(7_200_000);
    expect(runEveryMs('rate(1 day)')).toBe(86_400_000);
  });

  it('assumes 5 minutes for cron expressions, nonsense or nothing', () => {
    for (const expression of ['cron(0/5 * * * ? *)', 'rate(0 minutes)', 'every 5 minutes', '', undefined])
      expect(runEveryMs(expression), String(expression)).toBe(DEFAULT_RUN_EVERY_MS);
  });
});
