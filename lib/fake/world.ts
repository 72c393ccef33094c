/**
 * The fake AWS plus capacity-guard's real app code, wired together: events the fake emits are
 * delivered as SQS records to the same code the Lambda runs. Scenarios, `npm start` and the bench
 * drive this.
 */
import type { AppDeps } from '../app/deps';
import { type DownscaleResult, downscale } from '../app/downscale';
import { type BatchResult, handleLaunchEvents } from '../app/handle-launch-events';
import { type ReconcileResult, reconcile } from '../app/reconcile';
import { policyFromText } from '../config/load';
import type { Policy } from '../config/policy';
import type { Log } from '../ports/log';
import { silentLog } from '../ports/log';
import { MetricsRecorder } from '../ports/metrics';
import { type Notifier, RecordingNotifier } from '../ports/notifier';
import { type EventBridgeEvent, asSqsRecord } from './aws-events';
import { FakeClock } from './clock';
import { FakeAutoScaling, type FakeOptions } from './fake-auto-scaling';
import { FakeLock } from './fake-lock';

export interface WorldOptions extends FakeOptions {
  start?: string;
  /** capacity-guard YAML config text. */
  config: string;
  log?: Log;
  /** The notifier the app code talks to (default: `world.notifier`, a recorder), e.g. a Slack notifier against a local server. */
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

  constructor(options: WorldOptions) {
    this.clock = new FakeClock(options.start ?? '2026-11-27T20:00:00Z');
    this.aws = new FakeAutoScaling(this.clock, options);
    this.policy = policyFromText(options.config, 'scenario config', { env: {} });
    this.lock = new FakeLock(this.clock.now);
    this.deps = { policy: this.policy, autoScaling: this.aws, lock: this.lock, log: options.log ?? silentLog, metrics: this.metrics, notifier: options.notifier ?? this.notifier, now: this.clock.now };
  }

  /** Deliver the events AWS emitted so far, in one SQS batch, to the failover handler's code. */
  async deliverEvents(events: EventBridgeEvent[] = this.aws.takeEvents()): Promise<BatchResult> {
    return handleLaunchEvents(events.map((event) => asSqsRecord(event)), this.deps);
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
