/**
 * For the CLI and the simulator: accept an EventBridge event, one SQS record, or a whole
 * Lambda SQS event, and say which it was.
 */
import type { ParseOutcome } from '../vocabulary/signals';
import { parseEventBridgeEvent } from './registry';
import { type RecordOutcome, parseSqsRecord } from './sqs-record';

export type InputOutcome =
  | { shape: 'eventbridge-event'; result: ParseOutcome }
  | { shape: 'sqs-record'; result: RecordOutcome }
  | { shape: 'lambda-sqs-event'; results: RecordOutcome[] };

export function parseAnyInput(value: unknown): InputOutcome {
  if (isObject(value) && Array.isArray(value.Records)) {
    return { shape: 'lambda-sqs-event', results: value.Records.map((record, index) => parseSqsRecord(record, index)) };
  }
  if (isObject(value) && typeof value.body === 'string' && 'messageId' in value) {
    return { shape: 'sqs-record', result: parseSqsRecord(value) };
  }
  return { shape: 'eventbridge-event', result: parseEventBridgeEvent(value) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
