/**
 * The SQS queue a record came from, for what Lambda's partial batch response cannot say: "try this
 * one again soon". A record reported in batchItemFailures comes back only after the queue's
 * visibility timeout (failover 120 s, spot 180 s, longer than the Spot notice) unless its
 * visibility is changed (ChangeMessageVisibility).
 */
import type { CallOptions } from './auto-scaling';

export interface ReceivedRecord {
  /** The record's `eventSourceARN`: arn:aws:sqs:<region>:<account>:<queue>. */
  queueArn: string;
  receiptHandle: string;
  /** Visible again after this many seconds. */
  seconds: number;
}

export interface QueuePort {
  /** Each record becomes visible again after its `seconds` (ChangeMessageVisibility, 10 a call). */
  retrySoon(records: readonly ReceivedRecord[], options?: CallOptions): Promise<void>;
}
