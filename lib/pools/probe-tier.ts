/**
 * A tier's state in one round trip (issue 13, item 4): on the first capacity failure in a tier,
 * ask LaunchInstances for the unmet nodes across the tier's other groups and zones, one call per
 * group and zone, until the nodes are met. What launches serves the pending pods at once; what
 * fails is a pool signal (lib/pools/pool-out.ts) that takes the groups whose pools are all out out
 * of rotation, so the next tier is reached without waiting for cluster-autoscaler's cache.
 *
 * The double-order bound: every call carries a client token made of the failure's activity (or
 * time), the group and the zone, so a retried run launches nothing twice; and a launch raises
 * the group's desired by what it launched, so cluster-autoscaler, which counts desired as
 * upcoming nodes, does not order them again. What CA may still order twice is what it asked for
 * in the same 10 s loop before it saw our launch: at most the unmet nodes of one scale-up.
 * Not wired into the failover run yet: see the report of issue 13.
 */
import type { ObservedGroup } from '../ports/auto-scaling';
import type { CallOptions } from '../ports/auto-scaling';
import { LAUNCH_INSTANCES_MAX, type LaunchInstancesPort } from '../ports/launch-instances';
import type { PoolOut } from '../ports/pool-signals';
import { poolsOutOfLaunchErrors } from './pool-out';

export interface TierProbe {
  launched: { group: string; zone: string; instanceIds: string[] }[];
  outs: PoolOut[];
  /** Nodes the tier could not launch: for the next tier. */
  unmet: number;
  calls: number;
}

export async function probeTier(groups: readonly ObservedGroup[], unmet: number, port: LaunchInstancesPort, token: string, now: Date, lifetimeMs: number, options?: CallOptions): Promise<TierProbe> {
  const probe: TierProbe = { launched: [], outs: [], unmet, calls: 0 };
  for (const group of groups) {
    if (!group.launch?.launchTemplate || (group.launch.market !== 'spot' && group.launch.market !== 'on-demand')) continue;
    for (const zone of group.availabilityZones) {
      const room = group.maxSize - group.desiredCapacity - probe.launched.filter((entry) => entry.group === group.name).reduce((sum, entry) => sum + entry.instanceIds.length, 0);
      const count = Math.min(probe.unmet, LAUNCH_INSTANCES_MAX, room);
      if (count <= 0) break;
      probe.calls += 1;
      const outcome = await port.launchInstances({ group: group.name, count, zone: { name: zone }, clientToken: clientToken(token, group.name, zone) }, options);
      const ids = outcome.launched.flatMap((collection) => collection.instanceIds);
      if (ids.length) probe.launched.push({ group: group.name, zone, instanceIds: ids });
      probe.unmet -= ids.length;
      probe.outs.push(...poolsOutOfLaunchErrors(group.name, outcome, now, lifetimeMs));
    }
    if (probe.unmet <= 0) break;
  }
  return probe;
}

/** 1–64 characters of [A-Za-z0-9-_/] (API_LaunchInstances.html). */
function clientToken(token: string, group: string, zone: string): string {
  return `${token}/${group}/${zone}`.replace(/[^A-Za-z0-9\-_/]/g, '-').slice(-64);
}
