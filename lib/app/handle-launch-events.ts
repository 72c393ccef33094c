/**
 * One SQS batch of launch events: parse every record, then — holding the writers' lease — observe
 * the groups once, decide in event-time order, act. A record fails (and is retried, then
 * dead-lettered) only if it is malformed, its actions could not be done, or the lease stayed busy;
 * foreign and uninteresting events are acknowledged and counted.
 */
import { writesToAws } from '../decide/actions';
import { buildSnapshot } from '../decide/snapshot';
import type { CallOptions } from '../ports/auto-scaling';
import { type RecordOutcome, parseSqsRecord } from '../parse/sqs-record';
import type { Signal } from '../signals';
import { actDecided, logDecided } from './act-or-print';
import type { AppDeps } from './deps';
import { RunReporter } from './run-report';
import { admitByEventTime, decideInOrder } from './run-signals';
import { LockBusyError, withLock } from './with-lock';

/** A batch waits this long for the lease before it is handed back to SQS. */
const LOCK_WAIT_MS = 10_000;

type Annotated = RecordOutcome & { actions?: string[]; notes?: string[] };

export interface BatchResult {
  batchItemFailures: { itemIdentifier: string }[];
  records: Annotated[];
}

export async function handleLaunchEvents(records: readonly unknown[], deps: AppDeps, options: CallOptions = {}): Promise<BatchResult> {
  const annotated: Annotated[] = records.map((record, index) => parseSqsRecord(record, index, deps.origin));
  const failed = new Set<number>();
  const parsed: { item: number; signal: Signal }[] = [];
  annotated.forEach((outcome, index) => {
    deps.metrics.count(`record.${outcome.outcome}`);
    if (outcome.outcome === 'invalid') {
      deps.log.error('malformed record: failing it so it reaches the dead-letter queue', { error: outcome.error, messageId: outcome.messageId });
      failed.add(index);
    } else if (outcome.outcome === 'ignored' && outcome.foreignOrigin) {
      deps.metrics.count('record.foreign-origin');
      deps.log.warn('event from another account or region: acknowledged, nothing done', { reason: outcome.reason, messageId: outcome.messageId });
    } else if (outcome.outcome === 'ignored') {
      deps.log.info('event ignored', { reason: outcome.reason, messageId: outcome.messageId });
    } else {
      deps.metrics.count(`signal.${outcome.signal.kind}`);
      parsed.push({ item: index, signal: outcome.signal });
    }
  });
  const signals = admitByEventTime(parsed, deps);

  if (signals.length > 0) {
    const reporter = new RunReporter('failover', deps);
    try {
      await withLock(deps, LOCK_WAIT_MS, () => decideAndAct(signals, annotated, failed, deps, reporter, options), options);
    } catch (error) {
      if (!(error instanceof LockBusyError)) throw error;
      deps.metrics.count('lock.busy');
      deps.log.warn('lease busy: the batch is retried', { error: error.message });
      for (const { item } of signals) failed.add(item);
    }
    await reporter.notify();
  }
  // SQS always sets messageId; a record without one cannot be reported back.
  const batchItemFailures = [...failed].flatMap((item) => (annotated[item]?.messageId ? [{ itemIdentifier: annotated[item].messageId }] : []));
  return { batchItemFailures, records: annotated };
}

async function decideAndAct(signals: { item: number; signal: Signal }[], annotated: Annotated[], failed: Set<number>, deps: AppDeps, reporter: RunReporter, options: CallOptions): Promise<void> {
  const observed = await deps.autoScaling.describeGroups(deps.policy.clusters.map((cluster) => cluster.name), options);
  const { decided } = decideInOrder(signals, buildSnapshot(observed, deps.policy), deps.policy, deps.now());
  // The whole batch is decided before anything is done: one log line for all of it.
  logDecided(decided.flatMap((entry) => entry.actions), deps);
  for (const { item, signal, actions, notes, owned } of decided) {
    if (!owned) {
      deps.metrics.count('signal.foreign-group');
      deps.log.info('event for a group of no configured cluster: acknowledged', { group: 'autoScalingGroupName' in signal ? signal.autoScalingGroupName : null });
    }
    if (notes.length) deps.log.info('no further action', { notes });
    const result = await actDecided(actions, deps, options);
    // Event time to the failover's writes done: only for a failure that moved something (a
    // redelivery that finds the group already out is not a failover, and would only add its age).
    if (owned && signal.kind === 'launch-failure' && actions.some(writesToAws) && result.failed.length === 0) {
      deps.metrics.timing('failover.latency', Math.max(0, deps.now().getTime() - Date.parse(signal.time)));
    }
    reporter.add(actions, result);
    if (result.failed.length > 0) failed.add(item);
    annotated[item] = { ...annotated[item]!, actions: actions.map((action) => action.kind), notes };
  }
}
