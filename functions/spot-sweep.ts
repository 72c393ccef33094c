/** Every 5 minutes: rebalance tags that no interruption followed expire. Wiring only; see lib/app/spot/sweep.ts. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { sweepRebalanceTags } from '../lib/app/spot/sweep';
import { correlateEvents } from '../lib/runtime/correlate';
import { trackInvocationDeadline } from '../lib/runtime/invocation-deadline';
import { logger, powertoolsMetrics } from '../lib/runtime/powertools';
import { lambdaSpotDeps } from '../lib/runtime/spot-deps';

/** middy fails the run this long before Lambda's own timeout. */
const TIMEOUT_EARLY_MS = 5000;
const deps = lambdaSpotDeps();

async function sweep(_event: ScheduledEvent, _context: Context, { signal }: { signal: AbortSignal }): Promise<{ tagged: number; expired: number }> {
  const result = await sweepRebalanceTags(deps, { abortSignal: signal });
  if (result.failed) throw new Error('could not remove expired rebalance tags; the next run retries');
  return { tagged: result.tagged, expired: result.expired?.instanceIds.length ?? 0 };
}

export const handler = middy(sweep, { timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateEvents(logger))
  .use(trackInvocationDeadline(TIMEOUT_EARLY_MS))
  .use(logMetrics(powertoolsMetrics));
