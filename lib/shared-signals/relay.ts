/**
 * A central account's relay: EventBridge delivers an event another account put on a bus to a rule's
 * targets in that account only, never on to a third account ("If a receiver account sets up a rule
 * that sends events received from a sender account on to a third account, these events are not sent
 * to the third account", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html).
 * So members send to the central bus, and this relay calls PutEvents anew for each signal, to every
 * peer's bus but the origin's, with the original originAccount and `relayedBy` = the central account
 * (receivers accept that only from their configured relayAccount, lib/shared-signals/admit.ts).
 *
 * No loops: a signal that already carries `relayedBy` is never relayed (counted, acknowledged); the
 * central account's own signals are not relayed (its stack publishes them itself); the relay sends
 * nothing back to the origin, nor to its own bus. It marks nothing and acts on no group: that is the
 * receiving function's job. A record whose PutEvents entries are still refused after the retries is
 * handed back to SQS (a duplicate delivery changes nothing downstream: the id); a malformed one goes
 * to the dead-letter queue with its reason.
 */
import { relayBuses, type SharedSignalsPolicy } from '../config/shared-signals-schema';
import { parseSharedSignalRecord, sharedSignalDetail } from '../parse/shared-pool-signal';
import type { CallOptions } from '../ports/auto-scaling';
import type { BusEvent, EventBusPort } from '../ports/event-bus';
import type { Log } from '../ports/log';
import type { Metrics } from '../ports/metrics';
import { describeSharedSignal, SHARED_SIGNAL_DETAIL_TYPE, SHARED_SIGNAL_SOURCE } from '../vocabulary/shared-signal';
import { admitSignal } from './admit';
import { putWithRetries } from './publish';

export interface RelayDeps {
  policy: SharedSignalsPolicy;
  /** The central account and its region. */
  own: { account: string; region: string };
  eventBus: EventBusPort;
  log: Log;
  metrics: Metrics;
  sleep?: (ms: number) => Promise<void>;
}

export interface RelayResult {
  batchItemFailures: { itemIdentifier: string }[];
  relayed: number;
}

export async function relaySignals(records: readonly unknown[], deps: RelayDeps, options: CallOptions = {}): Promise<RelayResult> {
  // Its rule is disabled without it; a record that comes anyway is kept (retried, then dead-lettered), never dropped.
  if (!deps.policy.relay) throw new Error('sharedSignals.relay is not configured in this account: nothing is relayed, the batch is kept');
  const failures: { itemIdentifier: string }[] = [];
  const outgoing: { messageId: string | null; events: BusEvent[] }[] = [];
  for (const [index, record] of records.entries()) {
    const outcome = parseSharedSignalRecord(record, index);
    if (outcome.outcome === 'invalid') {
      deps.metrics.count('shared-signals.invalid');
      deps.log.error('malformed pool signal: failing it so it reaches the dead-letter queue', { error: outcome.error, messageId: outcome.messageId });
      if (outcome.messageId) failures.push({ itemIdentifier: outcome.messageId });
      continue;
    }
    if (outcome.outcome === 'ignored') {
      deps.metrics.count('shared-signals.ignored');
      continue;
    }
    const { signal } = outcome;
    if (signal.relayedBy !== undefined) {
      deps.metrics.count('shared-signals.relay-loop');
      deps.log.warn('a relayed pool signal reached the relay: not relayed again', { signal: describeSharedSignal(signal) });
      continue;
    }
    // The relay admits like a receiver (allowlist, region, sender = origin); its own account's signals are sent by its own stack.
    const admission = admitSignal(signal, outcome.sender, { ...deps.policy, relayAccount: null }, deps.own);
    if (admission.verdict !== 'accept') {
      deps.metrics.count(admission.verdict === 'own' ? 'shared-signals.own' : 'shared-signals.refused');
      deps.log.info('pool signal not relayed', { reason: admission.reason, signal: signal.id });
      continue;
    }
    const detail = sharedSignalDetail({ ...signal, relayedBy: deps.own.account });
    const events = relayBuses(deps.policy, deps.own, signal.originAccount).map((bus) => ({
      eventBusName: bus,
      source: SHARED_SIGNAL_SOURCE,
      detailType: SHARED_SIGNAL_DETAIL_TYPE,
      detail,
      time: signal.lastSeen,
    }));
    outgoing.push({ messageId: outcome.messageId, events });
  }
  const all = outgoing.flatMap((entry) => entry.events);
  const lost = all.length ? new Set(await putWithRetries(all, deps, options)) : new Set<BusEvent>();
  let relayed = 0;
  for (const { messageId, events } of outgoing) {
    if (events.some((event) => lost.has(event))) {
      if (messageId) failures.push({ itemIdentifier: messageId });
    } else relayed += events.length;
  }
  if (relayed) deps.metrics.count('shared-signals.relayed', relayed);
  if (lost.size) deps.metrics.count('shared-signals.send-failed', lost.size);
  return { batchItemFailures: failures, relayed };
}
