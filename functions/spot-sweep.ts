/** Every 5 minutes: rebalance tags that no interruption followed expire, detached nodes past their time go. Wiring only; see lib/spot/sweep-run.ts. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { sweepRebalanceTags } from '../lib/spot/sweep-run';
import { correlateEvents } from '../lib/runtime/correlate';
import { trackInvocationDeadline } from '../lib/runtime/invocation-deadline';
import { logger, powertoolsMetrics } from '../lib/runtime/powertools';
import { lambdaSpotDeps } from '../lib/runtime/spot-deps';

/** middy fails the run this long before Lambda's own timeout. */
const TIMEOUT_EARLY_MS = 5000;
const deps = lambdaSpotDeps();

async function sweep(
  _event: ScheduledEvent,
  _context: Context,
  { signal }: { signal: AbortSignal },
): Promise<{ tagged: number; expired: number; terminated: number }> {
  const result = await sweepRebalanceTags(deps, { abortSignal: signal });
  if (result.failed) throw new Error('the sweep could not expire rebalance tags or terminate detached nodes; the next run retries');
  return { tagged: result.tagged, expired: result.expired?.instanceIds.length ?? 0, terminated: result.terminated?.instanceIds.length ?? 0 };
}

export const handler = middy(sweep, { timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateEvents(logger))
  .use(trackInvocationDeadline(TIMEOUT_EARLY_MS))
  .use(logMetrics(powertoolsMetrics));
