/**
 * The resolved configuration `decide` reads: durations in ms, priorities compiled.
 * Policy flags are read in decide, never inside act.
 */
import type { PriorityRule } from '../cluster-autoscaler/expander';
import type { DownscalerPolicy } from './downscaler-schema';
import type { NotificationPolicy } from './notify-schema';
import type { RetirePolicy } from './retire-schema';
import type { Mode } from './schema';
import type { SharedSignalsPolicy } from './shared-signals-schema';
import type { SpotPolicy } from './spot-schema';

export interface ClusterPolicy {
  name: string;
  enabled: boolean;
  mode: Mode;
  rules: readonly PriorityRule[];
}

export interface Policy {
  enabled: boolean;
  /** CAPACITY_GUARD_KILL_SWITCH held a value we cannot read (`CAPACITY_GUARD_KILL_SWITCH="tru"`): the switch counts as on, with an alert. */
  killSwitchUnreadable?: string;
  dryRun: boolean;
  backoff: { initialMs: number; multiplier: number; maxMs: number; resetAfterMs: number };
  changeBudget: { maxSuspensionsPerWindow: number; windowMs: number };
  /** Pool knowledge (lib/pools); absent in hand-built policies = the default lifetime. */
  pools?: { outForMs: number; probeTiers: boolean };
  unknownFailures: { suspendAfter: number; windowMs: number };
  reconcile: { eventGraceMs: number; lookbackMs: number; maxActivityLookups: number };
  /** Bounds on event times (lib/run/event-time.ts). */
  eventTime: EventTimeBounds;
  clusters: readonly ClusterPolicy[];
  /** Scheduled downscaler (issue 6); absent in hand-built policies = off (DOWNSCALER_OFF). */
  downscaler?: DownscalerPolicy;
  notifications: NotificationPolicy;
  /** The spot function's policy (lib/config/spot-schema.ts). */
  spot: SpotPolicy;
  /** On-demand retirement (lib/config/retire-schema.ts); absent in hand-built policies = off (RETIRE_OFF). */
  retire?: RetirePolicy;
  /** Capacity signals shared with other accounts; absent or null = off. */
  sharedSignals?: SharedSignalsPolicy | null;
}

export interface EventTimeBounds {
  /** How far in the future an event time may be before it is dated now. */
  skewMs: number;
  /** How old a failure, interruption or rebalance hint may be and still be acted on. */
  lookbackMs: number;
}
