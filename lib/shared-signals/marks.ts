/**
 * A received signal as a pool mark in the account's pool store (lib/pools): out until its
 * lifetime from the last evidence, never past the cap from the first. Times come from the signal,
 * not the clock, so a duplicate or a replay writes the same mark. Pure.
 */
import type { SharedSignalsPolicy } from '../config/shared-signals-schema';
import type { PoolOut } from '../ports/pool-signals';
import type { SharedPoolSignal } from '../vocabulary/shared-signal';

export type MarkChange = { change: 'set'; out: PoolOut } | { change: 'none'; why: string };

export function remoteOut(signal: SharedPoolSignal, policy: Pick<SharedSignalsPolicy, 'poolLifetimeMs' | 'poolLifetimeCapMs'>, now: Date): MarkChange {
  if (signal.kind === 'recovered') return { change: 'none', why: 'recovered: the mark runs out by itself (the pool store keeps the later end)' };
  const until = Math.min(Date.parse(signal.lastSeen) + policy.poolLifetimeMs, Date.parse(signal.firstSeen) + policy.poolLifetimeCapMs);
  if (until <= now.getTime()) return { change: 'none', why: `stale: its lifetime ended at ${new Date(until).toISOString()}` };
  return {
    change: 'set',
    out: {
      pool: signal.pool,
      zoneName: null,
      evidence: `${signal.kind === 'interruption-storm' ? 'SpotInterruptionStorm' : 'CapacityFailure'} ×${signal.evidence}`,
      source: 'remote',
      group: null,
      account: signal.originAccount,
      seenAt: signal.lastSeen,
      until: new Date(until).toISOString(),
      firstSeen: signal.firstSeen,
      count: signal.evidence,
    },
  };
}
