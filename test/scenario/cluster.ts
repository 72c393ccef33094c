/**
 * The cluster our stories run on: one application group as the operators run it — two Spot
 * groups first, two on-demand fallbacks second (cluster-autoscaler's priority expander).
 */
import type { Pool } from '../../lib/fakes/fake-auto-scaling';
import { World } from '../../lib/sim/world';
import type { Log } from '../../lib/ports/log';
import type { Notifier } from '../../lib/ports/notifier';

const ZONES = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];
const spot = (type: string): Pool[] => ZONES.map((zone) => ({ market: 'spot' as const, instanceType: type, zone }));
const onDemand = (type: string): Pool[] => ZONES.map((zone) => ({ market: 'on-demand' as const, instanceType: type, zone }));

/**
 * The stories here tell the group-by-group path, so the tier probe (LaunchInstances, on by default)
 * is off unless `extra` configures pools; test/scenario/pools.test.ts tells the probe.
 */
export function configFor(mode: 'cluster-autoscaler' | 'direct', extra = ''): string {
  return `
mode: ${mode}
${extra.includes('pools:') ? '' : 'pools: { probeTiers: false }'}
${extra}
clusters:
  - name: prod
    priorities: |-
      50: ["^spot-nodes-"]
      10: ["^on-demand-"]
`;
}

export function prodCluster(
  options: { mode?: 'cluster-autoscaler' | 'direct'; extraConfig?: string; emitEvents?: boolean; jitterSeed?: number; notifier?: Notifier; log?: Log } = {},
): World {
  const world = new World({
    config: configFor(options.mode ?? 'cluster-autoscaler', options.extraConfig),
    jitterSeed: options.jitterSeed,
    notifier: options.notifier,
    log: options.log,
  });
  for (const [name, pools] of [
    ['spot-nodes-8x-a', spot('m5.8xlarge')],
    ['spot-nodes-8x-b', spot('r5.8xlarge')],
    ['on-demand-8x-a', onDemand('m5.8xlarge')],
    ['on-demand-8x-b', onDemand('r5.8xlarge')],
  ] as const) {
    world.aws.addGroup({ name, cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 2, pools: [...pools] });
  }
  // A group of another cluster in the same account: never ours to touch.
  world.aws.addGroup({ name: 'staging-spot-nodes', cluster: 'staging', minSize: 0, maxSize: 10, desiredCapacity: 1, pools: spot('m5.large') });
  if (options.emitEvents === false) world.aws.emitEvents = false;
  return world;
}

export const SPOT = { market: 'spot' } as const;
