import * as z from 'zod';

/** "90s", "3m", "1h30m", "2d" or a number of seconds → milliseconds. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;

export function parseDuration(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : null;
  const text = value.trim();
  if (!DURATION.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(amount) * (UNIT_MS[unit ?? 's'] ?? 0);
  return total;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms >= 3_600_000) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/**
 * A config duration field → milliseconds. Any other type (true, a list) gets the same message
 * as a bad string, so the error says what to write instead of zod's bare "Invalid input".
 * `never: true` also accepts the word never (→ null).
 */
export function durationSchema(examples: string): z.ZodType<number, unknown>;
export function durationSchema(examples: string, options: { never: true }): z.ZodType<number | null, unknown>;
export function durationSchema(examples: string, options: { never?: boolean } = {}): z.ZodType<number | null, unknown> {
  return z.unknown().transform((value, context) => {
    if (options.never && value === 'never') return null;
    if (value === undefined) {
      context.addIssue({ code: 'custom', message: `missing: write a duration, e.g. ${examples}` });
      return z.NEVER;
    }
    const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : null;
    if (ms === null) {
      context.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(value)} (write e.g. ${examples})` });
      return z.NEVER;
    }
    return ms;
  });
}
