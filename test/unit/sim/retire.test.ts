/** The simulator's retirement comparison (issue 15) on long-night, and the scale-down model's rules. */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/fakes/clock';
import { FakeAutoScaling, type Pool } from '../../../lib/fakes/fake-auto-scaling';
import { seededRandom } from '../../../lib/vocabulary/seeded-random';
import { ClusterAutoscalerScaleDown, DEFAULT_SCALE_DOWN } from '../../../lib/sim/ca-scale-down';
import { renderHtml } from '../../../lib/sim/render-html';
import { renderTerminal } from '../../../lib/sim/render-terminal';
import { builtInScenario } from '../../../lib/sim/scenario-files';
import { simulate } from '../../../lib/sim/simulate';

describe('long-night: three retirement strategies', async () => {
  const comparison = await simulate(builtInScenario('long-night')!);
  const run = (strategy: string) => comparison.retire!.runs.find((candidate) => candidate.strategy === strategy)!;

  it('capacity-guard leaves the fewest on-demand node-hours, at most half of no retirement, fewer than draino', () => {
    const [guard, draino, none] = ['capacity-guard', 'draino', 'none'].map((strategy) => run(strategy).run.headline.onDemandNodeHours);
    expect(guard).toBeLessThanOrEqual(none! * 0.5);
    expect(guard).toBeLessThan(draino!);
  });

  it('retirement adds no unmet node-minutes and retires no node before its replacement is InService; draino does add them', () => {
    expect(run('capacity-guard').run.headline.unmetNodeMinutes).toBe(run('none').run.headline.unmetNodeMinutes);
    expect(run('capacity-guard').tally.earlyRetirements).toBe(0);
    expect(run('draino').run.headline.unmetNodeMinutes).toBeGreaterThan(run('none').run.headline.unmetNodeMinutes);
  });

  it('plots the on-demand nodes of all three in the HTML report', () => {
    const html = renderHtml(comparison);
    for (const strategy of ['capacity-guard', 'draino', 'none']) expect(html).toContain(`data-series="retire-${strategy}"`);
    expect(renderTerminal(comparison)).toMatch(/^ {2}draino +\d+(\.\d)? on-demand node-hours/m);
  });
});

describe('cluster-autoscaler scale-down model', () => {
  const pools = (market: 'spot' | 'on-demand'): Pool[] => [{ market, instanceType: 'm5.8xlarge', zone: 'eu-west-3a' }];
  const world = (demand: number, minOnDemand = 0) => {
    const clock = new FakeClock('2026-11-27T20:00:00Z');
    const aws = new FakeAutoScaling(clock);
    aws.addGroup({ name: 'spot', cluster: 'prod', minSize: 0, maxSize: 20, desiredCapacity: 5, pools: pools('spot') });
    aws.addGroup({ name: 'od', cluster: 'prod', minSize: minOnDemand, maxSize: 20, desiredCapacity: 5, pools: pools('on-demand') });
    const model = new ClusterAutoscalerScaleDown(DEFAULT_SCALE_DOWN, {
      aws,
      groups: ['spot', 'od'],
      demand: () => demand,
      lastScaleUpAt: () => null,
      random: seededRandom(3),
      say: () => {},
    });
    const scan = (minutes: number) => {
      for (let s = 0; s < minutes * 6; s++) {
        aws.advance(10_000);
        model.runOnce(clock.now().getTime());
      }
    };
    return { aws, model, scan };
  };

  it('removes the nodes beyond demand only after they were unneeded for 10 minutes, whatever their market', () => {
    const { aws, model, scan } = world(4);
    scan(9.5);
    expect(model.removed).toEqual([]);
    scan(1);
    expect(model.removed).toHaveLength(6);
    expect(new Set(model.removed.map((node) => node.group))).toEqual(new Set(['spot', 'od']));
    expect(aws.view('spot').desiredCapacity + aws.view('od').desiredCapacity).toBe(4);
  });

  it('never takes a group below its MinSize', () => {
    const { aws, scan } = world(0, 5);
    scan(11);
    expect(aws.view('od').desiredCapacity).toBe(5);
    expect(aws.view('spot').desiredCapacity).toBe(0);
  });
});
