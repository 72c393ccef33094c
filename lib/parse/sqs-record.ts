/**
 * EventBridge → SQS → Lambda: each SQS record's `body` is the event JSON.
 * Sample: events/sqs-record-launch-unsuccessful.json, events/lambda-sqs-event.json.
 */
import * as z from 'zod';
import type { ParseOutcome } from '../vocabulary/signals';
import type { EventOrigin } from './eventbridge-envelope';
import { parseEventBridgeEvent } from './registry';
import { describeIssues } from './zod-issues';

export const SqsRecord = z.object({
  messageId: z.string().min(1),
  body: z.string(),
  eventSource: z.literal('aws:sqs').optional(),
});

export type RecordOutcome = ParseOutcome & { messageId: string | null };

export function parseSqsRecord(value: unknown, index?: number, own: EventOrigin = {}): RecordOutcome {
  const where = index === undefined ? 'SQS record' : `Records.${index}`;
  const record = SqsRecord.safeParse(value);
  if (!record.success) return { outcome: 'invalid', error: `${where}: ${describeIssues(record.error)}`, messageId: null };
  const { messageId, body } = record.data;
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch (error) {
    return { outcome: 'invalid', error: `${where} (messageId ${messageId}): body is not JSON: ${(error as Error).message}`, messageId };
  }
  const outcome = parseEventBridgeEvent(event, own);
  if (outcome.outcome === 'invalid') return { ...outcome, error: `${where} (messageId ${messageId}): ${outcome.error}`, messageId };
  return { ...outcome, messageId };
}
