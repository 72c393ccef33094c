/** Every minute: probes, drift repair, and failures whose event was lost. Wiring only; see lib/failover/reconcile.ts. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { reconcile } from '../lib/failover/reconcile';
import { lambdaDeps } from '../lib/runtime/deps';
import { correlateEvents } from '../lib/runtime/correlate';
import { trackInvocationDeadline } from '../lib/runtime/invocation-deadline';
import { logger, powertoolsMetrics } from '../lib/runtime/powertools';

/** middy fails the run this long before Lambda's own timeout. */
const TIMEOUT_EARLY_MS = 5000;
const deps = lambdaDeps();

async function reconcileRun(
  _event: ScheduledEvent,
  _context: Context,
  { signal }: { signal: AbortSignal },
): Promise<{ groups: number; actions: number; failedActions: number }> {
  const result = await reconcile(deps, { abortSignal: signal });
  const actions = result.decided.reduce((sum, entry) => sum + entry.actions.length, 0);
  if (result.failedActions > 0) throw new Error(`${result.failedActions} action(s) failed; the next run retries them`);
  return { groups: result.groups, actions, failedActions: result.failedActions };
}

export const handler = middy(reconcileRun, { timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateEvents(logger))
  .use(trackInvocationDeadline(TIMEOUT_EARLY_MS))
  .use(logMetrics(powertoolsMetrics));
