/**
 * Ranges, not single runs: each strategy over seeds × ASG-cache phases (the seed moves CA's loop
 * offset, its priority ties and its draws; the phase moves CA's cache refreshes against the
 * scenario), and how time to capacity moves when an assumption of the world changes.
 * The sweep runs stop once the capacity is ready (runStrategy `stopWhenReady`): time to capacity
 * and unmet node-minutes are final then; on-demand node-hours are not, so they are not ranged.
 */
import type { CaVersion } from './ca-versions';
import { type RunOptions, type StrategyName, runStrategy } from './run';
import { type Scenario, caModel, primaryVersion } from './scenario';

export interface Spread {
  median: number | null;
  min: number | null;
  max: number | null;
  /** Runs that never reached the demanded capacity within the scenario. */
  neverReady: number;
  runs: number;
}

export interface RangeRow {
  strategy: StrategyName;
  caVersion: CaVersion;
  timeToCapacitySeconds: Spread;
  unmetNodeMinutes: Spread;
}

export interface SweepPlan {
  seeds: number[];
  /** Cache phases in milliseconds. */
  phases: number[];
}

export const FULL_SWEEP: SweepPlan = { seeds: Array.from({ length: 20 }, (_, i) => i + 1), phases: [0, 20_000, 40_000] };
/** The sensitivity rows: fewer seeds, the same phases. */
export const SENSITIVITY_SWEEP: SweepPlan = { seeds: [1, 2, 3], phases: [0, 20_000, 40_000] };

export interface SensitivityRow {
  /** e.g. "boot 60 s". */
  change: string;
  capacityGuard: number | null;
  baseline: number | null;
}

type Variant = { change: string; apply: (scenario: Scenario) => Scenario };

const VARIANTS: Variant[] = [
  { change: 'as assumed', apply: (scenario) => scenario },
  { change: 'boot 60 s', apply: (scenario) => ({ ...scenario, bootTime: 60_000 }) },
  { change: 'boot 150 s', apply: (scenario) => ({ ...scenario, bootTime: 150_000 }) },
  { change: 'launch-failure event after 5 s', apply: (scenario) => ({ ...scenario, launchFailureEventDelay: 5_000 }) },
  { change: 'launch-failure event after 60 s', apply: (scenario) => ({ ...scenario, launchFailureEventDelay: 60_000 }) },
];

/** Median (the lower middle for an even count, so it is a figure some run had), min and max; never-ready runs count as slowest. */
export function spread(values: readonly (number | null)[]): Spread {
  const reached = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  const neverReady = values.length - reached.length;
  const ordered: (number | null)[] = [...reached, ...Array<null>(neverReady).fill(null)];
  return {
    median: ordered.length === 0 ? null : (ordered[Math.floor((ordered.length - 1) / 2)] ?? null),
    min: reached[0] ?? null,
    max: neverReady > 0 ? null : (reached.at(-1) ?? null),
    neverReady,
    runs: values.length,
  };
}

async function sweep(
  scenario: Scenario,
  strategy: StrategyName,
  version: CaVersion,
  plan: SweepPlan,
  options: RunOptions,
): Promise<{ times: (number | null)[]; unmet: number[] }> {
  const times: (number | null)[] = [];
  const unmet: number[] = [];
  for (const phase of plan.phases) {
    for (const seed of plan.seeds) {
      const run = await runStrategy(scenario, strategy, { ...options, seed, clusterAutoscaler: caModel(scenario, version, phase), stopWhenReady: true });
      times.push(run.headline.timeToCapacitySeconds);
      unmet.push(run.headline.unmetNodeMinutes);
    }
  }
  return { times, unmet };
}

/** capacity-guard next to the scenario's first CA version, then each version alone. */
export async function rangeRows(scenario: Scenario, plan: SweepPlan = FULL_SWEEP, options: RunOptions = {}): Promise<RangeRow[]> {
  const rows: RangeRow[] = [];
  const cells: [StrategyName, CaVersion][] = [
    ['capacity-guard', primaryVersion(scenario)],
    ...scenario.clusterAutoscaler.versions.map((version): [StrategyName, CaVersion] => ['baseline', version]),
  ];
  for (const [strategy, caVersion] of cells) {
    const { times, unmet } = await sweep(scenario, strategy, caVersion, plan, options);
    rows.push({ strategy, caVersion, timeToCapacitySeconds: spread(times), unmetNodeMinutes: spread(unmet) });
  }
  return rows;
}

/** Median time to capacity of both strategies (next to / against the first CA version) when boot time or the event delay change. */
export async function sensitivityRows(scenario: Scenario, plan: SweepPlan = SENSITIVITY_SWEEP, options: RunOptions = {}): Promise<SensitivityRow[]> {
  const version = primaryVersion(scenario);
  const rows: SensitivityRow[] = [];
  for (const variant of VARIANTS) {
    const changed = variant.apply(scenario);
    const guard = await sweep(changed, 'capacity-guard', version, plan, options);
    const base = await sweep(changed, 'baseline', version, plan, options);
    rows.push({ change: variant.change, capacityGuard: spread(guard.times).median, baseline: spread(base.times).median });
  }
  return rows;
}
