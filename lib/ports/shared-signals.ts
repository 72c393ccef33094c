/**
 * What the shared capacity signals (lib/shared-signals) need from the outside beyond the pool
 * store (lib/ports/pool-signals.ts, where received marks live): where publication claims live
 * (they span functions and invocations and need a conditional write), and the sink the local runs
 * hand their physical evidence to.
 */
import type { PoolKey } from '../vocabulary/pool-key';
import type { SharedSignalKind } from '../vocabulary/shared-signal';
import type { Market } from '../vocabulary/signals';
import type { CallOptions } from './auto-scaling';

/** Where publications are claimed (the account's CapacitySignalsTable, lib/aws/publication-claims.ts). */
export interface PublicationClaims {
  /**
   * The right to publish about `pool` now: true, and noted, when nothing was published about it in
   * the last `intervalMs` (a conditional write: concurrent invocations get one true between them).
   */
  claimPublication(pool: PoolKey, now: Date, intervalMs: number, options?: CallOptions): Promise<boolean>;
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
