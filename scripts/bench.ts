/**
 * npm run bench [-- --json] [-- --events N]
 * Failover figures against moto: handler wall time from receipt of a launch-failure event to its
 * last AWS write (p50/p99 over N events), and AWS calls per failover. `--json` ends with one line
 * of JSON holding every figure. Never part of npm test (timings vary with the machine).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DeleteTagsCommand, UpdateAutoScalingGroupCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAutoScalingAdapter } from '../lib/act/aws/auto-scaling-adapter';
import type { AppDeps } from '../lib/app/deps';
import { handleLaunchEvents } from '../lib/app/handle-launch-events';
import { reconcile } from '../lib/app/reconcile';
import { policyFromText } from '../lib/config/load';
import { SUSPENSION_TAG_KEYS, TAG } from '../lib/decide/guard-tags';
import { asSqsRecord, launchUnsuccessfulEvent } from '../lib/fake/aws-events';
import { silentLog } from '../lib/ports/log';
import { noMetrics } from '../lib/ports/metrics';
import { noNotifier } from '../lib/ports/notifier';
import { World } from '../lib/fake/world';
import { startMotoServer } from '../test/support/moto-server';
import { createLockTable, motoDynamoDbClient } from '../test/support/moto-lock';
import { MotoWorld, clusterTags, motoAutoScalingClient } from '../test/support/moto-world';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, events: { type: 'string', default: '200' } } });
const EVENTS = Number(values.events);
const ICE = 'Could not launch Spot Instances. InsufficientInstanceCapacity - There is no Spot capacity available that matches your request. Launching EC2 instance failed.';
const CONFIG = (mode: string) => `mode: ${mode}\nclusters:\n  - name: prod\n    priorities: |-\n      50: ["^spot-nodes-"]\n      10: ["^on-demand-"]\n`;

/** Counts every API call the client sends (retries of one call count once). */
function countCalls(client: AutoScalingClient | DynamoDBClient): { count: () => number; reset: () => void } {
  let calls = 0;
  client.middlewareStack.add((next) => async (args) => {
    calls += 1;
    return next(args);
  }, { step: 'initialize', name: 'capacityGuardBenchCallCounter' });
  return { count: () => calls, reset: () => (calls = 0) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function failoverOnMoto(endpoint: string) {
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
  const deps: AppDeps = { policy: policyFromText(CONFIG('cluster-autoscaler'), 'bench', { env: {} }), autoScaling: createAutoScalingAdapter(client), lock, log: silentLog, metrics: noMetrics, notifier: noNotifier, now: () => new Date() };

  const timings: number[] = [];
  const callCounts: number[] = [];
  for (let i = 0; i < EVENTS + 5; i++) {
    // Back to healthy, outside the measurement.
    await setup.send(new DeleteTagsCommand({ Tags: [...SUSPENSION_TAG_KEYS, TAG.backoff, TAG.restoredAt].map((Key) => ({ ResourceId: 'spot-nodes-8x-a', ResourceType: 'auto-scaling-group', Key })) }));
    await setup.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'spot-nodes-8x-a', MinSize: 0, MaxSize: 50, DesiredCapacity: 2 }));
    const record = asSqsRecord(launchUnsuccessfulEvent({ group: 'spot-nodes-8x-a', time: new Date().toISOString(), zone: 'eu-west-3a', statusMessage: ICE }));
    calls.reset();
    const started = performance.now();
    const result = await handleLaunchEvents([record], deps);
    const elapsed = performance.now() - started;
    if (result.batchItemFailures.length || result.records[0]?.actions?.[0] !== 'suspend-group') throw new Error(`bench failover did not suspend: ${JSON.stringify(result)}`);
    if (i >= 5) {
      // the first few warm up the SDK and moto
      timings.push(elapsed);
      callCounts.push(calls.count());
    }
  }
  timings.sort((a, b) => a - b);
  return { p50: percentile(timings, 50), p99: percentile(timings, 99), max: timings.at(-1) ?? Number.NaN, calls: Math.max(...callCounts) };
}

/** The scheduled reconcile over 500 managed groups: Describe calls (pages of 100) and wall time. */
async function reconcileOnMoto(endpoint: string) {
  const setup = motoAutoScalingClient(endpoint);
  const world = new MotoWorld(setup);
  await world.groups(Array.from({ length: 500 }, (_, i) => `spot-nodes-${String(i).padStart(3, '0')}`), { tags: clusterTags('prod'), minSize: 0, maxSize: 10, desiredCapacity: 0 });
  const client = motoAutoScalingClient(endpoint);
  const calls = countCalls(client);
  const lock = await createLockTable(motoDynamoDbClient(endpoint));
  const deps: AppDeps = { policy: policyFromText(CONFIG('cluster-autoscaler'), 'bench', { env: {} }), autoScaling: createAutoScalingAdapter(client), lock, log: silentLog, metrics: noMetrics, notifier: noNotifier, now: () => new Date() };
  const started = performance.now();
  const result = await reconcile(deps);
  const elapsed = performance.now() - started;
  if (result.groups !== 500) throw new Error(`reconcile saw ${result.groups} groups, expected 500`);
  return { describeCalls: calls.count(), ms: elapsed };
}

/** Take and give back the lease: counted for real on moto, added to the fake's count. */
const LEASE_CALLS = 2;

/** direct mode also raises a fallback group; moto fills any desired capacity at once, so no launch can fail there: count on the fake. */
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

const moto = await startMotoServer();
try {
  const failover = await failoverOnMoto(moto.endpoint);
  const directCalls = await directModeCallsOnFake();
  await moto.reset();
  const reconcile500 = await reconcileOnMoto(moto.endpoint);
  const figures = {
    failover_events: EVENTS,
    failover_handler_ms_p50: Number(failover.p50.toFixed(1)),
    failover_handler_ms_p99: Number(failover.p99.toFixed(1)),
    failover_handler_ms_max: Number(failover.max.toFixed(1)),
    failover_aws_calls: Math.max(failover.calls, directCalls),
    failover_aws_calls_cluster_autoscaler_mode: failover.calls,
    failover_aws_calls_direct_mode: directCalls,
    reconcile_500_asgs_describe_calls: reconcile500.describeCalls,
    reconcile_500_asgs_ms: Number(reconcile500.ms.toFixed(0)),
  };
  console.log(`failover on moto, ${EVENTS} events: handler p50 ${figures.failover_handler_ms_p50} ms, p99 ${figures.failover_handler_ms_p99} ms (target ≤ 1000), max ${figures.failover_handler_ms_max} ms`);
  console.log(`AWS calls per failover, the lease's two DynamoDB calls included: ${failover.calls} (cluster-autoscaler mode, moto), ${directCalls} (direct mode, fake) (target ≤ 6)`);
  console.log(`reconcile over 500 groups on moto: ${reconcile500.describeCalls} Auto Scaling calls (target ≤ 6), ${figures.reconcile_500_asgs_ms} ms`);
  if (values.json) console.log(JSON.stringify(figures));
} finally {
  await moto.stop();
}
