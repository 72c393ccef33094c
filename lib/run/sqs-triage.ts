/**
 * The one SQS-record triage of the SQS-fed functions (failover, spot): parse every record, count
 * it, fail the malformed (SQS retries them, then the dead-letter queue keeps them), acknowledge the
 * ignored (another account's or region's events among them), and hand on the signals this function
 * handles, their times bounded (./event-time.ts). Nothing is dropped without a count and a log line.
 */
import { type RecordOutcome, parseSqsRecord } from '../parse/sqs-record';
import type { Signal } from '../vocabulary/signals';
import type { AppDeps } from './deps';
import { admitByEventTime } from './event-time';
import type { CallOptions } from '../ports/auto-scaling';

export type Annotated = RecordOutcome & { actions?: string[]; notes?: string[] };

export interface Triage<S extends Signal> {
  /** Every record's outcome, by index; runs add what they decided. */
  annotated: Annotated[];
  /** Indexes of the records to hand back to SQS. */
  failed: Set<number>;
  items: { item: number; signal: S }[];
}

/** Signals this function handles; others are acknowledged as `record.ignored` with `otherwise` in the log. */
export interface Accepts<S extends Signal> {
  is: (signal: Signal) => signal is S;
  otherwise: string;
}

export function triageRecords<S extends Signal>(
  records: readonly unknown[],
  deps: Pick<AppDeps, 'metrics' | 'log' | 'origin' | 'policy' | 'now'>,
  accepts: Accepts<S>,
): Triage<S> {
  const annotated: Annotated[] = records.map((record, index) => parseSqsRecord(record, index, deps.origin));
  const failed = new Set<number>();
  const items: { item: number; signal: S }[] = [];
  annotated.forEach((outcome, index) => {
    // An event of another kind (say an Auto Scaling one routed to the spot queue by mistake) is ignored, and counted so.
    deps.metrics.count(outcome.outcome === 'signal' && !accepts.is(outcome.signal) ? 'record.ignored' : `record.${outcome.outcome}`);
    if (outcome.outcome === 'invalid') {
      deps.log.error('malformed record: failing it so it reaches the dead-letter queue', { error: outcome.error, messageId: outcome.messageId });
      failed.add(index);
    } else if (outcome.outcome === 'ignored' && outcome.foreignOrigin) {
      deps.metrics.count('record.foreign-origin');
      deps.log.warn('event from another account or region: acknowledged, nothing done', { reason: outcome.reason, messageId: outcome.messageId });
    } else if (outcome.outcome === 'ignored') {
      deps.log.info('event ignored', { reason: outcome.reason, messageId: outcome.messageId });
    } else if (!accepts.is(outcome.signal)) {
      deps.log.info(`event ignored: ${accepts.otherwise}`, { kind: outcome.signal.kind, messageId: outcome.messageId });
    } else {
      deps.metrics.count(`signal.${outcome.signal.kind}`);
      items.push({ item: index, signal: outcome.signal });
    }
  });
  return { annotated, failed, items: admitByEventTime(items, deps) };
}

/**
 * A record handed back is visible again after 5 s, then 15, 45, 120 s as its receive count grows:
 * a throttled write is worth another try at once, but a lease busy for minutes must not spend the
 * queue's 5 receives (then the dead-letter queue) in half a minute.
 */
export function retryAfterSeconds(receiveCount: number): number {
  return Math.min(120, 5 * 3 ** Math.max(0, receiveCount - 1));
}

/**
 * The partial batch response, with the handed-back records' visibility shortened to a few seconds
 * (a throttled or lease-busy record is worth another try at once; a malformed one reaches the
 * dead-letter queue sooner). If that call fails the records still come back, after the timeout.
 */
export async function handBack(
  records: readonly unknown[],
  annotated: readonly Annotated[],
  failed: ReadonlySet<number>,
  deps: Pick<AppDeps, 'queue' | 'log' | 'metrics'>,
  options: CallOptions = {},
): Promise<{ itemIdentifier: string }[]> {
  const failures = batchItemFailures(annotated, failed);
  const handles = [...failed].flatMap((item) => {
    const record = records[item] as { eventSourceARN?: unknown; receiptHandle?: unknown; attributes?: { ApproximateReceiveCount?: unknown } } | undefined;
    const receives = Number(record?.attributes?.ApproximateReceiveCount) || 1;
    return typeof record?.eventSourceARN === 'string' && typeof record.receiptHandle === 'string'
      ? [{ queueArn: record.eventSourceARN, receiptHandle: record.receiptHandle, seconds: retryAfterSeconds(receives) }]
      : [];
  });
  if (deps.queue && handles.length > 0) {
    try {
      await deps.queue.retrySoon(handles, options);
      deps.metrics.count('record.retry-soon', handles.length);
    } catch (error) {
      deps.log.warn('could not shorten the visibility of the handed-back records; they come back after the queue\u2019s timeout', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return failures;
}

/** The partial batch response. SQS always sets messageId; a record without one cannot be reported back. */
export function batchItemFailures(annotated: readonly Annotated[], failed: ReadonlySet<number>): { itemIdentifier: string }[] {
  return [...failed].flatMap((item) => (annotated[item]?.messageId ? [{ itemIdentifier: annotated[item].messageId }] : []));
}

/** Every signal: the failover decides on each kind (spot ones included: it has nothing to do for them). */
export const ANY_SIGNAL: Accepts<Signal> = { is: (_signal: Signal): _signal is Signal => true, otherwise: 'never' };
