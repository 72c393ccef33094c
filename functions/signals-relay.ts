/**
 * The central account's relay: members' signals on this account's signals bus → relay rule → SQS →
 * here → PutEvents to the other members' buses (EventBridge does not pass them on by itself).
 * Wiring only: the work is in lib/shared-signals/relay.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { correlateEvents } from '../lib/runtime/correlate';
import { trackInvocationDeadline } from '../lib/runtime/invocation-deadline';
import { logger, powertoolsMetrics } from '../lib/runtime/powertools';
import { lambdaRelayDeps } from '../lib/runtime/shared-signals-deps';
import { relaySignals } from '../lib/shared-signals/relay';

/** middy fails the run this long before Lambda's own timeout. */
const TIMEOUT_EARLY_MS = 2000;
const deps = lambdaRelayDeps();

async function signalsRelay(event: SQSEvent, _context: Context, { signal }: { signal: AbortSignal }): Promise<SQSBatchResponse> {
  const result = await relaySignals(event.Records, deps, { abortSignal: signal });
  return { batchItemFailures: result.batchItemFailures };
}

export const handler = middy(signalsRelay, { timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateEvents(logger))
  .use(trackInvocationDeadline(TIMEOUT_EARLY_MS))
  .use(logMetrics(powertoolsMetrics));
