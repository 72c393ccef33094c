/**
 * A tier's state in one round trip (issue 13, item 4): on the first capacity failure in a tier,
 * ask LaunchInstances for the unmet nodes across the tier's other groups and zones, one call per
 * group and zone, until the nodes are met. What launches serves the pending pods at once; what
 * fails is a pool signal (lib/pools/pool-out.ts) that takes the groups whose pools are all out out
 * of rotation, so the next tier is reached without waiting for cluster-autoscaler's cache.
 *
 * The failover runs it as a probe (`perCall` 1, lib/pools/run.ts), in both modes: the core (CA, or
 * our raises in direct mode) still places the unmet nodes; the probe only learns the tier's pools
 * at once. The double-order bound: a probe orders at most one node per group of the tier (it stops
 * at a group's first success), and that node is a real node the pending pods can use; it raises
 * the group's desired, so cluster-autoscaler counts it as upcoming and does not order it again.
 * Every call carries a client token made of the failure's activity, the group and the zone, so a
 * retried run launches nothing twice. `probeTier(groups, n)` alone launches n nodes across the
 * tier (serving, not probing): for a direct mode that hands the unmet nodes to LaunchInstances.
 */
import { createHash } from 'node:crypto';
import type { ObservedGroup } from '../ports/auto-scaling';
import type { CallOptions } from '../ports/auto-scaling';
import { LAUNCH_INSTANCES_MAX, type LaunchInstancesPort, type LaunchPool } from '../ports/launch-instances';
import type { PoolOut } from '../ports/pool-signals';
import { poolsOutOfLaunchErrors } from './pool-out';

export interface TierProbe {
  /** Per group and zone: the instances and the pools they launched in. */
  launched: { group: string; zone: string; instanceIds: string[]; pools: LaunchPool[] }[];
  outs: PoolOut[];
  /** Nodes the tier could not launch: for the next tier. */
  unmet: number;
  calls: number;
}

export interface ProbeSize {
  /** Nodes wanted from the tier. */
  unmet: number;
  /** At most this many per call; 1 = probe for state, a group's zones tried until one launches. */
  perCall: number;
}

export async function probeTier(
  groups: readonly ObservedGroup[],
  size: ProbeSize | number,
  port: LaunchInstancesPort,
  token: string,
  now: Date,
  lifetimeMs: number,
  options?: CallOptions,
): Promise<TierProbe> {
  const { unmet, perCall } = typeof size === 'number' ? { unmet: size, perCall: LAUNCH_INSTANCES_MAX } : size;
  const probe: TierProbe = { launched: [], outs: [], unmet, calls: 0 };
  for (const group of groups) {
    if (!group.launch?.launchTemplate || (group.launch.market !== 'spot' && group.launch.market !== 'on-demand')) continue;
    for (const zone of group.availabilityZones) {
      const ours = probe.launched.filter((entry) => entry.group === group.name).reduce((sum, entry) => sum + entry.instanceIds.length, 0);
      // A probe stops at a group's first success: the group has capacity, it stays in rotation.
      if (perCall === 1 && ours > 0) break;
      const count = Math.min(probe.unmet, perCall, LAUNCH_INSTANCES_MAX, group.maxSize - group.desiredCapacity - ours);
      if (count <= 0) break;
      probe.calls += 1;
      const outcome = await port.launchInstances(
        { group: group.name, count, zone: { name: zone }, clientToken: clientToken(token, group.name, zone) },
        options,
      );
      const ids = outcome.launched.flatMap((collection) => collection.instanceIds);
      if (ids.length)
        probe.launched.push({ group: group.name, zone, instanceIds: ids, pools: outcome.launched.filter((collection) => collection.instanceIds.length > 0) });
      probe.unmet -= ids.length;
      probe.outs.push(...poolsOutOfLaunchErrors(group.name, outcome, now, lifetimeMs));
    }
    if (probe.unmet <= 0) break;
  }
  return probe;
}

/**
 * 1–64 characters of [A-Za-z0-9-_/] (API_LaunchInstances.html): a digest of the failure, the group
 * and the zone (43 characters), so long group names (EKS: `eks-<nodegroup>-<uuid>`) never cut the
 * failure off and make two probes share one token (AWS would answer the first probe's result again).
 */
export function clientToken(token: string, group: string, zone: string): string {
  return createHash('sha256').update(`${token}|${group}|${zone}`).digest('base64url');
}
