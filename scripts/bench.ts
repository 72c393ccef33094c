/**
 * npm run bench [-- --json] [-- --events N] [-- --imports N] [-- --retire-seeds N]
 * Runs every bench module (scripts/bench/*.ts, each returning named figures), prints a table, and
 * with `--json` one JSON object holding every figure on the last line. Never part of npm test
 * (timings vary with the machine).
 */
import { parseArgs } from 'node:util';
import { startMotoServer } from '../test/support/moto-server';
import { benchChaos } from './bench/chaos';
import { benchColdImport } from './bench/cold-import';
import type { BenchContext, BenchFigures } from './bench/context';
import { downscalerBench } from './bench/downscaler';
import { benchFailover } from './bench/failover';
import { benchNotify } from './bench/notify';
import { benchReconcile } from './bench/reconcile';
import { benchRetire } from './bench/retire';
import { benchSharedPools } from './bench/shared-pools';
import { benchSim } from './bench/sim';
import { benchStorm } from './bench/storm';
import { benchStormGroups } from './bench/storm-groups';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    events: { type: 'string', default: '200' },
    imports: { type: 'string', default: '7' },
    'retire-seeds': { type: 'string', default: '20' },
  },
});

/** Targets, printed next to the figures. */
const TARGETS: Record<string, string> = {
  failover_handler_ms_p99: '≤ 1000',
  failover_aws_calls: '≤ 6',
  storm_1000_itn_aws_calls: '≤ 25',
  storm_100_groups_aws_calls: '≤ 1.5 × storm_100_groups_aws_calls_floor',
  storm_100_groups_suspensions_max_per_group: '1',
  reconcile_500_asgs_describe_calls: '≤ 6',
  cold_import_ms: '≤ 200 (2-core machine)',
  // Medians over seeds 1–20 × 3 cache phases; baseline = today's CA model (sim_ca_model_version), _ca123 = CA as run in 2020.
  // Both times hold tv-peak's 150 s floor (60 s ramp + 90 s boot): the ratio cannot exceed sim_tv_peak_baseline_s ÷ sim_tv_peak_floor_s.
  sim_dozen_asgs_capacity_guard_s: '≤ 1.2 × sim_dozen_asgs_floor_s and ≤ 0.75 × sim_dozen_asgs_baseline_s',
  // Medians over applications (each from its own peak), then over seeds 1–20 × 3 cache phases.
  sim_hundred_asgs_capacity_guard_s: '≤ 1.2 × sim_hundred_asgs_floor_s',
  sim_hundred_asgs_baseline_s: '≥ 1.5 × sim_hundred_asgs_capacity_guard_s (at most baseline ÷ floor)',
  sim_shared_pools_second_account_s: '≤ 1.2 × sim_shared_pools_floor_s',
  signals_republished: '0',
  signals_end_to_end_s_p99: '≤ 5',
  sim_time_to_capacity_ratio: "> 1 against today's CA (at most baseline ÷ floor, see sim_tv_peak_floor_s)",
  sim_retire_ratio_to_without: '≤ 0.5',
  sim_retire_on_demand_node_hours: '< sim_retire_on_demand_node_hours_draino',
  sim_retire_unmet_node_minutes_added: '0',
  sim_retire_early_retirements: '0',
  chaos_extra_fallback_nodes_max: '0',
  chaos_records_lost: '0',
  chaos_concurrent_writers_max: '≤ 1',
  chaos_repair_reconcile_runs_max: '≤ 2',
  chaos_groups_held_by_bad_event_time: '0',
};

/** Figures are numbers, except labels such as sim_ca_model_version. */
type Figures = Record<string, number | string>;
type Module = { name: string; run: (context: BenchContext) => Promise<BenchFigures | Figures> };

const moto = await startMotoServer();
try {
  const context: BenchContext = { motoEndpoint: moto.endpoint, events: Number(values.events), imports: Number(values.imports) };
  const modules: Module[] = [
    { name: 'failover', run: benchFailover },
    { name: 'storm', run: () => benchStorm() },
    { name: 'wide storm', run: () => benchStormGroups() },
    { name: 'reconcile', run: benchReconcile },
    { name: 'cold import', run: benchColdImport },
    { name: 'simulator', run: benchSim },
    { name: 'shared pools', run: () => benchSharedPools() },
    { name: 'downscaler', run: () => downscalerBench() },
    { name: 'notify', run: async () => benchNotify() },
    { name: 'retire', run: () => benchRetire(Number(values['retire-seeds'])) },
    { name: 'chaos', run: () => benchChaos() },
  ];
  const figures: Figures = {};
  for (const module of modules) {
    await moto.reset();
    Object.assign(figures, await module.run(context));
  }
  const width = Math.max(...Object.keys(figures).map((key) => key.length));
  for (const [key, value] of Object.entries(figures))
    console.log(`${key.padEnd(width)}  ${String(value).padStart(8)}  ${TARGETS[key] ? `target ${TARGETS[key]}` : ''}`.trimEnd());
  if (values.json) console.log(JSON.stringify(figures));
} finally {
  await moto.stop();
}
