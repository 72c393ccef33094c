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

/** How often a pool may be published, and how long a receiver may hold its mark (sharedSignals.poolLifetimeCap). */
export interface ClaimTimes {
  intervalMs: number;
  heldMs: number;
}

/** Where publications are claimed (the account's CapacitySignalsTable, lib/aws/publication-claims.ts). */
export interface PublicationClaims {
  /**
   * The right to publish about `pool` now (a conditional write: concurrent invocations get one true
   * between them), noted when granted:
   * - `out` (a capacity failure or storm): nothing published out about it in the last `intervalMs`;
   * - `recovered`: this account published it out within `heldMs` (a receiver may still hold that
   *   mark), sent no recovery since, and none in the last `intervalMs`. Otherwise there is nothing to end.
   */
  claimPublication(pool: PoolKey, kind: 'out' | 'recovered', now: Date, times: ClaimTimes, options?: CallOptions): Promise<boolean>;
}

/** Physical evidence about a pool seen in this account, as the local runs know it. */
export interface PoolEvidence {
  /** The AZ ID when known (spot), else the zone's name in this account (launch failures). */
  zone: { id: string } | { name: string };
  /**
   * null when the event does not say (most Auto Scaling events): a failure names every type of the
   * group in that zone and market (AWS tried them all); a recovery only the group's one type there.
   */
  instanceType: string | null;
  /** The group that saw it, to resolve a missing instance type or market. */
  group?: string;
  /** null: the group's market in that zone (a launch success does not say). */
  market: Market | null;
  kind: SharedSignalKind;
  evidence: number;
  firstSeen: string;
  lastSeen: string;
}

/** Where local runs hand their evidence, after their own actions. Never throws. */
export interface PoolEvidenceSink {
  offer(evidence: readonly PoolEvidence[], options?: CallOptions): Promise<void>;
}
