/**
 * Shared capacity signals (issue 14), on the in-process fakes.
 *
 * Simulator (scenarios/shared-pools.yaml, today's cluster-autoscaler 1.36 model, medians over 10 seeds x
 * 3 cache phases): two accounts of one region share Spot pools, all empty. The first account's peak
 * (+20 nodes at 30 s) hits them; its capacity-guard run (the real failover code) publishes what it saw.
 * The second account's peak comes 3 min later. Its signals reach the second account's real receiving
 * code 2 s after the first account published them (EventBridge → SQS → Lambda twice, the simulator's
 * 1 s delivery assumption each). Time to capacity is measured from the second account's peak.
 *   sim_shared_pools_second_account_s           with sharing
 *   sim_shared_pools_second_account_unshared_s  capacity-guard without sharing
 *   sim_shared_pools_baseline_s                 cluster-autoscaler alone (CA 1.36 model)
 *   sim_shared_pools_floor_s                    the floor (last node wanted + boot time)
 * Loop (three stacks on the fakes, lib/sim/shared-signals-world.ts):
 *   signals_republished       PutEvents calls by the receiving accounts + events sent back to the origin (goal 0)
 *   signals_end_to_end_s_p99  the first account's capacity failure event → the second account's group out,
 *                             100 trials; each hop EventBridge → SQS (1 s) + the queue's batching window
 *                             (uniform 0–1 s, serverless.yml maximumBatchingWindow: 1)
 *
 *   npx tsx scripts/bench/shared-pools.ts
 */
import { asSqsRecord } from '../../lib/fakes/aws-events';
import type { Pool } from '../../lib/fakes/fake-auto-scaling';
import { resolveSharedSignals, SharedSignalsSchema } from '../../lib/config/shared-signals-schema';
import type { PoolEvidence } from '../../lib/ports/shared-signals';
import { handleSharedSignals } from '../../lib/shared-signals/receive';
import { signalsFrom } from '../../lib/shared-signals/publish';
import { sharedSignalDetail } from '../../lib/parse/shared-pool-signal';
import { caModel, type Scenario } from '../../lib/sim/scenario';
import { builtInScenario } from '../../lib/sim/scenario-files';
import { capacityFloorSeconds, runStrategy } from '../../lib/sim/run';
import { SharedSignalsWorld } from '../../lib/sim/shared-signals-world';
import type { World } from '../../lib/sim/world';
import { seededRandom } from '../../lib/vocabulary/seeded-random';
import { SHARED_SIGNAL_DETAIL_TYPE, SHARED_SIGNAL_SOURCE, type SharedPoolSignal } from '../../lib/vocabulary/shared-signal';
import { readGuardState } from '../../lib/failover/guard-state';
import { configFor } from '../../test/scenario/cluster';

const FIRST = '111111111111';
const SECOND = '222222222222';
const HOP_MS = 1_000;
const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);
const PHASES = [0, 20_000, 40_000];

const median = (values: number[]): number => {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

/** The first account: the same pools and groups, its peak at 30 s. Returns what its failover published, with when. */
async function firstAccount(scenario: Scenario, seed: number, phase: number): Promise<{ at: number; signals: SharedPoolSignal[] }[]> {
  const first: Scenario = { ...scenario, events: scenario.events.map((event) => ('demand' in event ? { ...event, at: 30_000 } : event)) };
  const published: { at: number; signals: SharedPoolSignal[] }[] = [];
  const start = Date.parse(scenario.start);
  const capture = async (world: World) => {
    const own = { account: FIRST, region: 'eu-west-3' };
    world.deps.poolEvidence = {
      offer: async (evidence: readonly PoolEvidence[]) => {
        const pools = new Map(
          first.groups.map((group) => [
            group.name,
            group.zones.flatMap((zone) => group.instanceTypes.map((instanceType) => ({ zoneId: zoneIdOf(zone), instanceType, market: group.market }))),
          ]),
        );
        const signals = signalsFrom(evidence, new Map(first.groups.flatMap((group) => group.zones.map((zone) => [zone, zoneIdOf(zone)] as const))), own, pools);
        if (signals.length) published.push({ at: world.clock.now().getTime() - start, signals });
      },
    };
  };
  await runStrategy(first, 'capacity-guard', {
    seed,
    clusterAutoscaler: caModel(first, '1.36', phase),
    stopWhenReady: true,
    rotateZonesOnFailure: true,
    at: [{ offsetMs: 0, what: 'share', run: capture }],
  });
  return published;
}

function zoneIdOf(zone: string): string {
  const match = /^([a-z]{2})-([a-z])[a-z]*-(\d)([a-z])$/.exec(zone);
  return match ? `${match[1]}${match[2]}${match[3]}-az${match[4]!.charCodeAt(0) - 96}` : `${zone}-id`;
}

/** The second account's receiving code, fed the first account's signals as its SQS batch. */
function deliverTo(signals: readonly SharedPoolSignal[], zoneNames: readonly string[]) {
  return async (world: World) => {
    const policy = resolveSharedSignals(SharedSignalsSchema.parse({ accounts: [FIRST, SECOND] }))!;
    const events = signals.map((signal, index) => ({
      version: '0' as const,
      id: `signal-${index}`,
      'detail-type': SHARED_SIGNAL_DETAIL_TYPE,
      source: SHARED_SIGNAL_SOURCE,
      account: FIRST,
      time: signal.lastSeen,
      region: 'eu-west-3',
      resources: [],
      detail: sharedSignalDetail(signal) as Record<string, unknown>,
    }));
    const zones = new Map(zoneNames.map((zone) => [zone, zoneIdOf(zone)] as const));
    await handleSharedSignals(
      events.map((event) => asSqsRecord(event)),
      { ...world.deps, sharedSignals: policy, own: { account: SECOND, region: 'eu-west-3' }, pools: world.poolStore, zoneIds: async () => zones },
    );
  };
}

async function simFigures(): Promise<Record<string, number>> {
  const scenario = builtInScenario('shared-pools');
  if (!scenario) throw new Error('scenarios/shared-pools.yaml is missing');
  const shared: number[] = [];
  const unshared: number[] = [];
  const baseline: number[] = [];
  for (const seed of SEEDS) {
    for (const phase of PHASES) {
      const model = caModel(scenario, '1.36', phase);
      const published = await firstAccount(scenario, seed, phase);
      const jobs = published.map(({ at, signals }) => ({
        offsetMs: at + 2 * HOP_MS,
        what: 'signals from the first account',
        run: deliverTo(signals, [...new Set(scenario.groups.flatMap((group) => group.zones))]),
      }));
      const time = async (strategy: 'capacity-guard' | 'baseline', at = [] as typeof jobs) =>
        (await runStrategy(scenario, strategy, { seed, clusterAutoscaler: model, stopWhenReady: true, rotateZonesOnFailure: true, at })).headline
          .timeToCapacitySeconds ?? Number.NaN;
      shared.push(await time('capacity-guard', jobs));
      unshared.push(await time('capacity-guard'));
      baseline.push(await time('baseline'));
    }
  }
  return {
    sim_shared_pools_second_account_s: median(shared),
    sim_shared_pools_second_account_unshared_s: median(unshared),
    sim_shared_pools_baseline_s: median(baseline),
    sim_shared_pools_floor_s: capacityFloorSeconds(scenario) ?? Number.NaN,
  };
}

const ZONE_MAPS: Record<string, Record<string, string>> = {
  [FIRST]: { 'eu-west-3a': 'euw3-az1' },
  [SECOND]: { 'eu-west-3a': 'euw3-az2', 'eu-west-3b': 'euw3-az1' },
  '333333333333': { 'eu-west-3c': 'euw3-az1' },
};

/** Three stacks; the first's group (one zone) fails; the others' groups in the same AZ ID go out. */
async function loop(random: () => number): Promise<{ seconds: number; republished: number }> {
  const accounts = Object.keys(ZONE_MAPS);
  const delivery = HOP_MS + Math.round(random() * 1000);
  const world = new SharedSignalsWorld(
    accounts.map((account) => ({ account, zoneIds: ZONE_MAPS[account]!, config: configFor('cluster-autoscaler') })),
    { deliveryMs: delivery },
  );
  for (const account of accounts) {
    const zone = Object.keys(ZONE_MAPS[account]!).find((name) => ZONE_MAPS[account]![name] === 'euw3-az1')!;
    const pools: Pool[] = [{ market: 'spot', instanceType: 'm5.8xlarge', zone }];
    world.addGroup(account, { name: 'spot-nodes-8x-a', cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 2, pools });
    world.addGroup(account, {
      name: 'on-demand-8x-a',
      cluster: 'prod',
      minSize: 0,
      maxSize: 50,
      desiredCapacity: 2,
      pools: [{ market: 'on-demand', instanceType: 'm5.8xlarge', zone }],
    });
    world.stack(account).world.aws.outOfCapacity({ market: 'spot' });
  }
  const first = world.stack(FIRST).world;
  first.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', 5);
  const failedAt = world.clock.now().getTime();
  // Hop 1: the launch event to the first account's failover (EventBridge → SQS, then the batching window).
  world.clock.advance(HOP_MS + Math.round(random() * 1000));
  await first.deliverEvents();
  // Hop 2: the signal to the others' buses, their queues, their batching windows.
  const others = accounts.filter((account) => account !== FIRST);
  const window = Math.round(random() * 1000);
  world.clock.advance(delivery + window);
  for (const account of others) await world.deliverSignals(account);
  const out = others.every((account) => readGuardState(world.stack(account).world.aws.view('spot-nodes-8x-a').tags, 'spot-nodes-8x-a').state === 'suspended');
  const republished = others.reduce((sum, account) => sum + world.putEventsCalls(account), 0) + world.network.take(FIRST).length;
  return { seconds: out ? (world.clock.now().getTime() - failedAt) / 1000 : Number.POSITIVE_INFINITY, republished };
}

export async function benchSharedPools(): Promise<Record<string, number>> {
  const random = seededRandom(14);
  const trials: { seconds: number; republished: number }[] = [];
  for (let trial = 0; trial < 100; trial++) trials.push(await loop(random));
  const seconds = trials.map((trial) => trial.seconds).sort((a, b) => a - b);
  return {
    ...(await simFigures()),
    signals_republished: trials.reduce((sum, trial) => sum + trial.republished, 0),
    signals_end_to_end_s_p99: Math.round(seconds[Math.ceil(seconds.length * 0.99) - 1]! * 10) / 10,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchSharedPools()));
