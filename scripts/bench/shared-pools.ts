/**
 * Shared capacity signals (issue 14), on the in-process fakes.
 *
 * Simulator (scenarios/shared-pools.yaml, today's cluster-autoscaler 1.36 model, medians over 10 seeds x
 * 3 cache phases): two accounts of one region share Spot pools, all empty. The first account's peak
 * (+20 nodes at 30 s) hits them; its capacity-guard run (the real failover code, tier probe included)
 * publishes what it saw. The second account's sudden peak (+20 nodes within 10 s) comes 3 min later. Its signals reach the second account's real receiving
 * code 2 s after the first account published them (EventBridge → SQS → Lambda twice, the simulator's
 * 1 s delivery assumption each). Time to capacity is measured from the second account's peak.
 *   sim_shared_pools_second_account_s           with sharing
 *   sim_shared_pools_second_account_unshared_s  capacity-guard without sharing
 *   sim_shared_pools_baseline_s                 cluster-autoscaler alone (CA 1.36 model)
 *   sim_shared_pools_floor_s                    the floor (last node wanted + boot time)
 *   sim_shared_pools_*_unmet_node_minutes       the same runs' unmet node-minutes
 *   sim_shared_pools_ramp_*                     the same with the peak as a one-minute ramp (the other scenarios' shape)
 * Loop (three stacks on the fakes, lib/sim/shared-signals-world.ts):
 *   signals_republished       PutEvents calls by the receiving accounts + events sent back to the origin (goal 0)
 *   signals_end_to_end_s_p99  the first account's capacity failure event → the second account's group out,
 *                             100 trials; each hop EventBridge → SQS (1 s) + the queue's batching window
 *                             (uniform 0–1 s, serverless.yml maximumBatchingWindow: 1)
 *   signals_relay_republished, signals_relayed_end_to_end_s_p99
 *                             the same through a central account's relay (one more hop; lib/shared-signals/relay.ts):
 *                             PutEvents by receivers, events back to the origin or the central bus (goal 0)
 *
 *   npx tsx scripts/bench/shared-pools.ts
 */
import { asSqsRecord } from '../../lib/fakes/aws-events';
import type { Pool } from '../../lib/fakes/fake-auto-scaling';
import { resolveSharedSignals, SharedSignalsSchema } from '../../lib/config/shared-signals-schema';
import { handleSharedSignals } from '../../lib/shared-signals/receive';
import { publishingSink } from '../../lib/shared-signals/publish';
import { MemoryPublicationClaims } from '../../lib/fakes/fake-shared-signals';
import { caModel, type Scenario } from '../../lib/sim/scenario';
import { builtInScenario } from '../../lib/sim/scenario-files';
import { capacityFloorSeconds, type Headline, runStrategy } from '../../lib/sim/run';
import { SharedSignalsWorld } from '../../lib/sim/shared-signals-world';
import type { World } from '../../lib/sim/world';
import { seededRandom } from '../../lib/vocabulary/seeded-random';
import { SHARED_SIGNAL_DETAIL_TYPE, SHARED_SIGNAL_SOURCE } from '../../lib/vocabulary/shared-signal';
import { readGuardState } from '../../lib/failover/guard-state';
import { configFor } from '../../test/scenario/cluster';

const FIRST = '111111111111';
const SECOND = '222222222222';
const HOP_MS = 1_000;
const POLICY = resolveSharedSignals(SharedSignalsSchema.parse({ accounts: [FIRST, SECOND] }))!;
const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);
const PHASES = [0, 20_000, 40_000];

const median = (values: number[]): number => {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

/**
 * The first account: the same pools and groups, its peak at 30 s. Returns what its failover published
 * (the real publisher: one signal per pool and interval), with when.
 */
async function firstAccount(scenario: Scenario, seed: number, phase: number): Promise<{ at: number; details: Record<string, unknown>[] }[]> {
  const first: Scenario = { ...scenario, events: scenario.events.map((event) => ('demand' in event ? { ...event, at: 30_000 } : event)) };
  const published: { at: number; details: Record<string, unknown>[] }[] = [];
  const start = Date.parse(scenario.start);
  const zoneIds = new Map(first.groups.flatMap((group) => group.zones.map((zone) => [zone, zoneIdOf(zone)] as const)));
  const capture = async (world: World) => {
    world.deps.poolEvidence = publishingSink({
      policy: POLICY,
      own: { account: FIRST, region: 'eu-west-3' },
      eventBus: {
        putEvents: async (events) => {
          published.push({ at: world.clock.now().getTime() - start, details: events.map((event) => event.detail) });
          return { failed: [] };
        },
      },
      claims: new MemoryPublicationClaims(),
      poolsOfGroup: async (name) => {
        const group = first.groups.find((candidate) => candidate.name === name);
        return (group?.zones ?? []).flatMap((zone) =>
          group!.instanceTypes.map((instanceType) => ({ zoneId: zoneIdOf(zone), instanceType, market: group!.market })),
        );
      },
      zoneIds: async () => zoneIds,
      log: world.deps.log,
      metrics: world.metrics,
      now: world.clock.now,
    });
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
function deliverTo(details: readonly Record<string, unknown>[], zoneNames: readonly string[]) {
  return async (world: World) => {
    const policy = POLICY;
    const events = details.map((detail, index) => ({
      version: '0' as const,
      id: `signal-${index}`,
      'detail-type': SHARED_SIGNAL_DETAIL_TYPE,
      source: SHARED_SIGNAL_SOURCE,
      account: FIRST,
      time: String(detail.lastSeen),
      region: 'eu-west-3',
      resources: [],
      detail,
    }));
    const zones = new Map(zoneNames.map((zone) => [zone, zoneIdOf(zone)] as const));
    await handleSharedSignals(
      events.map((event) => asSqsRecord(event)),
      { ...world.deps, sharedSignals: policy, own: { account: SECOND, region: 'eu-west-3' }, pools: world.poolStore, zoneIds: async () => zones },
    );
  };
}

/** Medians of time to capacity (and unmet node-minutes) for the second account: shared, unshared, CA alone. */
async function figuresOf(scenario: Scenario, prefix: string): Promise<Record<string, number>> {
  const shared: Headline[] = [];
  const unshared: Headline[] = [];
  const baseline: Headline[] = [];
  for (const seed of SEEDS) {
    for (const phase of PHASES) {
      const model = caModel(scenario, '1.36', phase);
      const published = await firstAccount(scenario, seed, phase);
      const jobs = published.map(({ at, details }) => ({
        offsetMs: at + 2 * HOP_MS,
        what: 'signals from the first account',
        run: deliverTo(details, [...new Set(scenario.groups.flatMap((group) => group.zones))]),
      }));
      const run = async (strategy: 'capacity-guard' | 'baseline', at = [] as typeof jobs) =>
        (await runStrategy(scenario, strategy, { seed, clusterAutoscaler: model, stopWhenReady: true, rotateZonesOnFailure: true, at })).headline;
      shared.push(await run('capacity-guard', jobs));
      unshared.push(await run('capacity-guard'));
      baseline.push(await run('baseline'));
    }
  }
  const seconds = (runs: Headline[]) => median(runs.map((headline) => headline.timeToCapacitySeconds ?? Number.NaN));
  const unmet = (runs: Headline[]) => Math.round(median(runs.map((headline) => headline.unmetNodeMinutes)) * 10) / 10;
  return {
    [`${prefix}_second_account_s`]: seconds(shared),
    [`${prefix}_second_account_unshared_s`]: seconds(unshared),
    [`${prefix}_baseline_s`]: seconds(baseline),
    [`${prefix}_floor_s`]: capacityFloorSeconds(scenario) ?? Number.NaN,
    [`${prefix}_second_account_unmet_node_minutes`]: unmet(shared),
    [`${prefix}_second_account_unshared_unmet_node_minutes`]: unmet(unshared),
    [`${prefix}_baseline_unmet_node_minutes`]: unmet(baseline),
  };
}

/**
 * The scenario's sudden peak, and the same peak as the other scenarios' one-minute ramp: there every
 * strategy has learnt the pools before the last pods arrive, so only unmet node-minutes can differ.
 */
async function simFigures(): Promise<Record<string, number>> {
  const scenario = builtInScenario('shared-pools');
  if (!scenario) throw new Error('scenarios/shared-pools.yaml is missing');
  const ramp: Scenario = {
    ...scenario,
    events: scenario.events.map((event) => ('demand' in event ? { ...event, demand: { ...event.demand, over: 60_000 } } : event)),
  };
  return { ...(await figuresOf(scenario, 'sim_shared_pools')), ...(await figuresOf(ramp, 'sim_shared_pools_ramp')) };
}

const ZONE_MAPS: Record<string, Record<string, string>> = {
  [FIRST]: { 'eu-west-3a': 'euw3-az1' },
  [SECOND]: { 'eu-west-3a': 'euw3-az2', 'eu-west-3b': 'euw3-az1' },
  '333333333333': { 'eu-west-3c': 'euw3-az1' },
};

const CENTRAL = '999999999999';

/**
 * Three stacks; the first's group (one zone) fails; the others' groups in the same AZ ID go out.
 * `viaRelay`: the members send to a central account whose relay sends on (one more hop).
 */
async function loop(random: () => number, viaRelay = false): Promise<{ seconds: number; republished: number }> {
  const accounts = Object.keys(ZONE_MAPS);
  const delivery = HOP_MS + Math.round(random() * 1000);
  const member = viaRelay ? `  publishTo: ['arn:aws:events:eu-west-3:${CENTRAL}:event-bus/capacity-guard-signals']\n  relayAccount: '${CENTRAL}'\n` : undefined;
  const world = new SharedSignalsWorld(
    [
      ...accounts.map((account) => ({ account, zoneIds: ZONE_MAPS[account]!, config: configFor('cluster-autoscaler'), sharedSignals: member })),
      ...(viaRelay ? [{ account: CENTRAL, zoneIds: {}, config: configFor('cluster-autoscaler'), sharedSignals: '  relay: { to: peers }\n' }] : []),
    ],
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
  // Through a relay: the central bus, its queue and batching window, the relay's PutEvents.
  let relayCalls = 0;
  if (viaRelay) {
    world.clock.advance(delivery + Math.round(random() * 1000));
    await world.relay(CENTRAL);
    relayCalls = world.putEventsCalls(CENTRAL);
  }
  // Hop 2: the signal to the others' buses, their queues, their batching windows.
  const others = accounts.filter((account) => account !== FIRST);
  const window = Math.round(random() * 1000);
  world.clock.advance(delivery + window);
  for (const account of others) await world.deliverSignals(account);
  const out = others.every((account) => readGuardState(world.stack(account).world.aws.view('spot-nodes-8x-a').tags, 'spot-nodes-8x-a').state === 'suspended');
  const back = world.network.take(FIRST).length + (viaRelay ? world.network.take(CENTRAL).length + world.putEventsCalls(CENTRAL) - relayCalls : 0);
  const republished = others.reduce((sum, account) => sum + world.putEventsCalls(account), 0) + back;
  return { seconds: out ? (world.clock.now().getTime() - failedAt) / 1000 : Number.POSITIVE_INFINITY, republished };
}

const p99 = (trials: readonly { seconds: number }[]): number => {
  const seconds = trials.map((trial) => trial.seconds).sort((a, b) => a - b);
  return Math.round(seconds[Math.ceil(seconds.length * 0.99) - 1]! * 10) / 10;
};

export async function benchSharedPools(): Promise<Record<string, number>> {
  const random = seededRandom(14);
  const trials: { seconds: number; republished: number }[] = [];
  for (let trial = 0; trial < 100; trial++) trials.push(await loop(random));
  const relayed: { seconds: number; republished: number }[] = [];
  for (let trial = 0; trial < 100; trial++) relayed.push(await loop(random, true));
  return {
    ...(await simFigures()),
    signals_republished: trials.reduce((sum, trial) => sum + trial.republished, 0),
    signals_end_to_end_s_p99: p99(trials),
    signals_relay_republished: relayed.reduce((sum, trial) => sum + trial.republished, 0),
    signals_relayed_end_to_end_s_p99: p99(relayed),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchSharedPools()));
