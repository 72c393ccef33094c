/** The sender against a real local HTTP server: success, 429 + Retry-After, 5xx, a hang, a refused connection. */
import { afterEach, describe, expect, it } from 'vitest';
import { SlackSendError, retryAfterMs, sendToSlack } from '../../../lib/notify/send';
import { type SlackReceiver, closedPortUrl, startSlackReceiver } from '../../support/slack-receiver';

const payload = { text: 'capacity-guard · prod: 1 out of rotation', blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'hello' } }] };

describe('sending to a Slack webhook', () => {
  let receiver: SlackReceiver | undefined;
  const slept: number[] = [];
  const sleep = async (ms: number) => void slept.push(ms);
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
    slept.length = 0;
  });

  it('posts the text and blocks as JSON once when Slack answers ok', async () => {
    receiver = await startSlackReceiver({ status: 200, body: 'ok' });
    expect(await sendToSlack(receiver.url, payload, { timeoutMs: 2000, maxRetries: 2, sleep })).toBe(1);
    expect(receiver.received).toEqual([{ path: '/services/T000/B000/secret-token', body: { text: payload.text, blocks: payload.blocks } }]);
    expect(slept).toEqual([]);
  });

  it('waits what Retry-After asks on 429, then succeeds', async () => {
    receiver = await startSlackReceiver({ status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' }, { status: 200 });
    expect(await sendToSlack(receiver.url, payload, { timeoutMs: 2000, maxRetries: 2, sleep })).toBe(2);
    expect(slept).toEqual([1000]);
    expect(receiver.received).toHaveLength(2);
  });

  it('really sleeps the Retry-After when no sleep is injected (kept to 1 s)', async () => {
    receiver = await startSlackReceiver({ status: 429, headers: { 'retry-after': '1' } }, { status: 200 });
    const started = Date.now();
    await sendToSlack(receiver.url, payload, { timeoutMs: 2000, maxRetries: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once when Slack asks to wait longer than the cap', async () => {
    receiver = await startSlackReceiver({ status: 429, headers: { 'retry-after': '120' } });
    const error = await sendToSlack(receiver.url, payload, { timeoutMs: 2000, maxRetries: 3, maxRetryAfterMs: 5000, sleep }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SlackSendError);
    expect((error as Error).message).toBe('Slack answered HTTP 429 (error): Slack asks to wait 120 s, more than the 5 s we wait');
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a 500 with exponential backoff, then gives up after maxRetries', async () => {
    receiver = await startSlackReceiver({ status: 500, body: 'internal_error' });
    const error = await sendToSlack(receiver.url, payload, { timeoutMs: 2000, maxRetries: 2, backoffMs: 100, sleep }).catch((caught: unknown) => caught);
    expect((error as SlackSendError).message).toBe('Slack answered HTTP 500 (internal_error) (gave up after 3 attempts)');
    expect((error as SlackSendError).attempts).toBe(3);
    expect(slept).toEqual([100, 200]);
    expect(receiver.received).toHaveLength(3);
  });

  it('does not retry a 4xx such as a revoked webhook', async () => {
    receiver = await startSlackReceiver({ status: 404, body: 'no_service' });
    const error = await sendToSlack(receiver.url, payload, { timeoutMs: 2000, maxRetries: 2, sleep }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('Slack answered HTTP 404 (no_service)');
    expect(receiver.received).toHaveLength(1);
  });

  it('stops waiting for a receiver that hangs past the timeout, and retries within bounds', async () => {
    receiver = await startSlackReceiver('hang');
    const started = Date.now();
    const error = await sendToSlack(receiver.url, payload, { timeoutMs: 200, maxRetries: 1, sleep }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('no answer from Slack within 200 ms (gave up after 2 attempts)');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(receiver.received).toHaveLength(2);
  });

  it('gives up when the next retry would pass the deadline', async () => {
    receiver = await startSlackReceiver({ status: 503 });
    const error = await sendToSlack(receiver.url, payload, { timeoutMs: 2000, maxRetries: 5, backoffMs: 10_000, deadlineMs: Date.now() + 5_000, sleep }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toBe('Slack answered HTTP 503 (error) (no time left to retry after 1 attempt)');
    expect(slept).toEqual([]);
  });

  it('shortens the request timeout to the deadline', async () => {
    receiver = await startSlackReceiver('hang');
    const started = Date.now();
    const error = await sendToSlack(receiver.url, payload, { timeoutMs: 10_000, maxRetries: 0, deadlineMs: Date.now() + 200, sleep }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toMatch(/^no answer from Slack within \d+ ms \(gave up after 1 attempt\)$/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports a refused connection without the URL (it is a secret)', async () => {
    const url = await closedPortUrl();
    const error = await sendToSlack(url, payload, { timeoutMs: 500, maxRetries: 1, sleep }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('cannot reach Slack: ECONNREFUSED (gave up after 2 attempts)');
    expect((error as Error).message).not.toContain('secret-token');
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Sat, 28 Nov 2026 08:00:05 GMT', Date.parse('2026-11-28T08:00:00Z'))).toBe(5000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
  });
});
