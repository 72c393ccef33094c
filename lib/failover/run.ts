/**
 * One SQS batch of launch events: parse every record, then — holding the writers' lease — observe
 * the groups once, decide in event-time order, act. A record fails (and is retried, then
 * dead-lettered) only if it is malformed, its actions could not be done, or the lease stayed busy;
 * foreign and uninteresting events are acknowledged and counted.
 *
 * With the lease store down (DynamoDB unavailable) the batch still takes failing groups out of
 * rotation, without the lease: only suspensions (and their enforcement, alerts and counts) are
 * written. That is safe because every writer that could undo one — restore, probe, fallback raise,
 * reconcile, the downscaler — needs the lease and so stands still meanwhile, and two suspensions of
 * the same group end in the same state (the cap is what runs, the saved sizes are the pre-failure
 * ones). What is left out is not lost: restores and probes are re-derived by reconcile from the
 * groups once the store is back; a fallback raise is left to cluster-autoscaler (the failing group
 * is out of its rotation).
 */
import { type Action, writesToAws } from './actions';
import { type Snapshot, buildSnapshot } from './snapshot';
import { type ExecutionResult, PhantomDemand } from './execute';
import type { ObservedGroup } from '../ports/auto-scaling';
import type { CallOptions } from '../ports/auto-scaling';
import type { PoolEvidence } from '../ports/shared-signals';
import type { Signal } from '../vocabulary/signals';
import { actDecided, logDecided } from './act-or-print';
import type { AppDeps } from '../run/deps';
import { RunReporter } from '../run/run-report';
import { decideInOrder } from './decide-in-order';
import { ANY_SIGNAL, type Annotated, handBack, triageRecords } from '../run/sqs-triage';
import { underLease } from '../run/with-lock';
import { withoutLease } from './without-lease';
import { handBackOnTransient } from '../run/execute-each';
import { describeConfiguredGroups } from '../run/describe-groups';

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
  /** Nodes the snapshot counts in groups' desired that the batch did not raise (./execute.ts). */
  phantom: PhantomDemand;
}

/** Returns its actions (for the report) and the records to retry if they could not be done. */
export type LaunchBatchFollowUp = (batch: LaunchBatch, options: CallOptions) => Promise<{ actions: Action[]; result: ExecutionResult; retry: number[] }>;

export async function handleLaunchEvents(
  records: readonly unknown[],
  deps: AppDeps,
  options: CallOptions = {},
  followUp?: LaunchBatchFollowUp,
): Promise<BatchResult> {
  const { annotated, failed, items: signals } = triageRecords(records, deps, ANY_SIGNAL);
  if (signals.length > 0) {
    const reporter = new RunReporter<Action>('failover', deps);
    const retryAll = () => {
      for (const { item } of signals) failed.add(item);
    };
    await handBackOnTransient(deps, retryAll, () =>
      underLease(
        deps,
        LOCK_WAIT_MS,
        (held) => decideAndAct(signals, annotated, failed, held, reporter, options, { withoutLease: false }, followUp),
        {
          consequence: 'the batch is retried',
          answer: retryAll,
          storeDown: {
            consequence: 'taking failing groups out of rotation without it; restores, probes and raises wait for it',
            work: () => decideAndAct(signals, annotated, failed, deps, reporter, options, { withoutLease: true }),
          },
        },
        options,
      ),
    );
    await reporter.notify();
    // After the local actions and their report: sharing never delays the failover.
    await deps.poolEvidence?.offer(capacityEvidence(signals.map(({ signal }) => signal)), options);
  }
  return { batchItemFailures: await handBack(records, annotated, failed, deps, options), records: annotated };
}

async function decideAndAct(
  signals: { item: number; signal: Signal }[],
  annotated: Annotated[],
  failed: Set<number>,
  deps: AppDeps,
  reporter: RunReporter<Action>,
  options: CallOptions,
  mode = { withoutLease: false },
  followUp?: LaunchBatchFollowUp,
): Promise<void> {
  const observed = await describeConfiguredGroups(deps, options);
  const { decided: all, snapshot } = decideInOrder(signals, buildSnapshot(observed, deps.policy), deps.policy, deps.now());
  const decided = mode.withoutLease ? all.map((entry) => withoutLease(entry, deps)) : all;
  // The whole batch is decided before anything is done: one log line for all of it.
  logDecided(
    decided.flatMap((entry) => entry.actions),
    deps,
  );
  const phantom = new PhantomDemand();
  for (const { item, signal, actions, notes, owned } of decided) {
    if (!owned) {
      deps.metrics.count('signal.foreign-group');
      deps.log.info('event for a group of no configured cluster: acknowledged', {
        group: 'autoScalingGroupName' in signal ? signal.autoScalingGroupName : null,
      });
    }
    if (notes.length) deps.log.info('no further action', { notes });
    const result = await actDecided(actions, deps, options, phantom);
    // Event time to the failover's writes done: only for a failure that moved something (a
    // redelivery that finds the group already out is not a failover, and would only add its age).
    if (owned && signal.kind === 'launch-failure' && actions.some(writesToAws) && result.failed.length === 0) {
      deps.metrics.timing('failover.latency', Math.max(0, deps.now().getTime() - Date.parse(signal.time)));
    }
    reporter.add(actions, result);
    if (result.failed.length > 0) failed.add(item);
    annotated[item] = { ...annotated[item]!, actions: actions.map((action) => action.kind), notes };
  }
  // Pool marks and the tier probe (it launches) only under the lease.
  if (followUp && !mode.withoutLease) {
    const after = await followUp({ signals, observed, snapshot, phantom }, options);
    reporter.add(after.actions, after.result);
    for (const item of after.retry) failed.add(item);
  }
}

/** Capacity failures with a known pool: physical evidence other accounts share (quota, price, configuration are this account's own). */
export function capacityEvidence(signals: readonly Signal[]): PoolEvidence[] {
  return signals.flatMap((signal) =>
    signal.kind === 'launch-failure' && signal.failure === 'capacity' && signal.availabilityZone && signal.market
      ? [
          {
            zone: { name: signal.availabilityZone },
            instanceType: signal.instanceType,
            group: signal.autoScalingGroupName,
            market: signal.market,
            kind: 'capacity-failure' as const,
            evidence: 1,
            firstSeen: signal.time,
            lastSeen: signal.time,
          },
        ]
      : [],
  );
}
