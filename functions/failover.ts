/**
 * EventBridge (Auto Scaling launch events) → SQS → here. Wiring only: the work is in
 * lib/failover/run.ts. Records are handled as one batch rather than through
 * Powertools' BatchProcessor because the whole batch shares one Describe call and is decided in
 * event-time order; the partial batch response has the same shape.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handleLaunchEvents } from '../lib/failover/run';
import { lambdaDeps } from '../lib/runtime/deps';
import { lambdaPoolFollowUp } from '../lib/runtime/failover-follow-up';
import { correlateEvents } from '../lib/runtime/correlate';
import { trackInvocationDeadline } from '../lib/runtime/invocation-deadline';
import { logger, powertoolsMetrics } from '../lib/runtime/powertools';
import { withPoolEvidence } from '../lib/runtime/shared-signals-deps';

/** middy fails the run this long before Lambda's own timeout. */
const TIMEOUT_EARLY_MS = 2000;
// Capacity failures are shared with the other accounts after the local actions (config sharedSignals).
// The lease goes back with the report's first fold write (one DynamoDB call less per batch).
const deps = withPoolEvidence(lambdaDeps(process.env, { releaseLeaseWithFold: true }));
const pools = lambdaPoolFollowUp(deps);

async function failover(event: SQSEvent, _context: Context, { signal }: { signal: AbortSignal }): Promise<SQSBatchResponse> {
  const result = await handleLaunchEvents(event.Records, deps, { abortSignal: signal }, pools);
  return { batchItemFailures: result.batchItemFailures };
}

export const handler = middy(failover, { timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateEvents(logger))
  .use(trackInvocationDeadline(TIMEOUT_EARLY_MS))
  .use(logMetrics(powertoolsMetrics));
