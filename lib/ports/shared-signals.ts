/**
 * What the shared capacity signals (lib/shared-signals) need from the outside: where received
 * marks and publication claims live (the account's CapacitySignalsTable, lib/aws/shared-signal-store.ts,
 * because they span functions and invocations and need conditional writes), the pools of each
 * group, and the sink the local runs hand their physical evidence to.
 */
import type { PoolKey } from '../vocabulary/pool-key';
import type { RemoteMark, SharedSignalKind } from '../vocabulary/shared-signal';
import type { Market } from '../vocabulary/signals';
import type { CallOptions, ObservedGroup } from './auto-scaling';

export interface RemoteMarkStore {
  read(pool: PoolKey, originAccount: string, options?: CallOptions): Promise<RemoteMark | null>;
  /** Writes the mark; its `until` is also the item's TTL. */
  put(mark: RemoteMark, options?: CallOptions): Promise<void>;
  clear(pool: PoolKey, originAccount: string, options?: CallOptions): Promise<void>;
  /** Marks whose `until` is after `now`. */
  listLive(now: Date, options?: CallOptions): Promise<RemoteMark[]>;
  /**
   * The right to publish about `pool` now: true, and noted, when nothing was published about it in
   * the last `intervalMs` (a conditional write: concurrent invocations get one true between them).
   */
  claimPublication(pool: PoolKey, now: Date, intervalMs: number, options?: CallOptions): Promise<boolean>;
}

/** The pools (AZ ID × instance type × market) each group can launch in. */
export interface GroupPoolsPort {
  poolsOf(groups: readonly ObservedGroup[], options?: CallOptions): Promise<Map<string, PoolKey[]>>;
}

/** Physical evidence about a pool seen in this account, as the local runs know it. */
export interface PoolEvidence {
  /** The AZ ID when known (spot), else the zone's name in this account (launch failures). */
  zone: { id: string } | { name: string };
  /** null when the failure text does not say (most Auto Scaling events): the group's only type in that zone and market, if it has one. */
  instanceType: string | null;
  /** The group that saw it, to resolve a missing instance type. */
  group?: string;
  market: Market;
  kind: SharedSignalKind;
  evidence: number;
  firstSeen: string;
  lastSeen: string;
}

/** Where local runs hand their evidence, after their own actions. Never throws. */
export interface PoolEvidenceSink {
  offer(evidence: readonly PoolEvidence[], options?: CallOptions): Promise<void>;
}
