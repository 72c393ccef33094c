/**
 * One SQS batch of launch events: parse every record, observe the groups once, decide in event
 * time order, act. A record fails (and is retried, then dead-lettered) only if it is malformed or
 * its actions could not be done; foreign and uninteresting events are acknowledged and counted.
 */
import { buildSnapshot } from '../decide/snapshot';
import type { CallOptions } from '../ports/auto-scaling';
import { type RecordOutcome, parseSqsRecord } from '../parse/sqs-record';
import type { Signal } from '../signals';
import { actOrPrint } from './act-or-print';
import type { AppDeps } from './deps';
import { decideInOrder } from './run-signals';

export interface BatchResult {
  batchItemFailures: { itemIdentifier: string }[];
  records: (RecordOutcome & { actions?: string[]; notes?: string[] })[];
}

export async function handleLaunchEvents(records: readonly unknown[], deps: AppDeps, options: CallOptions = {}): Promise<BatchResult> {
  const outcomes = records.map((record, index) => parseSqsRecord(record, index));
  const failures = new Set<string>();
  const signals: { item: number; signal: Signal }[] = [];
  outcomes.forEach((outcome, index) => {
    deps.metrics.count(`record.${outcome.outcome}`);
    if (outcome.outcome === 'invalid') {
      deps.log.error('malformed record: failing it so it reaches the dead-letter queue', { error: outcome.error, messageId: outcome.messageId });
      // A record without a messageId cannot be reported; SQS always sets one, so this is a test-only path.
      if (outcome.messageId) failures.add(outcome.messageId);
    } else if (outcome.outcome === 'ignored') {
      deps.log.info('event ignored', { reason: outcome.reason, messageId: outcome.messageId });
    } else {
      deps.metrics.count(`signal.${outcome.signal.kind}`);
      signals.push({ item: index, signal: outcome.signal });
    }
  });

  const annotated: BatchResult['records'] = outcomes.map((outcome) => ({ ...outcome }));
  if (signals.length > 0) {
    const observed = await deps.autoScaling.describeGroups(deps.policy.clusters.map((cluster) => cluster.name), options);
    const { decided } = decideInOrder(signals, buildSnapshot(observed, deps.policy), deps.policy, deps.now());
    for (const { item, signal, actions, notes, owned } of decided) {
      if (!owned) {
        deps.metrics.count('signal.foreign-group');
        deps.log.info('event for a group of no configured cluster: acknowledged', { group: 'autoScalingGroupName' in signal ? signal.autoScalingGroupName : null });
      }
      if (notes.length) deps.log.info('no further action', { notes });
      if (owned && signal.kind === 'launch-failure') deps.metrics.timing('failover.latency', Math.max(0, deps.now().getTime() - Date.parse(signal.time)));
      const result = await actOrPrint(actions, deps, options);
      const messageId = outcomes[item]?.messageId;
      if (result.failed.length > 0 && messageId) failures.add(messageId);
      annotated[item] = { ...annotated[item]!, actions: actions.map((action) => action.kind), notes };
    }
  }
  return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })), records: annotated };
}
