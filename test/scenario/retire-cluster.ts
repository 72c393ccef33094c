/**
 * The cluster of the retirement stories: two Spot groups first, two on-demand fallbacks second
 * (the operators' application group), each fallback running 4 on-demand nodes left over from a
 * peak; `on-demand-8x-a` has a termination lifecycle hook handled by aws-node-termination-handler
 * (drains in 60 s), `on-demand-8x-b` none.
 */
import type { Pool } from '../../lib/fakes/fake-auto-scaling';
import { World } from '../../lib/sim/world';
import { RecordingLog } from '../../lib/fakes/recorders';
import { PROD_CLUSTER } from './spot-cluster';

const ZONES = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];
const pools = (market: 'spot' | 'on-demand', type: string): Pool[] => ZONES.map((zone) => ({ market, instanceType: type, zone }));
export const SPOT_A = 'spot-nodes-8x-a';
export const SPOT_B = 'spot-nodes-8x-b';
export const OD_HOOK = 'on-demand-8x-a';
export const OD_BARE = 'on-demand-8x-b';

/** Batches of at most 2 nodes keep the stories short. */
/** Retirement stories: the tier probe (LaunchInstances) off, the Spot groups learnt one by one (test/scenario/pools.test.ts tells the probe). */
export function retireConfig(retire = 'retire: { enabled: true, batch: { maxNodes: 2 } }', spot = ''): string {
  return `${PROD_CLUSTER}
pools: { probeTiers: false }
${retire}
${spot}
`;
}

export function retireCluster(options: { config?: string; hookOnB?: boolean } = {}): { world: World; log: RecordingLog } {
  const log = new RecordingLog();
  const world = new World({ config: options.config ?? retireConfig(), log });
  world.aws.addGroup({ name: SPOT_A, cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 4, pools: pools('spot', 'm5.8xlarge') });
  world.aws.addGroup({ name: SPOT_B, cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 4, pools: pools('spot', 'r5.8xlarge') });
  world.aws.addGroup({ name: OD_HOOK, cluster: 'prod', minSize: 1, maxSize: 50, desiredCapacity: 4, pools: pools('on-demand', 'm5.8xlarge') });
  world.aws.addGroup({ name: OD_BARE, cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 4, pools: pools('on-demand', 'r5.8xlarge') });
  world.aws.addTerminationHook(OD_HOOK, 'nth-drain', 60);
  if (options.hookOnB) world.aws.addTerminationHook(OD_BARE, 'nth-drain', 60);
  return { world, log };
}

/** InService instances of a group. */
export function inService(world: World, group: string): string[] {
  return world.aws
    .view(group)
    .instances.filter((instance) => instance.lifecycleState === 'InService')
    .map((instance) => instance.instanceId);
}
