/** The notification bench runs on a tiny input and reports its figures. */
import { expect, it } from 'vitest';
import { benchNotify } from '../../../scripts/bench/notify';

it('reports one message per cluster for a storm, within Slack limits', () => {
  const figures = benchNotify(30, 2);
  expect(figures).toMatchObject({ notify_storm_actions: 30, notify_storm_messages: 3 });
  expect(figures['notify_storm_max_blocks']).toBeLessThanOrEqual(50);
  expect(figures['notify_storm_build_ms_p50']).toBeGreaterThanOrEqual(0);
});
