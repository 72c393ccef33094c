/**
 * Account-wide capacity signals per pool (AZ ID, instance type, market), readable by every
 * function of the account. ASG tags cannot serve: a pool spans groups, clusters and functions,
 * and counts need an atomic add. A DynamoDB table with a TTL (lib/aws/pool-signal-store.ts).
 */
import type { PoolKey } from '../vocabulary/pool-key';
import type { CallOptions } from './auto-scaling';

export interface PoolInterruption {
  instanceId: string;
  /** The interruption event's time. */
  time: string;
  /** The instance's group, if any: the groups that depend on the pool. */
  group: string | null;
}

export interface PoolState {
  pool: PoolKey;
  /** The zone's name in this account, for the core's launch-failure signals. */
  zoneName: string;
  /** Distinct interrupted instances whose event falls in the window. */
  interruptions: number;
  groups: string[];
  /** When a storm of this pool was last handed to the core (null: never, or expired). */
  stormSignaledAt: string | null;
}

/** Where a pool was seen out: a launch failure (event, activity), a LaunchInstances error, a storm, or another account. */
export type PoolOutSource = 'launch-failure' | 'launch-instances' | 'interruption-storm' | 'remote';

/**
 * A pool known to be out of capacity until `until`: the capacity failures of any group (never
 * quota, price or configuration), Spot interruption storms, and later signals of other accounts.
 * `pool.zoneId` is the AZ ID when known; an event of this account may carry only the zone's name.
 */
export interface PoolOut {
  pool: PoolKey;
  zoneName: string | null;
  /** The error code or storm that says so (InsufficientInstanceCapacity, SpotInterruptionStorm). */
  evidence: string;
  source: PoolOutSource;
  /** The group whose launch failed, when one did. */
  group: string | null;
  /** The account it was seen in; null = this one. */
  account: string | null;
  /** The latest evidence. */
  seenAt: string;
  until: string;
  /** The earliest evidence behind the mark; absent on marks written before it was kept (read as `seenAt`). */
  firstSeen?: string;
  /** Failures, interruptions or remote reports behind the mark; absent on marks written before it was kept. */
  count?: number;
}

export interface PoolSignalStore {
  /**
   * Adds the interruptions (a duplicate instance id counts once) and returns the pool's state
   * after the write: one call per pool.
   */
  recordInterruptions(
    pool: PoolKey,
    zoneName: string,
    interruptions: readonly PoolInterruption[],
    windowMs: number,
    now: Date,
    options?: CallOptions,
  ): Promise<PoolState>;
  /**
   * Every pool with a live item (not past its TTL), as any function or `capacity-guard pools`
   * reads it: interruptions counted in the window that ends at `now`, most first.
   */
  listPools(windowMs: number, now: Date, options?: CallOptions): Promise<PoolState[]>;
  /** Notes that the storm went through the core's path, so the next batches do not repeat it. */
  markStormSignaled(pool: PoolKey, at: Date, windowMs: number, options?: CallOptions): Promise<void>;
  /** Marks pools out (one item per pool, the later `until` wins): as few calls as the API allows. */
  recordPoolsOut(outs: readonly PoolOut[], options?: CallOptions): Promise<void>;
  /** Every pool out at `now`. */
  listPoolsOut(now: Date, options?: CallOptions): Promise<PoolOut[]>;
}
