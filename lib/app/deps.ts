/** Everything the app layer needs from the outside, injected by functions/ or by tests. */
import type { Policy } from '../config/policy';
import type { AutoScalingPort } from '../ports/auto-scaling';
import type { Log } from '../ports/log';
import type { Metrics } from '../ports/metrics';

export interface AppDeps {
  policy: Policy;
  autoScaling: AutoScalingPort;
  log: Log;
  metrics: Metrics;
  /** Injected clock: the fake world and tests control time. */
  now: () => Date;
}
