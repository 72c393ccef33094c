/**
 * One SQS batch of signals from other accounts (their PutEvents → our signals bus → rule → SQS →
 * here): parse, admit (allowlist, region, own account), fold into the pool marks (a duplicate
 * changes nothing), then — holding the writers' lease — take out the groups all of whose pools are
 * out. A "recovered" signal ends its origin's mark of that pool (lib/shared-signals/marks.ts); a
 * group whose suspension rested on that mark resumes at once (its probe opens at the next reconcile). A malformed record
 * fails (SQS retries it, the dead-letter queue keeps it, the log says why);
 * refused and own signals are acknowledged, counted and logged. A received signal is never
 * published again: this run has no publisher.
 */
import type { SharedSignalsPolicy } from '../config/shared-signals-schema';
import { actDecided, logDecided } from '../failover/act-or-print';
import type { Action } from '../failover/actions';
import { buildSnapshot } from '../failover/snapshot';
import { parseSharedSignalRecord, type SharedSignalOutcome } from '../parse/shared-pool-signal';
import type { CallOptions } from '../ports/auto-scaling';
import type { PoolSignalStore } from '../ports/pool-signals';
import type { AppDeps } from '../run/deps';
import { writeGate } from '../run/gate';
import { RunReporter } from '../run/run-report';
import { underLease } from '../run/with-lock';
import { describeSharedSignal } from '../vocabulary/shared-signal';
import { groupsPartlyOut, resumeEarly, suspensionsForRemote } from './act-on-pools';
import { admitSignal } from './admit';
import { type EndedMark, type MarkChange, marksToWrite, remoteOut } from './marks';
import { describeConfiguredGroups } from '../run/describe-groups';

const LOCK_WAIT_MS = 10_000;

export interface SharedSignalDeps extends AppDeps {
  sharedSignals: SharedSignalsPolicy;
  own: { account: string; region: string };
  /** The account's pool store (lib/pools): received marks live beside this account's own. */
  pools: PoolSignalStore;
  /** Zone name in this account → AZ ID (signals name pools by AZ ID). */
  zoneIds: (options?: CallOptions) => Promise<ReadonlyMap<string, string>>;
}

export interface ReceiveResult {
  batchItemFailures: { itemIdentifier: string }[];
  outcomes: (SharedSignalOutcome & { verdict?: string; reason?: string })[];
  actions: Action[];
}

export async function handleSharedSignals(records: readonly unknown[], deps: SharedSignalDeps, options: CallOptions = {}): Promise<ReceiveResult> {
  const outcomes: ReceiveResult['outcomes'] = records.map((record, index) => parseSharedSignalRecord(record, index));
  const failed = new Set<number>();
  let changed = false;
  let endedMarks: EndedMark[] = [];
  const changes: { index: number; change: Exclude<MarkChange, { change: 'none' }> }[] = [];
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.outcome === 'invalid') {
      deps.metrics.count('shared-signals.invalid');
      deps.log.error('malformed pool signal: failing it so it reaches the dead-letter queue', { error: outcome.error, messageId: outcome.messageId });
      failed.add(index);
      continue;
    }
    if (outcome.outcome === 'ignored') {
      deps.metrics.count('shared-signals.ignored');
      deps.log.info('event ignored', { reason: outcome.reason, messageId: outcome.messageId });
      continue;
    }
    const admission = admitSignal(outcome.signal, outcome.sender, deps.sharedSignals, deps.own);
    outcomes[index] = { ...outcome, verdict: admission.verdict, ...('reason' in admission && { reason: admission.reason }) };
    if (admission.verdict === 'refuse') {
      deps.metrics.count('shared-signals.refused');
      deps.log.warn('pool signal refused', { reason: admission.reason, signal: outcome.signal.id, eventId: outcome.eventId });
      continue;
    }
    if (admission.verdict === 'own') {
      deps.metrics.count('shared-signals.own');
      deps.log.info('own pool signal ignored', { signal: outcome.signal.id });
      continue;
    }
    deps.metrics.count('shared-signals.received');
    const change = remoteOut(outcome.signal, deps.sharedSignals, deps.now());
    const what = change.change === 'none' ? `pool signal changes nothing: ${change.why}` : change.change === 'set' ? 'pool marked out' : 'pool recovered';
    deps.log.info(what, { signal: describeSharedSignal(outcome.signal) });
    if (change.change !== 'none') changes.push({ index, change });
  }
  if (changes.length > 0) {
    try {
      // A recovery ends a mark already stored: read them only then.
      const stored = changes.some(({ change }) => change.change === 'end') ? await deps.pools.listPoolsOut(deps.now(), options) : [];
      const { writes, ended, endedFrom } = marksToWrite(
        changes.map(({ change }) => change),
        stored,
      );
      if (writes.length > 0 && writeGate(deps.policy, true).writes) await deps.pools.recordPoolsOut(writes, options);
      changed = writes.length > ended.length;
      endedMarks = endedFrom;
      for (const out of writes) if (!ended.includes(out)) deps.metrics.timing('shared-signals.age', Math.max(0, deps.now().getTime() - Date.parse(out.seenAt)));
      if (ended.length > 0) {
        deps.metrics.count('shared-signals.mark-ended', ended.length);
        deps.log.info('pool marks ended early: their origin launched there again', {
          pools: ended.map((out) => `${out.pool.instanceType} ${out.pool.market} ${out.pool.zoneId} (account ${out.account})`),
        });
      }
    } catch (error) {
      deps.log.error('could not record the pool signals; the records will be retried', { error: String(error) });
      for (const { index } of changes) failed.add(index);
    }
  }
  const actions =
    changed || endedMarks.length > 0
      ? await actOnPools(deps, endedMarks, options).catch((error: unknown) => {
          deps.log.error('could not act on the pools; the batch is retried', { error: String(error) });
          outcomes.forEach((outcome, index) => {
            if (outcome.outcome === 'signal') failed.add(index);
          });
          return [];
        })
      : [];
  return {
    batchItemFailures: [...failed].flatMap((index) => (outcomes[index]?.messageId ? [{ itemIdentifier: outcomes[index].messageId }] : [])),
    outcomes,
    actions,
  };
}

async function actOnPools(deps: SharedSignalDeps, ended: readonly EndedMark[], options: CallOptions): Promise<Action[]> {
  const reporter = new RunReporter<Action>('shared-signals', deps);
  const actions = await underLease(
    deps,
    LOCK_WAIT_MS,
    // Every write goes through `held`: fenced by the lease (lib/run/with-lock.ts).
    async (held) => {
      const observed = await describeConfiguredGroups(held, options);
      const snapshot = buildSnapshot(observed, deps.policy);
      const [outs, zoneIds] = await Promise.all([deps.pools.listPoolsOut(deps.now(), options), deps.zoneIds(options)]);
      for (const entry of groupsPartlyOut(observed, outs, deps.now(), zoneIds)) {
        deps.log.warn('some pools of the group are out per another account; it keeps the others', {
          group: entry.group,
          out: entry.out.map(
            (out) => `${out.pool.instanceType} ${out.pool.market} ${out.pool.zoneId} (${out.account ? `account ${out.account}` : 'this account'})`,
          ),
          left: entry.left,
        });
      }
      // Groups that rested on a mark its origin just ended resume first; then every group all of whose pools are out leaves.
      const decided = [
        ...resumeEarly(snapshot, observed, ended, deps.now(), zoneIds),
        ...suspensionsForRemote(snapshot, observed, outs, deps.policy, deps.now(), zoneIds),
      ];
      logDecided(decided, deps);
      const result = await actDecided(decided, held, options);
      reporter.add(decided, result);
      if (result.failed.length > 0) throw new Error(`${result.failed.length} action(s) failed`);
      for (const action of decided) if (action.kind === 'suspend-group') deps.metrics.count('shared-signals.group-out');
      for (const action of decided) if (action.kind === 'enforce-suspension') deps.metrics.count('shared-signals.group-resumed');
      return decided;
    },
    {
      consequence: 'the batch is retried',
      answer: () => {
        throw new Error('lease busy');
      },
    },
    options,
  );
  await reporter.notify();
  return actions;
}
