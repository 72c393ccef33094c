/** Every 5 minutes (serverless.yml): staging groups down at night and on weekends, restored exactly. Wiring only; see lib/downscaler/run.ts. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { downscale } from '../lib/downscaler/run';
import { DOWNSCALER_SCHEDULE_VARIABLE, runEveryMs } from '../lib/downscaler/run-every';
import { lambdaDeps } from '../lib/runtime/deps';
import { correlateEvents } from '../lib/runtime/correlate';
import { trackInvocationDeadline } from '../lib/runtime/invocation-deadline';
import { logger, powertoolsMetrics } from '../lib/runtime/powertools';

/** middy fails the run this long before Lambda's own timeout. */
const TIMEOUT_EARLY_MS = 5000;
const deps = lambdaDeps();
const period = runEveryMs(process.env[DOWNSCALER_SCHEDULE_VARIABLE]);

async function downscalerRun(
  _event: ScheduledEvent,
  _context: Context,
  { signal }: { signal: AbortSignal },
): Promise<{ groups: number; actions: number; skipped: number; failedActions: number }> {
  const result = await downscale(deps, { abortSignal: signal }, period);
  if (result.failedActions > 0) throw new Error(`${result.failedActions} downscaler action(s) failed; the next run retries them`);
  return { groups: result.groups, actions: result.actions.length, skipped: result.notes.length, failedActions: 0 };
}

export const handler = middy(downscalerRun, { timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateEvents(logger))
  .use(trackInvocationDeadline(TIMEOUT_EARLY_MS))
  .use(logMetrics(powertoolsMetrics));
