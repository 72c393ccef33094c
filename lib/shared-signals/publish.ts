/**
 * Sends this account's physical pool evidence to the other accounts' signal buses: one signal per
 * pool and publish interval (claimed in the store, so concurrent invocations send it once), 10
 * entries per PutEvents call, refused entries retried when the refusal is transient. Runs after
 * the local actions and never throws: sharing must not delay or break the local failover.
 */
import { destinationBuses, type SharedSignalsPolicy } from '../config/shared-signals-schema';
import { sharedSignalDetail } from '../parse/shared-pool-signal';
import type { CallOptions } from '../ports/auto-scaling';
import type { BusEvent, EventBusPort } from '../ports/event-bus';
import type { Log } from '../ports/log';
import type { Metrics } from '../ports/metrics';
import type { PoolEvidence, PoolEvidenceSink, PublicationClaims } from '../ports/shared-signals';
import { type PoolKey, poolId } from '../vocabulary/pool-key';
import { SHARED_SIGNAL_DETAIL_TYPE, SHARED_SIGNAL_SOURCE, type SharedPoolSignal, sharedSignalId } from '../vocabulary/shared-signal';

/** PutEventsResultEntry.ErrorCode values worth a retry (SDK client-eventbridge docs); the others will not change. */
const RETRYABLE = ['InternalFailure', 'ThrottlingException'];
const ATTEMPTS = 3;

export interface PublishDeps {
  policy: SharedSignalsPolicy;
  own: { account: string; region: string };
  eventBus: EventBusPort;
  claims: PublicationClaims;
  /** A group's pools, to name the pool of a failure whose text gives no instance type. */
  poolsOfGroup: (group: string, options?: CallOptions) => Promise<readonly PoolKey[]>;
  /** Zone name in this account → AZ ID (DescribeAvailabilityZones). */
  zoneIds: (options?: CallOptions) => Promise<ReadonlyMap<string, string>>;
  log: Log;
  metrics: Metrics;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** Evidence per pool and kind, merged (counts added, the widest span); zone names resolved to AZ IDs. */
export function signalsFrom(
  evidence: readonly PoolEvidence[],
  zoneIds: ReadonlyMap<string, string>,
  own: { account: string; region: string },
  poolsByGroup: ReadonlyMap<string, readonly PoolKey[]> = new Map(),
): SharedPoolSignal[] {
  const byPool = new Map<string, Omit<SharedPoolSignal, 'id'>>();
  for (const item of evidence) {
    const zoneId = 'id' in item.zone ? item.zone.id : zoneIds.get(item.zone.name);
    if (!zoneId) continue;
    for (const pool of poolsOf(item, zoneId, poolsByGroup.get(item.group ?? '') ?? [])) {
      const key = `${poolId(pool)}|${item.kind}`;
      const seen = byPool.get(key);
      byPool.set(key, {
        region: own.region,
        pool,
        kind: item.kind,
        // A recovery is one fact (a launch), however often it was seen.
        evidence: item.kind === 'recovered' ? 1 : (seen?.evidence ?? 0) + item.evidence,
        firstSeen: seen && seen.firstSeen < item.firstSeen ? seen.firstSeen : item.firstSeen,
        lastSeen: seen && seen.lastSeen > item.lastSeen ? seen.lastSeen : item.lastSeen,
        originAccount: own.account,
      });
    }
  }
  return [...byPool.values()].map((signal) => ({ ...signal, id: sharedSignalId(signal) }));
}

/**
 * The pools one piece of evidence is about. Without a type in the text, a failure means AWS tried
 * every type the group names in that zone (one fleet request; lib/pools/pool-out.ts reads it the
 * same way); a success launched one of them, so it names a pool only when the group has one there.
 * Nothing known: better unsaid than a wrong pool.
 */
function poolsOf(item: PoolEvidence, zoneId: string, groupPools: readonly PoolKey[]): PoolKey[] {
  if (item.instanceType && item.market) return [{ zoneId, instanceType: item.instanceType, market: item.market }];
  const candidates = groupPools.filter(
    (pool) =>
      pool.zoneId === zoneId && (item.market === null || pool.market === item.market) && (!item.instanceType || pool.instanceType === item.instanceType),
  );
  const unique = [...new Map(candidates.map((pool) => [poolId(pool), pool])).values()].sort((a, b) => poolId(a).localeCompare(poolId(b)));
  if (item.kind === 'recovered' && unique.length !== 1) return [];
  return unique;
}

export interface PublishReport {
  sent: number;
  failed: number;
  skipped: number;
}

export async function publishEvidence(evidence: readonly PoolEvidence[], deps: PublishDeps, options: CallOptions = {}): Promise<PublishReport> {
  const report: PublishReport = { sent: 0, failed: 0, skipped: 0 };
  const buses = destinationBuses(deps.policy, deps.own);
  if (evidence.length === 0 || buses.length === 0) return report;
  try {
    const groups = [...new Set(evidence.flatMap((item) => ((item.instanceType === null || item.market === null) && item.group ? [item.group] : [])))];
    const poolsByGroup = new Map(await Promise.all(groups.map(async (group) => [group, await deps.poolsOfGroup(group, options)] as const)));
    // Evidence naming no type, of a group whose pools are unknown, says nothing: no zone lookup for it.
    const telling = evidence.filter((item) => (item.instanceType !== null && item.market !== null) || (poolsByGroup.get(item.group ?? '')?.length ?? 0) > 0);
    const needsZones = telling.some((item) => 'name' in item.zone);
    const signals = signalsFrom(telling, needsZones ? await deps.zoneIds(options) : new Map(), deps.own, poolsByGroup);
    const claimed: SharedPoolSignal[] = [];
    const times = { intervalMs: deps.policy.publishIntervalMs, heldMs: deps.policy.poolLifetimeCapMs };
    for (const signal of signals) {
      // A recovery goes out only for a pool this account published out (else no receiver holds a mark), once.
      const kind = signal.kind === 'recovered' ? 'recovered' : 'out';
      if (await deps.claims.claimPublication(signal.pool, kind, deps.now(), times, options)) claimed.push(signal);
      else if (kind === 'out') report.skipped += 1;
    }
    const pending: BusEvent[] = claimed.flatMap((signal) =>
      buses.map((bus) => ({
        eventBusName: bus,
        source: SHARED_SIGNAL_SOURCE,
        detailType: SHARED_SIGNAL_DETAIL_TYPE,
        detail: sharedSignalDetail(signal),
        time: signal.lastSeen,
      })),
    );
    report.failed += (await putWithRetries(pending, deps, options)).length;
    report.sent = pending.length - report.failed;
  } catch (error) {
    deps.log.warn('pool signals not published: the local actions are done regardless', { error: String(error) });
    report.failed += 1;
  }
  if (report.sent) deps.metrics.count('shared-signals.sent', report.sent);
  if (report.failed) deps.metrics.count('shared-signals.send-failed', report.failed);
  if (report.skipped) deps.metrics.count('shared-signals.throttled', report.skipped);
  return report;
}

/** PutEvents (10 entries a call, the adapter's job), transient refusals retried per entry; returns what was not delivered, logged. */
export async function putWithRetries(
  events: readonly BusEvent[],
  deps: Pick<PublishDeps, 'eventBus' | 'log' | 'sleep'>,
  options: CallOptions = {},
): Promise<BusEvent[]> {
  const lost: BusEvent[] = [];
  let pending = [...events];
  for (let attempt = 1; pending.length > 0 && attempt <= ATTEMPTS; attempt += 1) {
    if (attempt > 1) await (deps.sleep ?? defaultSleep)(100 * 2 ** (attempt - 2));
    const { failed } = await deps.eventBus.putEvents(pending, options);
    const retryable = failed.filter(({ error }) => RETRYABLE.some((code) => error.startsWith(code)));
    for (const { event, error } of failed.filter((entry) => !retryable.includes(entry)).concat(attempt === ATTEMPTS ? retryable : [])) {
      lost.push(event);
      deps.log.warn('pool signal not delivered', { bus: event.eventBusName, error, signal: (event.detail as { id?: string }).id });
    }
    pending = retryable.map(({ event }) => event);
  }
  return lost;
}

export function publishingSink(deps: PublishDeps): PoolEvidenceSink {
  return { offer: async (evidence, options) => void (await publishEvidence(evidence, deps, options)) };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
