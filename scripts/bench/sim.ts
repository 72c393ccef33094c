/** The simulator's headline on tv-peak: baseline (cluster-autoscaler model) ÷ capacity-guard time to capacity. */
import { builtInScenario } from '../../lib/sim/scenario-files';
import { simulate } from '../../lib/sim/simulate';
import type { BenchFigures } from './context';

export async function benchSim(): Promise<BenchFigures> {
  const scenario = builtInScenario('tv-peak');
  if (!scenario) throw new Error('scenarios/tv-peak.yaml is missing');
  const result = await simulate(scenario);
  return {
    sim_time_to_capacity_ratio: result.timeToCapacityRatio ?? Number.NaN,
    sim_tv_peak_capacity_guard_s: result.capacityGuard.headline.timeToCapacitySeconds ?? Number.NaN,
    sim_tv_peak_baseline_s: result.baseline.headline.timeToCapacitySeconds ?? Number.NaN,
    // The 60 s ramp + 90 s boot inside both times: the ratio cannot exceed baseline ÷ this.
    sim_tv_peak_floor_s: result.floorSeconds ?? Number.NaN,
  };
}
