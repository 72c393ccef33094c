/**
 * The simulator, end to end on small nights: deterministic for a seed, quiet when Spot is
 * healthy, the shipped scenarios' figures over seeds and cache phases against both CA versions
 * (the model's behaviours one by one: ca-model.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { runStrategy } from '../../../lib/sim/run';
import { scenarioFromText } from '../../../lib/sim/scenario';
import { builtInScenario } from '../../../lib/sim/scenario-files';
import { renderTerminal } from '../../../lib/sim/render-terminal';
import { rangeOf, simulate } from '../../../lib/sim/simulate';
import { scenarioYaml } from './story';

const scenario = (options: Parameters<typeof scenarioYaml>[0] = {}) => scenarioFromText(scenarioYaml(options), 'test.yaml');

describe('simulate: determinism', () => {
  it('replays the identical night for the same seed', async () => {
    // Act
    const first = await simulate(scenario({ seed: 11 }), { sweep: false });
    const second = await simulate(scenario({ seed: 11 }), { sweep: false });

    // Assess
    expect(JSON.stringify([second.capacityGuard, second.baselines])).toBe(JSON.stringify([first.capacityGuard, first.baselines]));
    expect(first.capacityGuard.timeline.length).toBeGreaterThan(5);
  });

  it('a different seed can break cluster-autoscaler ties differently', async () => {
    // Act
    const seeds = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(async (seed) => (await runStrategy(scenario({ seed, spotGroups: 4 }), 'baseline')).timeline.map((e) => e.text).join('\n')),
    );

    // Assess
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });
});

describe('simulate: healthy Spot', () => {
  it('capacity-guard takes no action and the peak is served from Spot in both runs', async () => {
    // Act
    const result = await simulate(scenario({ ice: false }), { sweep: false });

    // Assess
    expect(result.capacityGuard.eventsDelivered).toBeGreaterThanOrEqual(20);
    expect(result.capacityGuard.capacityGuardActions).toBe(0);
    expect(result.capacityGuard.timeline.filter((entry) => entry.who === 'capacity-guard')).toEqual([]);
    for (const run of [result.capacityGuard, result.baseline]) {
      expect(run.headline.onDemandNodeHours).toBe(0);
      expect(run.headline.timeToCapacitySeconds).toBeLessThanOrEqual(180);
    }
  });
});

describe('tv-peak', async () => {
  const result = await simulate(builtInScenario('tv-peak')!);

  it("against today's CA (1.36, early abort) capacity-guard gains nothing: both have the capacity at about the 150 s floor, in every seed and cache phase", () => {
    // Assess
    const guard = rangeOf(result, 'capacity-guard')!.timeToCapacitySeconds;
    const today = rangeOf(result, 'baseline', '1.36')!.timeToCapacitySeconds;
    expect(result.floorSeconds).toBe(150);
    expect(guard.runs).toBe(60);
    for (const spread of [guard, today]) {
      expect(spread.min).toBeGreaterThanOrEqual(150);
      expect(spread.max).toBeLessThanOrEqual(240);
      expect(spread.neverReady).toBe(0);
    }
    expect(Math.abs(guard.median! - today.median!)).toBeLessThanOrEqual(15);
  });

  it('against CA as run in 2020 (1.23, timers only) the baseline takes ≥ 5x as long', () => {
    // Assess
    const guard = rangeOf(result, 'capacity-guard')!.timeToCapacitySeconds;
    const old = rangeOf(result, 'baseline', '1.23')!.timeToCapacitySeconds;
    expect(old.median!).toBeGreaterThanOrEqual(5 * guard.median!);
    expect(old.min!).toBeGreaterThanOrEqual(5 * 60);
  });

  it('says what the floor bounds and which CA each figure is against', () => {
    // Act
    const text = renderTerminal(result);

    // Assess
    expect(text).toContain(
      'Floor: the demanded capacity cannot be ready in less than 2 min 30 s here (the demand ramps up over 1 min, then a node boots in 1 min 30 s); it bounds every strategy that launches after pods are pending',
    );
    expect(text).toContain('CA 1.36 alone');
    expect(text).toContain('CA 1.23 alone');
    expect(text).toMatch(/Ranges: median \(min – max\) over seeds 1–20 × first cache refresh at \+0 s \/ \+20 s \/ \+40 s \(60 runs each\)/);
  });

  it('prints the assumptions with their sources and how time to capacity moves with boot time and the event delay', () => {
    // Act
    const text = renderTerminal(result);

    // Assess
    expect(result.sensitivity.map((row) => row.change)).toEqual([
      'as assumed',
      'boot 60 s',
      'boot 150 s',
      'launch-failure event after 5 s',
      'launch-failure event after 60 s',
    ]);
    const boot = (change: string) => result.sensitivity.find((row) => row.change === change)!;
    expect(boot('boot 150 s').baseline! - boot('boot 60 s').baseline!).toBe(90);
    expect(text).toContain('docs.aws.amazon.com/eventbridge/latest/ref/events-ref-autoscaling.html');
    expect(text).toMatch(/ASG launch retry while short of capacity: every 10s — an assumption/);
    expect(text).toMatch(/boot time \(launch → node registered and ready\): 90s — an assumption/);
  });

  it("capacity-guard's failover acts on the launch-failure event, after AWS's delays (event 20 s + delivery 1 s)", () => {
    // Assess
    const { timeline } = result.capacityGuard;
    const failed = timeline.find((e) => e.who === 'AWS' && e.text.startsWith('spot-nodes-8x-a: launch failed'))!;
    const suspended = timeline.find((e) => e.who === 'capacity-guard' && e.text.startsWith('take spot-nodes-8x-a out of rotation'))!;
    expect(suspended.t - failed.t).toBe(21);
  });
});

describe('dozen-asgs', async () => {
  const result = await simulate(builtInScenario('dozen-asgs')!);

  it("CA as run in 2020 waits out most of the 45 min Spot outage (the operators' 45 minutes); today's CA walks the 10 Spot groups in about 3 min; capacity-guard probes the Spot tier at the first failure and reaches on-demand near the floor", () => {
    // Assess
    const guard = rangeOf(result, 'capacity-guard')!.timeToCapacitySeconds;
    const today = rangeOf(result, 'baseline', '1.36')!.timeToCapacitySeconds;
    const old = rangeOf(result, 'baseline', '1.23')!.timeToCapacitySeconds;
    expect(old.median! / 60).toBeGreaterThanOrEqual(40);
    expect(today.median! / 60).toBeLessThanOrEqual(5);
    // One LaunchInstances per Spot group and zone shows every Spot pool out: the whole tier leaves rotation at once.
    expect(guard.median!).toBeLessThan(today.median!);
    expect(guard.median!).toBeLessThanOrEqual(1.2 * result.floorSeconds!);
  });
});

describe('Spot interruptions', () => {
  const storm = () =>
    scenarioFromText(
      `
name: storm
description: a small storm
duration: 10m
priorities: '50: ["^spot-"]'
groups:
  - { name: spot-a, market: spot, instanceTypes: [m5.8xlarge], zones: [eu-west-3a, eu-west-3b], max: 60, desired: 30 }
events:
  - { at: 1m, interrupt: { zone: eu-west-3a, count: 12, over: 1m } }
  - { at: 1m, outOfCapacity: { market: spot, zone: eu-west-3a } }
`,
      'storm.yaml',
    );

  it('warns each instance, reclaims it 2 min later, and the group replaces it in another AZ', async () => {
    // Prepare
    const warned: { type: string; instance: string; at: number }[] = [];

    // Act
    const run = await runStrategy(storm(), 'capacity-guard', {
      spotHandler: async (events, world) => {
        for (const event of events) warned.push({ type: event['detail-type'], instance: String(event.detail['instance-id']), at: world.clock.now().getTime() });
      },
    });

    // Assess
    expect(warned).toHaveLength(12);
    expect(new Set(warned.map((w) => w.type))).toEqual(new Set(['EC2 Spot Instance Interruption Warning']));
    expect(new Set(warned.map((w) => w.instance)).size).toBe(12);
    expect(run.timeline.map((e) => e.text)).toContain('all 30 demanded nodes ready (fewest ready: 18, at +03:55)');
    expect(run.notes).toEqual([]);
    expect(run.headline.timeToCapacitySeconds).toBeGreaterThan(3 * 60);
  });

  it('spot-storm drives the real spot code: 200 warnings delivered, every instance tagged for drain, the storm taken as a capacity failure, all of it told to Slack', async () => {
    // Act
    const result = await simulate(builtInScenario('spot-storm')!, { sweep: false });

    // Assess
    const { capacityGuard: guard, baseline } = result;
    expect(guard.eventsDelivered).toBeGreaterThanOrEqual(200);
    const actions = guard.timeline.filter((e) => e.who === 'capacity-guard').map((e) => e.text);
    const drained = actions
      .filter((text) => text.startsWith('tag-for-drain spot-interruption'))
      .reduce((sum, text) => sum + Number(/\((\d+)\)\]$/.exec(text)?.[1] ?? /\[([^\]]*)\]/.exec(text)![1]!.split(',').length), 0);
    expect(drained).toBe(200);
    expect(actions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^take spot-nodes-8x-a out of rotation \(capacity: SpotInterruptionStorm/),
        expect.stringMatching(/^take spot-nodes-8x-b out of rotation \(capacity: SpotInterruptionStorm/),
      ]),
    );
    expect(guard.timeline.some((e) => e.who === 'Slack' && /drain batch/.test(e.text))).toBe(true);
    expect(baseline.timeline.filter((e) => e.who === 'capacity-guard')).toEqual([]);
    // The groups replace the reclaimed instances in the other zones in both runs: the floor is the 2 min storm + 2 min notice.
    expect(result.floorSeconds).toBe(240);
    for (const run of [guard, baseline]) expect(run.headline.timeToCapacitySeconds!).toBeGreaterThanOrEqual(240);
  });

  it('ships a spot-storm scenario of 200 interruptions in one AZ over 2 minutes', () => {
    // Act
    const scenario = builtInScenario('spot-storm')!;

    // Assess
    expect(scenario.events).toContainEqual({ at: 60_000, interrupt: { zone: 'eu-west-3a', count: 200, over: 120_000 } });
  });
});
