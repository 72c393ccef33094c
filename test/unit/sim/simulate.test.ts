/**
 * The simulator, end to end on small nights: deterministic for a seed, quiet when Spot is
 * healthy, and a cluster-autoscaler model that behaves as documented.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../lib/sim/run';
import { runStrategy } from '../../../lib/sim/run';
import { scenarioFromText } from '../../../lib/sim/scenario';
import { builtInScenario } from '../../../lib/sim/scenario-files';
import { renderTerminal } from '../../../lib/sim/render-terminal';
import { simulate } from '../../../lib/sim/simulate';
import { scenarioYaml } from './story';

const scenario = (options: Parameters<typeof scenarioYaml>[0] = {}) => scenarioFromText(scenarioYaml(options), 'test.yaml');

/** Seconds until cluster-autoscaler first raised an on-demand group. */
function onDemandReachedAt(run: RunResult): number | null {
  return run.timeline.find((entry) => entry.who === 'cluster-autoscaler' && /^scale up on-demand-/.test(entry.text))?.t ?? null;
}

describe('simulate: determinism', () => {
  it('replays the identical night for the same seed', async () => {
    // Act
    const first = await simulate(scenario({ seed: 11 }));
    const second = await simulate(scenario({ seed: 11 }));

    // Assess
    expect(JSON.stringify([second.capacityGuard, second.baseline])).toBe(JSON.stringify([first.capacityGuard, first.baseline]));
    expect(first.capacityGuard.timeline.length).toBeGreaterThan(5);
  });

  it('a different seed can break cluster-autoscaler ties differently', async () => {
    // Act
    const seeds = await Promise.all([1, 2, 3, 4, 5, 6].map(async (seed) => (await runStrategy(scenario({ seed, spotGroups: 4 }), 'baseline')).timeline.map((e) => e.text).join('\n')));

    // Assess
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });
});

describe('simulate: healthy Spot', () => {
  it('capacity-guard takes no action and the peak is served from Spot in both runs', async () => {
    // Act
    const result = await simulate(scenario({ ice: false }));

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

describe('the cluster-autoscaler model (baseline)', () => {
  it('with 10 Spot groups, 5 min provision time and backoffs that outlast the tier, reaches on-demand after ~50 min (each Spot group tried once)', async () => {
    // Prepare: the operators' description — "it will try all the ASGs in this group before moving on" —
    // with the whole peak at once (a ramp spreads CA's scale-ups over several groups in parallel).
    const night = scenario({ spotGroups: 10, duration: '70m', initialBackoff: '2h', rampOver: '0s' });

    // Act
    const run = await runStrategy(night, 'baseline');

    // Assess
    const reached = onDemandReachedAt(run);
    expect(reached).not.toBeNull();
    expect(reached! / 60).toBeGreaterThanOrEqual(48);
    expect(reached! / 60).toBeLessThanOrEqual(53);
    expect(run.timeline.filter((entry) => /timed out \(5 min\)/.test(entry.text))).toHaveLength(10);
  });

  it('with the early abort of newer CA releases (earlyAbort: 65s), each of 10 Spot groups costs about a minute, not 5: on-demand after ~12 min', async () => {
    // Act
    const run = await runStrategy(scenario({ spotGroups: 10, duration: '70m', initialBackoff: '2h', rampOver: '0s', earlyAbort: '65s' }), 'baseline');

    // Assess
    const reached = onDemandReachedAt(run)!;
    expect(reached / 60).toBeGreaterThanOrEqual(10);
    expect(reached / 60).toBeLessThanOrEqual(15);
    const aborted = run.timeline.filter((entry) => /aborted early \(scaling activity failed \d+ s ago\)/.test(entry.text));
    expect(aborted).toHaveLength(10);
    expect(run.timeline.filter((entry) => /timed out/.test(entry.text))).toEqual([]);
  });

  it("with CA's own backoff (5 → 30 min) expired Spot groups are tried again: 10 Spot groups have not reached on-demand after 50 min", async () => {
    // Act
    const run = await runStrategy(scenario({ spotGroups: 10, duration: '55m' }), 'baseline');

    // Assess
    expect(onDemandReachedAt(run)).toBeNull();
    expect(run.timeline.filter((entry) => /timed out/.test(entry.text)).length).toBeGreaterThanOrEqual(10);
  });

  it('restarts a waiting group\'s provision timer when it adds nodes to it, as CA does (registerOrUpdateScaleUpNoLock)', async () => {
    // Act: one Spot group, the peak ramps over 2 min, so CA raises the same group several times.
    const run = await runStrategy(scenario({ spotGroups: 1, rampOver: '2m' }), 'baseline');

    // Assess
    const timedOut = run.timeline.find((entry) => /^scale-up of spot-nodes-0 timed out/.test(entry.text))!;
    const raises = run.timeline.filter((entry) => /^scale up spot-nodes-0:/.test(entry.text) && entry.t < timedOut.t);
    expect(raises.length).toBeGreaterThan(1);
    expect(timedOut.t - raises.at(-1)!.t).toBe(300);
  });

  it('backs a group off 5 min after its first timeout and doubles it after the next', async () => {
    // Act
    const run = await runStrategy(scenario({ spotGroups: 2, duration: '30m' }), 'baseline');

    // Assess
    const backoffs = run.timeline.flatMap((entry) => /timed out .* backed off (\d+) min/.exec(entry.text)?.[1] ?? []);
    expect(backoffs.slice(0, 4)).toEqual(['5', '5', '10', '10']);
  });

  it('caps the doubling at --max-node-group-backoff-duration (30 min)', async () => {
    // Prepare: one Spot group and no on-demand room, so CA keeps retrying the one group all night
    const text = scenarioYaml({ spotGroups: 1, duration: '100m' }).replace(/(name: on-demand-a, .*) max: 50,/, '$1 max: 0,');

    // Act
    const run = await runStrategy(scenarioFromText(text, 'one-group.yaml'), 'baseline');

    // Assess: 5, 10, 20, then 30 instead of 40 and 80
    const backoffs = run.timeline.flatMap((entry) => /timed out .* backed off (\d+) min/.exec(entry.text)?.[1] ?? []);
    expect(backoffs).toEqual(['5', '10', '20', '30', '30']);
  });
});

describe('tv-peak', () => {
  it('capacity-guard has the demanded capacity within a few minutes, the baseline model takes ≥ 5x as long', async () => {
    // Act
    const result = await simulate(builtInScenario('tv-peak')!);

    // Assess
    expect(result.capacityGuard.headline.timeToCapacitySeconds).toBeLessThanOrEqual(240);
    expect(result.baseline.headline.timeToCapacitySeconds).toBeGreaterThanOrEqual(15 * 60);
    expect(result.timeToCapacityRatio).toBeGreaterThanOrEqual(5);
    expect(result.capacityGuard.headline.unmetNodeMinutes).toBeLessThan(result.baseline.headline.unmetNodeMinutes / 5);
  });

  it('says why the ratio stays under 10: both times hold the 60 s ramp and the 90 s boot no strategy can avoid', async () => {
    // Act
    const result = await simulate(builtInScenario('tv-peak')!);

    // Assess
    const guard = result.capacityGuard.headline.timeToCapacitySeconds!;
    const base = result.baseline.headline.timeToCapacitySeconds!;
    expect(result.floorSeconds).toBe(150);
    expect(guard).toBeGreaterThanOrEqual(150);
    // capacity-guard adds at most CA's loop and the event delays on top of the floor.
    expect(guard - 150).toBeLessThanOrEqual(30);
    expect(result.timeToCapacityRatio!).toBeLessThanOrEqual(base / 150);
    const text = renderTerminal(result);
    expect(text).toContain('Floor: no strategy can have the demanded capacity ready in less than 2 min 30 s here (the demand ramps up over 1 min, then a node boots in 1 min 30 s).');
    expect(text).toContain(`Beyond that floor capacity-guard took ${guard - 150} s`);
    expect(text).toContain(`cannot exceed ${base} s ÷ 150 s = ${Math.floor((base / 150) * 10) / 10} on this scenario`);
  });

  it("capacity-guard's failover acts on the launch-failure event, after AWS's delays (event 20 s + delivery 1 s)", async () => {
    // Act
    const { timeline } = (await simulate(builtInScenario('tv-peak')!)).capacityGuard;

    // Assess
    const failed = timeline.find((e) => e.who === 'AWS' && e.text.startsWith('spot-nodes-8x-a: launch failed'))!;
    const suspended = timeline.find((e) => e.who === 'capacity-guard' && e.text.startsWith('take spot-nodes-8x-a out of rotation'))!;
    expect(suspended.t - failed.t).toBe(21);
  });
});

describe('tv-peak-early-abort', () => {
  it('is tv-peak against the early abort of newer CA releases: the baseline reaches on-demand within minutes', async () => {
    // Act
    const result = await simulate(builtInScenario('tv-peak-early-abort')!);

    // Assess
    expect(result.scenario.clusterAutoscaler.earlyAbort).toBe(65_000);
    expect(result.baseline.timeline.some((entry) => /aborted early/.test(entry.text))).toBe(true);
    expect(result.baseline.headline.timeToCapacitySeconds! / 60).toBeLessThan(5);
    expect(result.capacityGuard.headline.timeToCapacitySeconds).toBeLessThanOrEqual(result.baseline.headline.timeToCapacitySeconds!);
  });
});

describe('dozen-asgs', () => {
  it("the baseline model waits out most of the 45 min Spot outage (the operators' 45 minutes), capacity-guard reaches on-demand well before", async () => {
    // Act
    const result = await simulate(builtInScenario('dozen-asgs')!);

    // Assess
    const guard = result.capacityGuard.headline.timeToCapacitySeconds!;
    const base = result.baseline.headline.timeToCapacitySeconds!;
    expect(base / 60).toBeGreaterThanOrEqual(40);
    expect(onDemandReachedAt(result.baseline)).toBeNull();
    expect(guard).toBeLessThan(base / 2);
    expect(onDemandReachedAt(result.capacityGuard)).not.toBeNull();
    expect(result.capacityGuard.headline.unmetNodeMinutes).toBeLessThan(result.baseline.headline.unmetNodeMinutes / 2);
  });
});

describe('Spot interruptions', () => {
  const storm = (spotHandlerWired: boolean) =>
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
      spotHandlerWired ? 'wired.yaml' : 'storm.yaml',
    );

  it('warns each instance, reclaims it 2 min later, and the group replaces it in another AZ', async () => {
    // Prepare
    const warned: { type: string; instance: string; at: number }[] = [];

    // Act
    const run = await runStrategy(storm(true), 'capacity-guard', {
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

  it('says so when the spot handling is not wired', async () => {
    // Act
    const run = await runStrategy(storm(false), 'capacity-guard');

    // Assess
    expect(run.timeline.filter((e) => e.who === 'capacity-guard').map((e) => e.text)).toEqual(['spot handling not wired yet (issue 3): interruption warnings are not acted on']);
    expect(run.notes).toEqual([expect.stringContaining('spot handling not wired yet')]);
  });

  it('spot-storm drives the real spot code: 200 warnings delivered, every instance tagged for drain, the storm taken as a capacity failure, all of it told to Slack', async () => {
    // Act
    const result = await simulate(builtInScenario('spot-storm')!);

    // Assess
    const { capacityGuard: guard, baseline } = result;
    expect(guard.eventsDelivered).toBe(200);
    const actions = guard.timeline.filter((e) => e.who === 'capacity-guard').map((e) => e.text);
    const drained = actions.filter((text) => text.startsWith('tag-for-drain spot-interruption')).reduce((sum, text) => sum + Number(/\((\d+)\)\]$/.exec(text)?.[1] ?? /\[([^\]]*)\]/.exec(text)![1]!.split(',').length), 0);
    expect(drained).toBe(200);
    expect(actions).toEqual(expect.arrayContaining([expect.stringMatching(/^take spot-nodes-8x-a out of rotation \(capacity: SpotInterruptionStorm/), expect.stringMatching(/^take spot-nodes-8x-b out of rotation \(capacity: SpotInterruptionStorm/)]));
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
