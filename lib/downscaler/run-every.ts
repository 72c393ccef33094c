/**
 * How often the downscaler function runs, read from its EventBridge schedule expression
 * (serverless.yml passes `${param:downscalerSchedule}` as CAPACITY_GUARD_DOWNSCALER_SCHEDULE).
 * Only `rate(N minute|minutes|hour|hours|day|days)` has a fixed period; for a `cron(...)`
 * expression, or none, the default 5 minutes is assumed.
 * Rate syntax: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
 */
export const DEFAULT_RUN_EVERY_MS = 5 * 60_000;
export const DOWNSCALER_SCHEDULE_VARIABLE = 'CAPACITY_GUARD_DOWNSCALER_SCHEDULE';

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function runEveryMs(expression: string | undefined): number {
  const match = /^rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)$/.exec(expression?.trim() ?? '');
  if (!match) return DEFAULT_RUN_EVERY_MS;
  const amount = Number(match[1]);
  return amount > 0 ? amount * (UNIT_MS[match[2] ?? 'minute'] ?? 60_000) : DEFAULT_RUN_EVERY_MS;
}
