/**
 * The one gate between decided actions and their executor, for every capability. Dry-run: decide,
 * log, report, write nothing. Kill switch (`enabled: false`): write nothing either, except what a
 * capability's decide has already answered action by action (`decidesKillSwitch`): the failover's
 * guard rails turn its writes into alerts and let an operator's release through (it only gives
 * capacity back); the downscaler decides nothing. Spot decides drains without looking at the
 * switch, so for spot and its sweep the switch stops every write here.
 */
import type { Policy } from '../config/policy';

export interface Gate {
  writes: boolean;
  /** Why nothing is written, for the log line; null when writing. */
  reason: 'dry-run' | 'kill-switch' | null;
}

export function writeGate(policy: Pick<Policy, 'enabled' | 'dryRun'>, decidesKillSwitch: boolean): Gate {
  if (policy.dryRun) return { writes: false, reason: 'dry-run' };
  if (!policy.enabled && !decidesKillSwitch) return { writes: false, reason: 'kill-switch' };
  return { writes: true, reason: null };
}
