/**
 * When the current invocation must be done: the Lambda deadline less middy's early timeout and a
 * margin. The notifier, which runs last, ends its sends by then, so a slow Slack can never turn a
 * batch whose actions were done into a timed-out (retried, alarmed) one. One invocation at a
 * time per container, so a module variable is enough.
 */
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/** Left for returning the batch response and flushing metrics after the notification. */
export const DEADLINE_MARGIN_MS = 500;

let current: number | undefined;

export function invocationDeadline(): number | undefined {
  return current;
}

export function trackInvocationDeadline(timeoutEarlyMs: number): MiddlewareObj {
  const clear = () => {
    current = undefined;
  };
  return {
    before: (request) => {
      const context = request.context as Context;
      current = Date.now() + context.getRemainingTimeInMillis() - timeoutEarlyMs - DEADLINE_MARGIN_MS;
    },
    after: clear,
    onError: clear,
  };
}
