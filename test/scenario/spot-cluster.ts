/**
 * The cluster of the Spot stories: two big Spot groups (m5 and r5, three zones) first, two
 * on-demand fallbacks second, a drain bus for the cluster; and a group of another cluster
 * (staging) in the same account, whose instances the spot function must leave alone.
 */
import type { Log } from '../../lib/ports/log';
import type { Notifier } from '../../lib/ports/notifier';
import type { Pool } from '../../lib/fakes/fake-auto-scaling';
import { World } from '../../lib/sim/world';

const ZONES = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];
const spot = (type: string): Pool[] => ZONES.map((zone) => ({ market: 'spot' as const, instanceType: type, zone }));
const onDemand = (type: string): Pool[] => ZONES.map((zone) => ({ market: 'on-demand' as const, instanceType: type, zone }));

export const DRAIN_BUS = 'arn:aws:events:eu-west-3:123456789012:event-bus/prod-nodes';

/** The prod cluster of the stories: Spot groups first, on-demand fallbacks second. */
export const PROD_CLUSTER = `
clusters:
  - name: prod
    priorities: |-
      50: ["^spot-nodes-"]
      10: ["^on-demand-"]`;

export function spotConfig(spot = ''): string {
  return `${PROD_CLUSTER}
spot:
  clusters:
    prod:
      drainEventBus: ${DRAIN_BUS}
${spot}
`;
}

export function spotCluster(options: { spotNodes?: number; config?: string; log?: Log; notifier?: Notifier } = {}): World {
  const world = new World({ config: options.config ?? spotConfig(), log: options.log, notifier: options.notifier });
  const nodes = options.spotNodes ?? 6;
  world.aws.addGroup({ name: 'spot-nodes-8x-a', cluster: 'prod', minSize: 0, maxSize: nodes + 500, desiredCapacity: nodes, pools: spot('m5.8xlarge') });
  world.aws.addGroup({ name: 'spot-nodes-8x-b', cluster: 'prod', minSize: 0, maxSize: nodes + 500, desiredCapacity: nodes, pools: spot('r5.8xlarge') });
  world.aws.addGroup({ name: 'on-demand-8x-a', cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 2, pools: onDemand('m5.8xlarge') });
  world.aws.addGroup({ name: 'on-demand-8x-b', cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 2, pools: onDemand('r5.8xlarge') });
  world.aws.addGroup({ name: 'staging-spot-nodes', cluster: 'staging', minSize: 0, maxSize: 10, desiredCapacity: 3, pools: spot('m5.8xlarge') });
  return world;
}
