/**
 * One run of a scenario under one strategy, on its own fake AWS and virtual clock:
 * - `baseline`: the cluster-autoscaler model alone;
 * - `capacity-guard`: the same model, plus capacity-guard's real app code (what functions/failover.ts
 *   and functions/reconcile.ts run) fed by the events the fake AWS emits, after AWS's delays.
 * Returns the timeline, samples for the plot and the headline figures.
 */
import type { EventBridgeEvent } from '../fake/aws-events';
import type { Pool } from '../fake/fake-auto-scaling';
import { World } from '../fake/world';
import type { Log } from '../ports/log';
import { parsePriorities } from '../priorities/expander';
import { ClusterAutoscaler } from './cluster-autoscaler-model';
import { Simulation } from './engine';
import { seededRandom, shuffled } from '../seeded-random';
import { createPreviewNotifier } from '../notify/preview';
import type { SlackMessage } from '../notify/message';
import { describeMessage } from './report-line';
import { type Scenario, type ScenarioEvent, capacityGuardConfig } from './scenario';
import { INTERRUPTION_NOTICE_MS, spotInterruptionWarning } from './spot-events';

export type StrategyName = 'capacity-guard' | 'baseline';

export interface TimelineEntry {
  /** Seconds since the scenario's start. */
  t: number;
  who: 'scenario' | 'AWS' | 'EC2' | 'cluster-autoscaler' | 'capacity-guard' | 'Slack' | 'cluster';
  text: string;
}

export interface Sample {
  t: number;
  demand: number;
  ready: number;
  onDemand: number;
}

export interface Headline {
  /** From the first demand change or interruption to demanded capacity ready; null if not within the run. */
  timeToCapacitySeconds: number | null;
  unmetNodeMinutes: number;
  onDemandNodeHours: number;
}

export interface RunResult {
  strategy: StrategyName;
  headline: Headline;
  timeline: TimelineEntry[];
  samples: Sample[];
  capacityGuardActions: number;
  /** Events handed to capacity-guard's failover code (0 for the baseline). */
  eventsDelivered: number;
  slackMessages: number;
  notes: string[];
}

/** Where issue 3's spot-interruption handling plugs in; absent = not wired. */
export type SpotHandler = (events: readonly EventBridgeEvent[], world: World) => Promise<void>;

export interface RunOptions {
  spotHandler?: SpotHandler;
  /** More models in the same world and clock (issue 15: CA's scale-down, retirement strategies; lib/sim/retire-run.ts). */
  extensions?: readonly SimExtension[];
}

/** What an extension gets: the world, the clock, the demand, the timeline; it schedules its own events on `sim`. */
export interface SimContext {
  world: World;
  sim: Simulation;
  start: number;
  demand: () => number;
  random: () => number;
  say: (who: TimelineEntry['who'], text: string) => void;
  /** When the cluster-autoscaler model last scaled a group up (epoch ms), null if never. */
  lastScaleUpAt: () => number | null;
  /** Tell the Slack messages built since the last call on the timeline. */
  announce: () => void;
}

export type SimExtension = (context: SimContext) => void;

const SAMPLE_EVERY_MS = 10_000;
const SQS_BATCH = 10;
/** The spot queue's maximumBatchingWindow in serverless.yml. */
const SPOT_BATCH_WINDOW_MS = 5_000;

export async function runStrategy(scenario: Scenario, strategy: StrategyName, options: RunOptions = {}): Promise<RunResult> {
  const start = Date.parse(scenario.start);
  const end = start + scenario.duration;
  const timeline: TimelineEntry[] = [];
  const notes: string[] = [];
  let now = start;
  const say = (who: TimelineEntry['who'], text: string) => timeline.push({ t: Math.round((now - start) / 100) / 10, who, text });
  let capacityGuardActions = 0;
  const log: Log = {
    debug() {},
    info(_message, ...extra) {
      const detail = extra[0] as { actions?: string[] } | undefined;
      for (const action of detail?.actions ?? []) {
        capacityGuardActions += 1;
        say('capacity-guard', action);
      }
    },
    warn: (message) => say('capacity-guard', `WARNING ${message}`),
    error: (message) => say('capacity-guard', `ERROR ${message}`),
  };

  // What Slack would get: the real folding and message building, nothing sent.
  const slack: SlackMessage[] = [];
  const notifier = createPreviewNotifier(() => world.policy.notifications.foldWindowMs, (message) => slack.push(message));
  const world: World = new World({ start: scenario.start, bootSeconds: scenario.bootTime / 1000, retrySeconds: scenario.asgRetryInterval / 1000, config: capacityGuardConfig(scenario), log, notifier });
  const onDemandGroups = new Set<string>();
  for (const group of scenario.groups) {
    const pools: Pool[] = group.zones.flatMap((zone) => group.instanceTypes.map((instanceType) => ({ market: group.market, instanceType, zone })));
    world.aws.addGroup({ name: group.name, cluster: scenario.cluster, minSize: group.min, maxSize: group.max, desiredCapacity: group.desired, pools });
    if (group.market === 'on-demand') onDemandGroups.add(group.name);
  }
  const groupNames = scenario.groups.map((group) => group.name);
  const random = seededRandom(scenario.seed);
  const demand = demandCurve(scenario, start);
  const sim = new Simulation(start, (ms) => {
    world.aws.advance(ms - world.clock.now().getTime());
    now = ms;
  });

  const clusterAutoscaler = new ClusterAutoscaler(scenario.clusterAutoscaler, {
    aws: world.aws,
    groups: groupNames,
    rules: parsePriorities(scenario.priorities),
    random,
    demand: () => demand(now),
    say: (text) => say('cluster-autoscaler', text),
  });
  sim.every(start, scenario.clusterAutoscaler.scanInterval, 'cluster-autoscaler', () => clusterAutoscaler.runOnce(now));
  for (const extend of options.extensions ?? []) {
    extend({ world, sim, start, demand: () => demand(now), random, say, lastScaleUpAt: () => clusterAutoscaler.scaleUps.at(-1)?.at ?? null, announce: () => announceReports() });
  }

  // ---- capacity-guard: events after AWS's delays, the scheduled reconcile ------------------
  const guarded = strategy === 'capacity-guard';
  const pending = new Map<number, EventBridgeEvent[]>();
  let reportsSeen = 0;
  let eventsDelivered = 0;
  const announceReports = () => {
    for (const message of slack.slice(reportsSeen)) say('Slack', describeMessage(message));
    reportsSeen = slack.length;
  };
  const deliverLater = (event: EventBridgeEvent, delay: number) => {
    const due = Math.max(Date.parse(event.time) + delay, now + 1);
    const batch = pending.get(due);
    if (batch) return void batch.push(event);
    pending.set(due, [event]);
    sim.at(due, 'failover', async () => {
      const events = pending.get(due) ?? [];
      pending.delete(due);
      eventsDelivered += events.length;
      for (let i = 0; i < events.length; i += SQS_BATCH) await world.deliverEvents(events.slice(i, i + SQS_BATCH));
      announceReports();
    });
  };
  if (guarded) {
    sim.every(start + scenario.reconcileEvery / 2, scenario.reconcileEvery, 'reconcile', async () => {
      await world.reconcile();
      announceReports();
    });
  }

  // ---- the world, second by second: what AWS emitted, metrics ------------------------------
  const failing = new Set<string>();
  // Launches are told as bursts: one line per group while it keeps launching (the ASG retries every few seconds).
  const bursts = new Map<string, { from: number; count: number; last: number }>();
  const flushBursts = (all: boolean) => {
    for (const [group, burst] of bursts) {
      if (!all && now - burst.last <= scenario.asgRetryInterval) continue;
      bursts.delete(group);
      const over = burst.last > burst.from ? ` (until ${clockOf(burst.last - start)})` : '';
      timeline.push({ t: Math.round((burst.from - start) / 100) / 10, who: 'AWS', text: `${group}: ${burst.count} instance(s) launching${over}` });
    }
  };
  const samples: Sample[] = [];
  let unmetNodeSeconds = 0;
  let onDemandNodeSeconds = 0;
  let wasReady = true;
  let trough: { ready: number; at: number } | null = null;
  let readyAt: number | null = null;
  const incident = incidentWindow(scenario, start);
  sim.every(start, 1000, 'world', () => {
    const launched = new Map<string, number>();
    for (const event of world.aws.takeEvents()) {
      const detail = event.detail as { AutoScalingGroupName: string; StatusMessage?: string };
      const group = detail.AutoScalingGroupName;
      if (event['detail-type'] === 'EC2 Instance Launch Unsuccessful') {
        if (!failing.has(group)) say('AWS', `${group}: launch failed: ${shortFailure(detail.StatusMessage ?? '')}`);
        failing.add(group);
        if (guarded) deliverLater(event, scenario.launchFailureEventDelay + scenario.eventDelivery);
      } else {
        failing.delete(group);
        launched.set(group, (launched.get(group) ?? 0) + 1);
        if (guarded) deliverLater(event, scenario.eventDelivery);
      }
    }
    for (const [group, count] of launched) {
      const burst = bursts.get(group) ?? { from: now, count: 0, last: now };
      bursts.set(group, { ...burst, count: burst.count + count, last: now });
    }
    flushBursts(false);

    let ready = 0;
    let onDemand = 0;
    for (const name of groupNames) {
      const instances = world.aws.view(name).instances;
      ready += instances.filter((instance) => instance.lifecycleState === 'InService').length;
      if (onDemandGroups.has(name)) onDemand += instances.length;
    }
    const wanted = demand(now);
    unmetNodeSeconds += Math.max(0, wanted - ready);
    onDemandNodeSeconds += onDemand;
    const isReady = ready >= wanted;
    if (!isReady && (trough === null || ready < trough.ready)) trough = { ready, at: now };
    if (isReady && !wasReady) say('cluster', `all ${wanted} demanded nodes ready${trough ? ` (fewest ready: ${trough.ready}, at ${clockOf(trough.at - start)})` : ''}`);
    if (isReady) trough = null;
    if (!isReady && wasReady) say('cluster', `short of capacity: ${ready} of ${wanted} nodes ready`);
    wasReady = isReady;
    if (readyAt === null && incident && isReady && now >= incident.settled) readyAt = now;
    if ((now - start) % SAMPLE_EVERY_MS === 0) samples.push({ t: (now - start) / 1000, demand: wanted, ready, onDemand });
  });

  // ---- the scenario's events ----------------------------------------------------------------
  let warnings = 0;
  let spotNoted = false;
  const spotBatch: EventBridgeEvent[] = [];
  for (const event of scenario.events) {
    sim.at(start + event.at, 'scenario', () => {
      if ('outOfCapacity' in event) {
        world.aws.outOfCapacity(event.outOfCapacity);
        say('scenario', `${describePools(event.outOfCapacity)} out of capacity (InsufficientInstanceCapacity)`);
      } else if ('capacityBack' in event) {
        world.aws.capacityBack(event.capacityBack);
        say('scenario', `${describePools(event.capacityBack)}: capacity is back`);
      } else if ('demand' in event) {
        say('scenario', `pending pods want ${event.demand.add >= 0 ? '+' : ''}${event.demand.add} node(s)${event.demand.over > 0 ? ` over ${Math.round(event.demand.over / 1000)} s` : ''} (${demand(start + event.at + event.demand.over)} in all)`);
      } else {
        const { zone, count, over } = event.interrupt;
        const spotGroups = scenario.groups.filter((group) => group.market === 'spot').map((group) => group.name);
        const candidates = spotGroups.flatMap((group) => world.aws.view(group).instances.filter((instance) => instance.availabilityZone === zone && instance.lifecycleState === 'InService').map((instance) => instance.instanceId));
        const victims = shuffled(random, candidates).slice(0, count);
        say('EC2', `${victims.length} Spot interruption warning(s) in ${zone} over ${Math.round(over / 1000)} s; each instance is reclaimed 2 min after its warning`);
        if (victims.length < count) notes.push(`only ${victims.length} Spot instance(s) in ${zone} to interrupt (${count} asked)`);
        victims.forEach((instanceId, index) => {
          const warnAt = now + Math.floor((index * over) / Math.max(1, victims.length));
          sim.at(warnAt, 'interruption', async () => {
            const warning = spotInterruptionWarning({ instanceId, time: new Date(now).toISOString(), sequence: ++warnings });
            if (guarded) {
              if (options.spotHandler) {
                const handler = options.spotHandler;
                // Lambda collects the spot queue's records for its batching window (serverless.yml: 5 s).
                spotBatch.push(warning);
                if (spotBatch.length === 1) {
                  sim.after(scenario.eventDelivery + SPOT_BATCH_WINDOW_MS, 'spot', async () => {
                    await handler(spotBatch.splice(0), world);
                    announceReports();
                  });
                }
              } else if (!spotNoted) {
                spotNoted = true;
                say('capacity-guard', 'spot handling not wired yet (issue 3): interruption warnings are not acted on');
                notes.push('capacity-guard: spot handling not wired yet (issue 3); interruption warnings were not acted on');
              }
            }
            sim.after(INTERRUPTION_NOTICE_MS, 'reclaim', () => void world.aws.reclaimInstance(instanceId));
          });
        });
      }
    });
  }

  await sim.runUntil(end);
  flushBursts(true);
  // Bursts are told at their start: keep the timeline in time order (stable: same-time lines keep their order).
  timeline.sort((a, b) => a.t - b.t);
  return {
    strategy,
    headline: {
      timeToCapacitySeconds: incident && readyAt !== null ? Math.round((readyAt - incident.start) / 1000) : null,
      unmetNodeMinutes: round1(unmetNodeSeconds / 60),
      onDemandNodeHours: round1(onDemandNodeSeconds / 3600),
    },
    timeline,
    samples,
    capacityGuardActions,
    eventsDelivered,
    slackMessages: slack.length,
    notes,
  };
}

/** Nodes demanded at each instant: the groups' initial desired plus every demand step (linear over its `over`). */
export function demandCurve(scenario: Scenario, start: number): (at: number) => number {
  const initial = scenario.groups.reduce((sum, group) => sum + group.desired, 0);
  const steps = scenario.events.flatMap((event) => ('demand' in event ? [{ at: start + event.at, ...event.demand }] : []));
  return (at) =>
    initial +
    steps.reduce((sum, step) => {
      if (at < step.at) return sum;
      if (step.over === 0 || at >= step.at + step.over) return sum + step.add;
      return sum + Math.ceil((step.add * (at - step.at)) / step.over);
    }, 0);
}

/**
 * Seconds from the start of the trouble to the earliest instant any strategy could have the
 * demanded capacity ready: the last node of a demand step is wanted when its ramp ends and then
 * boots; an interrupted instance can be replaced before it leaves, so only the notice counts. The
 * time-to-capacity figures include this floor; it bounds the baseline ÷ capacity-guard ratio.
 */
export function capacityFloorSeconds(scenario: Scenario): number | null {
  const start = Date.parse(scenario.start);
  const incident = incidentWindow(scenario, start);
  if (!incident) return null;
  const ends = scenario.events.flatMap((event: ScenarioEvent) => {
    if ('demand' in event) return event.demand.add > 0 ? [start + event.at + event.demand.over + scenario.bootTime] : [];
    if ('interrupt' in event) return [start + event.at + event.interrupt.over + INTERRUPTION_NOTICE_MS];
    return [];
  });
  return Math.round((Math.max(incident.settled, ...ends) - incident.start) / 1000);
}

/** When the trouble starts (first demand change or interruption) and when the last of it has played out. */
function incidentWindow(scenario: Scenario, start: number): { start: number; settled: number } | null {
  const windows = scenario.events.flatMap((event: ScenarioEvent) => {
    if ('demand' in event) return [{ from: start + event.at, to: start + event.at + event.demand.over }];
    if ('interrupt' in event) return [{ from: start + event.at, to: start + event.at + event.interrupt.over + INTERRUPTION_NOTICE_MS }];
    return [];
  });
  if (windows.length === 0) return null;
  return { start: Math.min(...windows.map((w) => w.from)), settled: Math.max(...windows.map((w) => w.to)) };
}

function describePools(match: { market?: string; zone?: string; instanceType?: string }): string {
  const parts = [match.market, match.instanceType, match.zone].filter(Boolean);
  return parts.length ? `every ${parts.join(' ')} pool` : 'every pool';
}

function shortFailure(message: string): string {
  const code = /(InsufficientInstanceCapacity|no Spot capacity|sufficient \S+ capacity)/.exec(message)?.[1];
  return code ? `${code.startsWith('no Spot') ? 'no Spot capacity' : code === 'InsufficientInstanceCapacity' ? 'InsufficientInstanceCapacity' : 'insufficient on-demand capacity'}` : message.slice(0, 120);
}

function clockOf(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `+${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
