/**
 * Other accounts' capacity signals: their PutEvents → this account's signals bus → rule → SQS →
 * here. Wiring only: the work is in lib/shared-signals/receive.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { correlateEvents } from '../lib/runtime/correlate';
import { trackInvocationDeadline } from '../lib/runtime/invocation-deadline';
import { logger, powertoolsMetrics } from '../lib/runtime/powertools';
import { lambdaSharedSignalDeps } from '../lib/runtime/shared-signals-deps';
import { handleSharedSignals } from '../lib/shared-signals/receive';

/** middy fails the run this long before Lambda's own timeout. */
const TIMEOUT_EARLY_MS = 2000;
const deps = lambdaSharedSignalDeps();

async function sharedSignals(event: SQSEvent, _context: Context, { signal }: { signal: AbortSignal }): Promise<SQSBatchResponse> {
  const result = await handleSharedSignals(event.Records, deps, { abortSignal: signal });
  return { batchItemFailures: result.batchItemFailures };
}

export const handler = middy(sharedSignals, { timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateEvents(logger))
  .use(trackInvocationDeadline(TIMEOUT_EARLY_MS))
  .use(logMetrics(powertoolsMetrics));
