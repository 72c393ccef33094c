/**
 * One SQS batch of launch events: parse every record, then — holding the writers' lease — observe
 * the groups once, decide in event-time order, act. A record fails (and is retried, then
 * dead-lettered) only if it is malformed, its actions could not be done, or the lease stayed busy;
 * foreign and uninteresting events are acknowledged and counted.
 */
import { type Action, writesToAws } from './actions';
import { type Snapshot, buildSnapshot } from './snapshot';
import type { ExecutionResult } from './execute';
import type { ObservedGroup } from '../ports/auto-scaling';
import type { CallOptions } from '../ports/auto-scaling';
import type { PoolEvidence } from '../ports/shared-signals';
import type { Signal } from '../vocabulary/signals';
import { actDecided, logDecided } from './act-or-print';
import type { AppDeps } from '../run/deps';
import { RunReporter } from '../run/run-report';
import { decideInOrder } from './decide-in-order';
import { ANY_SIGNAL, type Annotated, batchItemFailures, triageRecords } from '../run/sqs-triage';
import { underLease } from '../run/with-lock';

/** A batch waits this long for the lease before it is handed back to SQS. */
const LOCK_WAIT_MS = 10_000;

export interface BatchResult {
  batchItemFailures: { itemIdentifier: string }[];
  records: Annotated[];
}

/**
 * What a batch leaves for a follow-up under the same lease (lib/pools: pools out → other groups):
 * its signals, the groups as observed, the snapshot as the batch's actions will leave it.
 */
export interface LaunchBatch {
  signals: readonly { item: number; signal: Signal }[];
  observed: readonly ObservedGroup[];
  snapshot: Snapshot;
}

/** Returns its actions (for the report) and the records to retry if they could not be done. */
export type LaunchBatchFollowUp = (batch: LaunchBatch, options: CallOptions) => Promise<{ actions: Action[]; result: ExecutionResult; retry: number[] }>;

export async function handleLaunchEvents(records: readonly unknown[], deps: AppDeps, options: CallOptions = {}, followUp?: LaunchBatchFollowUp): Promise<BatchResult> {
  const { annotated, failed, items: signals } = triageRecords(records, deps, ANY_SIGNAL);
  if (signals.length > 0) {
    const reporter = new RunReporter<Action>('failover', deps);
    const retryAll = () => {
      for (const { item } of signals) failed.add(item);
    };
    await underLease(deps, LOCK_WAIT_MS, () => decideAndAct(signals, annotated, failed, deps, reporter, options, followUp), { consequence: 'the batch is retried', answer: retryAll }, options);
    await reporter.notify();
    // After the local actions and their report: sharing never delays the failover.
    await deps.poolEvidence?.offer(capacityEvidence(signals.map(({ signal }) => signal)), options);
  }
  return { batchItemFailures: batchItemFailures(annotated, failed), records: annotated };
}

async function decideAndAct(signals: { item: number; signal: Signal }[], annotated: Annotated[], failed: Set<number>, deps: AppDeps, reporter: RunReporter<Action>, options: CallOptions, followUp?: LaunchBatchFollowUp): Promise<void> {
  const observed = await deps.autoScaling.describeGroups(deps.policy.clusters.map((cluster) => cluster.name), options);
  const { decided, snapshot } = decideInOrder(signals, buildSnapshot(observed, deps.policy), deps.policy, deps.now());
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
  if (followUp) {
    const after = await followUp({ signals, observed, snapshot }, options);
    reporter.add(after.actions, after.result);
    for (const item of after.retry) failed.add(item);
  }
}

/** Capacity failures with a known pool: physical evidence other accounts share (quota, price, configuration are this account's own). */
export function capacityEvidence(signals: readonly Signal[]): PoolEvidence[] {
  return signals.flatMap((signal) =>
    signal.kind === 'launch-failure' && signal.failure === 'capacity' && signal.availabilityZone && signal.market
      ? [{ zone: { name: signal.availabilityZone }, instanceType: signal.instanceType, group: signal.autoScalingGroupName, market: signal.market, kind: 'capacity-failure' as const, evidence: 1, firstSeen: signal.time, lastSeen: signal.time }]
      : [],
  );
}
