/**
 * A scenario compared: capacity-guard (next to the scenario's first CA version) and each CA
 * version alone, once on the scenario's seed and cache phase (the timelines), then over seeds ×
 * cache phases (the ranges) and with the world's assumptions moved (the sensitivity).
 */
import type { CaVersion } from './ca-versions';
import { FULL_SWEEP, type RangeRow, SENSITIVITY_SWEEP, type SensitivityRow, type SweepPlan, rangeRows, sensitivityRows } from './ranges';
import { type RunOptions, type RunResult, capacityFloorSeconds, runStrategy } from './run';
import { type Scenario, caModel, primaryVersion } from './scenario';
import { type RetireComparison, compareRetirement } from './retire-run';

export interface Comparison {
  scenario: Scenario;
  /** capacity-guard next to the first CA version, on the scenario's seed and cache phase. */
  capacityGuard: RunResult;
  /** The first CA version alone (today's CA by default). */
  baseline: RunResult;
  /** Every CA version alone, the first one first. */
  baselines: RunResult[];
  /** baseline ÷ capacity-guard time to capacity of the representative runs; null when either never got there. */
  timeToCapacityRatio: number | null;
  /** The part of every time to capacity that no reactive strategy can avoid (ramp, boot, notice); null without an incident. */
  floorSeconds: number | null;
  /** Over seeds × cache phases; empty when not asked for. */
  ranges: RangeRow[];
  sweep: SweepPlan | null;
  sensitivity: SensitivityRow[];
  /** Issue 15: the scenario under three retirement strategies, when its capacityGuard config turns retirement on. */
  retire?: RetireComparison;
}

export interface SimulateOptions extends Pick<RunOptions, 'spotHandler'> {
  /** Seeds × phases for the ranges and the sensitivity; false = the representative runs only (tests). */
  sweep?: { ranges: SweepPlan; sensitivity: SweepPlan } | false;
}

export async function simulate(scenario: Scenario, options: SimulateOptions = {}): Promise<Comparison> {
  const runOptions: RunOptions = { spotHandler: options.spotHandler };
  const capacityGuard = await runStrategy(scenario, 'capacity-guard', runOptions);
  const baselines: RunResult[] = [];
  for (const version of scenario.clusterAutoscaler.versions)
    baselines.push(await runStrategy(scenario, 'baseline', { ...runOptions, clusterAutoscaler: caModel(scenario, version) }));
  const baseline = baselines[0]!;
  const sweep = options.sweep === undefined ? { ranges: FULL_SWEEP, sensitivity: SENSITIVITY_SWEEP } : options.sweep;
  const comparison: Comparison = {
    scenario,
    capacityGuard,
    baseline,
    baselines,
    timeToCapacityRatio: ratio(baseline.headline.timeToCapacitySeconds, capacityGuard.headline.timeToCapacitySeconds),
    floorSeconds: capacityFloorSeconds(scenario),
    ranges: sweep ? await rangeRows(scenario, sweep.ranges, runOptions) : [],
    sweep: sweep ? sweep.ranges : null,
    sensitivity: sweep && hasLaunchFailures(scenario) ? await sensitivityRows(scenario, sweep.sensitivity, runOptions) : [],
  };
  if (retireEnabled(scenario)) comparison.retire = await compareRetirement(scenario, undefined, runOptions);
  return comparison;
}

function retireEnabled(scenario: Scenario): boolean {
  return (scenario.capacityGuard.retire as { enabled?: unknown } | undefined)?.enabled === true;
}

export function ratio(base: number | null, guard: number | null): number | null {
  return guard !== null && base !== null && guard > 0 ? Math.round((base / guard) * 10) / 10 : null;
}

/** The range row of a strategy (and CA version), if swept. */
export function rangeOf(
  comparison: Comparison,
  strategy: RunResult['strategy'],
  version: CaVersion = primaryVersion(comparison.scenario),
): RangeRow | undefined {
  return comparison.ranges.find((row) => row.strategy === strategy && row.caVersion === version);
}

/** The sensitivity rows matter where launches fail (the event delay) and nodes boot after a demand step. */
function hasLaunchFailures(scenario: Scenario): boolean {
  return scenario.events.some((event) => 'outOfCapacity' in event);
}
