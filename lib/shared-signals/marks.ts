/**
 * A received signal as a pool mark in the account's pool store (lib/pools): out until its
 * lifetime from the last evidence, never past the cap from the first. Times come from the signal,
 * not the clock, so a duplicate or a replay writes the same mark. A "recovered" signal ends the
 * mark its origin set (each origin's mark is its own item, lib/pools/pool-out.ts poolOutKey), if
 * that mark's evidence is not newer than the recovery; this account's own marks are not touched. Pure.
 */
import type { SharedSignalsPolicy } from '../config/shared-signals-schema';
import type { PoolOut } from '../ports/pool-signals';
import { type PoolKey, poolId } from '../vocabulary/pool-key';
import type { SharedPoolSignal } from '../vocabulary/shared-signal';

export type MarkChange =
  | { change: 'set'; out: PoolOut }
  /** End `account`'s mark of `pool` at `at` (the successful launch), unless its evidence is newer. */
  | { change: 'end'; pool: PoolKey; account: string; at: string }
  | { change: 'none'; why: string };

export function remoteOut(signal: SharedPoolSignal, policy: Pick<SharedSignalsPolicy, 'poolLifetimeMs' | 'poolLifetimeCapMs'>, now: Date): MarkChange {
  if (signal.kind === 'recovered') return { change: 'end', pool: signal.pool, account: signal.originAccount, at: signal.lastSeen };
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

/**
 * The marks to write for a batch: the set marks, and for each recovery the mark it ends (from the
 * batch or the store, same origin and pool, evidence not newer than the recovery) rewritten to end
 * at the recovery. A set mark newer than a recovery in the same batch wins over it. Pure.
 */
/** A mark a recovery ended, with the end it had: a suspension that rested on it resumed then (./act-on-pools.ts resumeEarly). */
export interface EndedMark {
  out: PoolOut;
  endedFrom: string;
}

export function marksToWrite(changes: readonly MarkChange[], stored: readonly PoolOut[]): { writes: PoolOut[]; ended: PoolOut[]; endedFrom: EndedMark[] } {
  const sets = changes.flatMap((change) => (change.change === 'set' ? [change.out] : []));
  const ends = changes.flatMap((change) => (change.change === 'end' ? [change] : []));
  const sameMark = (out: PoolOut, end: { pool: PoolKey; account: string }) => out.account === end.account && poolId(out.pool) === poolId(end.pool);
  const ended: PoolOut[] = [];
  const endedFrom: EndedMark[] = [];
  for (const end of ends) {
    // Times as instants: a signal's may come with or without milliseconds, or with an offset.
    const at = Date.parse(end.at);
    const candidates = [...sets, ...stored].filter((out) => sameMark(out, end));
    if (candidates.length === 0 || candidates.some((out) => Date.parse(out.seenAt) > at)) continue;
    const latest = candidates.reduce((a, b) => (Date.parse(a.until) >= Date.parse(b.until) ? a : b));
    if (Date.parse(latest.until) <= at) continue;
    const out = { ...latest, evidence: `${latest.evidence}, recovered ${end.at}`, until: new Date(at).toISOString() };
    ended.push(out);
    endedFrom.push({ out, endedFrom: latest.until });
  }
  const endedKeys = new Set(ended.map((out) => `${out.account}|${poolId(out.pool)}`));
  return { writes: [...sets.filter((out) => !endedKeys.has(`${out.account}|${poolId(out.pool)}`)), ...ended], ended, endedFrom };
}
