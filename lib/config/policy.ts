/**
 * The resolved configuration `decide` reads: durations in ms, priorities compiled.
 * Policy flags are read in decide, never inside act.
 */
import type { PriorityRule } from '../cluster-autoscaler/expander';
import type { DownscalerPolicy } from './downscaler-schema';
import type { NotificationPolicy } from './notify-schema';
import type { RetirePolicy } from './retire-schema';
import type { Mode } from './schema';
import type { SpotPolicy } from './spot-schema';

export interface ClusterPolicy {
  name: string;
  enabled: boolean;
  mode: Mode;
  rules: readonly PriorityRule[];
}

export interface Policy {
  enabled: boolean;
  dryRun: boolean;
  backoff: { initialMs: number; multiplier: number; maxMs: number; resetAfterMs: number };
  changeBudget: { maxSuspensionsPerWindow: number; windowMs: number };
  unknownFailures: { suspendAfter: number; windowMs: number };
  reconcile: { eventGraceMs: number; lookbackMs: number; maxActivityLookups: number };
  clusters: readonly ClusterPolicy[];
  /** Scheduled downscaler (issue 6); absent in hand-built policies = off (DOWNSCALER_OFF). */
  downscaler?: DownscalerPolicy;
  notifications: NotificationPolicy;
  /** The spot function's policy (lib/config/spot-schema.ts). */
  spot: SpotPolicy;
  /** On-demand retirement (lib/config/retire-schema.ts); absent in hand-built policies = off (RETIRE_OFF). */
  retire?: RetirePolicy;
}
