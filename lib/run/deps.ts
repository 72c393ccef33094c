/** Everything a run needs from the outside, injected by the composition roots (lib/runtime, lib/sim/world.ts, lib/cli) or by tests. */
import type { Policy } from '../config/policy';
import type { EventOrigin } from '../parse/eventbridge-envelope';
import type { AutoScalingPort } from '../ports/auto-scaling';
import type { LockPort } from '../ports/lock';
import type { Log } from '../ports/log';
import type { Metrics } from '../ports/metrics';
import type { Notifier } from '../ports/notifier';
import type { QueuePort } from '../ports/queue';
import type { PoolEvidenceSink } from '../ports/shared-signals';

export interface AppDeps {
  policy: Policy;
  autoScaling: AutoScalingPort;
  /** Serialises runs that write (see lib/ports/lock.ts). */
  lock: LockPort;
  log: Log;
  metrics: Metrics;
  /** Told once per invocation what was done; never blocks an action. */
  notifier: Notifier;
  /** The function's own account and region: aws.* events from elsewhere are refused. Absent = not checked. */
  origin?: EventOrigin;
  /** Where physical pool evidence goes after the local actions (shared with other accounts); absent = not shared. */
  poolEvidence?: PoolEvidenceSink;
  /** Injected clock: the fake world and tests control time. */
  now: () => Date;
  /** Waits between tries of a throttled write (default: real time); the fake world moves its clock instead. */
  pause?: (ms: number) => Promise<void>;
  /** The SQS-fed functions' queue, to bring handed-back records back within seconds; absent in scheduled runs. */
  queue?: QueuePort;
}
