/**
 * Issue 15's comparison: one scenario under the three retirement strategies (lib/sim/retire-strategies.ts),
 * each with capacity-guard's failover and cluster-autoscaler's scale-up and scale-down models, on
 * the same seed; and the figures the bench reports, over seeds.
 */
import { type RunOptions, type RunResult, runStrategy } from './run';
import { RETIRE_STRATEGIES, type RetireStrategy, type RetireTally, retireExtension } from './retire-strategies';
import type { Scenario } from './scenario';

export interface RetireRun {
  strategy: RetireStrategy;
  run: RunResult;
  tally: RetireTally;
}

export interface RetireComparison {
  scenario: Scenario;
  runs: RetireRun[];
}

/** The scenario with capacity-guard's retirement on (capacity-guard) or off (draino, none). */
export function withRetire(scenario: Scenario, enabled: boolean, seed = scenario.seed): Scenario {
  const retire = { ...(scenario.capacityGuard.retire as Record<string, unknown> | undefined), enabled };
  return { ...scenario, seed, capacityGuard: { ...scenario.capacityGuard, retire } };
}

export async function runRetireStrategy(scenario: Scenario, strategy: RetireStrategy, seed = scenario.seed, options: RunOptions = {}): Promise<RetireRun> {
  const tally: RetireTally = { earlyRetirements: 0, retired: 0, scaledDown: 0 };
  const seeded = withRetire(scenario, strategy === 'capacity-guard', seed);
  // The extension gets the seeded scenario too: CA's scale-down picks its nodes from a stream of the run's seed.
  const run = await runStrategy(seeded, 'capacity-guard', {
    ...options,
    extensions: [...(options.extensions ?? []), retireExtension(strategy, seeded, tally)],
  });
  return { strategy, run, tally };
}

export async function compareRetirement(
  scenario: Scenario,
  strategies: readonly RetireStrategy[] = RETIRE_STRATEGIES,
  options: RunOptions = {},
): Promise<RetireComparison> {
  const runs: RetireRun[] = [];
  for (const strategy of strategies) runs.push(await runRetireStrategy(scenario, strategy, scenario.seed, options));
  return { scenario, runs };
}

export interface RetireFigures {
  sim_retire_on_demand_node_hours: number;
  sim_retire_on_demand_node_hours_without: number;
  sim_retire_on_demand_node_hours_draino: number;
  /** Unmet node-minutes capacity-guard's retirement added over no retirement, summed over the seeds (per seed, only additions count). */
  sim_retire_unmet_node_minutes_added: number;
  /** On-demand nodes retired before their Spot replacement was InService, over the seeds. */
  sim_retire_early_retirements: number;
  sim_retire_seeds: number;
}

/** The bench's figures: node-hours on the scenario's own seed, unmet and early retirements over `seeds`. */
export async function retireFigures(scenario: Scenario, seeds: readonly number[]): Promise<RetireFigures> {
  const own = await compareRetirement(scenario);
  const hours = (strategy: RetireStrategy) => own.runs.find((run) => run.strategy === strategy)!.run.headline.onDemandNodeHours;
  let added = 0;
  let early = 0;
  for (const seed of seeds) {
    const guard = seed === scenario.seed ? own.runs[0]! : await runRetireStrategy(scenario, 'capacity-guard', seed);
    const none = seed === scenario.seed ? own.runs[2]! : await runRetireStrategy(scenario, 'none', seed);
    added += Math.max(0, guard.run.headline.unmetNodeMinutes - none.run.headline.unmetNodeMinutes);
    early += guard.tally.earlyRetirements;
  }
  return {
    sim_retire_on_demand_node_hours: hours('capacity-guard'),
    sim_retire_on_demand_node_hours_without: hours('none'),
    sim_retire_on_demand_node_hours_draino: hours('draino'),
    sim_retire_unmet_node_minutes_added: Math.round(added * 10) / 10,
    sim_retire_early_retirements: early,
    sim_retire_seeds: seeds.length,
  };
}
