/**
 * EventBridge (aws.ec2: Spot interruption warnings, rebalance recommendations, ending state
 * changes) → SQS → here, in large batches. Wiring only: the work is in
 * lib/spot/run.ts (one DescribeInstances, one CreateTags per batch).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handleSpotEvents } from '../lib/spot/run';
import { correlateEvents } from '../lib/runtime/correlate';
import { trackInvocationDeadline } from '../lib/runtime/invocation-deadline';
import { logger, powertoolsMetrics } from '../lib/runtime/powertools';
import { withPoolEvidence } from '../lib/runtime/shared-signals-deps';
import { lambdaSpotDeps } from '../lib/runtime/spot-deps';

/** middy fails the run this long before Lambda's own timeout. */
const TIMEOUT_EARLY_MS = 3000;
// Interruption storms are shared with the other accounts after the local actions (config sharedSignals).
const deps = withPoolEvidence(lambdaSpotDeps());

async function spot(event: SQSEvent, _context: Context, { signal }: { signal: AbortSignal }): Promise<SQSBatchResponse> {
  const result = await handleSpotEvents(event.Records, deps, { abortSignal: signal });
  return { batchItemFailures: result.batchItemFailures };
}

export const handler = middy(spot, { timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateEvents(logger))
  .use(trackInvocationDeadline(TIMEOUT_EARLY_MS))
  .use(logMetrics(powertoolsMetrics));
