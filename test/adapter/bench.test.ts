/** The bench runs end to end on a tiny input (5 events, 1 import per function) and prints its figures as JSON on the last line (no timing asserted). */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run bench', () => {
  it('prints every figure as one JSON object on the last line', () => {
    const output = execFileSync('node_modules/.bin/tsx', ['scripts/bench.ts', '--events', '5', '--imports', '1', '--retire-seeds', '1', '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });

    const figures = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Record<string, number> & { sim_ca_model_version: string };

    expect(Object.keys(figures)).toEqual(
      expect.arrayContaining([
        'failover_handler_ms_p99',
        'failover_aws_calls',
        'failover_deployed_aws_calls',
        'failover_deployed_ms_p99',
        'reconcile_500_asgs_describe_calls',
        'cold_import_ms',
        'bundle_kb',
        'cold_import_ms_failover',
        'bundle_kb_reconcile',
        'sim_time_to_capacity_ratio',
        'sim_retire_on_demand_node_hours',
        'sim_retire_early_retirements',
      ]),
    );
    // The simulator's figures: medians over seeds × cache phases against today's CA, CA as run in 2020, the floors.
    expect(figures.sim_ca_model_version).toBe('1.36');
    for (const scenario of ['tv_peak', 'dozen_asgs']) {
      const [guard, today, old, floor] = ['capacity_guard_s', 'baseline_s', 'baseline_ca123_s', 'floor_s'].map(
        (suffix) => figures[`sim_${scenario}_${suffix}`]!,
      );
      expect(floor, scenario).toBeGreaterThan(0);
      for (const time of [guard, today, old]) expect(time, scenario).toBeGreaterThanOrEqual(floor!);
      expect(old, scenario).toBeGreaterThan(today!);
    }
    expect(figures.failover_aws_calls).toBeLessThanOrEqual(6);
    // The packaged handler, every AWS call counted at the HTTP level: lease, Describe, sizes, tags, lease back with the fold.
    expect(figures.failover_deployed_aws_calls).toBeLessThanOrEqual(5);
    expect(figures.reconcile_500_asgs_describe_calls).toBe(5);
    expect(figures.bundle_kb).toBeGreaterThan(0);
    expect(figures.sim_time_to_capacity_ratio).toBeGreaterThan(0);
  }, 120_000);
});
