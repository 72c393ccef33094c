/** The notification bench runs on a tiny input and reports its figures. */
import { expect, it } from 'vitest';
import { benchNotify } from '../../../scripts/bench/notify';

it('reports one message per cluster for a storm, within Slack limits', () => {
  const figures = benchNotify(30, 2);
  expect(figures).toMatchObject({ 'notify.storm.actions': 30, 'notify.storm.messages': 3 });
  expect(figures['notify.storm.maxBlocks']).toBeLessThanOrEqual(50);
  expect(figures['notify.storm.buildMsP50']).toBeGreaterThanOrEqual(0);
});
