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

/** The record's event JSON, or why it cannot be read; `where` names the record in errors. */
export function readSqsBody(
  value: unknown,
  index?: number,
): { ok: true; messageId: string; event: unknown; where: string } | { ok: false; error: string; messageId: string | null } {
  const where = index === undefined ? 'SQS record' : `Records.${index}`;
  const record = SqsRecord.safeParse(value);
  if (!record.success) return { ok: false, error: `${where}: ${describeIssues(record.error)}`, messageId: null };
  const { messageId, body } = record.data;
  try {
    return { ok: true, messageId, event: JSON.parse(body), where };
  } catch (error) {
    return { ok: false, error: `${where} (messageId ${messageId}): body is not JSON: ${(error as Error).message}`, messageId };
  }
}

export function parseSqsRecord(value: unknown, index?: number, own: EventOrigin = {}): RecordOutcome {
  const read = readSqsBody(value, index);
  if (!read.ok) return { outcome: 'invalid', error: read.error, messageId: read.messageId };
  const { messageId, event, where } = read;
  const outcome = parseEventBridgeEvent(event, own);
  if (outcome.outcome === 'invalid') return { ...outcome, error: `${where} (messageId ${messageId}): ${outcome.error}`, messageId };
  return { ...outcome, messageId };
}
