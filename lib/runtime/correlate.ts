/**
 * A middy middleware putting the invocation's EventBridge event ids on every log line
 * (`correlation_id`, see lib/run/correlation.ts). Runs after injectLambdaContext, whose
 * resetKeys clears it after the invocation.
 */
import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { eventId, sqsBatchIds } from '../run/correlation';

export function correlateEvents(logger: Logger): MiddlewareObj {
  return {
    before: (request) => {
      const event = request.event as { Records?: unknown };
      if (Array.isArray(event?.Records)) {
        const batch = sqsBatchIds(event.Records);
        logger.setCorrelationId(batch.correlationId);
        logger.info('batch received', { records: batch.records });
      } else {
        const id = eventId(request.event);
        if (id) logger.setCorrelationId(id);
      }
    },
  };
}
