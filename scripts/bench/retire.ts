/**
 * On-demand retirement (issue 15) on scenarios/long-night.yaml: on-demand node-hours under
 * capacity-guard's retirement, the operators' draino rule and no retirement (the scenario's seed),
 * unmet node-minutes retirement added and nodes retired before their replacement was ready (seeds 1..N).
 */
import { retireFigures } from '../../lib/sim/retire-run';
import { builtInScenario } from '../../lib/sim/scenario-files';
import type { BenchFigures } from './context';

export async function benchRetire(seeds = 20): Promise<BenchFigures> {
  const scenario = builtInScenario('long-night');
  if (!scenario) throw new Error('scenarios/long-night.yaml is missing');
  const figures = await retireFigures(
    scenario,
    Array.from({ length: seeds }, (_, index) => index + 1),
  );
  return {
    ...figures,
    sim_retire_ratio_to_without: Math.round((figures.sim_retire_on_demand_node_hours / figures.sim_retire_on_demand_node_hours_without) * 100) / 100,
  };
}
