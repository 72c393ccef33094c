/**
 * The simulator's headline figures, each the median over seeds 1–20 × three ASG-cache phases
 * (lib/sim/ranges.ts): tv-peak, dozen-asgs and hundred-asgs, capacity-guard next to today's
 * cluster-autoscaler model, today's CA alone (the baseline, `sim_ca_model_version`) and CA as run
 * in 2020 (…_ca123_s, where the scenario has it), with each scenario's floor (no strategy that
 * launches after pods pend can beat it). hundred-asgs (ten applications, 100 groups) times each
 * application from its own peak: its figures are medians over applications, then over the runs.
 * On-demand node-hours come from the representative night (the scenario's seed, its whole
 * duration): the ranged runs stop once capacity is ready, before the on-demand nodes are done.
 */
import { CA_VERSIONS } from '../../lib/sim/ca-versions';
import type { RangeRow } from '../../lib/sim/ranges';
import { builtInScenario } from '../../lib/sim/scenario-files';
import { ratio, simulate } from '../../lib/sim/simulate';

const TODAY = CA_VERSIONS[0];

function median(rows: readonly RangeRow[], strategy: RangeRow['strategy'], version: string): number {
  return rows.find((row) => row.strategy === strategy && row.caVersion === version)?.timeToCapacitySeconds.median ?? Number.NaN;
}

async function scenarioFigures(name: string, key: string): Promise<Record<string, number>> {
  const scenario = builtInScenario(name);
  if (!scenario) throw new Error(`scenarios/${name}.yaml is missing`);
  // The sensitivity rows are the report's, not the bench's.
  const result = await simulate(scenario, {
    sweep: { ranges: { seeds: Array.from({ length: 20 }, (_, i) => i + 1), phases: [0, 20_000, 40_000] }, sensitivity: { seeds: [], phases: [] } },
  });
  return {
    [`sim_${key}_capacity_guard_s`]: median(result.ranges, 'capacity-guard', TODAY),
    [`sim_${key}_baseline_s`]: median(result.ranges, 'baseline', TODAY),
    ...(scenario.clusterAutoscaler.versions.includes('1.23') ? { [`sim_${key}_baseline_ca123_s`]: median(result.ranges, 'baseline', '1.23') } : {}),
    [`sim_${key}_floor_s`]: result.floorSeconds ?? Number.NaN,
    [`sim_${key}_on_demand_node_hours`]: result.capacityGuard.headline.onDemandNodeHours,
    [`sim_${key}_baseline_on_demand_node_hours`]: result.baseline.headline.onDemandNodeHours,
  };
}

export async function benchSim(): Promise<Record<string, number | string>> {
  const tvPeak = await scenarioFigures('tv-peak', 'tv_peak');
  const dozen = await scenarioFigures('dozen-asgs', 'dozen_asgs');
  const hundred = await scenarioFigures('hundred-asgs', 'hundred_asgs');
  return {
    sim_ca_model_version: TODAY,
    ...tvPeak,
    ...dozen,
    ...hundred,
    // tv-peak: today's CA alone ÷ capacity-guard, medians (at most baseline ÷ floor).
    sim_time_to_capacity_ratio: ratio(tvPeak.sim_tv_peak_baseline_s ?? null, tvPeak.sim_tv_peak_capacity_guard_s ?? null) ?? Number.NaN,
  };
}
