/**
 * Interruptions per pool are kept in time buckets (one tenth of the window each), so a count
 * "within the window" needs no read-modify-write: a write adds instance ids to the bucket of the
 * event's time (a set: a duplicate event adds nothing), a read sums the buckets still in the
 * window. Resolution: one bucket (a tenth of the window). Pure; shared by the DynamoDB store and
 * the fake.
 */
import { type PoolState } from '../ports/pool-signals';
import { poolId } from '../vocabulary/pool-key';

export const BUCKETS_PER_WINDOW = 10;

export function bucketMs(windowMs: number): number {
  return Math.max(1000, Math.ceil(windowMs / BUCKETS_PER_WINDOW));
}

export function bucketOf(timeMs: number, windowMs: number): number {
  return Math.floor(timeMs / bucketMs(windowMs));
}

export function bucketAttribute(bucket: number): string {
  return `b${bucket}`;
}

export function bucketFromAttribute(name: string): number | null {
  const match = /^b(\d+)$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** Distinct instance ids in the buckets of the window that ends at `nowMs`. */
export function countInWindow(buckets: ReadonlyMap<number, readonly string[]>, nowMs: number, windowMs: number): number {
  const first = bucketOf(nowMs - windowMs, windowMs) + 1;
  const ids = new Set<string>();
  for (const [bucket, members] of buckets) if (bucket >= first) for (const id of members) ids.add(id);
  return ids.size;
}

/** The buckets just before the window: removed on each write so a long-lived item stays small. */
export function staleBuckets(nowMs: number, windowMs: number): number[] {
  const first = bucketOf(nowMs - windowMs, windowMs) + 1;
  return Array.from({ length: BUCKETS_PER_WINDOW }, (_, index) => first - 1 - index).filter((bucket) => bucket >= 0);
}

/** Most interruptions first, then by pool id: the order `capacity-guard pools` prints. */
export function sortPools(states: PoolState[]): PoolState[] {
  return states.sort((a, b) => b.interruptions - a.interruptions || poolId(a.pool).localeCompare(poolId(b.pool)));
}
