/**
 * The chaos suite: one night per seed on the fakes, with the real runs (failover batches, reconcile,
 * the spot run) and faults injected around them — Auto Scaling throttling half the calls, the lease
 * store down for 12 minutes, a reconcile paused past its lease while a batch acts, Slack down,
 * launch failures dated a year off, duplicate and reordered deliveries — through an SQS model
 * (visibility timeout, 5 receives, then the dead-letter queue). A referee measures what the issue
 * asks (see ChaosFigures). Deterministic for a seed: no wall clock, the world's clock only.
 */
import type { AppDeps } from '../run/deps';
import { handleLaunchEvents } from '../failover/run';
import { reconcile } from '../failover/reconcile';
import { writesToAws } from '../failover/actions';
import { readGuardState } from '../failover/guard-state';
import { handleSpotEvents } from '../spot/run';
import type { SpotDeps } from '../spot/deps';
import type { AutoScalingPort } from '../ports/auto-scaling';
import type { LockPort } from '../ports/lock';
import type { Notifier } from '../ports/notifier';
import type { QueuePort } from '../ports/queue';
import { type EventBridgeEvent, asSqsRecord, launchUnsuccessfulEvent } from '../fakes/aws-events';
import { FakeAwsError, type Pool } from '../fakes/fake-auto-scaling';
import { type Random, seededRandom, shuffled } from '../vocabulary/seeded-random';
import { World } from './world';

export interface ChaosFigures {
  chaos_runs: number;
  /** Fallback nodes added beyond the demand the failing groups could not hold (goal 0). */
  chaos_extra_fallback_nodes_max: number;
  /** Records neither acknowledged nor dead-lettered with a reason (a whole batch thrown; goal 0). */
  chaos_records_lost: number;
  chaos_dead_lettered: number;
  /** Runs writing while inside the exclusion at once (goal ≤ 1). */
  chaos_concurrent_writers_max: number;
  /** Reconcile runs after the faults stop until one finds nothing to write (goal ≤ 2). */
  chaos_repair_reconcile_runs_max: number;
  /** Groups held out of rotation for over a day by an event dated in the future (goal 0; event-time bounds come with the harden-input branch). */
  chaos_groups_held_by_bad_event_time: number;
}

const CONFIG = `
mode: direct
clusters:
  - name: prod
    priorities: |-
      50: ["^spot-nodes-"]
      10: ["^on-demand-"]
spot:
  clusters:
    prod:
      drainEventBus: drain-bus
`;
const ZONES = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];
const pools = (market: 'spot' | 'on-demand', type: string): Pool[] => ZONES.map((zone) => ({ market, instanceType: type, zone }));
const GROUPS: [string, Pool[]][] = [
  ['spot-nodes-8x-a', pools('spot', 'm5.8xlarge')],
  ['spot-nodes-8x-b', pools('spot', 'r5.8xlarge')],
  ['on-demand-8x-a', pools('on-demand', 'm5.8xlarge')],
  ['on-demand-8x-b', pools('on-demand', 'r5.8xlarge')],
];
const WRITES = new Set(['updateSizes', 'setDesiredCapacity', 'putTags', 'deleteTags', 'detachInstances']);
const VISIBILITY_MS = { failover: 120_000, spot: 180_000 };
const MAX_RECEIVES = 5;
const BATCH = 10;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface Queued {
  record: Record<string, unknown>;
  receives: number;
  visibleAt: number;
  /** Set when the run shortened its visibility (ChangeMessageVisibility). */
  soonAt?: number;
}

export async function runChaos(seeds: readonly number[]): Promise<ChaosFigures> {
  const nights = [];
  for (const seed of seeds) nights.push(await chaosNight(seed));
  return {
    chaos_runs: nights.length,
    chaos_extra_fallback_nodes_max: Math.max(0, ...nights.map((night) => night.extraFallback)),
    chaos_records_lost: nights.reduce((sum, night) => sum + night.lost, 0),
    chaos_dead_lettered: nights.reduce((sum, night) => sum + night.deadLettered, 0),
    chaos_concurrent_writers_max: Math.max(0, ...nights.map((night) => night.concurrentWriters)),
    chaos_repair_reconcile_runs_max: Math.max(0, ...nights.map((night) => night.repairRuns)),
    chaos_groups_held_by_bad_event_time: nights.reduce((sum, night) => sum + night.heldByBadTime, 0),
  };
}

class Night {
  readonly world: World;
  readonly random: Random;
  throttling = false;
  slackDown = false;
  /** Lease holder of each run, for the referee. */
  private readonly holders = new Map<number, string>();
  private readonly degraded = new Set<number>();
  private nextRun = 0;
  concurrentWriters = 0;
  readonly queues = { failover: [] as Queued[], spot: [] as Queued[] };
  deadLettered = 0;
  lost = 0;

  constructor(readonly seed: number) {
    this.world = new World({ config: CONFIG, jitterSeed: seed });
    this.random = seededRandom(seed * 7919 + 1);
  }

  /** Deps for one run: its own lease view, faulty Auto Scaling, maybe a dead Slack. */
  deps<D extends AppDeps>(base: D): D {
    const run = this.nextRun++;
    const night = this;
    const lock: LockPort = {
      async tryAcquire(holder, ttlMs) {
        const got = await night.world.lock.tryAcquire(holder, ttlMs);
        if (got) night.holders.set(run, holder);
        return got;
      },
      renew: (holder, ttlMs) => night.world.lock.renew(holder, ttlMs),
      release: (holder) => night.world.lock.release(holder),
    };
    const faulty = <P extends object>(port: P): P =>
      new Proxy(port, {
        get(target, key) {
          const value: unknown = Reflect.get(target, key, target);
          if (typeof value !== 'function' || typeof key !== 'string') return value;
          return async (...args: unknown[]) => {
            if (night.throttling && night.random() < 0.5) throw new FakeAwsError('Throttling', 'Rate exceeded');
            if (WRITES.has(key)) night.referee(run);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    const notifier: Notifier = { notify: async (report) => (night.slackDown ? Promise.reject(new Error('Slack: 503')) : base.notifier.notify(report)) };
    const withDetach = 'detach' in base ? { detach: faulty((base as unknown as SpotDeps).detach) } : {};
    const queue: QueuePort = {
      async retrySoon(records) {
        for (const record of records) {
          const entry = [...night.queues.failover, ...night.queues.spot].find((candidate) => candidate.record.receiptHandle === record.receiptHandle);
          if (entry) entry.soonAt = night.world.clock.now().getTime() + record.seconds * 1000;
        }
      },
    };
    return { ...base, autoScaling: faulty(base.autoScaling as AutoScalingPort), ...withDetach, lock, notifier, queue };
  }

  /** A write by `run`: inside the exclusion only while it holds the lease (or, with the store down, a suspension-only run outside it). */
  private referee(run: number): void {
    if (this.world.lock.down) {
      this.degraded.add(run);
      this.concurrentWriters = Math.max(this.concurrentWriters, 1);
      return;
    }
    const holder = this.holders.get(run);
    const inside = holder !== undefined && this.world.lock.heldBy(holder);
    // A write outside the lease while someone else holds it (or could): two writers at once.
    this.concurrentWriters = Math.max(this.concurrentWriters, inside ? 1 : 2);
  }

  enqueue(queue: 'failover' | 'spot', events: readonly EventBridgeEvent[]): void {
    const now = this.world.clock.now().getTime();
    // At-least-once and unordered: some events twice, the lot shuffled.
    const delivered = events.flatMap((event) => (this.random() < 0.2 ? [event, event] : [event]));
    for (const event of shuffled(this.random, delivered))
      this.queues[queue].push({ record: asSqsRecord(event, `${queue}-${this.seed}-${this.random().toString(36).slice(2)}`), receives: 0, visibleAt: now });
  }

  /** One poll of each queue: visible records in batches, failures back after the visibility timeout. */
  async poll(): Promise<void> {
    for (const queue of ['failover', 'spot'] as const) {
      const now = this.world.clock.now().getTime();
      const visible = this.queues[queue].filter((entry) => entry.visibleAt <= now);
      for (let start = 0; start < visible.length; start += BATCH) {
        const batch = visible.slice(start, start + BATCH);
        for (const entry of batch) {
          entry.receives += 1;
          entry.record = { ...entry.record, attributes: { ...(entry.record.attributes as object), ApproximateReceiveCount: String(entry.receives) } };
        }
        let failedIds: Set<string>;
        let threw = false;
        try {
          const records = batch.map((entry) => entry.record);
          const result =
            queue === 'failover'
              ? await handleLaunchEvents(records, this.deps(this.world.deps))
              : await handleSpotEvents(records, this.deps(this.world.spotDeps));
          failedIds = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
        } catch {
          threw = true;
          failedIds = new Set(batch.map((entry) => String(entry.record.messageId)));
        }
        for (const entry of batch) {
          const index = this.queues[queue].indexOf(entry);
          if (!failedIds.has(String(entry.record.messageId))) {
            this.queues[queue].splice(index, 1);
          } else if (entry.receives >= MAX_RECEIVES) {
            this.queues[queue].splice(index, 1);
            this.deadLettered += 1;
            if (threw) this.lost += 1; // a thrown batch logs no reason per record
          } else {
            entry.visibleAt = entry.soonAt ?? this.world.clock.now().getTime() + VISIBILITY_MS[queue];
            entry.soonAt = undefined;
          }
        }
      }
    }
  }

  async reconcile(): Promise<number> {
    const result = await reconcile(this.deps(this.world.deps)).catch(() => null);
    return result ? result.decided.flatMap((entry) => entry.actions).filter(writesToAws).length : -1;
  }

  pending(): number {
    return this.queues.failover.length + this.queues.spot.length;
  }
}

async function chaosNight(
  seed: number,
): Promise<{ extraFallback: number; lost: number; deadLettered: number; concurrentWriters: number; repairRuns: number; heldByBadTime: number }> {
  const night = new Night(seed);
  const { world } = night;
  for (const [name, groupPools] of GROUPS) world.aws.addGroup({ name, cluster: 'prod', minSize: 0, maxSize: 50, desiredCapacity: 2, pools: groupPools });
  const desiredTotal = () => GROUPS.reduce((sum, [name]) => sum + world.aws.view(name).desiredCapacity, 0);
  const initialTotal = desiredTotal();
  const start = world.clock.now().getTime();
  const demand = 5 + (seed % 6);

  world.aws.outOfCapacity({ market: 'spot' });
  night.throttling = true;
  night.slackDown = true;
  world.aws.clusterAutoscalerScaleUp('spot-nodes-8x-a', demand);
  // Launch failures dated a year off: the past one is simply old; the future one must not hold a group for a year.
  const zone = 'eu-west-3a';
  const message = 'We currently do not have sufficient m5.8xlarge capacity in the Availability Zone you requested (eu-west-3a).';
  const badTimes = [
    launchUnsuccessfulEvent({
      group: 'on-demand-8x-b',
      time: new Date(start + 365 * DAY).toISOString(),
      zone,
      statusMessage: message,
      activityId: `future-${seed}`,
    }),
    launchUnsuccessfulEvent({
      group: 'on-demand-8x-a',
      time: new Date(start - 365 * DAY).toISOString(),
      zone,
      statusMessage: message,
      activityId: `past-${seed}`,
    }),
  ];
  night.enqueue('failover', badTimes);
  // Two Spot nodes interrupted while their pools are out of capacity.
  world.ec2.interrupt({ group: 'spot-nodes-8x-b' }, 1, '30s');

  let paused = false;
  for (let second = 0; second < 20 * 60; second += 10) {
    const minute = second / 60;
    world.lock.down = minute >= 2 && minute < 14 ? new FakeAwsError('ServiceUnavailable', 'DynamoDB is unavailable') : null;
    world.aws.advance('10s');
    night.enqueue('failover', world.aws.takeEvents());
    night.enqueue('spot', world.ec2.takeEvents());
    if (second % 60 === 0 && !paused && minute >= 15) {
      // A reconcile paused past its lease while the queues are worked on.
      paused = true;
      await pausedReconcile(night);
    } else if (second % 60 === 0) {
      await night.reconcile();
    }
    await night.poll();
  }

  // The faults stop; the queues drain.
  night.throttling = false;
  night.slackDown = false;
  world.lock.down = null;
  for (let guard = 0; night.pending() > 0 && guard < 60; guard++) {
    world.aws.advance('10s');
    night.enqueue('failover', world.aws.takeEvents());
    night.enqueue('spot', world.ec2.takeEvents());
    await night.poll();
  }
  night.lost += night.pending();
  const extraFallback = Math.max(0, desiredTotal() - (initialTotal + demand));
  let repairRuns = 0;
  while (repairRuns < 10 && (await night.reconcile()) !== 0) repairRuns += 1;
  const now = world.clock.now().getTime();
  const heldByBadTime = GROUPS.filter(([name]) => {
    const guard = readGuardState(world.aws.view(name).tags, name);
    const until = guard.state === 'suspended' ? guard.until : null;
    return until !== null && Date.parse(until) > now + DAY;
  }).length;
  return { extraFallback, lost: night.lost, deadLettered: night.deadLettered, concurrentWriters: night.concurrentWriters, repairRuns, heldByBadTime };
}

/** Reconcile's Describe returns, then it stalls 40 s (its lease is 30 s) while the queues are polled. */
async function pausedReconcile(night: Night): Promise<void> {
  const deps = night.deps(night.world.deps);
  const port = deps.autoScaling;
  const slow = new Proxy(port, {
    get(target, key) {
      if (key !== 'describeGroups') return Reflect.get(target, key, target);
      return async (...args: Parameters<AutoScalingPort['describeGroups']>) => {
        const view = await target.describeGroups(...args);
        night.world.clock.advance(40_000);
        await night.poll();
        return view;
      };
    },
  });
  await reconcile({ ...deps, autoScaling: slow }).catch(() => null);
}
