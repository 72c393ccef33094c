/**
 * A scenario run twice on the same world, same seed: capacity-guard (with the cluster-autoscaler
 * model) and the baseline (the model alone). The comparison is what `simulate` prints.
 */
import { type RunOptions, type RunResult, capacityFloorSeconds, runStrategy } from './run';
import { type RetireComparison, compareRetirement } from './retire-run';
import type { Scenario } from './scenario';
import { spotHandler } from './spot-hook';

export interface Comparison {
  scenario: Scenario;
  capacityGuard: RunResult;
  baseline: RunResult;
  /** baseline ÷ capacity-guard time to capacity; null when either never got there. */
  timeToCapacityRatio: number | null;
  /** The part of every time to capacity that no strategy can avoid (ramp, boot, notice); null without an incident. */
  floorSeconds: number | null;
  /** Issue 15: the scenario under three retirement strategies, when its capacityGuard config turns retirement on. */
  retire?: RetireComparison;
}

export async function simulate(scenario: Scenario, options: RunOptions = { spotHandler }): Promise<Comparison> {
  const capacityGuard = await runStrategy(scenario, 'capacity-guard', options);
  const baseline = await runStrategy(scenario, 'baseline');
  const guard = capacityGuard.headline.timeToCapacitySeconds;
  const base = baseline.headline.timeToCapacitySeconds;
  const ratio = guard !== null && base !== null && guard > 0 ? Math.round((base / guard) * 10) / 10 : null;
  const comparison: Comparison = { scenario, capacityGuard, baseline, timeToCapacityRatio: ratio, floorSeconds: capacityFloorSeconds(scenario) };
  if ((scenario.capacityGuard.retire as { enabled?: unknown } | undefined)?.enabled === true) comparison.retire = await compareRetirement(scenario);
  return comparison;
}
