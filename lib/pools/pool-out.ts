/**
 * Pools out of capacity: made from capacity failures (never quota, price, unsupported,
 * configuration or unknown: those say nothing about the pool) and interruption storms, and
 * matched against a group's pools. Pure.
 *
 * Lifetime (`pools.outFor`, default 5 min): a mark only decides whether groups that have not
 * tried yet leave rotation at once; each group then has its own backoff and probe. Karpenter keeps
 * an offering unavailable 3 min (pkg/cache/cache.go, UnavailableOfferingsTTL); cluster-autoscaler
 * backs a group off 5 min after one failure. 5 min matches what CA would do to each group anyway,
 * and every new failure of the pool marks it again, so a long shortage stays marked while a wrong
 * or healed mark costs at most 5 min plus one probe.
 */
import type { ObservedGroup } from '../ports/auto-scaling';
import type { PoolOut } from '../ports/pool-signals';
import type { PoolState } from '../ports/pool-signals';
import type { LaunchFailure } from '../vocabulary/signals';
import type { LaunchOutcome } from '../ports/launch-instances';
import { readFailureText } from '../parse/launch-failure-text';
import { type GroupPool, poolsOfGroup } from './group-pools';

export const DEFAULT_POOL_OUT_MS = 5 * 60_000;

/** The pools a capacity failure names: its type, or every type of the group in its zone. */
export function poolsOutOfFailure(signal: LaunchFailure, group: ObservedGroup | undefined, lifetimeMs: number): PoolOut[] {
  if (signal.failure !== 'capacity' || signal.origin === 'pool' || signal.origin === 'inferred' || !signal.availabilityZone) return [];
  const zoneName = signal.availabilityZone;
  const known = group ? poolsOfGroup(group) : null;
  const market = signal.market ?? known?.[0]?.market ?? null;
  if (!market) return [];
  // Without a type in the text, AWS tried every type the group names in that zone (one fleet request).
  const types = signal.instanceType
    ? [signal.instanceType]
    : [...new Set((known ?? []).filter((pool) => pool.zoneName === zoneName && pool.market === market).map((pool) => pool.instanceType))];
  const zoneId = known?.find((pool) => pool.zoneName === zoneName)?.zoneId ?? '';
  const until = new Date(Date.parse(signal.time) + lifetimeMs).toISOString();
  return types.map((instanceType) => ({
    pool: { zoneId, instanceType, market },
    zoneName,
    evidence: signal.errorCode ?? 'capacity',
    source: 'launch-failure',
    group: signal.autoScalingGroupName,
    account: null,
    seenAt: signal.time,
    until,
    firstSeen: signal.time,
    count: 1,
  }));
}

/** A storming pool (lib/spot) is out like a failed one, as inferred evidence. */
export function poolOutOfStorm(state: PoolState, now: Date, lifetimeMs: number): PoolOut {
  return {
    pool: state.pool,
    zoneName: state.zoneName || null,
    evidence: `SpotInterruptionStorm (${state.interruptions} interruptions)`,
    source: 'interruption-storm',
    group: null,
    account: null,
    seenAt: now.toISOString(),
    until: new Date(now.getTime() + lifetimeMs).toISOString(),
    count: state.interruptions,
  };
}

/** Same type and market, and the same zone by ID, or by name within this account. */
export function sameZonePool(out: PoolOut, pool: GroupPool): boolean {
  if (out.pool.instanceType !== pool.instanceType || out.pool.market !== pool.market) return false;
  if (out.pool.zoneId && pool.zoneId) return out.pool.zoneId === pool.zoneId;
  return out.account === null && out.zoneName !== null && out.zoneName === pool.zoneName;
}

/** The key one pool's mark is stored under: the AZ ID when known, else the zone's name. */
export function poolOutKey(out: PoolOut): string {
  return `${out.pool.zoneId || `name:${out.zoneName ?? ''}`}|${out.pool.instanceType}|${out.pool.market}`;
}

/** Live marks, one per pool (the one lasting longest). */
export function liveOuts(outs: readonly PoolOut[], now: Date): PoolOut[] {
  const byKey = new Map<string, PoolOut>();
  for (const out of outs) {
    if (Date.parse(out.until) <= now.getTime()) continue;
    const key = poolOutKey(out);
    const kept = byKey.get(key);
    if (!kept || Date.parse(out.until) > Date.parse(kept.until)) byKey.set(key, out);
  }
  return [...byKey.values()];
}

/**
 * New marks of this account folded with its live marks of the same pools, for people (`pools`,
 * `status`): evidence counts add up, the earliest evidence is kept. Nothing decides on these two
 * fields, so a redelivered batch counting twice costs only accuracy. Marks of another account are
 * replaced, not folded: their count is the origin's.
 */
export function foldLocalMarks(known: readonly PoolOut[], fresh: readonly PoolOut[], now: Date): PoolOut[] {
  const folded = new Map<string, PoolOut>();
  for (const out of liveOuts(known, now)) if (out.account === null) folded.set(poolOutKey(out), out);
  const result = new Map<string, PoolOut>();
  for (const out of fresh) {
    const key = poolOutKey(out);
    const earlier = result.get(key) ?? folded.get(key);
    const merged =
      earlier && out.account === null && earlier.account === null
        ? {
            ...(Date.parse(out.until) >= Date.parse(earlier.until) ? out : earlier),
            firstSeen: [earlier.firstSeen ?? earlier.seenAt, out.firstSeen ?? out.seenAt].sort()[0]!,
            count: (earlier.count ?? 1) + (out.count ?? 1),
          }
        : out;
    result.set(key, merged);
  }
  return [...result.values()];
}

/** LaunchInstances' per-pool errors: the capacity ones mark their pools (quota, price, configuration do not). */
export function poolsOutOfLaunchErrors(group: string, outcome: LaunchOutcome, at: Date, lifetimeMs: number): PoolOut[] {
  return outcome.errors.flatMap((error) => {
    if (!error.instanceType || !error.market || (!error.zoneId && !error.zoneName)) return [];
    if (readFailureText(`${error.code}: ${error.message}`).failure !== 'capacity') return [];
    return [
      {
        pool: { zoneId: error.zoneId ?? '', instanceType: error.instanceType, market: error.market },
        zoneName: error.zoneName,
        evidence: error.code,
        source: 'launch-instances' as const,
        group,
        account: null,
        seenAt: at.toISOString(),
        until: new Date(at.getTime() + lifetimeMs).toISOString(),
        firstSeen: at.toISOString(),
        count: 1,
      },
    ];
  });
}
