/**
 * A pool marked out by another account's evidence: until its lifetime from the last evidence,
 * refreshed by newer evidence, never past the cap from the first; a `recovered` signal from the
 * same account ends it early. Times come from the signals, not the clock, so replays and
 * duplicates land on the same mark. Pure.
 */
import type { SharedSignalsPolicy } from '../config/shared-signals-schema';
import { type PoolKey, poolId } from '../vocabulary/pool-key';
import type { RemoteMark, SharedPoolSignal } from '../vocabulary/shared-signal';

export type { RemoteMark };


export type MarkChange = { change: 'set'; mark: RemoteMark } | { change: 'cleared' } | { change: 'none'; why: string };

export function markKey(pool: PoolKey, originAccount: string): string {
  return `${poolId(pool)}|${originAccount}`;
}

export function applySignal(existing: RemoteMark | null, signal: SharedPoolSignal, policy: Pick<SharedSignalsPolicy, 'poolLifetimeMs' | 'poolLifetimeCapMs'>, now: Date): MarkChange {
  if (existing?.signalId === signal.id) return { change: 'none', why: `duplicate of ${signal.id}` };
  if (signal.kind === 'recovered') {
    if (!existing) return { change: 'none', why: 'recovered: the pool was not marked' };
    if (Date.parse(signal.lastSeen) < Date.parse(existing.lastSeen)) return { change: 'none', why: `late recovery (${signal.lastSeen}) older than the evidence (${existing.lastSeen})` };
    return { change: 'cleared' };
  }
  if (existing && Date.parse(signal.lastSeen) <= Date.parse(existing.lastSeen)) return { change: 'none', why: `no newer evidence than ${existing.lastSeen}` };
  const firstSeen = existing && Date.parse(existing.firstSeen) < Date.parse(signal.firstSeen) ? existing.firstSeen : signal.firstSeen;
  const until = Math.min(Date.parse(signal.lastSeen) + policy.poolLifetimeMs, Date.parse(firstSeen) + policy.poolLifetimeCapMs);
  if (until <= now.getTime()) return { change: 'none', why: `stale: its lifetime ended at ${new Date(until).toISOString()}` };
  return {
    change: 'set',
    mark: { pool: signal.pool, region: signal.region, originAccount: signal.originAccount, kind: signal.kind, evidence: signal.evidence, firstSeen, lastSeen: signal.lastSeen, until: new Date(until).toISOString(), signalId: signal.id },
  };
}

export function isLive(mark: RemoteMark, now: Date): boolean {
  return Date.parse(mark.until) > now.getTime();
}
