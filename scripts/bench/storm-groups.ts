/**
 * Wide-storm bench (issue 13, item 6): 1,000 Spot interruptions within 60 s over 100 Spot groups in
 * 3 zones (10 instance types shared by the groups, so 30 pools, all storming), delivered as Lambda
 * sees them (5 s batching window, SQS batches of 1,000), on the in-process fakes.
 *
 * Figures:
 *   storm_100_groups_aws_calls                 every AWS call of the storm's batches (fakes count them)
 *   storm_100_groups_aws_calls_floor           the least the APIs allow for the same work: per batch one
 *                                              DescribeInstances, one CreateTags, one PutEvents and one
 *                                              pool write per pool it names; once, the lease (2 calls), one
 *                                              DescribeAutoScalingGroups, two writes per suspended group
 *                                              (tags, sizes), one storm mark per pool, one pool-out write per 25
 *   storm_100_groups_suspensions_max_per_group suspensions of the most suspended group (goal 1)
 *   storm_100_groups_suspended                 groups taken out of rotation
 *
 *   npx tsx scripts/bench/storm-groups.ts [--json]
 */
import { handleSpotEvents } from '../../lib/spot/run';
import { asSqsRecord } from '../../lib/fakes/aws-events';
import type { Pool } from '../../lib/fakes/fake-auto-scaling';
import { World } from '../../lib/sim/world';
import { spotConfig } from '../../test/scenario/spot-cluster';
import { SPOT_SQS_BATCH_SIZE, SPOT_SQS_WINDOW_MS, chunk } from './storm';

const ZONES = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];
const TYPES = Array.from({ length: 10 }, (_, index) => `m${index + 5}.4xlarge`);
const GROUPS = 100;

export async function benchStormGroups(): Promise<Record<string, number>> {
  const world = new World({ config: spotConfig() });
  for (let index = 0; index < GROUPS; index++) {
    const pools: Pool[] = ZONES.map((zone) => ({ market: 'spot', instanceType: TYPES[index % TYPES.length]!, zone }));
    world.aws.addGroup({ name: `spot-nodes-${String(index).padStart(3, '0')}`, cluster: 'prod', minSize: 0, maxSize: 60, desiredCapacity: 30, pools });
  }
  world.aws.addGroup({
    name: 'on-demand-a',
    cluster: 'prod',
    minSize: 0,
    maxSize: 50,
    desiredCapacity: 2,
    pools: ZONES.map((zone) => ({ market: 'on-demand', instanceType: 'm5.4xlarge', zone })),
  });
  for (let index = 0; index < GROUPS; index++) {
    const group = `spot-nodes-${String(index).padStart(3, '0')}`;
    for (const zone of ZONES) world.ec2.interrupt({ group, zone }, zone === 'eu-west-3a' ? 4 : 3, '60s');
  }
  world.aws.advance('60s');
  const events = world.ec2.takeEvents().filter((event) => event['detail-type'] === 'EC2 Spot Instance Interruption Warning');
  world.aws.resetCallCounts();
  const before = world.awsCalls();
  const first = Date.parse(events[0]?.time ?? '0');
  const byWindow = new Map<number, typeof events>();
  for (const event of events) {
    const window = Math.floor((Date.parse(event.time) - first) / SPOT_SQS_WINDOW_MS);
    byWindow.set(window, [...(byWindow.get(window) ?? []), event]);
  }
  const suspensions = new Map<string, number>();
  let floor = 0;
  for (const batch of [...byWindow.values()].flatMap((window) => chunk(window, SPOT_SQS_BATCH_SIZE))) {
    const result = await handleSpotEvents(
      batch.map((event) => asSqsRecord(event)),
      world.spotDeps,
    );
    if (result.batchItemFailures.length > 0) throw new Error(`storm-groups bench: ${result.batchItemFailures.length} records failed`);
    const pools = new Set(
      result.actions.flatMap((action) => (action.kind === 'record-pool-interruptions' ? [`${action.pool.zoneId}|${action.pool.instanceType}`] : [])),
    );
    floor += 3 + pools.size;
    for (const action of result.coreActions) {
      if (action.kind === 'suspend-group') {
        suspensions.set(action.group, (suspensions.get(action.group) ?? 0) + 1);
      }
    }
  }
  const stormingPools = (await world.poolStore.listPoolsOut(world.clock.now())).length;
  floor += 3 + 2 * suspensions.size + stormingPools + Math.ceil(stormingPools / 25);
  return {
    storm_100_groups_aws_calls: world.awsCalls() - before,
    storm_100_groups_aws_calls_floor: floor,
    storm_100_groups_suspensions_max_per_group: Math.max(0, ...suspensions.values()),
    storm_100_groups_suspended: suspensions.size,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchStormGroups();
  if (!process.argv.includes('--json')) for (const [name, value] of Object.entries(figures)) console.log(`${name}: ${value}`);
  console.log(JSON.stringify(figures));
}
