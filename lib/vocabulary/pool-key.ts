/**
 * A Spot capacity pool: AZ ID (the same physical zone in every account, unlike the zone name),
 * instance type, market. The one place its key is built (logs, the pool store, notification folding).
 */
import type { Market } from './signals';

export interface PoolKey {
  zoneId: string;
  instanceType: string;
  market: Market;
}

export function poolId(pool: PoolKey): string {
  return `${pool.zoneId}|${pool.instanceType}|${pool.market}`;
}

/** The pool an instance runs in. */
export function poolKeyOf(instance: { availabilityZoneId: string; instanceType: string; market: Market }): PoolKey {
  return { zoneId: instance.availabilityZoneId, instanceType: instance.instanceType, market: instance.market };
}
