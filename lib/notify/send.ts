/**
 * Posts one message to one Slack incoming webhook through @slack/webhook, with our own bounded
 * retry loop around it: the library's retries cannot honour Retry-After, and a notification must
 * never hold a run for long. 429 waits what Slack asks (if that is within our cap); 5xx and
 * network errors (a refused connection, no answer within the timeout) back off exponentially;
 * any other 4xx gives up at once. Error texts never contain the URL (it is a secret).
 */
import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import { CapacityGuardError } from '../vocabulary/errors';
import type { SlackBlock } from './message';

export interface SendOptions {
  /** One HTTP request. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Longest Retry-After we wait; a longer one gives up (waiting less would only be refused again). */
  maxRetryAfterMs?: number;
  /** First backoff for 5xx/network errors, doubled each retry. */
  backoffMs?: number;
  /** Injected so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Epoch ms after which nothing is tried or waited for (the whole notification's budget). */
  deadlineMs?: number;
}

export interface SlackPayload {
  text: string;
  blocks: readonly SlackBlock[];
}

export class SlackSendError extends CapacityGuardError {
  override name = 'SlackSendError';
  constructor(
    message: string,
    readonly attempts: number,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DEFAULTS = { maxRetryAfterMs: 5_000, backoffMs: 250 };
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves with the number of attempts; rejects with a SlackSendError once retries are spent. */
export async function sendToSlack(url: string, payload: SlackPayload, options: SendOptions): Promise<number> {
  const { maxRetryAfterMs, backoffMs } = { ...DEFAULTS, ...options };
  const sleep = options.sleep ?? realSleep;
  const deadlineMs = options.deadlineMs ?? Number.POSITIVE_INFINITY;
  let retryAfter: string | null = null;
  // Only to read Retry-After, which the library's errors do not carry.
  const fetch = async (input: string | URL, init?: unknown) => {
    const response = await globalThis.fetch(input, init as RequestInit);
    retryAfter = response.headers.get('retry-after');
    return response;
  };
  for (let attempt = 1; ; attempt++) {
    retryAfter = null;
    const timeoutMs = Math.floor(Math.min(options.timeoutMs, deadlineMs - Date.now()));
    if (timeoutMs <= 0) throw new SlackSendError('no time left to send', attempt - 1, null);
    try {
      await new IncomingWebhook(url, { timeout: timeoutMs, retryConfig: { retries: 0 }, fetch }).send({ text: payload.text, blocks: payload.blocks as never });
      return attempt;
    } catch (error) {
      const failure = classify(error, url, timeoutMs, retryAfter);
      const last = attempt > options.maxRetries;
      if (failure.waitMs === 'never' || last)
        throw new SlackSendError(
          `${failure.what}${last && failure.waitMs !== 'never' ? ` (gave up after ${attempts(attempt)})` : ''}`,
          attempt,
          failure.status,
          { cause: error },
        );
      const waitMs = failure.waitMs === 'backoff' ? backoffMs * 2 ** (attempt - 1) : failure.waitMs;
      if (failure.waitMs !== 'backoff' && waitMs > maxRetryAfterMs)
        throw new SlackSendError(
          `${failure.what}: Slack asks to wait ${Math.ceil(waitMs / 1000)} s, more than the ${Math.ceil(maxRetryAfterMs / 1000)} s we wait`,
          attempt,
          failure.status,
          { cause: error },
        );
      if (Date.now() + waitMs >= deadlineMs)
        throw new SlackSendError(`${failure.what} (no time left to retry after ${attempts(attempt)})`, attempt, failure.status, { cause: error });
      await sleep(waitMs);
    }
  }
}

interface Failure {
  what: string;
  status: number | null;
  waitMs: number | 'backoff' | 'never';
}

function classify(error: unknown, url: string, timeoutMs: number, retryAfter: string | null): Failure {
  if (error instanceof IncomingWebhookHTTPError) {
    const body = redact(error.body, url).replace(/\s+/g, ' ').trim().slice(0, 100);
    const what = `Slack answered HTTP ${error.statusCode}${body ? ` (${body})` : ''}`;
    if (error.statusCode === 429) return { what, status: 429, waitMs: retryAfterMs(retryAfter) ?? 'backoff' };
    return { what, status: error.statusCode, waitMs: error.statusCode >= 500 ? 'backoff' : 'never' };
  }
  if (error instanceof IncomingWebhookRequestError) {
    const original = error.original as Error & { cause?: { code?: string } };
    if (original.name === 'TimeoutError' || original.name === 'AbortError')
      return { what: `no answer from Slack within ${timeoutMs} ms`, status: null, waitMs: 'backoff' };
    if (original instanceof TypeError && /url/i.test(original.message) && !original.cause)
      return { what: 'the webhook URL is not a valid URL', status: null, waitMs: 'never' };
    const code = original.cause?.code;
    return { what: `cannot reach Slack: ${code ?? redact(original.message, url)}`, status: null, waitMs: 'backoff' };
  }
  return { what: redact(error instanceof Error ? error.message : String(error), url), status: null, waitMs: 'never' };
}

/** Retry-After is delay-seconds or an HTTP date (RFC 9110, section 10.2.3). */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

const attempts = (count: number) => `${count} ${count === 1 ? 'attempt' : 'attempts'}`;

function redact(text: string, url: string): string {
  return url ? text.split(url).join('<webhook URL>') : text;
}
