/** The invocation's deadline, as the notifier sees it: Lambda's remaining time less middy's early timeout and a margin. */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEADLINE_MARGIN_MS, invocationDeadline, trackInvocationDeadline } from '../../../lib/runtime/invocation-deadline';

describe('trackInvocationDeadline', () => {
  it('is set for the invocation from the context and cleared after it, also after an error', async () => {
    const context = { getRemainingTimeInMillis: () => 20_000 } as unknown as Context;
    let seen: number | undefined;
    const ok = middy(async () => {
      seen = invocationDeadline();
    }).use(trackInvocationDeadline(2_000));
    const started = Date.now();
    await ok({}, context);
    expect(seen! - started).toBeGreaterThanOrEqual(20_000 - 2_000 - DEADLINE_MARGIN_MS - 50);
    expect(seen! - started).toBeLessThanOrEqual(20_000 - 2_000 - DEADLINE_MARGIN_MS + 50);
    expect(invocationDeadline()).toBeUndefined();

    const failing = middy(async () => {
      throw new Error('boom');
    }).use(trackInvocationDeadline(2_000));
    await expect(failing({}, context)).rejects.toThrow('boom');
    expect(invocationDeadline()).toBeUndefined();
  });
});
