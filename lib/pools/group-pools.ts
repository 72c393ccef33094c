/**
 * The pools a group can launch in (instance type × zone × market), from what
 * DescribeAutoScalingGroups reports: the mixed instances policy's overrides, else the one type its
 * instances run (a plain launch template names one type); its zones; its market. Null when that
 * is not known (a template not read, an on-demand/Spot split): such a group is never inferred out.
 * Pure.
 */
import type { ObservedGroup } from '../ports/auto-scaling';
import type { Market } from '../vocabulary/signals';

export interface GroupPool {
  instanceType: string;
  zoneName: string;
  /** Known only when the group has one zone and AWS reports its ID. */
  zoneId: string | null;
  market: Market;
}

/** `zoneIds`: this account's zone name → AZ ID (DescribeAvailabilityZones), when known: every pool then has its ID. */
export function poolsOfGroup(group: ObservedGroup, zoneIds?: ReadonlyMap<string, string>): GroupPool[] | null {
  const launch = group.launch;
  if (!launch || (launch.market !== 'spot' && launch.market !== 'on-demand')) return null;
  const market = launch.market;
  const types =
    launch.instanceTypes.length > 0
      ? launch.instanceTypes
      : [...new Set(group.instances.flatMap((instance) => (instance.instanceType ? [instance.instanceType] : [])))];
  if (types.length === 0 || (launch.instanceTypes.length === 0 && types.length > 1)) return null;
  const zones = group.availabilityZones;
  if (zones.length === 0) return null;
  const zoneId = zones.length === 1 && launch.availabilityZoneIds.length === 1 ? launch.availabilityZoneIds[0]! : null;
  return [...new Set(types)]
    .sort()
    .flatMap((instanceType) => zones.map((zoneName) => ({ instanceType, zoneName, zoneId: zoneIds?.get(zoneName) ?? zoneId, market })));
}

export function describePool(pool: { instanceType: string; market: Market; zoneName: string | null; zoneId?: string | null }): string {
  return `${pool.instanceType} ${pool.market} ${pool.zoneId || pool.zoneName || '?'}`;
}
