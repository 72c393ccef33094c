/** The chaos suite's goals on a few seeds (the bench runs 30): not timing, outcomes. */
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../../lib/sim/chaos';

describe('the chaos suite (throttling, lease store down, a paused lease holder, Slack down, duplicates, reordering)', () => {
  it('meets its goals on seeds 1-4', async () => {
    const figures = await runChaos([1, 2, 3, 4]);

    expect(figures.chaos_runs).toBe(4);
    expect(figures.chaos_extra_fallback_nodes_max).toBe(0);
    expect(figures.chaos_records_lost).toBe(0);
    expect(figures.chaos_concurrent_writers_max).toBeLessThanOrEqual(1);
    expect(figures.chaos_repair_reconcile_runs_max).toBeLessThanOrEqual(2);
    expect(figures.chaos_groups_held_by_bad_event_time).toBe(0);
  });
});
