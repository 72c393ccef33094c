/**
 * One run of a scenario under one strategy, on its own fake AWS and virtual clock:
 * - `baseline`: the cluster-autoscaler model alone;
 * - `capacity-guard`: the same model, plus capacity-guard's real app code (what functions/failover.ts,
 *   functions/reconcile.ts and the spot function run) fed by the events the fake AWS emits, after AWS's delays.
 * Returns the timeline, samples for the plot and the headline figures.
 */
import type { EventBridgeEvent } from '../fakes/aws-events';
import type { Pool } from '../fakes/fake-auto-scaling';
import { World } from './world';
import type { Log } from '../ports/log';
import { parsePriorities } from '../cluster-autoscaler/expander';
import { type ClusterAutoscalerModel, ClusterAutoscaler } from './cluster-autoscaler-model';
import { Simulation } from './engine';
import { type Random, seededRandom, shuffled } from '../vocabulary/seeded-random';
import { createPreviewNotifier } from '../notify/preview';
import type { SlackMessage } from '../notify/message';
import { describeMessage } from './report-line';
import { type Scenario, caModel, capacityGuardConfig, primaryVersion } from './scenario';
import { INTERRUPTION_NOTICE_MS } from '../vocabulary/spot-notice';
import { spotInterruptionWarning } from './spot-events';
import type { CaVersion } from './ca-versions';
import { type Application, applicationsOf, floorSecondsOf, lowerMedian } from './applications';

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
  /**
   * From the first demand rise or interruption to demanded capacity ready; null if not within the run.
   * With applications: each application's own, from its own peak; the median over applications.
   */
  timeToCapacitySeconds: number | null;
  unmetNodeMinutes: number;
  onDemandNodeHours: number;
}

export interface RunResult {
  strategy: StrategyName;
  /** The cluster-autoscaler model this run had (in both strategies). */
  caVersion: CaVersion;
  seed: number;
  cachePhase: number;
  headline: Headline;
  timeline: TimelineEntry[];
  samples: Sample[];
  capacityGuardActions: number;
  /** Events handed to capacity-guard's failover code (0 for the baseline). */
  eventsDelivered: number;
  slackMessages: number;
  notes: string[];
  /** Per application, when the scenario names them (empty otherwise). */
  applications: ApplicationResult[];
}

export interface ApplicationResult {
  name: string;
  groups: number;
  /** From its own peak to its demanded capacity ready; null if not within the run. */
  timeToCapacitySeconds: number | null;
  floorSeconds: number | null;
  /** Its on-demand groups' instances, node-hours. */
  onDemandNodeHours: number;
}

/** How the capacity-guard run hands Spot interruption warnings to the spot function's code. */
export type SpotHandler = (events: readonly EventBridgeEvent[], world: World) => Promise<void>;

/** The spot function's real code, with the warnings as SQS records (lib/sim/world.ts deliverSpotEvents). */
const realSpotHandler: SpotHandler = async (events, world) => {
  await world.deliverSpotEvents([...events]);
};

export interface RunOptions {
  /** The cluster-autoscaler model (default: the scenario's first version at its cache phase). */
  clusterAutoscaler?: ClusterAutoscalerModel;
  /** Replaces the scenario's seed. */
  seed?: number;
  /** End the run once the demanded capacity is ready and nothing more is demanded (for the ranges: time to capacity and unmet node-minutes only). */
  stopWhenReady?: boolean;
  spotHandler?: SpotHandler;
  /** More models in the same world and clock (issue 15: CA's scale-down, retirement strategies; lib/sim/retire-run.ts). */
  extensions?: readonly SimExtension[];
  /** The fake ASGs try the next zone after a failed launch (lib/fakes/fake-auto-scaling.ts), so failure events name every zone in turn. */
  rotateZonesOnFailure?: boolean;
  /** Scheduled before the run starts: work at `offsetMs` from the scenario's start on this run's world (e.g. another account's signals arriving). */
  at?: { offsetMs: number; what: string; run: (world: World) => Promise<void> }[];
}

/**
 * What an extension gets: the world, the clock, the demand (now), the timeline and the run's CA;
 * it schedules its own events on `sim`. Extensions start after CA's loop and before capacity-guard's
 * functions, in every strategy.
 */
export interface SimContext {
  world: World;
  sim: Simulation;
  start: number;
  demand: () => number;
  random: Random;
  say: (who: TimelineEntry['who'], text: string) => void;
  /** When the cluster-autoscaler model last scaled a group up (epoch ms), null if never: CA's scale-down waits after it. */
  lastScaleUpAt: () => number | null;
  /** Tell the Slack messages built since the last call on the timeline. */
  announce: () => void;
}

export type SimExtension = (context: SimContext) => void;

const SAMPLE_EVERY_MS = 10_000;
const SQS_BATCH = 10;
/** The spot queue's maximumBatchingWindow in serverless.yml. */
const SPOT_BATCH_WINDOW_MS = 5_000;

/** What every step of a run shares: the scenario, the world, the clock, the timeline. */
interface RunContext {
  scenario: Scenario;
  guarded: boolean;
  start: number;
  world: World;
  sim: Simulation;
  random: Random;
  /** Nodes demanded in the whole cluster. */
  demand: (at: number) => number;
  applications: Application[];
  now: () => number;
  say: (who: TimelineEntry['who'], text: string) => void;
  timeline: TimelineEntry[];
  notes: string[];
  slack: SlackMessage[];
  counts: { capacityGuardActions: number; eventsDelivered: number; slackSeen: number };
}

export async function runStrategy(scenario: Scenario, strategy: StrategyName, options: RunOptions = {}): Promise<RunResult> {
  const seed = options.seed ?? scenario.seed;
  const model = options.clusterAutoscaler ?? caModel(scenario, primaryVersion(scenario));
  const context = createRunContext(scenario, strategy, seed, options.rotateZonesOnFailure === true);
  addGroups(context);
  const clusterAutoscaler = startClusterAutoscaler(context, model);
  startExtensions(context, clusterAutoscaler, options.extensions ?? []);
  const deliverLater = strategy === 'capacity-guard' ? startCapacityGuard(context) : null;
  const watch = watchWorld(context, deliverLater);
  scheduleScenarioEvents(context, options.spotHandler ?? realSpotHandler);
  for (const job of options.at ?? []) context.sim.at(context.start + job.offsetMs, job.what, () => job.run(context.world));
  await runToEnd(context, watch, options.stopWhenReady === true);
  watch.flushBursts(true);
  // Bursts are told at their start: keep the timeline in time order (stable: same-time lines keep their order).
  context.timeline.sort((a, b) => a.t - b.t);
  return {
    strategy,
    caVersion: model.version,
    seed,
    cachePhase: model.cachePhase,
    headline: watch.headline(),
    timeline: context.timeline,
    samples: watch.samples,
    capacityGuardActions: context.counts.capacityGuardActions,
    eventsDelivered: context.counts.eventsDelivered,
    slackMessages: context.slack.length,
    notes: context.notes,
    applications: watch.applications(),
  };
}

/** The fake world on a virtual clock, capacity-guard's log turned into timeline lines, Slack previewed. */
function createRunContext(scenario: Scenario, strategy: StrategyName, seed: number, rotateZonesOnFailure = false): RunContext {
  const start = Date.parse(scenario.start);
  let now = start;
  const timeline: TimelineEntry[] = [];
  const say = (who: TimelineEntry['who'], text: string) => timeline.push({ t: Math.round((now - start) / 100) / 10, who, text });
  const counts = { capacityGuardActions: 0, eventsDelivered: 0, slackSeen: 0 };
  const log: Log = {
    debug() {},
    info(_message, ...extra) {
      const detail = extra[0] as { actions?: string[] } | undefined;
      for (const action of detail?.actions ?? []) {
        counts.capacityGuardActions += 1;
        say('capacity-guard', action);
      }
    },
    warn: (message) => say('capacity-guard', `WARNING ${message}`),
    error: (message) => say('capacity-guard', `ERROR ${message}`),
  };
  // What Slack would get: the real folding and message building, nothing sent.
  const slack: SlackMessage[] = [];
  const notifier = createPreviewNotifier(
    () => world.policy.notifications.foldWindowMs,
    (message) => slack.push(message),
  );
  const world: World = new World({
    start: scenario.start,
    bootSeconds: scenario.bootTime / 1000,
    retrySeconds: scenario.asgRetryInterval / 1000,
    config: capacityGuardConfig(scenario),
    log,
    notifier,
    rotateZonesOnFailure,
  });
  const sim = new Simulation(start, (ms) => {
    world.aws.advance(ms - world.clock.now().getTime());
    now = ms;
  });
  const applications = applicationsOf(scenario, start);
  return {
    scenario,
    guarded: strategy === 'capacity-guard',
    start,
    world,
    sim,
    random: seededRandom(seed),
    demand: (at) => applications.reduce((sum, application) => sum + application.demand(at), 0),
    applications,
    now: () => now,
    say,
    timeline,
    notes: [],
    slack,
    counts,
  };
}

function addGroups({ scenario, world }: RunContext): void {
  for (const group of scenario.groups) {
    const pools: Pool[] = group.zones.flatMap((zone) => group.instanceTypes.map((instanceType) => ({ market: group.market, instanceType, zone })));
    world.aws.addGroup({ name: group.name, cluster: scenario.cluster, minSize: group.min, maxSize: group.max, desiredCapacity: group.desired, pools });
  }
}

/** CA's main loop every scan interval, from a seeded offset inside the first interval. */
function startClusterAutoscaler(context: RunContext, model: ClusterAutoscalerModel): ClusterAutoscaler {
  const { scenario, world, sim, random, start } = context;
  const clusterAutoscaler = new ClusterAutoscaler(
    model,
    {
      aws: world.aws,
      groups: scenario.groups.map((group) => group.name),
      rules: parsePriorities(scenario.priorities),
      random,
      demand: () => context.demand(context.now()),
      applications: namedApplications(context).map((application) => ({ groups: application.groups, demand: () => application.demand(context.now()) })),
      say: (text) => context.say('cluster-autoscaler', text),
    },
    start,
  );
  const offset = Math.floor(random() * (model.scanInterval / 1000)) * 1000;
  sim.every(start + offset, model.scanInterval, 'cluster-autoscaler', () => clusterAutoscaler.runOnce(context.now()));
  return clusterAutoscaler;
}

/** More models on the same world and clock (issue 15: CA's scale-down and the retirement strategies, lib/sim/retire-strategies.ts). */
function startExtensions(context: RunContext, clusterAutoscaler: ClusterAutoscaler, extensions: readonly SimExtension[]): void {
  for (const extend of extensions) {
    extend({
      world: context.world,
      sim: context.sim,
      start: context.start,
      demand: () => context.demand(context.now()),
      random: context.random,
      say: context.say,
      lastScaleUpAt: () => clusterAutoscaler.lastScaleUpAt,
      announce: () => announceSlack(context),
    });
  }
}

function announceSlack(context: RunContext): void {
  for (const message of context.slack.slice(context.counts.slackSeen)) context.say('Slack', describeMessage(message));
  context.counts.slackSeen = context.slack.length;
}

/** The scheduled reconcile; returns how launch events reach the failover code (after AWS's delays, in SQS batches). */
function startCapacityGuard(context: RunContext): (event: EventBridgeEvent, delay: number) => void {
  const { scenario, world, sim, start } = context;
  sim.every(start + scenario.reconcileEvery / 2, scenario.reconcileEvery, 'reconcile', async () => {
    await world.reconcile();
    announceSlack(context);
  });
  const pending = new Map<number, EventBridgeEvent[]>();
  return (event, delay) => {
    const due = Math.max(Date.parse(event.time) + delay, context.now() + 1);
    const batch = pending.get(due);
    if (batch) return void batch.push(event);
    pending.set(due, [event]);
    sim.at(due, 'failover', async () => {
      const events = pending.get(due) ?? [];
      pending.delete(due);
      context.counts.eventsDelivered += events.length;
      for (let i = 0; i < events.length; i += SQS_BATCH) await world.deliverEvents(events.slice(i, i + SQS_BATCH));
      announceSlack(context);
    });
  };
}

interface WorldWatch {
  samples: Sample[];
  /** When the demanded capacity was ready after the incident (every application's); null until then. */
  readyAt: () => number | null;
  flushBursts: (all: boolean) => void;
  headline: () => Headline;
  applications: () => ApplicationResult[];
}

/** One application's readiness, second by second. */
interface Readiness {
  application: Application;
  wasReady: boolean;
  trough: { ready: number; at: number } | null;
  readyAt: number | null;
  onDemandNodeSeconds: number;
}

/** Every second: what AWS emitted (told, and handed to capacity-guard), nodes ready against demand, the figures. */
function watchWorld(context: RunContext, deliverLater: ((event: EventBridgeEvent, delay: number) => void) | null): WorldWatch {
  const { scenario, world, sim, start } = context;
  const onDemandGroups = new Set(scenario.groups.filter((group) => group.market === 'on-demand').map((group) => group.name));
  const failing = new Set<string>();
  // Launches are told as bursts: one line per group while it keeps launching (the ASG retries every few seconds).
  const bursts = new Map<string, { from: number; count: number; last: number }>();
  const flushBursts = (all: boolean) => {
    for (const [group, burst] of bursts) {
      if (!all && context.now() - burst.last <= scenario.asgRetryInterval) continue;
      bursts.delete(group);
      const over = burst.last > burst.from ? ` (until ${clockOf(burst.last - start)})` : '';
      context.timeline.push({ t: Math.round((burst.from - start) / 100) / 10, who: 'AWS', text: `${group}: ${burst.count} instance(s) launching${over}` });
    }
  };
  const samples: Sample[] = [];
  let unmetNodeSeconds = 0;
  const watched: Readiness[] = context.applications.map((application) => ({
    application,
    wasReady: true,
    trough: null,
    readyAt: null,
    onDemandNodeSeconds: 0,
  }));
  sim.every(start, 1000, 'world', () => {
    const now = context.now();
    const launched = new Map<string, number>();
    for (const event of world.aws.takeEvents()) {
      const detail = event.detail as { AutoScalingGroupName: string; StatusMessage?: string };
      const group = detail.AutoScalingGroupName;
      if (event['detail-type'] === 'EC2 Instance Launch Unsuccessful') {
        if (!failing.has(group)) context.say('AWS', `${group}: launch failed: ${shortFailure(detail.StatusMessage ?? '')}`);
        failing.add(group);
        deliverLater?.(event, scenario.launchFailureEventDelay + scenario.eventDelivery);
      } else {
        failing.delete(group);
        launched.set(group, (launched.get(group) ?? 0) + 1);
        deliverLater?.(event, scenario.eventDelivery);
      }
    }
    for (const [group, count] of launched) {
      const burst = bursts.get(group) ?? { from: now, count: 0, last: now };
      bursts.set(group, { ...burst, count: burst.count + count, last: now });
    }
    flushBursts(false);

    let readyTotal = 0;
    let onDemandTotal = 0;
    for (const readiness of watched) {
      const { ready, onDemand } = countNodes(world, readiness.application.groups, onDemandGroups);
      readyTotal += ready;
      onDemandTotal += onDemand;
      readiness.onDemandNodeSeconds += onDemand;
      unmetNodeSeconds += Math.max(0, readiness.application.demand(now) - ready);
      watchReadiness(context, readiness, ready, now);
    }
    if ((now - start) % SAMPLE_EVERY_MS === 0)
      samples.push({ t: (now - start) / 1000, demand: context.demand(now), ready: readyTotal, onDemand: onDemandTotal });
  });
  const timeOf = (readiness: Readiness) =>
    readiness.application.incident && readiness.readyAt !== null ? Math.round((readiness.readyAt - readiness.application.incident.start) / 1000) : null;
  return {
    samples,
    readyAt: () => {
      const troubled = watched.filter((readiness) => readiness.application.incident !== null);
      return troubled.length > 0 && troubled.every((readiness) => readiness.readyAt !== null)
        ? Math.max(...troubled.map((readiness) => readiness.readyAt!))
        : null;
    },
    flushBursts,
    headline: () => ({
      timeToCapacitySeconds: lowerMedian(watched.filter((readiness) => readiness.application.incident !== null).map(timeOf)),
      unmetNodeMinutes: round1(unmetNodeSeconds / 60),
      onDemandNodeHours: round1(watched.reduce((sum, readiness) => sum + readiness.onDemandNodeSeconds, 0) / 3600),
    }),
    applications: () =>
      watched.flatMap((readiness) =>
        readiness.application.name === null
          ? []
          : [
              {
                name: readiness.application.name,
                groups: readiness.application.groups.length,
                timeToCapacitySeconds: timeOf(readiness),
                floorSeconds: floorSecondsOf(readiness.application, scenario, start),
                onDemandNodeHours: round1(readiness.onDemandNodeSeconds / 3600),
              },
            ],
      ),
  };
}

function countNodes(world: World, groups: readonly string[], onDemandGroups: ReadonlySet<string>): { ready: number; onDemand: number } {
  let ready = 0;
  let onDemand = 0;
  for (const name of groups) {
    const counts = world.aws.instanceCounts(name);
    ready += counts.inService;
    if (onDemandGroups.has(name)) onDemand += counts.total;
  }
  return { ready, onDemand };
}

/** Told when an application (or the cluster) falls short and when its demanded nodes are all ready; readyAt once its trouble has played out. */
function watchReadiness(context: RunContext, readiness: Readiness, ready: number, now: number): void {
  const wanted = readiness.application.demand(now);
  const who = readiness.application.name === null ? '' : `${readiness.application.name}: `;
  const isReady = ready >= wanted;
  if (!isReady && (readiness.trough === null || ready < readiness.trough.ready)) readiness.trough = { ready, at: now };
  if (isReady && !readiness.wasReady) {
    const trough = readiness.trough ? ` (fewest ready: ${readiness.trough.ready}, at ${clockOf(readiness.trough.at - context.start)})` : '';
    context.say('cluster', `${who}all ${wanted} demanded nodes ready${trough}`);
  }
  if (isReady) readiness.trough = null;
  if (!isReady && readiness.wasReady) context.say('cluster', `${who}short of capacity: ${ready} of ${wanted} nodes ready`);
  readiness.wasReady = isReady;
  const incident = readiness.application.incident;
  if (readiness.readyAt === null && incident && isReady && now >= incident.settled) readiness.readyAt = now;
}

/** The applications the scenario names (none: the cluster is one, and CA's model needs no split). */
function namedApplications(context: RunContext): Application[] {
  return context.applications.filter((application) => application.name !== null);
}

/** The scenario's events: capacity going and coming back, demand (told; the curve is `demand`), Spot interruptions. */
function scheduleScenarioEvents(context: RunContext, spotHandler: SpotHandler): void {
  const { scenario, world, sim, start } = context;
  const interrupt = interruptions(context, spotHandler);
  for (const event of scenario.events) {
    sim.at(start + event.at, 'scenario', () => {
      if ('outOfCapacity' in event) {
        world.aws.outOfCapacity(event.outOfCapacity);
        context.say('scenario', `${describePools(event.outOfCapacity)} out of capacity (InsufficientInstanceCapacity)`);
      } else if ('capacityBack' in event) {
        world.aws.capacityBack(event.capacityBack);
        context.say('scenario', `${describePools(event.capacityBack)}: capacity is back`);
      } else if ('demand' in event) {
        const { add, over, application } = event.demand;
        const owner = context.applications.find((candidate) => candidate.name === (application ?? null));
        const total = (owner?.demand ?? context.demand)(start + event.at + over);
        context.say(
          'scenario',
          `${application ? `${application}: ` : ''}pending pods want +${add} node(s)${over > 0 ? ` over ${Math.round(over / 1000)} s` : ''} (${total} in all)`,
        );
      } else {
        interrupt(event.interrupt);
      }
    });
  }
}

/** An interruption event: warnings spread over `over`, each instance reclaimed 2 min later; capacity-guard's spot code gets the warnings in Lambda batches. */
function interruptions(context: RunContext, spotHandler: SpotHandler): (what: { zone: string; count: number; over: number }) => void {
  const { scenario, world, sim } = context;
  const spotGroups = scenario.groups.filter((group) => group.market === 'spot').map((group) => group.name);
  const spotBatch: EventBridgeEvent[] = [];
  let warnings = 0;
  return ({ zone, count, over }) => {
    const candidates = spotGroups.flatMap((group) =>
      world.aws
        .view(group)
        .instances.filter((instance) => instance.availabilityZone === zone && instance.lifecycleState === 'InService')
        .map((instance) => instance.instanceId),
    );
    const victims = shuffled(context.random, candidates).slice(0, count);
    context.say(
      'EC2',
      `${victims.length} Spot interruption warning(s) in ${zone} over ${Math.round(over / 1000)} s; each instance is reclaimed 2 min after its warning`,
    );
    if (victims.length < count) context.notes.push(`only ${victims.length} Spot instance(s) in ${zone} to interrupt (${count} asked)`);
    victims.forEach((instanceId, index) => {
      sim.at(context.now() + Math.floor((index * over) / Math.max(1, victims.length)), 'interruption', () => {
        const warning = spotInterruptionWarning({ instanceId, time: new Date(context.now()).toISOString(), sequence: ++warnings });
        // Lambda collects the spot queue's records for its batching window (serverless.yml: 5 s).
        if (context.guarded && spotBatch.push(warning) === 1) {
          sim.after(scenario.eventDelivery + SPOT_BATCH_WINDOW_MS, 'spot', async () => {
            await spotHandler(spotBatch.splice(0), world);
            announceSlack(context);
          });
        }
        sim.after(INTERRUPTION_NOTICE_MS, 'reclaim', () => void world.aws.reclaimInstance(instanceId));
      });
    });
  };
}

/** Runs to the scenario's end, or (for the ranges) in steps until the capacity is ready for good. */
async function runToEnd(context: RunContext, watch: WorldWatch, stopWhenReady: boolean): Promise<void> {
  const end = context.start + context.scenario.duration;
  if (!stopWhenReady) return context.sim.runUntil(end);
  const lastDemand = Math.max(
    context.start,
    ...context.scenario.events.flatMap((event) => ('demand' in event && event.demand.add > 0 ? [context.start + event.at + event.demand.over] : [])),
  );
  for (let until = context.start + 60_000; ; until += 60_000) {
    await context.sim.runUntil(Math.min(until, end));
    const readyAt = watch.readyAt();
    if (until >= end || (readyAt !== null && context.now() >= lastDemand)) return;
  }
}

/** Nodes demanded in the whole cluster at each instant: the groups' initial desired plus every demand step (linear over its `over`). */
export function demandCurve(scenario: Scenario, start: number): (at: number) => number {
  const applications = applicationsOf(scenario, start);
  return (at) => applications.reduce((sum, application) => sum + application.demand(at), 0);
}

/**
 * Seconds from the start of the trouble to the earliest instant any strategy could have the
 * demanded capacity ready: the last node of a demand step is wanted when its ramp ends and then
 * boots; an interrupted instance can be replaced before it leaves, so only the notice counts. The
 * time-to-capacity figures include this floor; it bounds the baseline ÷ capacity-guard ratio.
 * With applications, each has its own floor from its own peak: the median over them, as the times.
 */
export function capacityFloorSeconds(scenario: Scenario): number | null {
  const start = Date.parse(scenario.start);
  const applications = applicationsOf(scenario, start).filter((application) => application.incident !== null);
  if (applications.length === 0) return null;
  return lowerMedian(applications.map((application) => floorSecondsOf(application, scenario, start)));
}

function describePools(match: { market?: string; zone?: string; instanceType?: string }): string {
  const parts = [match.market, match.instanceType, match.zone].filter(Boolean);
  return parts.length ? `every ${parts.join(' ')} pool` : 'every pool';
}

function shortFailure(message: string): string {
  const code = /(InsufficientInstanceCapacity|no Spot capacity|sufficient \S+ capacity)/.exec(message)?.[1];
  return code
    ? `${code.startsWith('no Spot') ? 'no Spot capacity' : code === 'InsufficientInstanceCapacity' ? 'InsufficientInstanceCapacity' : 'insufficient on-demand capacity'}`
    : message.slice(0, 120);
}

function clockOf(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `+${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
