/** Every minute: on-demand fallback nodes go once Spot is back, Spot replacements first. Off unless retire.enabled. Wiring only; see lib/retire/run.ts. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { retireRun } from '../lib/retire/run';
import { correlateEvents } from '../lib/runtime/correlate';
import { trackInvocationDeadline } from '../lib/runtime/invocation-deadline';
import { logger, powertoolsMetrics } from '../lib/runtime/powertools';
import { lambdaRetireDeps } from '../lib/runtime/retire-deps';

/** middy fails the run this long before Lambda's own timeout. */
const TIMEOUT_EARLY_MS = 5000;
const deps = lambdaRetireDeps();

async function retire(
  _event: ScheduledEvent,
  _context: Context,
  { signal }: { signal: AbortSignal },
): Promise<{ sets: number; actions: number; failed: number }> {
  const result = await retireRun(deps, { abortSignal: signal });
  if (result.failed.length > 0) throw new Error(`${result.failed.length} retire action(s) failed; the next run resumes from the tags`);
  return { sets: result.sets.length, actions: result.decided.length, failed: 0 };
}

export const handler = middy(retire, { timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateEvents(logger))
  .use(trackInvocationDeadline(TIMEOUT_EARLY_MS))
  .use(logMetrics(powertoolsMetrics));
