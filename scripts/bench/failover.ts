/**
 * Failover against moto: handler wall time from receipt of a launch-failure event to its last AWS
 * write (p50/p99 over N events), and AWS calls per failover (the lease's DynamoDB calls included);
 * direct mode, which also raises a fallback group, is counted on the fake (moto fills any desired
 * capacity at once, so no launch fails there).
 */
import { performance } from 'node:perf_hooks';
import { DeleteTagsCommand, UpdateAutoScalingGroupCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAutoScalingAdapter } from '../../lib/aws/auto-scaling-adapter';
import type { AppDeps } from '../../lib/run/deps';
import { handleLaunchEvents } from '../../lib/failover/run';
import { policyFromText } from '../../lib/config/load';
import { FAILOVER_TAG_KEYS } from '../../lib/vocabulary/tags';
import { asSqsRecord, launchUnsuccessfulEvent } from '../../lib/fakes/aws-events';
import { World } from '../../lib/sim/world';
import { createLockTable, motoDynamoDbClient } from '../../test/support/moto-lock';
import { MotoWorld, clusterTags, motoAutoScalingClient } from '../../test/support/moto-world';
import type { BenchContext, BenchFigures } from './context';
import { silentLog, noMetrics, noNotifier } from '../../lib/fakes/recorders';

const ICE =
  'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';
export const CONFIG = (mode: string) => `mode: ${mode}\nclusters:\n  - name: prod\n    priorities: |-\n      50: ["^spot-nodes-"]\n      10: ["^on-demand-"]\n`;
/** Take and give back the lease: counted for real on moto, added to the fake's count. */
const LEASE_CALLS = 2;
const WARM_UP = 5;

/** Counts every API call the client sends (retries of one call count once). */
export function countCalls(client: AutoScalingClient | DynamoDBClient): { count: () => number; reset: () => void } {
  let calls = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      calls += 1;
      return next(args);
    },
    { step: 'initialize', name: 'capacityGuardBenchCallCounter' },
  );
  return { count: () => calls, reset: () => (calls = 0) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function benchFailover(context: BenchContext): Promise<BenchFigures> {
  const endpoint = context.motoEndpoint;
  const setup = motoAutoScalingClient(endpoint);
  const world = new MotoWorld(setup);
  await world.group('spot-nodes-8x-a', { tags: clusterTags('prod'), minSize: 0, maxSize: 50, desiredCapacity: 2 });
  await world.group('spot-nodes-8x-b', { tags: clusterTags('prod'), minSize: 0, maxSize: 50, desiredCapacity: 2 });
  await world.group('on-demand-8x-a', { tags: clusterTags('prod'), minSize: 0, maxSize: 50, desiredCapacity: 0 });
  await world.group('on-demand-8x-b', { tags: clusterTags('prod'), minSize: 0, maxSize: 50, desiredCapacity: 0 });

  const client = motoAutoScalingClient(endpoint);
  const dynamo = motoDynamoDbClient(endpoint);
  const lock = await createLockTable(dynamo);
  const autoScalingCalls = countCalls(client);
  const lockCalls = countCalls(dynamo);
  const calls = { count: () => autoScalingCalls.count() + lockCalls.count(), reset: () => (autoScalingCalls.reset(), lockCalls.reset()) };
  const deps = quietMotoDeps(client, lock);

  const timings: number[] = [];
  const callCounts: number[] = [];
  for (let i = 0; i < context.events + WARM_UP; i++) {
    // Back to healthy, outside the measurement.
    await setup.send(
      new DeleteTagsCommand({
        Tags: FAILOVER_TAG_KEYS.map((Key) => ({ ResourceId: 'spot-nodes-8x-a', ResourceType: 'auto-scaling-group', Key })),
      }),
    );
    await setup.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'spot-nodes-8x-a', MinSize: 0, MaxSize: 50, DesiredCapacity: 2 }));
    const record = asSqsRecord(launchUnsuccessfulEvent({ group: 'spot-nodes-8x-a', time: new Date().toISOString(), zone: 'eu-west-3a', statusMessage: ICE }));
    calls.reset();
    const started = performance.now();
    const result = await handleLaunchEvents([record], deps);
    const elapsed = performance.now() - started;
    if (result.batchItemFailures.length || result.records[0]?.actions?.[0] !== 'suspend-group')
      throw new Error(`bench failover did not suspend: ${JSON.stringify(result)}`);
    if (i >= WARM_UP) {
      // the first few warm up the SDK and moto
      timings.push(elapsed);
      callCounts.push(calls.count());
    }
  }
  timings.sort((a, b) => a - b);
  const onMoto = Math.max(...callCounts);
  const direct = await directModeCallsOnFake();
  return {
    failover_events: context.events,
    failover_handler_ms_p50: round1(percentile(timings, 50)),
    failover_handler_ms_p99: round1(percentile(timings, 99)),
    failover_handler_ms_max: round1(timings.at(-1) ?? Number.NaN),
    failover_aws_calls: Math.max(onMoto, direct),
    failover_aws_calls_cluster_autoscaler_mode: onMoto,
    failover_aws_calls_direct_mode: direct,
  };
}

async function directModeCallsOnFake(): Promise<number> {
  const world = new World({ config: CONFIG('direct') });
  const pools = (market: 'spot' | 'on-demand') => [{ market, instanceType: 'm5.8xlarge', zone: 'eu-west-3a' }];
  world.aws.addGroup({ name: 'spot-nodes-8x-a', cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 2, pools: pools('spot') });
  world.aws.addGroup({ name: 'on-demand-8x-a', cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 0, pools: pools('on-demand') });
  world.aws.outOfCapacity({ market: 'spot' });
  world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
  world.aws.resetCallCounts();
  await world.deliverEvents();
  return world.aws.totalCalls() + LEASE_CALLS;
}

export function round1(value: number): number {
  return Number(value.toFixed(1));
}

/** The runs' deps on moto for the benches: the real Auto Scaling adapter and lease, nothing logged, counted or sent. */
export function quietMotoDeps(client: AutoScalingClient, lock: AppDeps['lock']): AppDeps {
  return {
    policy: policyFromText(CONFIG('cluster-autoscaler'), 'bench', { env: {} }),
    autoScaling: createAutoScalingAdapter(client),
    lock,
    log: silentLog,
    metrics: noMetrics,
    notifier: noNotifier,
    now: () => new Date(),
  };
}
