/**
 * The fake AWS plus capacity-guard's real app code, wired together: events the fake emits are
 * delivered as SQS records to the same code the Lambda runs. Scenarios, `npm start` and the bench
 * drive this.
 */
import type { AppDeps } from '../run/deps';
import { type DownscaleResult, downscale } from '../downscaler/run';
import { type BatchResult, handleLaunchEvents } from '../failover/run';
import { actOnPoolsAfterLaunchEvents } from '../pools/run';
import { type ReconcileResult, reconcile } from '../failover/reconcile';
import type { SpotDeps } from '../spot/deps';
import { type SpotBatchResult, handleSpotEvents } from '../spot/run';
import { type SweepResult, sweepRebalanceTags } from '../spot/sweep-run';
import { policyFromText } from '../config/load';
import type { Policy } from '../config/policy';
import type { Log } from '../ports/log';
import type { RetireDeps } from '../retire/deps';
import { type RetireRunResult, retireRun } from '../retire/run';
import { type Notifier } from '../ports/notifier';
import { ACCOUNT, type EventBridgeEvent, REGION, asSqsRecord } from '../fakes/aws-events';
import { FakeClock } from '../fakes/clock';
import { FakeAutoScaling, type FakeOptions } from '../fakes/fake-auto-scaling';
import { FakeEc2 } from '../fakes/fake-ec2';
import { FakeEventBus, FakePoolSignalStore } from '../fakes/fake-spot-stores';
import { FakeLock } from '../fakes/fake-lock';
import { silentLog, MetricsRecorder, RecordingNotifier } from '../fakes/recorders';

export interface WorldOptions extends FakeOptions {
  start?: string;
  /** capacity-guard YAML config text. */
  config: string;
  log?: Log;
  /** A clock shared with other worlds (several accounts in one region); default: the world's own. */
  clock?: FakeClock;
  /** The notifier the runs talk to (default: `world.notifier`, a recorder), e.g. a Slack notifier against a local server. */
  notifier?: Notifier;
}

export class World {
  readonly clock: FakeClock;
  readonly aws: FakeAutoScaling;
  readonly metrics = new MetricsRecorder();
  readonly notifier = new RecordingNotifier();
  readonly policy: Policy;
  readonly deps: AppDeps;
  readonly lock: FakeLock;
  /** The account's capacity-signal table: Spot interruptions per pool and pools out (lib/pools). */
  readonly poolStore: FakePoolSignalStore;
  private readonly zoneIds?: () => Promise<ReadonlyMap<string, string>>;

  constructor(options: WorldOptions) {
    this.clock = options.clock ?? new FakeClock(options.start ?? '2026-11-27T20:00:00Z');
    this.aws = new FakeAutoScaling(this.clock, options);
    this.policy = policyFromText(options.config, 'scenario config', { env: {} });
    this.lock = new FakeLock(this.clock.now);
    this.poolStore = new FakePoolSignalStore(this.clock.now);
    const zoneIds = options.zoneIds;
    this.zoneIds = zoneIds ? async () => zoneIds : undefined;
    this.deps = {
      policy: this.policy,
      autoScaling: this.aws,
      lock: this.lock,
      log: options.log ?? silentLog,
      metrics: this.metrics,
      notifier: options.notifier ?? this.notifier,
      origin: { account: ACCOUNT, region: REGION },
      now: this.clock.now,
      pause: async (ms) => this.clock.advance(ms),
    };
  }

  /** Deliver the events AWS emitted so far, in one SQS batch, to the failover handler's code. */
  async deliverEvents(events: EventBridgeEvent[] = this.aws.takeEvents()): Promise<BatchResult> {
    return handleLaunchEvents(
      events.map((event) => asSqsRecord(event)),
      this.deps,
      {},
      actOnPoolsAfterLaunchEvents(this.deps, { store: this.poolStore, launcher: this.aws, outForMs: this.policy.pools?.outForMs, zoneIds: this.zoneIds }),
    );
  }

  // ---- the spot function (issue 3) ------------------------------------------------------

  /** EC2 of this world: Spot interruptions and rebalance recommendations, instance tags. */
  get ec2(): FakeEc2 {
    this.spot ??= this.createSpot();
    return this.spot.ec2;
  }

  get eventBus(): FakeEventBus {
    this.spot ??= this.createSpot();
    return this.spot.eventBus;
  }

  get poolSignals(): FakePoolSignalStore {
    return this.poolStore;
  }

  get spotDeps(): SpotDeps {
    this.spot ??= this.createSpot();
    return this.spot.deps;
  }

  /** Deliver the aws.ec2 events emitted so far to the spot function's code, in SQS batches of `batchSize` (serverless.yml: 1000). */
  async deliverSpotEvents(events: EventBridgeEvent[] = this.ec2.takeEvents(), batchSize = 1000): Promise<SpotBatchResult[]> {
    const results: SpotBatchResult[] = [];
    for (let start = 0; start < events.length; start += batchSize) {
      results.push(
        await handleSpotEvents(
          events.slice(start, start + batchSize).map((event) => asSqsRecord(event)),
          this.spotDeps,
        ),
      );
    }
    return results;
  }

  /** Every AWS call the world's fakes counted; the lease costs a put and a delete per acquisition. */
  awsCalls(): number {
    const spot = (this.spot ? this.spot.ec2.totalCalls() + this.spot.eventBus.totalCalls() : 0) + this.poolStore.totalCalls();
    return this.aws.totalCalls() + spot + this.lock.acquisitions * 2;
  }

  /** The spot sweep's scheduled run (rebalance tag expiry). */
  async sweepSpot(): Promise<SweepResult> {
    return sweepRebalanceTags(this.spotDeps);
  }

  private spot: { ec2: FakeEc2; eventBus: FakeEventBus; poolSignals: FakePoolSignalStore; deps: SpotDeps } | undefined;

  private createSpot(): { ec2: FakeEc2; eventBus: FakeEventBus; poolSignals: FakePoolSignalStore; deps: SpotDeps } {
    const ec2 = new FakeEc2(this.clock, this.aws);
    const eventBus = new FakeEventBus();
    const poolSignals = this.poolStore;
    return { ec2, eventBus, poolSignals, deps: { ...this.deps, ec2, detach: this.aws, eventBus, poolSignals } };
  }

  // ---- on-demand retirement (issue 15) --------------------------------------------------

  /** The retire function's dependencies: the spot fakes plus the fake Auto Scaling as its RetirePort. */
  get retireDeps(): RetireDeps {
    return { ...this.spotDeps, retire: this.aws };
  }

  /** The scheduled retire function's run. */
  async retire(): Promise<RetireRunResult> {
    return retireRun(this.retireDeps);
  }

  /** The scheduled function's run. */
  async reconcile(): Promise<ReconcileResult> {
    return reconcile(this.deps);
  }

  /** The scheduled downscaler's run. */
  async downscale(): Promise<DownscaleResult> {
    return downscale(this.deps);
  }
}
