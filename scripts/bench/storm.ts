/**
 * Storm bench (issue 3): AWS calls and handler time for a storm of Spot interruption warnings,
 * run against the in-process fakes (lib/fakes), counting every call they receive — EC2
 * DescribeInstances/CreateTags, DescribeAutoScalingGroups, DetachInstances, the core's suspension
 * writes, PutEvents, the pool-store writes and the lease (a put and a delete per acquisition).
 * moto is not used: it cannot interrupt Spot instances, and calls are what is measured here.
 *
 * Figures:
 *   storm_1000_itn_aws_calls            the storm delivered in SQS batches of the configured size
 *                                       (serverless.yml: batchSize 1000) — target ≤ 25
 *   storm_batch_handler_ms              the slowest batch's handler time (in-process fakes: code cost)
 *   storm_1000_itn_aws_calls_5s_window  the same storm as Lambda would see it arriving over 60 s with
 *                                       the 5 s batching window (one batch per window)
 *   storm_1000_itn_batches_5s_window    how many batches that makes
 *
 *   npx tsx scripts/bench/storm.ts [--json]
 */
import { performance } from 'node:perf_hooks';
import { handleSpotEvents } from '../../lib/spot/run';
import { asSqsRecord } from '../../lib/fakes/aws-events';
import type { Pool } from '../../lib/fakes/fake-auto-scaling';
import { World } from '../../lib/sim/world';
import { spotConfig } from '../../test/scenario/spot-cluster';

/** As in serverless.yml (the template test checks those values). */
export const SPOT_SQS_BATCH_SIZE = 1000;
export const SPOT_SQS_WINDOW_MS = 5000;

const ZONES = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];
// The Spot stories' cluster config: Spot groups first, on-demand second, a drain bus.
const CONFIG = spotConfig();

function stormWorld(interruptions: number): { world: World; calls: () => number } {
  const world = new World({ config: CONFIG });
  // Half the storm in each of two pools of zone a (m5 and r5): each group runs that many per zone.
  const perZone = Math.ceil(interruptions / 2);
  for (const [name, type] of [
    ['spot-nodes-8x-a', 'm5.8xlarge'],
    ['spot-nodes-8x-b', 'r5.8xlarge'],
  ] as const) {
    const pools: Pool[] = ZONES.map((zone) => ({ market: 'spot', instanceType: type, zone }));
    world.aws.addGroup({ name, cluster: 'prod', minSize: 0, maxSize: 3 * perZone + 100, desiredCapacity: 3 * perZone, pools });
  }
  world.aws.addGroup({
    name: 'on-demand-8x-a',
    cluster: 'prod',
    minSize: 0,
    maxSize: 50,
    desiredCapacity: 2,
    pools: ZONES.map((zone) => ({ market: 'on-demand', instanceType: 'm5.8xlarge', zone })),
  });
  const calls = () => world.awsCalls();
  return { world, calls };
}

async function storm(
  interruptions: number,
  spanMs: number,
  batchOf: (events: ReturnType<World['ec2']['takeEvents']>) => ReturnType<World['ec2']['takeEvents']>[],
): Promise<{ calls: number; batches: number; slowestMs: number; failures: number }> {
  const { world, calls } = stormWorld(interruptions);
  world.ec2.interrupt({ zone: 'eu-west-3a' }, interruptions, spanMs);
  world.aws.advance(spanMs);
  const events = world.ec2.takeEvents().filter((event) => event['detail-type'] === 'EC2 Spot Instance Interruption Warning');
  world.aws.resetCallCounts();
  const before = calls();
  let slowestMs = 0;
  let failures = 0;
  const batches = batchOf(events);
  for (const batch of batches) {
    // The clock at the batch's delivery: its last event (plus the window, when windowed).
    const started = performance.now();
    const result = await handleSpotEvents(
      batch.map((event) => asSqsRecord(event)),
      world.spotDeps,
    );
    slowestMs = Math.max(slowestMs, performance.now() - started);
    failures += result.batchItemFailures.length;
  }
  return { calls: calls() - before, batches: batches.length, slowestMs, failures };
}

export async function benchStorm(options: { interruptions?: number } = {}): Promise<Record<string, number>> {
  const interruptions = options.interruptions ?? 1000;
  const full = await storm(interruptions, 60_000, (events) => chunk(events, SPOT_SQS_BATCH_SIZE));
  const windowed = await storm(interruptions, 60_000, (events) => {
    const first = Date.parse(events[0]?.time ?? '0');
    const byWindow = new Map<number, typeof events>();
    for (const event of events) {
      const window = Math.floor((Date.parse(event.time) - first) / SPOT_SQS_WINDOW_MS);
      byWindow.set(window, [...(byWindow.get(window) ?? []), event]);
    }
    return [...byWindow.values()].flatMap((events) => chunk(events, SPOT_SQS_BATCH_SIZE));
  });
  if (full.failures + windowed.failures > 0) throw new Error(`storm bench: ${full.failures + windowed.failures} records failed`);
  return {
    storm_1000_itn_aws_calls: full.calls,
    storm_batch_handler_ms: Math.round(full.slowestMs),
    storm_1000_itn_aws_calls_5s_window: windowed.calls,
    storm_1000_itn_batches_5s_window: windowed.batches,
  };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchStorm();
  if (!process.argv.includes('--json')) for (const [name, value] of Object.entries(figures)) console.log(`${name}: ${value}`);
  console.log(JSON.stringify(figures));
}
